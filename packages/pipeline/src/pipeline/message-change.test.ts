import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { channels, conversations, messages, withTenant } from "@threadline/db";
import { TelegramBotApiSimulator, VkApiSimulator } from "@threadline/simulators/channels";
import { encryptSecret } from "@threadline/domain/crypto.ts";
import type { MessageChangeJob } from "@threadline/domain/job-payloads.ts";
import { ingestEvent } from "@threadline/domain/conversations/ingest.ts";
import { EditLimiter } from "@threadline/domain/conversations/edit-limits.ts";
import { refreshLastMessage } from "@threadline/domain/conversations/aggregates.ts";
import { clientMessage, createTestEnv, type TestEnv } from "@threadline/testing";
import { ChannelDirectory } from "./channels.ts";
import { changeMessage } from "./message-change.ts";
import { sendOutbound, type OutboundDeps } from "./outbound.ts";
import { SharedRateLimits } from "./rate-limits.ts";

// A member edits and deletes a sent message: checked by the domain (author, window, tenant),
// carried out on the platform by the outbound queue, stored only once the platform accepts.

let env: TestEnv;
let T: Awaited<ReturnType<TestEnv["createTenant"]>>;
let Other: Awaited<ReturnType<TestEnv["createTenant"]>>;
let deps: OutboundDeps;
const tg = new TelegramBotApiSimulator();
const vk = new VkApiSimulator();
let telegram: { id: string; token: string };
let vkChannel: { id: string; groupId: number; token: string };
let queued: { mock: { calls: unknown[][] } };

async function channel(kind: "vk" | "telegram", externalId: string, token: string) {
  const [row] = await withTenant(env.db, T.project.id, (tx) =>
    tx.insert(channels).values({ projectId: T.project.id, kind, name: kind, externalId, tokenEnc: encryptSecret(token, env.deps.secretKey), webhookSecret: "s" }).returning(),
  );
  return row!.id;
}

/** A client writes in; `who` answers and the reply goes out; returns the sent message's id. */
async function sentReply(channelId: string, kind: "vk" | "telegram", chatId: number, text: string, who: "manager" | "owner" = "manager") {
  const { conversationId } = await env.ingest({ id: channelId, projectId: T.project.id, kind }, { ...clientMessage({ chatId: String(chatId), text: "Здравствуйте" }), channel: kind });
  const { messageId } = await env.caller(T[who].token).conversations.reply({ projectId: T.project.id, conversationId, text });
  expect(await sendOutbound(deps, { projectId: T.project.id, messageId }, { finalAttempt: false })).toBe("sent");
  return messageId;
}

async function stored(messageId: number) {
  const [row] = await env.owner.select().from(messages).where(eq(messages.id, messageId));
  return row!;
}

const caller = (who: "manager" | "owner" = "manager") => env.caller(T[who].token).conversations;
/** The job the last accepted request queued. */
const lastJob = () => queued.mock.calls.at(-1)![0] as MessageChangeJob;
const run = (job: MessageChangeJob) => changeMessage(deps, job, { finalAttempt: false });
const age = (messageId: number, hours: number) => env.owner.update(messages).set({ sentAt: new Date(Date.now() - hours * 3600_000) }).where(eq(messages.id, messageId));

beforeAll(async () => {
  env = await createTestEnv();
  T = await env.createTenant("Changes");
  Other = await env.createTenant("ChangesOther");
  await tg.start();
  await vk.start();
  env.useEndpoints({ telegramApiRoot: tg.apiRoot, vkApiBaseUrl: vk.apiBaseUrl });
  const bot = tg.addBot({ username: "changes_bot" });
  telegram = { id: await channel("telegram", String(bot.botId), bot.token), token: bot.token };
  const community = vk.addCommunity({ name: "Кофейня" });
  vkChannel = { id: await channel("vk", String(community.groupId), community.token), groupId: community.groupId, token: community.token };
  deps = { db: env.db, channels: new ChannelDirectory(env.db, env.deps.secretKey, { endpoints: env.deps.endpoints }), storage: env.deps.storage, publish: env.deps.publish, limits: new SharedRateLimits(env.redis, env.queues.prefix), enqueueMessageChange: env.queues.enqueueMessageChange };
  queued = vi.spyOn(env.queues, "enqueueMessageChange").mockResolvedValue(undefined as never);
});
afterAll(async () => {
  await tg.stop();
  await vk.stop();
  await env?.close();
});

