import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { channels } from "@threadline/db";
import { TelegramBotApiSimulator, VkApiSimulator } from "@threadline/simulators/channels";
import { decryptSecret } from "../crypto.ts";
import { createTestEnv, type TestEnv } from "@threadline/testing";

let env: TestEnv;
let T: Awaited<ReturnType<TestEnv["createTenant"]>>;
const tg = new TelegramBotApiSimulator();
const vk = new VkApiSimulator();

beforeAll(async () => {
  env = await createTestEnv();
  T = await env.createTenant("Chan");
  await tg.start();
  await vk.start();
  env.useEndpoints({ telegramApiRoot: tg.apiRoot, vkApiBaseUrl: vk.apiBaseUrl });
});
afterAll(async () => {
  await tg.stop();
  await vk.stop();
  await env?.close();
});

describe("connecting channels", () => {
  it("a Telegram bot is checked, stored with its token encrypted, and its webhook set with a secret token", async () => {
    const bot = tg.addBot({ username: "zerno_shop_bot" });
    const owner = env.caller(T.owner.token);
    const { id } = await owner.channels.connectTelegram({ projectId: T.project.id, token: bot.token });
    const listed = await owner.channels.list({ projectId: T.project.id });
    const row = listed.find((c) => c.id === id)!;
    expect(row).toMatchObject({ kind: "telegram", name: "@zerno_shop_bot", externalId: String(bot.botId) });
    expect(JSON.stringify(listed)).not.toContain(bot.token);
    const [stored] = await env.owner.select().from(channels).where(eq(channels.id, id));
    expect(stored!.tokenEnc).not.toContain(bot.token);
    expect(decryptSecret(stored!.tokenEnc, env.deps.secretKey)).toBe(bot.token);
    const info = (await (await fetch(`${tg.apiRoot}/bot${bot.token}/getWebhookInfo`)).json()) as { result: { url: string } };
    expect(info.result.url).toBe(`http://worker.test/webhooks/telegram/${id}`);
  });

  it("no transaction is open while Telegram answers (decision 059)", async () => {
    const bot = tg.addBot({ username: "slow_answer_bot" });
    const open = async () =>
      env.owner.execute<{ state: string }>(sql`select state from pg_stat_activity where datname = current_database() and state like 'idle in transaction%' and pid <> pg_backend_pid()`);
    const held = [tg.holdNextAnswer("getMe"), tg.holdNextAnswer("setWebhook")];
    const connecting = env.caller(T.owner.token).channels.connectTelegram({ projectId: T.project.id, token: bot.token });
    for (const answer of held) {
      await answer.reached;
      expect(await open()).toEqual([]);
      answer.release();
    }
    const { id } = await connecting;
    expect((await env.owner.select().from(channels).where(eq(channels.id, id)))[0]).toMatchObject({ name: "@slow_answer_bot" });
  });

  it("refuses a platform address sent by a tenant: the worker reaches only the operator's endpoints", async () => {
    const before = await env.owner.select().from(channels);
    const bot = tg.addBot({ username: "redirected_bot" });
    for (const [path, input] of [
      ["channels.connectTelegram", { projectId: T.project.id, token: bot.token, apiBaseUrl: "http://127.0.0.1:9" }],
      ["channels.connectVk", { projectId: T.project.id, token: "vk1.a.some-token-some-token", groupId: 1, apiBaseUrl: "http://127.0.0.1:9/method" }],
    ] as const) {
      const res = await env.http(path, { token: T.owner.token, input });
      expect(res.status).toBe(400);
      expect(res.body.error?.json?.message).toContain("apiBaseUrl");
    }
    expect(await env.owner.select().from(channels)).toHaveLength(before.length);
  });

  it("a wrong token is a clear 400 and stores nothing", async () => {
    const before = await env.owner.select().from(channels);
    const res = await env.http("channels.connectTelegram", { token: T.owner.token, input: { projectId: T.project.id, token: "123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAA" } });
    expect(res.status).toBe(400);
    expect(res.body.error?.json?.message).toMatch(/Telegram не принял токен.*@BotFather/);
    expect(await env.owner.select().from(channels)).toHaveLength(before.length);
  });

  it("connecting the same bot twice is a conflict", async () => {
    const bot = tg.addBot();
    const owner = env.caller(T.owner.token);
    await owner.channels.connectTelegram({ projectId: T.project.id, token: bot.token });
    await expect(owner.channels.connectTelegram({ projectId: T.project.id, token: bot.token })).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("a VK community is stored with its confirmation string and its Callback API server added", async () => {
    const community = vk.addCommunity({ name: "Кофейня «Зерно»" });
    const owner = env.caller(T.owner.token);
    const { id, name } = await owner.channels.connectVk({ projectId: T.project.id, token: community.token, groupId: community.groupId });
    expect(name).toBe("Кофейня «Зерно»");
    const [row] = await env.owner.select().from(channels).where(eq(channels.id, id));
    expect(row).toMatchObject({ kind: "vk", externalId: String(community.groupId), confirmation: community.confirmation });
    const servers = (await (await fetch(`${vk.apiBaseUrl}/groups.getCallbackServers?group_id=${community.groupId}&access_token=${community.token}&v=5.199`)).json()) as { response: { items: { url: string }[] } };
    expect(servers.response.items.map((s) => s.url)).toContain(`http://worker.test/webhooks/vk/${id}`);
  });

  it("a Callback API address VK refuses takes the community away again, with VK's reason", async () => {
    const community = vk.addCommunity({ name: "Пекарня" });
    const before = await env.owner.select().from(channels);
    vk.failNext({ code: 15, method: "groups.addCallbackServer", message: "Access denied: no access to call this method" });
    const res = await env.http("channels.connectVk", { token: T.owner.token, input: { projectId: T.project.id, token: community.token, groupId: community.groupId } });
    expect(res.status).toBe(400);
    expect(res.body.error?.json?.message).toMatch(/^VK не принял адрес для событий/);
    expect(await env.owner.select().from(channels)).toHaveLength(before.length);
  });

  it("a wrong VK key is a clear 400 and stores nothing", async () => {
    const community = vk.addCommunity();
    const res = await env.http("channels.connectVk", { token: T.owner.token, input: { projectId: T.project.id, token: "vk1.a.wrong-token-wrong-token", groupId: community.groupId } });
    expect(res.status).toBe(400);
    expect(res.body.error?.json?.message).toMatch(/VK не принял ключ доступа.*Создайте новый ключ/);
    expect(await env.owner.select().from(channels).where(eq(channels.externalId, String(community.groupId)))).toHaveLength(0);
  });

  it("Telegram out of reach is said so, with what to do, and nothing is stored or promised to be retried", async () => {
    const before = await env.owner.select().from(channels);
    // A port nothing listens on: the operator's Telegram address cannot be reached.
    env.useEndpoints({ telegramApiRoot: "http://127.0.0.1:9" });
    try {
      const res = await env.http("channels.connectTelegram", { token: T.owner.token, input: { projectId: T.project.id, token: tg.addBot({ username: "far_bot" }).token } });
      expect(res.status).toBe(400);
      const message = String(res.body.error?.json?.message);
      expect(message).toMatch(/Telegram не отвечает серверу Threadline: канал не подключён\. Попробуйте ещё раз/);
      expect(message).not.toMatch(/повторим/);
    } finally {
      env.useEndpoints({ telegramApiRoot: tg.apiRoot, vkApiBaseUrl: vk.apiBaseUrl });
    }
    expect(await env.owner.select().from(channels)).toHaveLength(before.length);
  });

  it("a manager may not connect channels", async () => {
    const bot = tg.addBot();
    await expect(env.caller(T.manager.token).channels.connectTelegram({ projectId: T.project.id, token: bot.token })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
