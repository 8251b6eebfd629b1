import { describe, expect, it } from "vitest";
import { i18next } from "@threadline/ui";
import { describeAudit, type AuditRow } from "./audit-text.ts";

const t = i18next.getFixedT("ru");
const row = (action: string, details: Record<string, unknown>, more: Partial<AuditRow> = {}): AuditRow => ({
  action,
  details,
  targetName: null,
  assigneeName: null,
  importSummary: null,
  roleNames: { owner: "Владелец", manager: "Менеджер", traffic: "Трафик" },
  ...more,
});

describe("audit entries in words", () => {
  it("names the employee and the roles, not their keys", () => {
    expect(describeAudit(t, row("member.role_changed", { from: "manager", to: "traffic" }, { targetName: "Никита" }))).toBe("Никита: Менеджер → Трафик");
  });

  it("names the client and the stages", () => {
    expect(describeAudit(t, row("conversation.stage_changed", { from: "assigned", to: "won" }, { targetName: "Анна" }))).toBe("Клиент Анна: В работе → Продажа");
    expect(describeAudit(t, row("conversation.assigned", { assigneeId: "m1" }, { targetName: "Анна", assigneeName: "Мария" }))).toBe("Клиент Анна → Мария");
  });

  it("says what an import brought in, and from where", () => {
    const text = describeAudit(
      t,
      row("import.start", { source: "vk_api" }, { targetName: "Цветы", importSummary: { source: "vk_api", state: "done", dialogs: 12, totalDialogs: 12, messages: 340, error: null } }),
    );
    expect(text).toBe("История VK из сообщества «Цветы»: диалогов 12 из 12, сообщений 340");
  });

  it("words a role's new permissions and hidden fields", () => {
    const text = describeAudit(
      t,
      row("role.updated", { key: "manager", before: { permissions: ["inbox.use"], hiddenFields: [] }, after: { permissions: ["inbox.use", "conversations.viewAll"], hiddenFields: ["contact.phone"] } }, { targetName: "Менеджер" }),
    );
    expect(text).toBe("«Менеджер»: разрешено: Видеть все диалоги, а не только свои; скрыто: Телефон клиента");
  });

  it("shows no internal key for any action the log knows", () => {
    // Each action with the details its writer stores.
    const samples: Record<string, Record<string, unknown>> = {
      "project.created": { name: "Зерно" },
      "project.updated": { name: "Зерно", timezone: "Europe/Moscow" },
      "member.invited": { email: "a@b.ru", role: "manager" },
      "member.joined": { email: "a@b.ru" },
      "member.role_changed": { from: "manager", to: "traffic" },
      "member.deactivated": { userId: "u1" },
      "member.reactivated": { userId: "u1" },
      "invitation.revoked": { email: "a@b.ru" },
      "invitation.renewed": { email: "a@b.ru" },
      "role.updated": { key: "manager", before: { permissions: [], hiddenFields: [] }, after: { permissions: ["inbox.use"], hiddenFields: [] } },
      "role.created": { name: "Стажёр" },
      "channel.connected": { kind: "telegram", name: "Бот", delivery: "polling" },
      "channel.paused": { name: "Бот" },
      "channel.resumed": { name: "Бот" },
      "channel.delivery_changed": { name: "Бот", from: "webhook", to: "polling" },
      "conversation.assigned": { assigneeId: "m1" },
      "conversation.stage_changed": { from: "assigned", to: "won" },
      "agent.updated": { enabled: true, script: ["facts", "faq"], llm: { model: "gpt", keyChanged: true } },
      "agent.example_removed": {},
      "import.start": { channelId: "c1", source: "vk_api" },
      "import.pause": {},
      "import.resume": {},
      "import.cancel": {},
      "template.created": { name: "Доставка" },
      "template.updated": { name: "Доставка" },
      "template.removed": { name: "Доставка" },
      "member.rotation_changed": { inRotation: true, weight: 2, pausedUntil: "2026-12-20T00:00:00.000Z" },
      "rotation.rule_created": { channelId: "c1", source: "vk_ads", membershipIds: ["m1"] },
      "rotation.rule_removed": {},
      "staff_bot.connected": { username: "zerno_staff_bot" },
      "staff_bot.removed": { username: "zerno_staff_bot" },
      "contact.updated": { fields: ["name", "phone"] },
      "tag.created": { name: "VIP" },
      "tag.updated": { name: "Постоянный", previousName: "VIP" },
      "tag.deleted": { name: "VIP" },
      "media.added": { name: "Меню недели.pdf" },
      "media.renamed": { name: "Меню недели.pdf" },
      "media.removed": { name: "Меню недели.pdf" },
      "conversation.archived": {},
      "conversation.unarchived": {},
      "voice.updated": { voiceId: "v1", modelId: null, keyChanged: true },
      "payments.account_connected": { provider: "yookassa" },
      "payments.account_updated": { provider: "stripe" },
      "payments.account_removed": { provider: "yookassa" },
    };
    const importSummary = { source: "vk_api", state: "running", dialogs: 3, totalDialogs: null, messages: 0, error: null };
    for (const action of Object.keys(i18next.getResourceBundle("ru", "translation").auditAction as object)) {
      expect(samples[action], `a sample for ${action}`).toBeDefined();
      const text = describeAudit(t, row(action, samples[action]!, { targetName: "Никита", assigneeName: "Мария", importSummary: action.startsWith("import.") ? importSummary : null }));
      expect(text, action).not.toMatch(/\b(manager|traffic|assigned|won|polling|webhook|vk_api|telegram_export|facts|faq|inbox\.use)\b|(?<![@\w.])[a-z]+\.[a-z_]+/);
      expect(text, action).not.toBe("");
    }
  });
});
