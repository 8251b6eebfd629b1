import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { conversations, withTenant } from "@threadline/db";
import { clientMessage, createTestEnv, type TestEnv } from "@threadline/testing";
import { loadMember } from "../access/load.ts";
import { processLeadMessage } from "../leads/agent.ts";
import { createRotationRule } from "../staff/rotation-settings.ts";
import { countUnreadConversations, listConversations } from "./list.ts";

// Archived conversations (decision 067): out of the list and the unread counts, seen under
// «Архив», back in the list when the client writes again — except spam, archived by the rule.
let env: TestEnv;
type Tenant = Awaited<ReturnType<TestEnv["createTenant"]>>;
let chat = 0;
const SPAM = "Заработок от 5000₽ в день без вложений! Пиши в лс, всё расскажу";

beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => env?.close());

async function writes(T: Tenant, text: string, chatId = `a${++chat}`) {
  const r = await env.ingest(T.channel, clientMessage({ chatId, text }));
  return { projectId: T.project.id, conversationId: r.conversationId, messageId: r.messageId, chatId };
}

async function listOf(T: Tenant, filter: "all" | "archived" | "unread") {
  const member = await loadMember(env.db, T.owner.user.id, T.project.id);
  return withTenant(env.db, T.project.id, async (tx) => (await listConversations(tx, member, { filter, limit: 50 })).items.map((i) => i.id));
}

async function unreadOf(T: Tenant) {
  const member = await loadMember(env.db, T.owner.user.id, T.project.id);
  return withTenant(env.db, T.project.id, (tx) => countUnreadConversations(tx, member));
}

async function archivedAt(id: string) {
  const [c] = await env.owner.select({ at: conversations.archivedAt }).from(conversations).where(eq(conversations.id, id));
  return c!.at;
}

describe("archiving a conversation", () => {
  it("a manager archives it from the header: out of the list and the unread count, under «Архив»; a client message brings it back", async () => {
    const T = await env.createTenant("Архив");
    await env.caller(T.owner.token).agent.update({ projectId: T.project.id, enabled: false });
    const job = await writes(T, "Здравствуйте, сколько стоит доставка?");
    await processLeadMessage(env.leadDeps, job);
    const inbox = env.caller(T.owner.token);
    const unreadBefore = await unreadOf(T);
    expect(await listOf(T, "unread")).toContain(job.conversationId);

    await inbox.conversations.setArchived({ projectId: T.project.id, conversationId: job.conversationId, archived: true });
    expect(await listOf(T, "all")).not.toContain(job.conversationId);
    expect(await listOf(T, "unread")).not.toContain(job.conversationId);
    expect(await listOf(T, "archived")).toEqual([job.conversationId]);
    expect(await unreadOf(T)).toBe(unreadBefore - 1);
    const shown = await inbox.conversations.get({ projectId: T.project.id, conversationId: job.conversationId });
    expect(shown.archivedAt).not.toBeNull();

    await writes(T, "Так что с доставкой?", job.chatId);
    expect(await archivedAt(job.conversationId)).toBeNull();
    expect(await listOf(T, "all")).toContain(job.conversationId);
    expect(await listOf(T, "archived")).toEqual([]);

    // And by hand: archived, then brought back from «Архив».
    await inbox.conversations.setArchived({ projectId: T.project.id, conversationId: job.conversationId, archived: true });
    await inbox.conversations.setArchived({ projectId: T.project.id, conversationId: job.conversationId, archived: false });
    expect(await listOf(T, "all")).toContain(job.conversationId);
  });

  it("«Спам → в архив»: spam is archived by the rule and stays archived when the spammer writes again, still stored", async () => {
    const T = await env.createTenant("Спам");
    const owner = await loadMember(env.db, T.owner.user.id, T.project.id);
    await withTenant(env.db, T.project.id, (tx) => createRotationRule(tx, owner, { intent: "spam", membershipIds: [], archive: true }));
    const job = await writes(T, SPAM);
    await processLeadMessage(env.leadDeps, job);
    expect(await archivedAt(job.conversationId)).not.toBeNull();
    expect(await listOf(T, "all")).not.toContain(job.conversationId);
    expect(await listOf(T, "archived")).toEqual([job.conversationId]);

    const again = await writes(T, "Пиши в лс, заработок от 3000₽ в день!", job.chatId);
    expect(await archivedAt(job.conversationId)).not.toBeNull();
    await processLeadMessage(env.leadDeps, again);
    expect(await archivedAt(job.conversationId)).not.toBeNull();
    const thread = await env.caller(T.owner.token).conversations.messages({ projectId: T.project.id, conversationId: job.conversationId });
    expect(thread.items.length).toBeGreaterThanOrEqual(2);

    // Without the rule, spam stays in the list as before.
    const U = await env.createTenant("Без правила");
    const plain = await writes(U, SPAM);
    await processLeadMessage(env.leadDeps, plain);
    expect(await archivedAt(plain.conversationId)).toBeNull();
  });

  it("the rule is for spam only, given to nobody", async () => {
    const T = await env.createTenant("Правило");
    const rules = env.caller(T.owner.token).rotation;
    await expect(rules.createRule({ projectId: T.project.id, intent: "complaint", membershipIds: [], archive: true })).rejects.toMatchObject({ cause: { code: "rotation.archiveSpamOnly" } });
    await expect(rules.createRule({ projectId: T.project.id, intent: "spam", membershipIds: [T.admin.membershipId], archive: true })).rejects.toMatchObject({ cause: { code: "rotation.archiveSpamOnly" } });
    await expect(rules.createRule({ projectId: T.project.id, intent: "spam", membershipIds: [T.admin.membershipId] })).rejects.toMatchObject({ cause: { code: "rotation.spamToArchive" } });
    await rules.createRule({ projectId: T.project.id, intent: "spam", membershipIds: [], archive: true });
    expect(await rules.rules({ projectId: T.project.id })).toEqual([expect.objectContaining({ intent: "spam", archive: true, membershipIds: [] })]);
  });

  it("another tenant's conversation is NOT_FOUND and stays as it was", async () => {
    const A = await env.createTenant("Свой");
    const B = await env.createTenant("Чужой");
    await expect(env.caller(A.manager.token).conversations.setArchived({ projectId: A.project.id, conversationId: B.conversationId, archived: true })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await archivedAt(B.conversationId)).toBeNull();
  });
});