describe("a member edits and deletes their sent messages", () => {
  it("Telegram: the edit and then the delete reach the client; the thread shows both", async () => {
    tg.simulateClientMessage({ botToken: telegram.token, from: { id: 8101, first_name: "Лиза" }, text: "Здравствуйте" });
    const id = await sentReply(telegram.id, "telegram", 8101, "Доставка завтра в 10");
    await caller().editMessage({ projectId: T.project.id, messageId: id, text: "Доставка завтра в 12" });
    // Nothing stored until the platform accepts.
    expect((await stored(id)).text).toBe("Доставка завтра в 10");
    expect(await run(lastJob())).toBe("edited");
    const [onTelegram] = tg.sentMessages(8101, { botToken: telegram.token });
    expect(onTelegram).toMatchObject({ text: "Доставка завтра в 12", edits: 1 });
    expect(await stored(id)).toMatchObject({ text: "Доставка завтра в 12", changeFailure: null });
    expect((await stored(id)).editedAt).not.toBeNull();

    await caller().deleteMessage({ projectId: T.project.id, messageId: id });
    expect(await run(lastJob())).toBe("deleted");
    expect(tg.sentMessages(8101, { botToken: telegram.token })[0]!.deletedAt).toBeTypeOf("number");
    expect((await stored(id)).deletedAt).not.toBeNull();

    // The manager sees that it was deleted, not what it said; the owner still reads it.
    const conversationId = (await stored(id)).conversationId;
    const forManager = (await caller().messages({ projectId: T.project.id, conversationId })).items.find((m) => m.id === id)!;
    expect(forManager).toMatchObject({ text: "", changeable: false });
    expect(forManager.deletedAt).not.toBeNull();
    const forOwner = (await caller("owner").messages({ projectId: T.project.id, conversationId })).items.find((m) => m.id === id)!;
    expect(forOwner.text).toBe("Доставка завтра в 12");
    // A deleted message cannot be changed again.
    await expect(caller().editMessage({ projectId: T.project.id, messageId: id, text: "ещё раз" })).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("VK: messages.edit and messages.delete for everyone reach the client", async () => {
    vk.simulateClientMessage({ groupId: vkChannel.groupId, userId: 8201, text: "Здравствуйте" });
    const id = await sentReply(vkChannel.id, "vk", 8201, "Столик на двоих свободен");
    await caller().editMessage({ projectId: T.project.id, messageId: id, text: "Столик на троих свободен" });
    expect(await run(lastJob())).toBe("edited");
    expect(vk.sentMessages(8201, vkChannel.groupId)[0]).toMatchObject({ text: "Столик на троих свободен" });
    expect((await stored(id)).text).toBe("Столик на троих свободен");
    await caller().deleteMessage({ projectId: T.project.id, messageId: id });
    expect(await run(lastJob())).toBe("deleted");
    expect(vk.sentMessages(8201, vkChannel.groupId)[0]!.deletedAt).toBeTypeOf("number");
  });

  it("past the platform's window: a clear error and nothing queued or changed", async () => {
    tg.simulateClientMessage({ botToken: telegram.token, from: { id: 8102, first_name: "Марк" }, text: "Здравствуйте" });
    const tgId = await sentReply(telegram.id, "telegram", 8102, "Старый ответ");
    await age(tgId, 49);
    const calls = queued.mock.calls.length;
    await expect(caller().deleteMessage({ projectId: T.project.id, messageId: tgId })).rejects.toMatchObject({ message: expect.stringContaining("48 ч") });
    vk.simulateClientMessage({ groupId: vkChannel.groupId, userId: 8202, text: "Здравствуйте" });
    const vkId = await sentReply(vkChannel.id, "vk", 8202, "Старый ответ VK");
    await age(vkId, 25);
    await expect(caller().editMessage({ projectId: T.project.id, messageId: vkId, text: "новый" })).rejects.toMatchObject({ message: expect.stringContaining("24 ч") });
    expect(queued.mock.calls.length).toBe(calls);
    expect(await stored(tgId)).toMatchObject({ text: "Старый ответ", deletedAt: null, editedAt: null });
    expect(await stored(vkId)).toMatchObject({ text: "Старый ответ VK", deletedAt: null, editedAt: null });
  });

  it("another member's message: a manager may not change it; the owner may change the manager's", async () => {
    tg.simulateClientMessage({ botToken: telegram.token, from: { id: 8103, first_name: "Ольга" }, text: "Здравствуйте" });
    const ownersId = await sentReply(telegram.id, "telegram", 8103, "Ответ владельца", "owner");
    // The owner's reply took the conversation; the manager is given it and sees the owner's words.
    await caller("owner").assign({ projectId: T.project.id, conversationId: (await stored(ownersId)).conversationId, assigneeId: T.manager.membershipId });
    await expect(caller().editMessage({ projectId: T.project.id, messageId: ownersId, text: "подмена" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(caller().deleteMessage({ projectId: T.project.id, messageId: ownersId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    // The client's own message is nobody's to edit.
    const clients = await env.owner.select().from(messages).where(eq(messages.conversationId, (await stored(ownersId)).conversationId));
    const clientMessageId = clients.find((m) => m.author === "client")!.id;
    await expect(caller("owner").editMessage({ projectId: T.project.id, messageId: clientMessageId, text: "x" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const managersId = await sentReply(telegram.id, "telegram", 8103, "Ответ менеджера");
    await caller("owner").editMessage({ projectId: T.project.id, messageId: managersId, text: "Ответ менеджера, исправленный" });
    expect(await run(lastJob())).toBe("edited");
    expect(await stored(ownersId)).toMatchObject({ text: "Ответ владельца", editedAt: null });
  });

  it("another tenant's message id is not found, and nothing changes", async () => {
    tg.simulateClientMessage({ botToken: telegram.token, from: { id: 8104, first_name: "Павел" }, text: "Здравствуйте" });
    const id = await sentReply(telegram.id, "telegram", 8104, "Наш ответ");
    const calls = queued.mock.calls.length;
    const foreign = env.caller(Other.owner.token).conversations;
    await expect(foreign.editMessage({ projectId: Other.project.id, messageId: id, text: "чужое" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(foreign.deleteMessage({ projectId: Other.project.id, messageId: id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    // Naming our project does not help a member of another one.
    await expect(foreign.deleteMessage({ projectId: T.project.id, messageId: id })).rejects.toBeTruthy();
    expect(queued.mock.calls.length).toBe(calls);
    expect(await stored(id)).toMatchObject({ text: "Наш ответ", deletedAt: null });
  });

  it("the platform refuses (message gone): the stored message stays and the reason is kept", async () => {
    tg.simulateClientMessage({ botToken: telegram.token, from: { id: 8105, first_name: "Нина" }, text: "Здравствуйте" });
    const id = await sentReply(telegram.id, "telegram", 8105, "Ответ");
    await caller().editMessage({ projectId: T.project.id, messageId: id, text: "Ответ исправлен" });
    tg.failNext({ errorCode: 400, description: "Bad Request: message to edit not found", method: "editMessageText" });
    expect(await run(lastJob())).toBe("failed");
    expect(await stored(id)).toMatchObject({ text: "Ответ", editedAt: null, changeFailure: "channel.messageNotFound" });
    // Telegram itself refuses a delete past 48 hours even if our clock was wrong.
    tg.sentMessages(8105, { botToken: telegram.token })[0]!.date -= 49 * 3600;
    await caller().deleteMessage({ projectId: T.project.id, messageId: id });
    expect(await run(lastJob())).toBe("failed");
    expect(await stored(id)).toMatchObject({ deletedAt: null, changeFailure: "channel.messageTooOld" });
  });

  it("a decided proposal's buttons: taken off on Telegram and VK; a refusal is logged, and nothing is recorded on the message", async () => {
    const keyboard = [[{ text: "Подтвердить", callback_data: "op:1:y" }]];
    // A message with buttons, as a proposal goes out (the simulators take them as the platforms do).
    tg.simulateClientMessage({ botToken: telegram.token, from: { id: 8109, first_name: "Ида" }, text: "Здравствуйте" });
    const id = await sentReply(telegram.id, "telegram", 8109, "Подтвердите заказ");
    const sent = tg.sentMessages(8109, { botToken: telegram.token }).at(-1)!;
    sent.keyboard = keyboard;
    const warn = vi.fn();
    const drop = (messageId: number) => changeMessage({ ...deps, logger: { warn } as never }, { projectId: T.project.id, messageId, change: { kind: "dropButtons" }, requestedBy: "agent" }, { finalAttempt: true });
    expect(await drop(id)).toBe("edited");
    expect(sent.keyboard).toBeUndefined();
    expect(sent.text).toBe("Подтвердите заказ");
    // Gone already (a second job, or the client deleted the chat): refused, logged, nothing stored.
    expect(await drop(id)).toBe("failed");
    expect(warn).toHaveBeenCalledTimes(1);
    expect(await stored(id)).toMatchObject({ text: "Подтвердите заказ", editedAt: null, changeFailure: null });

    // VK: messages.edit with the same text and an empty keyboard is accepted and keeps the text
    // (the keyboard going is shown on a real proposal in domain/orders/proposals-vk.test.ts).
    vk.simulateClientMessage({ groupId: vkChannel.groupId, userId: 8110, text: "Здравствуйте" });
    const vkId = await sentReply(vkChannel.id, "vk", 8110, "Подтвердите заказ");
    const vkMessage = () => vk.sentMessages(8110, vkChannel.groupId).at(-1)!;
    expect(vkMessage().buttons).toBeUndefined();
    expect(await drop(vkId)).toBe("edited");
    expect(vkMessage()).toMatchObject({ text: "Подтвердите заказ" });
    expect(vkMessage().buttons).toBeUndefined();
  });

  it("an edit and a delete at once: the message ends deleted everywhere, nothing half-done", async () => {
    tg.simulateClientMessage({ botToken: telegram.token, from: { id: 8106, first_name: "Ира" }, text: "Здравствуйте" });
    const id = await sentReply(telegram.id, "telegram", 8106, "Ответ");
    await Promise.all([
      caller().editMessage({ projectId: T.project.id, messageId: id, text: "Ответ изменён" }),
      caller("owner").deleteMessage({ projectId: T.project.id, messageId: id }),
    ]);
    const jobs = queued.mock.calls.slice(-2).map((c) => c[0] as MessageChangeJob);
    const outcomes = await Promise.all(jobs.map(run));
    expect(outcomes).toContain("deleted");
    expect((await stored(id)).deletedAt).not.toBeNull();
    expect(tg.sentMessages(8106, { botToken: telegram.token })[0]!.deletedAt).toBeTypeOf("number");
    // A change that comes after the delete is dropped.
    expect(await run(jobs.find((j) => j.change.kind === "edit")!)).toBe("skipped");
  });

  it("bad input: empty text, unchanged text, a message not yet sent", async () => {
    tg.simulateClientMessage({ botToken: telegram.token, from: { id: 8107, first_name: "Юля" }, text: "Здравствуйте" });
    const id = await sentReply(telegram.id, "telegram", 8107, "Ответ");
    await expect(caller().editMessage({ projectId: T.project.id, messageId: id, text: "   " })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(caller().editMessage({ projectId: T.project.id, messageId: id, text: "Ответ" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const { conversationId } = await stored(id);
    const { messageId: pending } = await caller().reply({ projectId: T.project.id, conversationId, text: "ещё в очереди" });
    await expect(caller().deleteMessage({ projectId: T.project.id, messageId: pending })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("the conversation list follows a change of its last message", () => {
  const row = async (conversationId: string) => {
    const [c] = await env.owner.select().from(conversations).where(eq(conversations.id, conversationId));
    return c!;
  };
  const listed = async (conversationId: string, who: "manager" | "owner" = "manager") =>
    (await caller(who).list({ projectId: T.project.id, filter: "all" })).items.find((c) => c.id === conversationId)!;

  it("an edit shows the new text; a delete shows the message before it, then «Сообщение удалено»; the time stays", async () => {
    tg.simulateClientMessage({ botToken: telegram.token, from: { id: 8401, first_name: "Вера" }, text: "Здравствуйте" });
    const first = await sentReply(telegram.id, "telegram", 8401, "Торт будет в субботу");
    const { conversationId } = await stored(first);
    const { messageId: second } = await caller().reply({ projectId: T.project.id, conversationId, text: "Цена 2500 ₽" });
    expect(await sendOutbound(deps, { projectId: T.project.id, messageId: second }, { finalAttempt: false })).toBe("sent");
    const before = await row(conversationId);
    expect(before.lastMessagePreview).toBe("Цена 2500 ₽");
    const published = env.published.length;

    await caller().editMessage({ projectId: T.project.id, messageId: second, text: "Цена 2700 ₽" });
    expect(await run(lastJob())).toBe("edited");
    expect((await listed(conversationId)).preview).toBe("Цена 2700 ₽");
    // The list hears of it at once.
    expect(env.published.slice(published)).toContainEqual(expect.objectContaining({ type: "conversation.message", conversationId }));

    // Editing an older message leaves the line alone.
    await caller().editMessage({ projectId: T.project.id, messageId: first, text: "Торт будет в воскресенье" });
    expect(await run(lastJob())).toBe("edited");
    expect((await row(conversationId)).lastMessagePreview).toBe("Цена 2700 ₽");

    await caller().deleteMessage({ projectId: T.project.id, messageId: second });
    expect(await run(lastJob())).toBe("deleted");
    expect((await listed(conversationId)).preview).toBe("Торт будет в воскресенье");
    // Even the owner, who still reads deleted words in the thread, no longer sees them in the list.
    expect((await listed(conversationId, "owner")).preview).toBe("Торт будет в воскресенье");
    const after = await row(conversationId);
    expect(after.lastMessageAt).toEqual(before.lastMessageAt);
    expect(after.messageCount).toBe(before.messageCount);

    // Nothing left to show: every message deleted (the client's own only by hand here).
    await caller().deleteMessage({ projectId: T.project.id, messageId: first });
    expect(await run(lastJob())).toBe("deleted");
    expect((await row(conversationId)).lastMessagePreview).toBe("Здравствуйте");
    await env.owner.update(messages).set({ deletedAt: new Date() }).where(eq(messages.conversationId, conversationId));
    await withTenant(env.db, T.project.id, (tx) => refreshLastMessage(tx, conversationId));
    expect((await row(conversationId)).lastMessagePreview).toBe("Сообщение удалено");
  });

  it("a client's inbound edit of the last message changes the line too", async () => {
    const ch = { id: telegram.id, projectId: T.project.id, kind: "telegram" as const };
    const { conversationId } = await env.ingest(ch, { ...clientMessage({ chatId: "8402", text: "Нужен букет", id: "51" }), channel: "telegram" });
    await ingestEvent(env.db, ch, { type: "edit", channel: "telegram", dedupeId: "e51", chatId: "8402", client: { externalUserId: "8402" }, occurredAt: new Date().toISOString(), externalMessageId: "51", text: "Нужен букет роз", attachments: [], editedAt: new Date().toISOString() });
    expect((await row(conversationId)).lastMessagePreview).toBe("Нужен букет роз");
  });

  it("another tenant's conversation is not touched by a refresh under our tenant", async () => {
    const { conversationId } = await env.ingest({ id: telegram.id, projectId: T.project.id, kind: "telegram" }, { ...clientMessage({ chatId: "8403", text: "Наш клиент", id: "61" }), channel: "telegram" });
    await env.owner.update(conversations).set({ lastMessagePreview: "как было" }).where(eq(conversations.id, conversationId));
    await withTenant(env.db, Other.project.id, (tx) => refreshLastMessage(tx, conversationId));
    expect((await row(conversationId)).lastMessagePreview).toBe("как было");
  });
});

describe("repeated edits are capped per member and per message", () => {
  it("the sixth edit of one message is refused with a clear error before anything is queued", async () => {
    tg.simulateClientMessage({ botToken: telegram.token, from: { id: 8501, first_name: "Глеб" }, text: "Здравствуйте" });
    const id = await sentReply(telegram.id, "telegram", 8501, "Ответ", "owner");
    for (let i = 1; i <= 5; i++) await caller("owner").editMessage({ projectId: T.project.id, messageId: id, text: `Ответ ${i}` });
    const calls = queued.mock.calls.length;
    await expect(caller("owner").editMessage({ projectId: T.project.id, messageId: id, text: "Ответ 6" })).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
      message: "Это сообщение уже исправляли 5 раз — больше нельзя. Удалите его и напишите заново",
    });
    expect(queued.mock.calls.length).toBe(calls);
    expect((await stored(id)).text).toBe("Ответ");
    // Deleting it is still allowed.
    await caller("owner").deleteMessage({ projectId: T.project.id, messageId: id });
    expect(queued.mock.calls.length).toBe(calls + 1);
  });

  it("per member per minute: past the limit a wait in seconds; another member and another project are counted apart", async () => {
    const limiter = new EditLimiter(env.redis, { perMessage: 100, perMinute: 3 }, `${env.queues.prefix}:edits-minute`);
    const manager = { projectId: T.project.id, membershipId: T.manager.membershipId };
    for (let i = 0; i < 3; i++) await limiter.take(manager, 1000 + i);
    await expect(limiter.take(manager, 2000)).rejects.toMatchObject({ status: "TOO_MANY_REQUESTS", code: "messageChange.tooManyEdits", message: expect.stringMatching(/^Слишком много исправлений подряд\. Попробуйте через \d+ с$/) });
    await limiter.take({ projectId: T.project.id, membershipId: T.owner.membershipId }, 2000);
    await limiter.take({ projectId: Other.project.id, membershipId: T.manager.membershipId }, 2000);
  });
});

describe("inbound edits", () => {
  it("a client's edit (Telegram edited_message, VK message_edit) updates the stored message as edited", async () => {
    const { conversationId } = await env.ingest({ id: telegram.id, projectId: T.project.id, kind: "telegram" }, { ...clientMessage({ chatId: "8301", text: "Хочу 2 торта", id: "41" }), channel: "telegram" });
    await ingestEvent(env.db, { id: telegram.id, projectId: T.project.id, kind: "telegram" }, { type: "edit", channel: "telegram", dedupeId: "e41", chatId: "8301", client: { externalUserId: "8301" }, occurredAt: new Date().toISOString(), externalMessageId: "41", text: "Хочу 3 торта", attachments: [], editedAt: new Date().toISOString() });
    const [row] = await env.owner.select().from(messages).where(eq(messages.conversationId, conversationId));
    expect(row).toMatchObject({ text: "Хочу 3 торта" });
    expect(row!.editedAt).not.toBeNull();
  });
});
