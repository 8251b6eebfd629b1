import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, inArray } from "drizzle-orm";
import { Redis } from "ioredis";
import { channels, importRuns, messages, withTenant } from "@threadline/db";
import { encryptSecret } from "@threadline/domain/crypto.ts";
import { TelegramBotApiSimulator, VkApiSimulator } from "@threadline/simulators/channels";
import { clientMessage, createTestEnv, type TestEnv } from "@threadline/testing";
import { startJobsChild } from "../worker/testing/jobs-child.ts";
import { createImportQueue } from "../import/queue.ts";
import { createImportRun } from "../import/runs.ts";
import { seedVkCommunity } from "../import/testing/community.ts";
import { SharedRateLimits } from "./rate-limits.ts";

// The platforms' limits are per token, whatever process sends: job processes that each keep
// their own pace would together exceed them. Here two job processes share one bot, and a history
// import shares a VK token with live sends in them; the simulators (in this process, so that
// what they record is when requests arrive) count every request refused for its rate.

let env: TestEnv;
let T: Awaited<ReturnType<TestEnv["createTenant"]>>;
const tg = new TelegramBotApiSimulator();
const vk = new VkApiSimulator();
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

beforeAll(async () => {
  env = await createTestEnv();
  T = await env.createTenant("Rate limits");
  await tg.start();
  await vk.start();
  env.useEndpoints({ telegramApiRoot: tg.apiRoot, vkApiBaseUrl: vk.apiBaseUrl });
});
afterAll(async () => {
  await tg.stop();
  await vk.stop();
  await env?.close();
});

async function channel(kind: "vk" | "telegram", externalId: string, token: string) {
  const [row] = await withTenant(env.db, T.project.id, (tx) =>
    tx.insert(channels).values({ projectId: T.project.id, kind, name: kind, externalId, tokenEnc: encryptSecret(token, env.deps.secretKey), webhookSecret: `s-${externalId}` }).returning(),
  );
  return row!.id;
}

/** A client wrote in `chatId`, a manager answered: the reply waits in the outbound queue. */
async function queuedReply(channelId: string, kind: "vk" | "telegram", chatId: number) {
  const { conversationId } = await env.ingest({ id: channelId, projectId: T.project.id, kind }, { ...clientMessage({ chatId: String(chatId), text: "Здравствуйте" }), channel: kind });
  const { messageId } = await env.caller(T.manager.token).conversations.reply({ projectId: T.project.id, conversationId, text: `Ответ ${chatId}` });
  return messageId;
}

/** A job process of the delivery role (sends, files, imports), started as its own process. */
async function jobProcess() {
  const child = await startJobsChild({ appUrl: env.database.appUrl, redisUrl, prefix: env.queues.prefix, secretKey: env.deps.secretKey as string, endpoints: env.deps.endpoints, roles: ["delivery"] });
  return { close: () => child.stop() };
}

async function delivered(ids: number[]) {
  const rows = await env.owner.select({ delivery: messages.delivery }).from(messages).where(inArray(messages.id, ids));
  return rows.filter((r) => r.delivery === "sent").length;
}

describe("rate limits shared across processes", () => {
  it("counts a window atomically for every client of one Redis", async () => {
    const a = new SharedRateLimits(new Redis(redisUrl), env.queues.prefix);
    const b = new SharedRateLimits(new Redis(redisUrl), env.queues.prefix);
    const rule = [{ key: "unit", limit: 20, windowMs: 1000 }];
    const waits = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).tryTake(rule)));
    expect(waits.filter((w) => w === 0)).toHaveLength(20);
    for (const w of waits.filter((w) => w > 0)) expect(w).toBeLessThanOrEqual(1001);
  });

  it("two job processes sending through one bot stay within Telegram's 30 messages per second", async () => {
    const bot = tg.addBot({ username: "shared_limit_bot" });
    const id = await channel("telegram", String(bot.botId), bot.token);
    const chats = Array.from({ length: 75 }, (_, i) => 810_000 + i);
    for (const chat of chats) tg.simulateClientMessage({ botToken: bot.token, from: { id: chat, first_name: "Клиент" }, text: "Здравствуйте" });
    const ids: number[] = [];
    for (const chat of chats) ids.push(await queuedReply(id, "telegram", chat));
    tg.setRates({ botRate: { limit: 30, windowMs: 1000 }, chatRate: { limit: 1, windowMs: 1000 } });

    const started = Date.now();
    const processes = [await jobProcess(), await jobProcess()];
    try {
      await expect.poll(() => delivered(ids), { timeout: 30_000, interval: 100 }).toBe(ids.length);
    } finally {
      await Promise.all(processes.map((p) => p.close()));
    }
    // 75 messages at 30 per second take more than two seconds, and Telegram refused none.
    expect(Date.now() - started).toBeGreaterThan(2000);
    expect(tg.rateRejections).toEqual({ bot: 0, chat: 0 });
    expect(chats.reduce((n, chat) => n + tg.sentMessages(chat, { botToken: bot.token }).length, 0)).toBe(ids.length);
  }, 60_000);

  it("a history import and live sends on one VK token stay within 20 requests per second together", async () => {
    const community = seedVkCommunity(vk, { dialogs: 1500, messagesPerDialog: 1, seed: 11, firstUserId: 820_000 });
    const id = await channel("vk", String(community.groupId), community.token);
    const clients = Array.from({ length: 40 }, (_, i) => 830_000 + i);
    for (const user of clients) vk.simulateClientMessage({ groupId: community.groupId, userId: user, text: "Здравствуйте" });
    const ids: number[] = [];
    for (const user of clients) ids.push(await queuedReply(id, "vk", user));
    const run = await withTenant(env.db, T.project.id, (tx) => createImportRun(tx, { projectId: T.project.id, channelId: id, source: "vk_api" }));
    vk.setRateLimit(20, 1000);

    const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
    const imports = createImportQueue(redis, env.queues.prefix);
    const processes = [await jobProcess(), await jobProcess()];
    try {
      await imports.enqueue({ projectId: T.project.id, runId: run.id });
      await expect.poll(() => delivered(ids), { timeout: 60_000, interval: 200 }).toBe(ids.length);
      await expect.poll(async () => (await env.owner.select({ state: importRuns.state }).from(importRuns).where(eq(importRuns.id, run.id)))[0]!.state, { timeout: 60_000, interval: 200 }).toBe("done");
    } finally {
      await imports.close();
      await Promise.all(processes.map((p) => p.close()));
      redis.disconnect();
    }
    expect(vk.rateRejections).toBe(0);
  }, 120_000);
});
