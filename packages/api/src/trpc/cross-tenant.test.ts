import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { contactNotes, importRuns, notifications, withTenant } from "@threadline/db";
import { recordUpload, uploadPrefix } from "@threadline/domain/conversations/uploads.ts";
import { solidPng } from "@threadline/simulators/channels";
import { createTestEnv, type TestEnv } from "@threadline/testing";
import { appRouter } from "./index.ts";

// A member of project A (its owner, who may do everything in A) uses B's ids with every
// procedure that takes an id. Each call must fail with NOT_FOUND or FORBIDDEN, and B's rows
// must be byte-for-byte what they were.
let env: TestEnv;
let A: Awaited<ReturnType<TestEnv["createTenant"]>>;
let B: Awaited<ReturnType<TestEnv["createTenant"]>>;
let bInvitationId: string;
let bExampleId: string;
let bNotificationId: string;
let bImportRunId: string;
let bTemplateId: string;
let bRecordingKey: string;
let bProductId: string;
let bOrderId: string;
let bAccountId: string;
let bRuleId: string;
let bDocumentId: string;
let bLinkId: string;
let bMessageId: number;
let bTagId: string;
let bNoteId: string;
let bMediaId: string;

type Tenant = typeof A;
type Case = (a: Tenant, b: Tenant) => unknown[];

/** B's objects asked for in B's project, then under A's project id. */
const inBothProjects = (a: Tenant, b: Tenant, ids: Record<string, unknown>) => [
  { projectId: b.project.id, ...ids },
  { projectId: a.project.id, ...ids },
];

