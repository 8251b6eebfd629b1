import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { contacts, conversations, messages, type LeadStage } from "@threadline/db";
import { clientMessage, createTenantEnv, type TestEnv } from "@threadline/testing";
import { ingestEvent } from "./ingest.ts";

let env: TestEnv;
let T: Awaited<ReturnType<TestEnv["createTenant"]>>;
beforeAll(async () => ({ env, T } = await createTenantEnv("Inbox")));
afterAll(async () => env?.close());

describe("ingest", () => {
  it("the same platform message delivered three times is stored once", async () => {
    const event = clientMessage({ chatId: "2001", text: "Добрый день", id: "dup-1" });
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await ingestEvent(env.db, T.channel, event));
    expect(results.map((r) => r.kind === "message" && r.created)).toEqual([true, false, false]);
    const rows = await env.owner.select().from(messages).where(eq(messages.externalId, "2001:dup-1"));
    expect(rows).toHaveLength(1);
  });

  it("Telegram numbers messages per chat: message 1 of two chats are two messages", async () => {
    await env.ingest(T.channel, clientMessage({ chatId: "2101", text: "Первый чат", id: "1" }));
    await env.ingest(T.channel, clientMessage({ chatId: "2102", text: "Второй чат", id: "1" }));
    const rows = await env.owner.select().from(messages).where(eq(messages.channelId, T.channel.id));
    expect(rows.map((r) => r.text)).toEqual(expect.arrayContaining(["Первый чат", "Второй чат"]));
  });

  it("a block event marks the client inactive and a reply to them is refused, nothing lost", async () => {
    const first = await env.ingest(T.channel, clientMessage({ chatId: "2002", text: "Спасибо, не пишите больше" }));
    const blocked = clientMessage({ chatId: "2002" });
    await ingestEvent(env.db, T.channel, { ...blocked, type: "client_blocked", dedupeId: "blocked:2002" } as never);
    const [contact] = await env.owner.select().from(contacts).where(eq(contacts.externalId, "2002"));
    expect(contact!.active).toBe(false);
    const owner = env.caller(T.owner.token);
    await expect(owner.conversations.reply({ projectId: T.project.id, conversationId: first.conversationId, text: "Здравствуйте!" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/запретил сообщения/),
    });
    const history = await owner.conversations.messages({ projectId: T.project.id, conversationId: first.conversationId });
    expect(history.items).toHaveLength(1);
  });
});

