import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { contacts, conversations, messages, withTenant } from "@threadline/db";
import type { TelegramBotApiSimulator, VkApiSimulator } from "@threadline/simulators/channels";
import { clientMessage, type TestEnv } from "@threadline/testing";
import { RetryLater, sendOutbound, type OutboundDeps } from "./outbound.ts";
import { createOutboundEnv } from "./testing/outbound-env.ts";

// "Never sends twice" where the platform cannot help: Telegram has no idempotency key, so a send
// whose answer was lost, or a worker that died mid-send, must not be repeated by the queue.

let O: Awaited<ReturnType<typeof createOutboundEnv>>;
let env: TestEnv;
let T: Awaited<ReturnType<TestEnv["createTenant"]>>;
let deps: OutboundDeps;
let tg: TelegramBotApiSimulator;
let vk: VkApiSimulator;
let telegram: { id: string; token: string };
let vkChannel: { id: string; groupId: number };

/** A client writes in; a manager answers; returns the pending reply's id. */
async function reply(channelId: string, kind: "vk" | "telegram", chatId: number, text: string) {
  const { conversationId } = await env.ingest({ id: channelId, projectId: T.project.id, kind }, { ...clientMessage({ chatId: String(chatId), text: "Здравствуйте" }), channel: kind });
  const { messageId } = await env.caller(T.manager.token).conversations.reply({ projectId: T.project.id, conversationId, text });
  return messageId;
}

async function stored(messageId: number) {
  const [row] = await env.owner.select().from(messages).where(eq(messages.id, messageId));
  return row!;
}

const send = (messageId: number, finalAttempt = false) => sendOutbound(deps, { projectId: T.project.id, messageId }, { finalAttempt });

beforeAll(async () => {
  O = await createOutboundEnv("Outbound", "outbound_bot");
  ({ env, T, deps, tg, vk, telegram, vkChannel } = O);
});
afterAll(async () => O?.close());

describe("outbound sends at the edges: lost answers, dead workers, concurrent ingest", () => {
  it("Telegram: a send whose answer is lost is not repeated; the manager is asked to check", async () => {
    tg.simulateClientMessage({ botToken: telegram.token, from: { id: 7101, first_name: "Лиза" }, text: "Здравствуйте" });
    const id = await reply(telegram.id, "telegram", 7101, "Ваш заказ готов");
    tg.loseNextAnswer("sendMessage");
    expect(await send(id)).toBe("failed");
    expect(tg.sentMessages(7101, { botToken: telegram.token }).map((m) => m.text)).toEqual(["Ваш заказ готов"]);
    expect(await stored(id)).toMatchObject({ delivery: "failed", failureReason: "channel.unconfirmed" });
    // The queue's next attempt finds nothing to do.
    expect(await send(id)).toBe("skipped");
    expect(tg.sentMessages(7101, { botToken: telegram.token })).toHaveLength(1);
  });

  it("Telegram: after a worker died mid-send, the retry does not send again", async () => {
    tg.simulateClientMessage({ botToken: telegram.token, from: { id: 7102, first_name: "Марк" }, text: "Здравствуйте" });
    const id = await reply(telegram.id, "telegram", 7102, "Курьер выехал");
    // As the dying worker left it: handed to Telegram, no answer recorded.
    await withTenant(env.db, T.project.id, (tx) => tx.update(messages).set({ sendAttemptedAt: new Date() }).where(eq(messages.id, id)));
    expect(await send(id)).toBe("failed");
    expect(tg.sentMessages(7102, { botToken: telegram.token })).toHaveLength(0);
    expect((await stored(id)).failureReason).toBe("channel.unconfirmed");
  });

  it("Telegram: a 429 is an answer — the send is retried after the delay and delivered once", async () => {
    tg.simulateClientMessage({ botToken: telegram.token, from: { id: 7103, first_name: "Ира" }, text: "Здравствуйте" });
    const id = await reply(telegram.id, "telegram", 7103, "Столик на 19:00");
    tg.failNext({ errorCode: 429, description: "Too Many Requests: retry after 1", retryAfter: 1, method: "sendMessage" });
    await expect(send(id)).rejects.toBeInstanceOf(RetryLater);
    expect((await stored(id)).sendAttemptedAt).toBeNull();
    expect(await send(id)).toBe("sent");
    expect(tg.sentMessages(7103, { botToken: telegram.token })).toHaveLength(1);
  });

  it("VK: after a worker died mid-send, the retry goes out and VK's random_id keeps it to one message", async () => {
    vk.simulateClientMessage({ groupId: vkChannel.groupId, userId: 7104, text: "Здравствуйте" });
    const id = await reply(vkChannel.id, "vk", 7104, "Ждём вас завтра");
    const row = await stored(id);
    // The dying worker's send reached VK; its answer was never recorded.
    const { adapter } = (await deps.channels.adapter(vkChannel.id))!;
    await adapter.send({ chatId: "7104", idempotencyKey: row.clientKey!, text: row.text });
    await withTenant(env.db, T.project.id, (tx) => tx.update(messages).set({ sendAttemptedAt: new Date() }).where(eq(messages.id, id)));
    expect(await send(id)).toBe("sent");
    expect(vk.sentMessages(7104, vkChannel.groupId).map((m) => m.text)).toEqual(["Ждём вас завтра"]);
  });

  it("a refusal found at send time and an echo stored at that moment wait for each other instead of deadlocking", async () => {
    // VK refuses (901) a client who never wrote: the send marks the contact inactive.
    const id = await reply(vkChannel.id, "vk", 7105, "Спасибо за заказ");
    const [conv] = await env.owner.select({ contactId: conversations.contactId }).from(conversations).innerJoin(messages, eq(messages.conversationId, conversations.id)).where(eq(messages.id, id));
    const waitingOnLocks = async () => (await env.owner.execute<{ n: number }>(sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`))[0]!.n;
    // As ingest does: the contact first, then the message.
    const ingest = withTenant(env.db, T.project.id, async (tx) => {
      await tx.select({ id: contacts.id }).from(contacts).where(eq(contacts.id, conv!.contactId)).for("update");
      const sending = send(id);
      await expect.poll(waitingOnLocks, { timeout: 5000 }).toBeGreaterThan(0);
      await tx.update(messages).set({ externalId: sql`coalesce(${messages.externalId}, '7105:echo')` }).where(eq(messages.id, id));
      // Handed out unawaited: the send can only finish once this transaction has committed.
      return { sending };
    });
    expect(await (await ingest).sending).toBe("failed");
    expect(await stored(id)).toMatchObject({ delivery: "failed", externalId: "7105:echo" });
  });
});
