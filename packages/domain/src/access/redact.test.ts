import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { contacts } from "@threadline/db";
import { clientMessage, createTestEnv, type TestEnv } from "@threadline/testing";
import { maskPhones } from "./redact.ts";

let env: TestEnv;
let T: Awaited<ReturnType<TestEnv["createTenant"]>>;
let shared: string;

const CARD = "+7 (916) 123-45-67";
const CONFIRMATION = "Спасибо! Записал ваш номер 8 916 123 45 67, менеджер скоро позвонит.";

/** Any trace of the number in a response, ids and timestamps aside. */
function phoneDigitsIn(value: unknown): string[] {
  const json = JSON.stringify(value)
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "")
    .replace(/\d{4}-\d{2}-\d{2}T[\d:.]+Z/g, "");
  return json.match(/916|123.?45|45.?67|4567/g) ?? [];
}

beforeAll(async () => {
  env = await createTestEnv();
  T = await env.createTenant("Redact");
  // A role that works the inbox like a manager but may not see phones or profiles.
  const owner = env.caller(T.owner.token);
  const role = await owner.roles.create({ projectId: T.project.id, name: "Менеджер без телефонов", copyFromRoleId: T.manager.roleId });
  await owner.roles.update({ projectId: T.project.id, roleId: role.id, hiddenFields: ["contact.phone", "contact.profileUrl", "payments"] });
  await owner.staff.changeRole({ projectId: T.project.id, membershipId: T.manager.membershipId, roleId: role.id });
  // A client shares their contact card, the reply repeats the number (unassigned: the manager sees it).
  const card = await env.ingest(T.channel, { ...clientMessage({ chatId: "7001", name: "Иван Кузнецов", text: "" }), contact: { phoneNumber: CARD } });
  shared = card.conversationId;
  await env.ingest(T.channel, clientMessage({ chatId: "7001", name: "Иван Кузнецов", text: CONFIRMATION, direction: "outbound" }));
  await env.owner.update(contacts).set({ phone: "+79161234567" }).where(eq(contacts.externalId, "7001"));
});
afterAll(async () => env?.close());

describe("masking phones in text", () => {
  it("masks the ways people write a number, and leaves dates, times and short numbers", () => {
    for (const phone of ["+7 (916) 123-45-67", "8 916 123 45 67", "89161234567", "+79161234567", "8-916-123-45-67", "916 123-45-67", "123-45-67", "+1 212 555 0100"]) {
      expect(maskPhones(`номер ${phone} звоните`)).not.toMatch(/\d/);
    }
    expect(maskPhones("📞 +7 (916) 123-45-67")).toBe("📞 +• (•••) •••-••-••");
    expect(maskPhones("встреча 15.01.2024 в 12:30, заказ 4521, 2 шт")).toBe("встреча 15.01.2024 в 12:30, заказ 4521, 2 шт");
  });
});

describe("a role with the phone hidden", () => {
  it("sees no phone in the list preview, the thread, the contact panel and the stage history", async () => {
    const manager = env.caller(T.manager.token);
    const list = await manager.conversations.list({ projectId: T.project.id });
    const row = list.items.find((r) => r.id === shared)!;
    expect(row.preview).toContain("Записал ваш номер");
    expect(phoneDigitsIn(row)).toEqual([]);
    expect(row.contact).toMatchObject({ phone: null, username: null, profileUrl: null });

    const thread = await manager.conversations.messages({ projectId: T.project.id, conversationId: shared });
    expect(thread.items.map((m) => m.text)).toEqual([expect.stringContaining("Записал"), expect.stringContaining("📞")]);
    expect(phoneDigitsIn(thread)).toEqual([]);

    const panel = await manager.conversations.get({ projectId: T.project.id, conversationId: shared });
    expect(panel.contact).toMatchObject({ phone: null, username: null, profileUrl: null });
    expect(panel.externalChatId).toBeNull();
    expect(phoneDigitsIn(panel)).toEqual([]);
  });

  it("cannot find the conversation by the phone's digits; found by name, its snippet is masked", async () => {
    const manager = env.caller(T.manager.token);
    for (const search of ["9161234567", "916", "123-45-67", "4567", "+7 (916) 123-45-67"]) {
      const found = await manager.conversations.list({ projectId: T.project.id, search });
      expect(found.items.map((r) => r.id), search).not.toContain(shared);
    }
    const byName = await manager.conversations.list({ projectId: T.project.id, search: "Кузнецов" });
    expect(byName.items.map((r) => r.id)).toContain(shared);
    expect(phoneDigitsIn(byName)).toEqual([]);
    // A role that sees phones finds it by them, in the contact and in the text alike.
    const owner = env.caller(T.owner.token);
    expect((await owner.conversations.list({ projectId: T.project.id, search: "916 123" })).items.map((r) => r.id)).toContain(shared);
    expect((await owner.conversations.get({ projectId: T.project.id, conversationId: shared })).contact.phone).toBe("+79161234567");
  });

  it("tech reads the agent's won examples without the phone; the owner reads it whole", async () => {
    await env.caller(T.owner.token).leads.setStage({ projectId: T.project.id, conversationId: shared, stage: "won" });
    const [example] = await env.caller(T.tech.token).agent.examples({ projectId: T.project.id });
    expect(example!.text).toContain("📞");
    expect(phoneDigitsIn(example)).toEqual([]);
    const [whole] = await env.caller(T.owner.token).agent.examples({ projectId: T.project.id });
    expect(whole!.text).toContain(CARD);
  });

  it("with payments hidden, a sale is not shown: no «won» stage, history or filter", async () => {
    const manager = env.caller(T.manager.token);
    const row = (await manager.conversations.list({ projectId: T.project.id })).items.find((r) => r.id === shared)!;
    expect(row.stage).toBeNull();
    expect((await manager.conversations.get({ projectId: T.project.id, conversationId: shared })).stage).toBeNull();
    const history = await manager.leads.events({ projectId: T.project.id, conversationId: shared });
    expect(history.map((e) => e.toStage)).not.toContain("won");
    await expect(manager.conversations.list({ projectId: T.project.id, stage: "won" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await env.caller(T.owner.token).conversations.get({ projectId: T.project.id, conversationId: shared })).stage).toBe("won");
  });
});
