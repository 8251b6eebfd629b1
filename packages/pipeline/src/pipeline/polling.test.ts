import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { Redis } from "ioredis";
import { channels, messages } from "@threadline/db";
import { TelegramBotApiSimulator, VkApiSimulator } from "@threadline/simulators/channels";
import { createTestEnv, startTestPipeline, type TestEnv } from "@threadline/testing";
import { startPollers } from "./polling.ts";

// Channels without a public address receive by long polling: the worker polls, queues the events
// like webhooks do, and keeps the platform's cursor so that a restart neither loses nor repeats.

let env: TestEnv;
let T: Awaited<ReturnType<TestEnv["createTenant"]>>;
let pipeline: Awaited<ReturnType<typeof startTestPipeline>>;
let redis: Redis;
const tg = new TelegramBotApiSimulator();
const vk = new VkApiSimulator();
const pollers: ReturnType<typeof startPollers>[] = [];
let telegram: { id: string; token: string };
let vkId: string;

function poller() {
  const p = startPollers({ db: env.db, channels: pipeline.channels, redis, enqueueInbound: env.queues.enqueueInbound, logger: env.deps.logger, prefix: env.queues.prefix, rescanMs: 200, waitSeconds: 1 });
  pollers.push(p);
  return p;
}

async function textsOf(channelId: string) {
  const rows = await env.owner.select({ text: messages.text }).from(messages).where(eq(messages.channelId, channelId));
  return rows.map((r) => r.text).sort();
}

async function telegramWebhook(token: string) {
  const res = await fetch(`${tg.apiRoot}/bot${token}/getWebhookInfo`, { method: "POST" });
  return ((await res.json()) as { result: { url: string } }).result.url;
}

beforeAll(async () => {
  env = await createTestEnv();
  T = await env.createTenant("Poll");
  await env.caller(T.owner.token).agent.update({ projectId: T.project.id, enabled: false });
  pipeline = await startTestPipeline(env);
  redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: null });
  await tg.start();
  await vk.start();
  env.useEndpoints({ telegramApiRoot: tg.apiRoot, vkApiBaseUrl: vk.apiBaseUrl });
});
afterAll(async () => {
  await Promise.all(pollers.map((p) => p.close()));
  await pipeline?.close();
  redis?.disconnect();
  await tg.stop();
  await vk.stop();
  await env?.close();
});

describe("receiving by long polling", () => {
  it("a Telegram bot set to polling has no webhook; its clients' messages are stored once across a restart of the poller", async () => {
    const bot = tg.addBot({ username: "poll_shop_bot" });
    const owner = env.caller(T.owner.token);
    const { id } = await owner.channels.connectTelegram({ projectId: T.project.id, token: bot.token, delivery: "polling" });
    telegram = { id, token: bot.token };
    expect(await telegramWebhook(bot.token)).toBe("");
    expect((await owner.channels.list({ projectId: T.project.id })).find((c) => c.id === id)?.delivery).toBe("polling");

    const first = poller();
    tg.simulateClientMessage({ botToken: bot.token, from: { id: 7001, first_name: "Вера" }, text: "Здравствуйте, вы открыты?" });
    await expect.poll(() => textsOf(id), { timeout: 10_000 }).toEqual(["Здравствуйте, вы открыты?"]);

    // Stopped, then a message arrives, then a new process polls: it picks up from the saved cursor.
    await first.close();
    tg.simulateClientMessage({ botToken: bot.token, from: { id: 7001, first_name: "Вера" }, text: "Жду ответа" });
    const [row] = await env.owner.select({ settings: channels.settings }).from(channels).where(eq(channels.id, id));
    expect(typeof row!.settings.pollCursor).toBe("string");
    poller();
    await expect.poll(() => textsOf(id), { timeout: 10_000 }).toEqual(["Жду ответа", "Здравствуйте, вы открыты?"]);
  });

  it("a VK community set to polling gets no Callback API server and receives through Bots Long Poll", async () => {
    const community = vk.addCommunity({ name: "Пекарня" });
    const owner = env.caller(T.owner.token);
    const { id } = await owner.channels.connectVk({ projectId: T.project.id, token: community.token, groupId: community.groupId, delivery: "polling" });
    vkId = id;
    const servers = (await (await fetch(`${vk.apiBaseUrl}/groups.getCallbackServers`, { method: "POST", body: new URLSearchParams({ access_token: community.token, group_id: String(community.groupId), v: "5.199" }) })).json()) as {
      response: { count: number };
    };
    expect(servers.response.count).toBe(0);
    // The poller opens its session first; a message written before that is VK's past, not an update.
    await expect.poll(() => pollers.some((p) => p.active().includes(id)), { timeout: 5000 }).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    vk.simulateClientMessage({ groupId: community.groupId, userId: 8001, text: "Есть ли у вас безглютеновый хлеб?" });
    await expect.poll(() => textsOf(id), { timeout: 10_000 }).toEqual(["Есть ли у вас безглютеновый хлеб?"]);
  });

  it("each channel is polled by one process only, and switching to webhooks stops the polling and sets the webhook", async () => {
    await poller().rescan();
    const active = pollers.flatMap((p) => p.active());
    expect(new Set(active).size).toBe(active.length);
    expect(active).toEqual(expect.arrayContaining([telegram.id, vkId]));

    await env.caller(T.owner.token).channels.setDelivery({ projectId: T.project.id, channelId: telegram.id, delivery: "webhook" });
    expect(await telegramWebhook(telegram.token)).toBe(`http://worker.test/webhooks/telegram/${telegram.id}`);
    await Promise.all(pollers.map((p) => p.rescan()));
    await expect.poll(() => pollers.some((p) => p.active().includes(telegram.id)), { timeout: 5000 }).toBe(false);
    expect(pollers.some((p) => p.active().includes(vkId))).toBe(true);
  });

  it("a manager may not switch how a channel receives", async () => {
    const [any] = await env.owner.select({ id: channels.id }).from(channels);
    await expect(env.caller(T.manager.token).channels.setDelivery({ projectId: T.project.id, channelId: any!.id, delivery: "polling" })).rejects.toThrow(/FORBIDDEN|прав/i);
  });
});