describe("inbox list", () => {
  it("orders by last message, pages with a cursor, and counts unread per member", async () => {
    // Newer than anything else in this tenant, so they fill the first pages.
    const base = Date.now() + 3_600_000;
    for (let i = 0; i < 5; i++) await env.ingest(T.channel, clientMessage({ chatId: `30${i}`, text: `Вопрос ${i}`, at: new Date(base + i * 1000) }));
    const manager = env.caller(T.manager.token);
    const page1 = await manager.conversations.list({ projectId: T.project.id, limit: 3 });
    const page2 = await manager.conversations.list({ projectId: T.project.id, limit: 3, cursor: page1.nextCursor });
    const all = [...page1.items, ...page2.items];
    const times = all.map((c) => c.lastMessageAt!.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(new Set(all.map((c) => c.id)).size).toBe(all.length);
    const target = all.find((c) => c.preview === "Вопрос 3")!;
    expect(target.unread).toBe(1);

    await manager.conversations.markRead({ projectId: T.project.id, conversationId: target.id });
    const afterRead = await manager.conversations.list({ projectId: T.project.id, filter: "unread", limit: 50 });
    expect(afterRead.items.map((c) => c.id)).not.toContain(target.id);
    // Unread is per member: the owner still has it unread.
    const ownerView = await env.caller(T.owner.token).conversations.list({ projectId: T.project.id, filter: "unread", limit: 50 });
    expect(ownerView.items.map((c) => c.id)).toContain(target.id);

    await manager.conversations.markUnread({ projectId: T.project.id, conversationId: target.id });
    const again = await manager.conversations.list({ projectId: T.project.id, filter: "unread", limit: 50 });
    expect(again.items.find((c) => c.id === target.id)?.unread).toBe(1);
  });

  it("the preview says who wrote last: the client, the member themselves, a colleague by name, or the team for a reply from the platform's app", async () => {
    const c = await env.ingest(T.channel, clientMessage({ chatId: "3501", text: "Сколько стоит?" }));
    const rowOf = async (token: string) => (await env.caller(token).conversations.list({ projectId: T.project.id, limit: 50 })).items.find((r) => r.id === c.conversationId)!;
    expect(await rowOf(T.admin.token)).toMatchObject({ lastBy: "client", preview: "Сколько стоит?" });

    await env.caller(T.admin.token).conversations.reply({ projectId: T.project.id, conversationId: c.conversationId, text: "500 ₽" });
    expect(await rowOf(T.admin.token)).toMatchObject({ lastBy: "me", preview: "500 ₽" });
    expect(await rowOf(T.owner.token)).toMatchObject({ lastBy: "colleague", lastAuthorName: T.admin.user.name });

    // Written in the platform's own app: it comes in as an event, and who wrote it is not known.
    await env.ingest(T.channel, clientMessage({ chatId: "3501", text: "И доставка бесплатно", direction: "outbound", at: new Date(Date.now() + 1000) }));
    expect(await rowOf(T.owner.token)).toMatchObject({ lastBy: "team", preview: "И доставка бесплатно" });
    await env.ingest(T.channel, clientMessage({ chatId: "3501", text: "Спасибо!", at: new Date(Date.now() + 2000) }));
    expect(await rowOf(T.owner.token)).toMatchObject({ lastBy: "client" });
  });

  it("a manager sees neither the profile link nor the traffic source; the owner sees both", async () => {
    await env.ingest(T.channel, clientMessage({ chatId: "4001", text: "Пришёл по рекламе", attribution: { via: "telegram_start", raw: "s-vk", utm: { source: "vk_ads" } } }));
    const find = async (token: string) => (await env.caller(token).conversations.list({ projectId: T.project.id, search: "рекламе", limit: 10 })).items[0]!;
    const asManager = await find(T.manager.token);
    expect(asManager.contact.profileUrl).toBeNull();
    expect(asManager.attribution).toBeNull();
    const asOwner = await find(T.owner.token);
    expect(asOwner.contact.profileUrl).toBe("https://t.me/anna_p");
    expect(asOwner.attribution).toMatchObject({ utmSource: "vk_ads", startPayload: "s-vk" });
    const detail = await env.caller(T.manager.token).conversations.get({ projectId: T.project.id, conversationId: asManager.id });
    expect(detail.contact.profileUrl).toBeNull();
    expect(detail.contact.firstTouch).toBeNull();
  });

  it("search finds by contact name, phone digits and Russian word forms in message text", async () => {
    await env.ingest(T.channel, clientMessage({ chatId: "5001", name: "Святослав Игнатьев", text: "Хочу заказать торты на праздник" }));
    await env.owner.update(contacts).set({ phone: "+79123456789" }).where(eq(contacts.externalId, "5001"));
    const owner = env.caller(T.owner.token);
    const search = async (q: string) => (await owner.conversations.list({ projectId: T.project.id, search: q, limit: 10 })).items.map((c) => c.contact.name);
    expect(await search("святослав")).toEqual(["Святослав Игнатьев"]);
    expect(await search("912 345")).toEqual(["Святослав Игнатьев"]);
    expect(await search("торт")).toEqual(["Святослав Игнатьев"]);
    expect(await search("пылесос")).toEqual([]);
    // Traffic people may not see phones, so digits do not find the contact for them either.
    await env.caller(T.owner.token).roles.update({ projectId: T.project.id, roleId: T.traffic.roleId, permissions: ["inbox.use"] });
    const asTraffic = await env.caller(T.traffic.token).conversations.list({ projectId: T.project.id, search: "912 345", limit: 10 });
    expect(asTraffic.items).toEqual([]);
  });

  it("a manager without 'see all' sees their own and unassigned conversations only", async () => {
    const mine = await env.ingest(T.channel, clientMessage({ chatId: "6001", text: "Мой клиент" }));
    const theirs = await env.ingest(T.channel, clientMessage({ chatId: "6002", text: "Клиент коллеги" }));
    const owner = env.caller(T.owner.token);
    await owner.conversations.assign({ projectId: T.project.id, conversationId: mine.conversationId, assigneeId: T.manager.membershipId });
    await owner.conversations.assign({ projectId: T.project.id, conversationId: theirs.conversationId, assigneeId: T.admin.membershipId });
    const manager = env.caller(T.manager.token);
    const ids = (await manager.conversations.list({ projectId: T.project.id, limit: 200 })).items.map((c) => c.id);
    expect(ids).toContain(mine.conversationId);
    expect(ids).not.toContain(theirs.conversationId);
    await expect(manager.conversations.get({ projectId: T.project.id, conversationId: theirs.conversationId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const onlyMine = await manager.conversations.list({ projectId: T.project.id, filter: "mine", limit: 200 });
    expect(onlyMine.items.map((c) => c.id)).toEqual([mine.conversationId]);
  });
});

describe("unread badge", () => {
  it("counts conversations with unread client messages per member, among those they see", async () => {
    const U = await env.createTenant("Unread");
    const count = (token: string) => env.caller(token).conversations.unreadCount({ projectId: U.project.id });
    const theirs = await env.ingest(U.channel, clientMessage({ chatId: "8001", text: "Вопрос коллеге" }));
    await env.caller(U.owner.token).conversations.assign({ projectId: U.project.id, conversationId: theirs.conversationId, assigneeId: U.admin.membershipId });
    expect([await count(U.owner.token), await count(U.manager.token)]).toEqual([2, 1]);
    await env.caller(U.manager.token).conversations.markRead({ projectId: U.project.id, conversationId: U.conversationId });
    expect([await count(U.owner.token), await count(U.manager.token)]).toEqual([2, 0]);
    await env.ingest(U.channel, clientMessage({ chatId: "1001", text: "Ещё вопрос" }));
    expect(await count(U.manager.token)).toBe(1);
  });
});

describe("replies", () => {
  it("a reply is stored pending, queued once for sending after commit, and pauses the agent", async () => {
    const c = await env.ingest(T.channel, clientMessage({ chatId: "7001", text: "Есть ли доставка?" }));
    const manager = env.caller(T.manager.token);
    const { messageId } = await manager.conversations.reply({ projectId: T.project.id, conversationId: c.conversationId, text: "Да, доставляем по городу." });
    const job = await env.queues.outbound.getJob(`msg_${messageId}`);
    expect(job?.data).toEqual({ projectId: T.project.id, messageId });
    const [row] = await env.owner.select().from(messages).where(eq(messages.id, messageId));
    expect(row).toMatchObject({ delivery: "pending", direction: "out", author: "member", authorMembershipId: T.manager.membershipId });
    const detail = await manager.conversations.get({ projectId: T.project.id, conversationId: c.conversationId });
    expect(detail.aiEnabled).toBe(false);
    // The thread names the member who wrote the reply; the client's message has no member author.
    const thread = await manager.conversations.messages({ projectId: T.project.id, conversationId: c.conversationId });
    expect(thread.items.map((m) => [m.author, m.authorName])).toEqual([["member", T.manager.user.name], ["client", null]]);
    expect(env.published).toContainEqual(expect.objectContaining({ type: "conversation.message", conversationId: c.conversationId, messageId }));
  });

  it("answering an unassigned lead takes it: the member becomes the assignee, and one already assigned stays with its assignee", async () => {
    const c = await env.ingest(T.channel, clientMessage({ chatId: "7003", text: "Можно заказать на завтра?" }));
    await env.caller(T.manager.token).conversations.reply({ projectId: T.project.id, conversationId: c.conversationId, text: "Да, оформим." });
    const taken = await env.caller(T.owner.token).conversations.get({ projectId: T.project.id, conversationId: c.conversationId });
    expect(taken).toMatchObject({ assigneeId: T.manager.membershipId, stage: "assigned" });
    const history = await env.caller(T.owner.token).leads.events({ projectId: T.project.id, conversationId: c.conversationId });
    expect(history.at(-1)).toMatchObject({ fromStage: "new", toStage: "assigned", actorKind: "member", reason: "took_over" });
    // The owner answering too does not take it from the manager.
    await env.caller(T.owner.token).conversations.reply({ projectId: T.project.id, conversationId: c.conversationId, text: "Доставка с 10 утра." });
    expect((await env.caller(T.owner.token).conversations.get({ projectId: T.project.id, conversationId: c.conversationId })).assigneeId).toBe(T.manager.membershipId);
  });

  it("an empty or oversized reply is a clear 400 and stores nothing", async () => {
    const c = await env.ingest(T.channel, clientMessage({ chatId: "7002", text: "Алло" }));
    const manager = env.caller(T.manager.token);
    await expect(manager.conversations.reply({ projectId: T.project.id, conversationId: c.conversationId, text: "   " })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(manager.conversations.reply({ projectId: T.project.id, conversationId: c.conversationId, text: "я".repeat(5000) })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const history = await manager.conversations.messages({ projectId: T.project.id, conversationId: c.conversationId });
    expect(history.items).toHaveLength(1);
  });

  it("finance cannot use the inbox at all", async () => {
    await expect(env.caller(T.finance.token).conversations.list({ projectId: T.project.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("waiting for a person", () => {
  it("unread means waiting for a person: a conversation the agent is handling is neither counted nor listed as unread, nor as awaiting a reply", async () => {
    // A project of its own: the other tests' conversations stay as they expect them.
    const T = await env.createTenant("Unread");
    const byAgent = await env.ingest(T.channel, clientMessage({ chatId: "3601", text: "Агент отвечает" }));
    const byPerson = await env.ingest(T.channel, clientMessage({ chatId: "3602", text: "Ждёт человека" }));
    const agentOff = await env.ingest(T.channel, clientMessage({ chatId: "3603", text: "Агент выключен" }));
    const spam = await env.ingest(T.channel, clientMessage({ chatId: "3604", text: "Купите рекламу" }));
    const set = (id: string, stage: LeadStage, aiEnabled = true) => env.owner.update(conversations).set({ stage, aiEnabled }).where(eq(conversations.id, id));
    await set(byAgent.conversationId, "bot");
    await set(byPerson.conversationId, "assigned");
    await set(agentOff.conversationId, "bot", false);
    await set(spam.conversationId, "spam");

    const manager = env.caller(T.manager.token);
    const ids = async (filter: "all" | "unread" | "awaiting") => (await manager.conversations.list({ projectId: T.project.id, filter, limit: 50 })).items.map((c) => c.id);
    const countBefore = await manager.conversations.unreadCount({ projectId: T.project.id });
    const unread = await ids("unread");
    expect(unread).toEqual(expect.arrayContaining([byPerson.conversationId, agentOff.conversationId]));
    expect(unread).not.toContain(byAgent.conversationId);
    expect(unread).not.toContain(spam.conversationId);
    // «Все» still shows the agent's conversation, without an unread badge.
    const all = (await manager.conversations.list({ projectId: T.project.id, limit: 50 })).items;
    expect(all.find((c) => c.id === byAgent.conversationId)?.unread).toBe(0);
    expect(all.find((c) => c.id === byPerson.conversationId)?.unread).toBe(1);
    const awaiting = await ids("awaiting");
    expect(awaiting).toEqual(expect.arrayContaining([byPerson.conversationId, agentOff.conversationId]));
    expect(awaiting).not.toContain(byAgent.conversationId);
    expect(awaiting).not.toContain(spam.conversationId);

    // The agent hands the conversation over: now it waits for a person, and counts.
    await set(byAgent.conversationId, "needs_human");
    expect(await manager.conversations.unreadCount({ projectId: T.project.id })).toBe(countBefore + 1);
    expect(await ids("unread")).toContain(byAgent.conversationId);
    expect(await ids("awaiting")).toContain(byAgent.conversationId);

    // Reading does not answer: it stays awaiting until a person replies, then leaves the view.
    await manager.conversations.markRead({ projectId: T.project.id, conversationId: byPerson.conversationId });
    expect(await ids("unread")).not.toContain(byPerson.conversationId);
    expect(await ids("awaiting")).toContain(byPerson.conversationId);
    await manager.conversations.reply({ projectId: T.project.id, conversationId: byPerson.conversationId, text: "Здравствуйте!" });
    expect(await ids("awaiting")).not.toContain(byPerson.conversationId);
  });
});