// For each procedure: inputs that aim at B, first with B's project id, then with A's project id
// and B's object ids.
const cases: Record<string, Case> = {
  "projects.get": (_a, b) => [{ projectId: b.project.id }],
  "projects.update": (_a, b) => [{ projectId: b.project.id, name: "Захвачен" }],
  "projects.access": (_a, b) => [{ projectId: b.project.id }],
  "staff.list": (_a, b) => [{ projectId: b.project.id }],
  "staff.invitations": (_a, b) => [{ projectId: b.project.id }],
  "staff.invite": (a, b) => inBothProjects(a, b, { email: "x@example.test", roleId: b.manager.roleId }),
  "staff.revokeInvitation": (a, b) => inBothProjects(a, b, { invitationId: bInvitationId }),
  "staff.invitationLink": (a, b) => inBothProjects(a, b, { invitationId: bInvitationId }),
  "staff.changeRole": (a, b) => [
    { projectId: b.project.id, membershipId: b.manager.membershipId, roleId: b.admin.roleId },
    { projectId: a.project.id, membershipId: b.manager.membershipId, roleId: a.admin.roleId },
    { projectId: a.project.id, membershipId: a.manager.membershipId, roleId: b.admin.roleId },
  ],
  "staff.deactivate": (a, b) => inBothProjects(a, b, { membershipId: b.manager.membershipId }),
  "staff.reactivate": (a, b) => inBothProjects(a, b, { membershipId: b.finance.membershipId }),
  "roles.catalog": (_a, b) => [{ projectId: b.project.id }],
  "roles.list": (_a, b) => [{ projectId: b.project.id }],
  "roles.update": (a, b) => inBothProjects(a, b, { roleId: b.manager.roleId, permissions: ["inbox.use"] }),
  "roles.create": (a, b) => [
    { projectId: b.project.id, name: "Чужая" },
    { projectId: a.project.id, name: "Копия", copyFromRoleId: b.manager.roleId },
  ],
  "audit.list": (_a, b) => [{ projectId: b.project.id }],
  "templates.list": (_a, b) => [{ projectId: b.project.id }],
  "templates.create": (a, b) => [
    { projectId: b.project.id, title: "Чужой", text: "Чужой шаблон" },
    { projectId: a.project.id, title: "С чужим файлом", text: "Меню", mediaIds: [bMediaId] },
  ],
  "templates.update": (a, b) => inBothProjects(a, b, { templateId: bTemplateId, title: "Чужой", text: "Чужой шаблон" }),
  "templates.remove": (a, b) => inBothProjects(a, b, { templateId: bTemplateId }),
  // Another project's library file is never listed, attached, sent or removed.
  "media.list": (_a, b) => [{ projectId: b.project.id }],
  "media.addUpload": (a, b) => inBothProjects(a, b, { storageKey: bRecordingKey, fileName: "чужой.ogg", mime: "audio/ogg" }),
  "media.library": (_a, b) => [{ projectId: b.project.id }],
  "media.rename": (a, b) => inBothProjects(a, b, { mediaId: bMediaId, name: "Чужое имя" }),
  "media.remove": (a, b) => [...inBothProjects(a, b, { mediaId: bMediaId }), ...inBothProjects(a, b, { mediaId: bMediaId, detach: true })],
  "analytics.spend": (_a, b) => [{ projectId: b.project.id, from: "2026-11-01", to: "2026-11-30" }],
  "analytics.traffic": (_a, b) => [{ projectId: b.project.id, from: "2026-11-01", to: "2026-11-30" }],
  "analytics.performance": (_a, b) => [{ projectId: b.project.id, from: "2026-11-01", to: "2026-11-30" }],
  "rotation.projectHours": (_a, b) => [{ projectId: b.project.id }],
  "rotation.setProjectHours": (_a, b) => [{ projectId: b.project.id, workHours: { days: { "1": [{ from: "09:00", to: "18:00" }] } } }],
  "analytics.links": (_a, b) => [{ projectId: b.project.id }],
  "analytics.createLink": (_a, b) => [{ projectId: b.project.id, name: "Чужая", kind: "telegram", target: "alien_bot", source: "x" }],
  "analytics.deleteLink": (a, b) => inBothProjects(a, b, { linkId: bLinkId }),
  "channels.list": (_a, b) => [{ projectId: b.project.id }],
  "imports.list": (_a, b) => [{ projectId: b.project.id }],
  "imports.channels": (_a, b) => [{ projectId: b.project.id }],
  "imports.get": (a, b) => inBothProjects(a, b, { runId: bImportRunId }),
  "imports.startVk": (a, b) => inBothProjects(a, b, { channelId: b.channel.id }),
  "imports.pause": (a, b) => inBothProjects(a, b, { runId: bImportRunId }),
  "imports.resume": (a, b) => inBothProjects(a, b, { runId: bImportRunId }),
  "imports.cancel": (a, b) => inBothProjects(a, b, { runId: bImportRunId }),
  "channels.connectTelegram": (_a, b) => [{ projectId: b.project.id, token: "123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }],
  "channels.connectVk": (_a, b) => [{ projectId: b.project.id, token: "vk1.a.AAAAAAAAAAAAAAAAAAAAAAAA", groupId: 1 }],
  "channels.setState": (a, b) => inBothProjects(a, b, { channelId: b.channel.id, state: "paused" }),
  "channels.setDelivery": (a, b) => inBothProjects(a, b, { channelId: b.channel.id, delivery: "polling" }),
  "conversations.list": (_a, b) => [{ projectId: b.project.id }, { projectId: b.project.id, channelId: b.channel.id }],
  "conversations.unreadCount": (_a, b) => [{ projectId: b.project.id }],
  "conversations.get": (a, b) => inBothProjects(a, b, { conversationId: b.conversationId }),
  "conversations.messages": (a, b) => inBothProjects(a, b, { conversationId: b.conversationId }),
  "conversations.markRead": (a, b) => inBothProjects(a, b, { conversationId: b.conversationId }),
  "conversations.markUnread": (a, b) => inBothProjects(a, b, { conversationId: b.conversationId }),
  "conversations.assignees": (_a, b) => [{ projectId: b.project.id }],
  "conversations.assign": (a, b) => [
    { projectId: b.project.id, conversationId: b.conversationId, assigneeId: b.manager.membershipId },
    { projectId: a.project.id, conversationId: b.conversationId, assigneeId: a.manager.membershipId },
    { projectId: a.project.id, conversationId: a.conversationId, assigneeId: b.manager.membershipId },
  ],
  "conversations.setAi": (a, b) => inBothProjects(a, b, { conversationId: b.conversationId, enabled: false }),
  "conversations.setArchived": (a, b) => inBothProjects(a, b, { conversationId: b.conversationId, archived: true }),
  "conversations.reply": (a, b) => [
    ...inBothProjects(a, b, { conversationId: b.conversationId, text: "Чужой ответ" }),
    { projectId: a.project.id, conversationId: a.conversationId, text: "", mediaIds: [bMediaId] },
  ],
  "conversations.editMessage": (a, b) => inBothProjects(a, b, { messageId: bMessageId, text: "Чужая правка" }),
  "conversations.deleteMessage": (a, b) => inBothProjects(a, b, { messageId: bMessageId }),
  "agent.get": (_a, b) => [{ projectId: b.project.id }],
  "agent.update": (a, b) => [
    { projectId: b.project.id, enabled: false },
    { projectId: a.project.id, channels: { [b.channel.id]: false } },
    // Another project's key is neither checked nor saved.
    { projectId: b.project.id, llm: { model: "gpt-4o-mini", apiKey: "sk-their-key" } },
  ],
  "agent.examples": (_a, b) => [{ projectId: b.project.id }],
  "agent.backlog": (_a, b) => [{ projectId: b.project.id }],
  "agent.health": (_a, b) => [{ projectId: b.project.id }],
  "agent.removeExample": (a, b) => inBothProjects(a, b, { exampleId: bExampleId }),
  "agent.sandbox": (_a, b) => [{ projectId: b.project.id, messages: [{ author: "client", text: "Сколько стоит доставка?" }] }],
  "copilot.suggest": (a, b) => inBothProjects(a, b, { conversationId: b.conversationId }),
  "copilot.summary": (a, b) => inBothProjects(a, b, { conversationId: b.conversationId }),
  "leads.setStage": (a, b) => inBothProjects(a, b, { conversationId: b.conversationId, stage: "lost" }),
  "leads.events": (a, b) => inBothProjects(a, b, { conversationId: b.conversationId }),
  "notifications.list": (_a, b) => [{ projectId: b.project.id }],
  "notifications.unreadCount": (_a, b) => [{ projectId: b.project.id }],
  "notifications.markRead": (a, b) => [
    { projectId: b.project.id },
    { projectId: a.project.id, ids: [bNotificationId] },
  ],
  "conversations.updateContact": (a, b) => inBothProjects(a, b, { conversationId: b.conversationId, name: "Чужое имя", phone: "+79990001122" }),
  "voice.settings": (_a, b) => [{ projectId: b.project.id }],
  "voice.updateSettings": (_a, b) => [{ projectId: b.project.id, voiceId: "чужой-голос", apiKey: "чужой-ключ" }],
  "voice.speak": (a, b) => inBothProjects(a, b, { conversationId: b.conversationId, text: "Чужой голос" }),
  "voice.fromRecording": (a, b) => inBothProjects(a, b, { storageKey: bRecordingKey }),
  "catalog.get": (_a, b) => [{ projectId: b.project.id }],
  "catalog.save": (_a, b) => [{ projectId: b.project.id, products: [{ name: "Чужой", priceMinor: 100 }] }],
  "catalog.setAvailable": (a, b) => inBothProjects(a, b, { productId: bProductId, available: false }),
  "catalog.archive": (a, b) => inBothProjects(a, b, { productId: bProductId }),
  "catalog.menuChannels": (_a, b) => [{ projectId: b.project.id }],
  "catalog.previewImport": (_a, b) => [{ projectId: b.project.id, file: Buffer.from("Категория;Товар;Описание;Цена;В наличии;Добавки;Предлагать вместе с\nКофе;Чужой;;1;да;;\n").toString("base64") }],
  "catalog.applyImport": (_a, b) => [{ projectId: b.project.id, file: Buffer.from("Категория;Товар;Описание;Цена;В наличии;Добавки;Предлагать вместе с\nКофе;Чужой;;1;да;;\n").toString("base64") }],
  "catalog.exportCsv": (_a, b) => [{ projectId: b.project.id }],
  "catalog.setMenuBot": (a, b) => inBothProjects(a, b, { channelId: b.channel.id, enabled: true }),
  "orders.board": (_a, b) => [{ projectId: b.project.id }],
  "orders.forConversation": (a, b) => inBothProjects(a, b, { conversationId: b.conversationId }),
  "orders.history": (a, b) => inBothProjects(a, b, { orderId: bOrderId }),
  "orders.create": (a, b) => [
    { projectId: b.project.id, conversationId: b.conversationId, lines: [{ productId: bProductId, optionIds: [], quantity: 1 }] },
    { projectId: a.project.id, conversationId: b.conversationId, lines: [{ productId: bProductId, optionIds: [], quantity: 1 }] },
  ],
  "orders.setStatus": (a, b) => inBothProjects(a, b, { orderId: bOrderId, status: "cancelled" }),
  "orders.templates": (_a, b) => [{ projectId: b.project.id }],
  "orders.setTemplates": (_a, b) => [{ projectId: b.project.id, templates: { ready: "Чужой" } }],
  // Payments
  "paymentAccounts.list": (_a, b) => [{ projectId: b.project.id }],
  "paymentAccounts.save": (a, b) => [
    { projectId: b.project.id, provider: "yookassa", name: "Чужой", shopId: "1", secretKey: "чужой", currency: "RUB" },
    { projectId: a.project.id, accountId: bAccountId, provider: "yookassa", name: "Захвачен", shopId: "1", currency: "RUB" },
  ],
  "paymentAccounts.remove": (a, b) => inBothProjects(a, b, { accountId: bAccountId }),
  "payments.bill": (a, b) => [
    ...inBothProjects(a, b, { conversationId: b.conversationId, amount: 1000, description: "Чужой счёт" }),
    { projectId: a.project.id, conversationId: a.conversationId, amount: 1000, description: "Чужим счётом", accountId: bAccountId },
  ],
  "payments.billOrder": (a, b) => inBothProjects(a, b, { orderId: bOrderId }),
  "payments.markPaid": (a, b) => [
    ...inBothProjects(a, b, { conversationId: b.conversationId, amount: 1000, method: "cash" }),
    ...inBothProjects(a, b, { conversationId: b.conversationId, method: "cash", orderId: bOrderId }),
    // A's own conversation, paid as B's order: the order is not found.
    { projectId: a.project.id, conversationId: a.conversationId, method: "cash", orderId: bOrderId },
  ],
  "payments.forConversation": (a, b) => inBothProjects(a, b, { conversationId: b.conversationId }),
  // Rotation rules and the waiting queue.
  "rotation.updateMember": (a, b) => inBothProjects(a, b, { membershipId: b.manager.membershipId, weight: 5 }),
  "rotation.rules": (_a, b) => [{ projectId: b.project.id }],
  "rotation.createRule": (a, b) => [
    { projectId: b.project.id, source: "vk", membershipIds: [b.manager.membershipId] },
    { projectId: a.project.id, source: "vk", membershipIds: [b.manager.membershipId] },
    { projectId: a.project.id, channelId: b.channel.id, membershipIds: [a.manager.membershipId] },
  ],
  "rotation.removeRule": (a, b) => inBothProjects(a, b, { ruleId: bRuleId }),
  "rotation.queue": (_a, b) => [{ projectId: b.project.id }],
  // Alerts and the staff bot.
  "alerts.settings": (_a, b) => [{ projectId: b.project.id }],
  "alerts.update": (_a, b) => [{ projectId: b.project.id, desktop: false }],
  "alerts.linkTelegram": (_a, b) => [{ projectId: b.project.id }],
  "alerts.unlinkTelegram": (_a, b) => [{ projectId: b.project.id }],
  "staffBot.get": (_a, b) => [{ projectId: b.project.id }],
  "staffBot.connect": (_a, b) => [{ projectId: b.project.id, token: "123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }],
  "staffBot.remove": (_a, b) => [{ projectId: b.project.id }],
  "staffBot.setResponseTarget": (_a, b) => [{ projectId: b.project.id, minutes: 5 }],
  "channelHealth.problems": (_a, b) => [{ projectId: b.project.id }],
  "knowledge.list": (_a, b) => [{ projectId: b.project.id }],
  "knowledge.get": (a, b) => inBothProjects(a, b, { documentId: bDocumentId }),
  "knowledge.addUpload": (a, b) => inBothProjects(a, b, { storageKey: bRecordingKey, fileName: "чужой.txt" }),
  "knowledge.addText": (_a, b) => [{ projectId: b.project.id, title: "Чужой", text: "Чужой документ" }],
  "knowledge.remove": (a, b) => inBothProjects(a, b, { documentId: bDocumentId }),
  "payments.list": (_a, b) => [{ projectId: b.project.id, from: "2026-01-01", to: "2026-12-31" }],
  "tags.list": (_a, b) => [{ projectId: b.project.id }],
  "tags.create": (_a, b) => [{ projectId: b.project.id, name: "Чужой" }],
  "tags.update": (a, b) => inBothProjects(a, b, { tagId: bTagId, name: "Захвачен" }),
  "tags.remove": (a, b) => inBothProjects(a, b, { tagId: bTagId }),
  "conversations.clientCard": (a, b) => inBothProjects(a, b, { conversationId: b.conversationId }),
  "conversations.setTag": (a, b) => [
    ...inBothProjects(a, b, { conversationId: b.conversationId, tagId: bTagId, attached: true }),
    { projectId: a.project.id, conversationId: a.conversationId, tagId: bTagId, attached: true },
  ],
  "conversations.addNote": (a, b) => inBothProjects(a, b, { conversationId: b.conversationId, text: "Чужая заметка" }),
  "conversations.editNote": (a, b) => [
    ...inBothProjects(a, b, { conversationId: b.conversationId, noteId: bNoteId, text: "Захвачена" }),
    { projectId: a.project.id, conversationId: a.conversationId, noteId: bNoteId, text: "Захвачена" },
  ],
  "conversations.deleteNote": (a, b) => [
    ...inBothProjects(a, b, { conversationId: b.conversationId, noteId: bNoteId }),
    { projectId: a.project.id, conversationId: a.conversationId, noteId: bNoteId },
  ],
};

// Procedures that take no tenant id at all (they act on the caller's own account).
const accountScoped = ["auth.me", "auth.signIn", "auth.signOut", "auth.signOutEverywhere", "auth.invitation", "auth.acceptInvitation", "projects.mine", "projects.create"];

async function snapshotB(): Promise<string> {
  const tables = ["projects", "roles", "memberships", "invitations", "audit_log", "channels", "contacts", "conversations", "messages", "conversation_reads", "lead_events", "notifications", "agent_settings", "won_examples", "usage_records", "reply_templates", "catalog_products", "catalog_options", "orders", "order_items", "order_status_events", "payment_accounts", "payments", "payment_events", "rotation_rules", "staff_links", "staff_bots", "kb_documents", "kb_passages", "tags", "contact_tags", "contact_notes", "media_files", "reply_template_media", "attachments", "upload_channel_refs"];
  const parts: string[] = [];
  for (const t of tables) {
    const col = t === "projects" ? "id" : "project_id";
    const rows = await env.owner.execute(
      sql`select row_to_json(x)::text as r from ${sql.identifier(t)} x where ${sql.identifier(col)} = ${B.project.id} order by 1`,
    );
    parts.push(`${t}:${rows.map((r) => (r as { r: string }).r).join("|")}`);
  }
  return parts.join("\n");
}

beforeAll(async () => {
  env = await createTestEnv();
  A = await env.createTenant("Alpha");
  B = await env.createTenant("Beta");
  const inv = await env.caller(B.owner.token).staff.invite({ projectId: B.project.id, email: "new@example.test", roleId: B.manager.roleId });
  bInvitationId = inv.id;
  await env.caller(B.owner.token).staff.deactivate({ projectId: B.project.id, membershipId: B.finance.membershipId });
  await env.caller(B.owner.token).agent.update({ projectId: B.project.id, script: { greeting: "Здравствуйте! Это Бета." } });
  await env.caller(B.owner.token).leads.setStage({ projectId: B.project.id, conversationId: B.conversationId, stage: "won" });
  bExampleId = (await env.caller(B.owner.token).agent.examples({ projectId: B.project.id }))[0]!.id;
  const [note] = await withTenant(env.db, B.project.id, (tx) =>
    tx.insert(notifications).values({ projectId: B.project.id, membershipId: B.manager.membershipId, conversationId: B.conversationId, kind: "lead.assigned", text: "Вам назначен новый лид с контактом" }).returning(),
  );
  bNotificationId = note!.id;
  const [run] = await withTenant(env.db, B.project.id, (tx) => tx.insert(importRuns).values({ projectId: B.project.id, channelId: B.channel.id, source: "telegram_export", state: "paused" }).returning());
  bImportRunId = run!.id;
  bMessageId = (await env.caller(B.owner.token).conversations.reply({ projectId: B.project.id, conversationId: B.conversationId, text: "Ответ B" })).messageId;
  const bPhotoKey = `${uploadPrefix(B.project.id)}menu-photo`;
  await env.deps.storage.put(bPhotoKey, solidPng(8, 8));
  await withTenant(env.db, B.project.id, (tx) => recordUpload(tx, B.project.id, bPhotoKey));
  bMediaId = (await env.caller(B.owner.token).media.addUpload({ projectId: B.project.id, storageKey: bPhotoKey, fileName: "menu.jpg", mime: "image/jpeg" })).id;
  bTemplateId = (await env.caller(B.owner.token).templates.create({ projectId: B.project.id, title: "Адрес", text: "Мы на Баумана, 12.", mediaIds: [bMediaId] })).id;
  bRecordingKey = `${uploadPrefix(B.project.id)}recording`;
  await env.deps.storage.put(bRecordingKey, Buffer.from("OggS"));
  await env.caller(B.owner.token).catalog.save({ projectId: B.project.id, products: [{ name: "Капучино", priceMinor: 22000, options: [{ group: "Молоко", name: "овсяное", priceDeltaMinor: 4000 }] }] });
  bProductId = (await env.caller(B.owner.token).catalog.get({ projectId: B.project.id })).products[0]!.id;
  bOrderId = (await env.caller(B.owner.token).orders.create({ projectId: B.project.id, conversationId: B.conversationId, lines: [{ productId: bProductId, optionIds: [], quantity: 1 }] })).orderId;
  bAccountId = (await env.caller(B.owner.token).paymentAccounts.save({ projectId: B.project.id, provider: "yookassa", name: "ЮKassa", shopId: "123456", secretKey: "test_secret", currency: "RUB" })).id;
  await env.caller(B.owner.token).payments.markPaid({ projectId: B.project.id, conversationId: B.conversationId, amount: 150000, method: "cash" });
  bRuleId = (await env.caller(B.owner.token).rotation.createRule({ projectId: B.project.id, source: "vk_ads", membershipIds: [B.manager.membershipId] })).id;
  bDocumentId = (await env.caller(B.owner.token).knowledge.addText({ projectId: B.project.id, title: "Доставка", text: "Доставляем по Казани за два часа." })).id;
  bTagId = (await env.caller(B.owner.token).tags.create({ projectId: B.project.id, name: "VIP" })).id;
  await env.caller(B.owner.token).conversations.setTag({ projectId: B.project.id, conversationId: B.conversationId, tagId: bTagId, attached: true });
  await env.caller(B.owner.token).conversations.addNote({ projectId: B.project.id, conversationId: B.conversationId, text: "Перезвонить в пятницу" });
  bNoteId = (await withTenant(env.db, B.project.id, (tx) => tx.select({ id: contactNotes.id }).from(contactNotes)))[0]!.id;
  bLinkId = (await env.caller(B.owner.token).analytics.createLink({ projectId: B.project.id, name: "Бета", kind: "telegram", target: "beta_bot", source: "beta" })).id;
});
afterAll(async () => env?.close());

describe("cross-tenant access", () => {
  it("every procedure is either covered here or takes no tenant id", () => {
    const all = Object.keys(appRouter._def.procedures).sort();
    expect(all.filter((p) => !(p in cases) && !accountScoped.includes(p))).toEqual([]);
  });

  for (const [path, make] of Object.entries(cases)) {
    it(`${path}: A's owner gets NOT_FOUND or FORBIDDEN for B's ids, B unchanged`, async () => {
      const before = await snapshotB();
      for (const input of make(A, B)) {
        const [router, proc] = path.split(".") as [string, string];
        const caller = env.caller(A.owner.token) as unknown as Record<string, Record<string, (i: unknown) => Promise<unknown>>>;
        const error = await caller[router]![proc]!(input).then(
          () => null,
          (e: { code?: string }) => e.code,
        );
        expect(error, JSON.stringify(input)).toMatch(/^(NOT_FOUND|FORBIDDEN)$/);
      }
      expect(await snapshotB()).toBe(before);
    });
  }

  it("a member of B sees only B in their project list", async () => {
    const mine = await env.caller(B.manager.token).projects.mine();
    expect(mine.map((p) => p.id)).toEqual([B.project.id]);
  });
});
