import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { attachments, channels, contacts, conversations, messages, searchLexicon, uploads, withTenant } from "@threadline/db";
import { QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import { uploadPrefix } from "@threadline/domain/conversations/uploads.ts";
import { UPLOAD_SWEEP_EVERY_MS, STAFF_DAY_EVERY_MS, SEARCH_LEXICON_EVERY_MS } from "../jobs/index.ts";
import { TelegramAdapter, VkAdapter } from "@threadline/channels";
import { TelegramBotApiSimulator, VkApiSimulator } from "@threadline/simulators/channels";
import { encryptSecret } from "@threadline/domain/crypto.ts";
import { clientMessage, createTestEnv, startTestPipeline, type TestEnv } from "@threadline/testing";

let env: TestEnv;
let T: Awaited<ReturnType<TestEnv["createTenant"]>>;
let pipeline: Awaited<ReturnType<typeof startTestPipeline>>;
const tg = new TelegramBotApiSimulator();
const vk = new VkApiSimulator();
let tgChannel: { id: string; token: string; secret: string };
let vkChannel: { id: string; groupId: number; secret: string };

async function insertChannel(kind: "vk" | "telegram", externalId: string, token: string, secret: string, confirmation?: string) {
  const [row] = await withTenant(env.db, T.project.id, (tx) =>
    tx
      .insert(channels)
      .values({ projectId: T.project.id, kind, name: kind, externalId, tokenEnc: encryptSecret(token, env.deps.secretKey), webhookSecret: secret, confirmation })
      .returning(),
  );
  return row!.id;
}


beforeAll(async () => {
  env = await createTestEnv();
  T = await env.createTenant("Pipe");
  // These tests are about the channels: clients here are answered by people, not the agent.
  await env.caller(T.owner.token).agent.update({ projectId: T.project.id, enabled: false });
  pipeline = await startTestPipeline(env);
  await tg.start();
  await vk.start();
  env.useEndpoints({ telegramApiRoot: tg.apiRoot, vkApiBaseUrl: vk.apiBaseUrl });
  const bot = tg.addBot({ username: "zerno_bot" });
  const secret = "tg-secret-token-1";
  tgChannel = { id: await insertChannel("telegram", String(bot.botId), bot.token, secret), token: bot.token, secret };
  await new TelegramAdapter({ token: bot.token, apiRoot: tg.apiRoot }).registerWebhook({ url: `${pipeline.url}/webhooks/telegram/${tgChannel.id}`, secret });
  const community = vk.addCommunity({ name: "Кофейня" });
  const vkSecret = "vk-secret-key-1";
  vkChannel = { id: await insertChannel("vk", String(community.groupId), community.token, vkSecret, community.confirmation), groupId: community.groupId, secret: vkSecret };
  await new VkAdapter({ groupId: community.groupId, token: community.token, apiBaseUrl: vk.apiBaseUrl }).registerWebhook({ url: `${pipeline.url}/webhooks/vk/${vkChannel.id}`, secret: vkSecret });
});
afterAll(async () => {
  await pipeline?.close();
  await tg.stop();
  await vk.stop();
  await env?.close();
});

async function countMessages(externalId: string) {
  return (await env.owner.select().from(messages).where(eq(messages.externalId, externalId))).length;
}

describe("webhook → queue → store", () => {
  it("a Telegram client message arrives through the real webhook and is stored with its contact", async () => {
    const sent = tg.simulateClientMessage({ from: { id: 501, first_name: "Ольга", username: "olga_k" }, text: "Добрый день! Есть капучино на овсяном?" }) as { message_id: number };
    await expect.poll(() => countMessages(`501:${sent.message_id}`), { timeout: 5000 }).toBe(1);
    const [contact] = await env.owner.select().from(contacts).where(eq(contacts.externalId, "501"));
    expect(contact).toMatchObject({ name: "Ольга", username: "olga_k", profileUrl: "https://t.me/olga_k", active: true });
    expect(env.published).toContainEqual(expect.objectContaining({ type: "conversation.message", direction: "in" }));
  });

  it("a VK client message arrives through the Callback API and is stored", async () => {
    const sent = vk.simulateClientMessage({ groupId: vkChannel.groupId, userId: 7001, text: "Здравствуйте, до скольки работаете?", ref: "ads_1" }) as { id: number };
    await expect.poll(() => countMessages(String(sent.id)), { timeout: 5000 }).toBe(1);
    // The event carries only the user id; the name and profile link come from users.get.
    await expect.poll(async () => (await env.owner.select().from(contacts).where(eq(contacts.externalId, "7001")))[0]?.name.length ?? 0, { timeout: 5000 }).toBeGreaterThan(2);
    const [contact] = await env.owner.select().from(contacts).where(eq(contacts.externalId, "7001"));
    expect(contact!.profileUrl).toMatch(/^https:\/\/vk\.com\//);
  });

  it("every webhook delivered three times gives exactly one message row", async () => {
    const update = { update_id: 900001, message: { message_id: 77001, date: Math.floor(Date.now() / 1000), chat: { id: 502, type: "private", first_name: "Иван" }, from: { id: 502, is_bot: false, first_name: "Иван" }, text: "Три раза" } };
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${pipeline.url}/webhooks/telegram/${tgChannel.id}`, { method: "POST", headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": tgChannel.secret }, body: JSON.stringify(update) });
      expect(res.status).toBe(200);
    }
    const vkEvent = { type: "message_new", group_id: vkChannel.groupId, event_id: "e-dup", v: "5.199", secret: vkChannel.secret, object: { message: { id: 88001, date: Math.floor(Date.now() / 1000), peer_id: 7002, from_id: 7002, text: "Три раза VK", out: 0, conversation_message_id: 1, attachments: [], fwd_messages: [], important: false, is_hidden: false, version: 1 }, client_info: { button_actions: ["text"], keyboard: true, inline_keyboard: true, carousel: true, lang_id: 0 } } };
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${pipeline.url}/webhooks/vk/${vkChannel.id}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(vkEvent) });
      expect(await res.text()).toBe("ok");
    }
    await expect.poll(() => countMessages("502:77001"), { timeout: 5000 }).toBe(1);
    await expect.poll(() => countMessages("88001"), { timeout: 5000 }).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(await countMessages("502:77001")).toBe(1);
    expect(await countMessages("88001")).toBe(1);
  });

  it("a burst of webhooks for one new chat, stored in group commits: one conversation, every message once, each announced once", async () => {
    const chat = 504;
    const updates = Array.from({ length: 40 }, (_, i) => ({
      update_id: 910000 + i,
      message: { message_id: 78000 + i, date: 1_700_000_000 + i, chat: { id: chat, type: "private", first_name: "Вера" }, from: { id: chat, is_bot: false, first_name: "Вера" }, text: `Сообщение ${i}` },
    }));
    // Each update twice, all at once, as a platform retrying a slow ack does.
    const posts = [...updates, ...updates].map((u) =>
      fetch(`${pipeline.url}/webhooks/telegram/${tgChannel.id}`, { method: "POST", headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": tgChannel.secret }, body: JSON.stringify(u) }),
    );
    expect((await Promise.all(posts)).map((r) => r.status)).toEqual(Array(80).fill(200));
    const stored = () => env.owner.select().from(messages).where(eq(messages.channelId, tgChannel.id));
    await expect.poll(async () => (await stored()).filter((m) => m.externalId!.startsWith(`${chat}:`)).length, { timeout: 10_000 }).toBe(40);
    const rows = (await stored()).filter((m) => m.externalId!.startsWith(`${chat}:`));
    expect(new Set(rows.map((m) => m.conversationId)).size).toBe(1);
    const [conversation] = await env.owner.select().from(conversations).where(eq(conversations.id, rows[0]!.conversationId));
    expect(conversation).toMatchObject({ messageCount: 40, lastSeq: Math.max(...rows.map((m) => m.id)), lastMessagePreview: "Сообщение 39" });
    const announced = env.published.flatMap((e) => (e.type === "conversation.message" && e.conversationId === conversation!.id ? [Number(e.messageId)] : []));
    expect(announced.sort()).toEqual(rows.map((m) => m.id).sort());
  });

  it("forged secrets, unknown channels, malformed and oversized bodies get 4xx and store nothing", async () => {
    const before = (await env.owner.select().from(messages)).length;
    const tgUpdate = JSON.stringify({ update_id: 900002, message: { message_id: 77002, date: 1, chat: { id: 503, type: "private" }, from: { id: 503, is_bot: false, first_name: "X" }, text: "подделка" } });
    const post = (path: string, body: string, headers: Record<string, string> = {}) => fetch(`${pipeline.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
    expect((await post(`/webhooks/telegram/${tgChannel.id}`, tgUpdate, { "x-telegram-bot-api-secret-token": "wrong" })).status).toBe(403);
    expect((await post(`/webhooks/telegram/${tgChannel.id}`, tgUpdate)).status).toBe(403);
    const forgedVk = JSON.stringify({ type: "message_new", group_id: vkChannel.groupId, event_id: "e-forged", v: "5.199", secret: "nope", object: { message: { id: 88002, date: 1, peer_id: 7003, from_id: 7003, text: "подделка", out: 0 } } });
    expect((await post(`/webhooks/vk/${vkChannel.id}`, forgedVk)).status).toBe(403);
    expect((await post(`/webhooks/vk/${tgChannel.id}`, forgedVk)).status).toBe(404);
    expect((await post(`/webhooks/telegram/00000000-0000-4000-8000-000000000000`, tgUpdate, { "x-telegram-bot-api-secret-token": tgChannel.secret })).status).toBe(404);
    expect((await post(`/webhooks/telegram/not-a-uuid`, tgUpdate)).status).toBe(404);
    expect((await post(`/webhooks/telegram/${tgChannel.id}`, "{not json", { "x-telegram-bot-api-secret-token": tgChannel.secret })).status).toBe(400);
    const huge = JSON.stringify({ update_id: 1, message: { text: "я".repeat(5_000_000) } });
    expect((await post(`/webhooks/telegram/${tgChannel.id}`, huge, { "x-telegram-bot-api-secret-token": tgChannel.secret })).status).toBe(413);
    // An update type Threadline does not handle is acknowledged and ignored.
    const unknown = JSON.stringify({ update_id: 900003, poll: { id: "1", question: "?", options: [] } });
    expect((await post(`/webhooks/telegram/${tgChannel.id}`, unknown, { "x-telegram-bot-api-secret-token": tgChannel.secret })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect((await env.owner.select().from(messages)).length).toBe(before);
  });
});

describe("media", () => {
  it("a VK client's photo and document (a receipt) are fetched into storage from the links VK gives", async () => {
    vk.simulateClientMessage({
      groupId: vkChannel.groupId,
      userId: 7301,
      text: "Оплатил, вот чек",
      attachments: [{ type: "photo" }, { type: "doc", title: "чек.pdf", data: Buffer.from("%PDF-1.4 чек на 2 400 ₽") }],
    });
    const rows = async () =>
      env.owner.select({ state: attachments.state, kind: attachments.kind, error: attachments.error }).from(attachments).innerJoin(messages, eq(messages.id, attachments.messageId)).where(eq(messages.text, "Оплатил, вот чек"));
    await expect.poll(async () => (await rows()).map((r) => `${r.kind}:${r.state}`).sort(), { timeout: 8000 }).toEqual(["document:ready", "photo:ready"]);
  });

  it("a VK callback whose document link points inside the network fetches nothing: the file is marked failed with a reason, the message is kept", async () => {
    // A server on this machine standing for an internal service; it counts every request.
    const { createServer } = await import("node:http");
    let hits = 0;
    const inside = createServer((_req, res) => {
      hits++;
      res.end("internal secret");
    });
    await new Promise<void>((r) => inside.listen(0, "127.0.0.1", r));
    const port = (inside.address() as { port: number }).port;
    try {
      const doc = (url: string, id: number) => ({ type: "doc", doc: { id, owner_id: 7401, title: "счёт.pdf", size: 15, ext: "pdf", url, date: 1, type: 1 } });
      const event = {
        type: "message_new",
        group_id: vkChannel.groupId,
        event_id: "e-ssrf",
        v: "5.199",
        secret: vkChannel.secret,
        object: {
          message: {
            id: 88401,
            date: Math.floor(Date.now() / 1000),
            peer_id: 7401,
            from_id: 7401,
            text: "Вот счёт",
            out: 0,
            conversation_message_id: 1,
            // Loopback directly, and an https link to a name that resolves to loopback.
            attachments: [doc(`http://127.0.0.1:${port}/secret`, 1), doc(`https://localhost:${port}/secret`, 2)],
            fwd_messages: [],
            important: false,
            is_hidden: false,
            version: 1,
          },
          client_info: { button_actions: ["text"], keyboard: true, inline_keyboard: true, carousel: true, lang_id: 0 },
        },
      };
      const res = await fetch(`${pipeline.url}/webhooks/vk/${vkChannel.id}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(event) });
      expect(res.status).toBe(200);
      const rows = async () =>
        env.owner
          .select({ state: attachments.state, error: attachments.error, storageKey: attachments.storageKey })
          .from(attachments)
          .innerJoin(messages, eq(messages.id, attachments.messageId))
          .where(eq(messages.externalId, "88401"));
      await expect.poll(async () => (await rows()).map((r) => r.state), { timeout: 8000 }).toEqual(["failed", "failed"]);
      for (const row of await rows()) expect(row).toEqual({ state: "failed", error: "channel.fileForeignHost", storageKey: null });
      expect(await countMessages("88401")).toBe(1);
      expect(hits).toBe(0);
    } finally {
      inside.close();
    }
  });

  it("a client's photo is fetched into storage and served only to members who may see it", async () => {
    const express = (await import("express")).default;
    const { createServer } = await import("node:http");
    const { filesHandler } = await import("@threadline/api/http");
    const app = express();
    app.get("/files/:attachmentId", filesHandler(env.deps, pipeline.storage));
    const server = createServer(app);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      tg.simulateClientMessage({ from: { id: 701, first_name: "Лиза" }, photo: {}, caption: "Вот чек об оплате" });
      const attachmentRow = async () =>
        (await env.owner.select({ id: attachments.id, state: attachments.state }).from(attachments).innerJoin(messages, eq(messages.id, attachments.messageId)).where(eq(messages.text, "Вот чек об оплате")))[0];
      await expect.poll(async () => (await attachmentRow())?.state, { timeout: 8000 }).toBe("ready");
      const { id } = (await attachmentRow())!;
      // New conversations go to a member by rotation: this one is the manager's.
      const [photo] = await env.owner.select({ conversationId: messages.conversationId }).from(messages).where(eq(messages.text, "Вот чек об оплате"));
      await env.caller(T.owner.token).conversations.assign({ projectId: T.project.id, conversationId: photo!.conversationId, assigneeId: T.manager.membershipId });
      const get = (token: string | null, projectId = T.project.id) =>
        fetch(`${base}/files/${id}?projectId=${projectId}`, { headers: token ? { cookie: `tl_session=${token}` } : {} });
      const ok = await get(T.manager.token);
      expect(ok.status).toBe(200);
      expect(ok.headers.get("content-type")).toMatch(/^image\//);
      expect((await ok.arrayBuffer()).byteLength).toBeGreaterThan(50);
      expect((await get(null)).status).toBe(401);
      expect((await get(T.finance.token)).status).toBe(404);
      const other = await env.createTenant("Чужой");
      expect((await get(other.owner.token)).status).toBe(404);
      expect((await get(other.owner.token, other.project.id)).status).toBe(404);
    } finally {
      server.close();
    }
  });
});

describe("outbound", () => {
  it("a manager's reply reaches the Telegram client and is marked sent", async () => {
    tg.simulateClientMessage({ from: { id: 601, first_name: "Пётр" }, text: "Сколько стоит торт?" });
    await expect.poll(async () => (await env.owner.select().from(contacts).where(eq(contacts.externalId, "601"))).length, { timeout: 5000 }).toBe(1);
    const list = await env.caller(T.owner.token).conversations.list({ projectId: T.project.id, search: "торт", limit: 5 });
    const { messageId } = await env.caller(T.owner.token).conversations.reply({ projectId: T.project.id, conversationId: list.items[0]!.id, text: "От 1 800 ₽ за килограмм." });
    const received = await tg.waitForSent(601, 1);
    expect(received[0]).toMatchObject({ text: "От 1 800 ₽ за килограмм." });
    await expect.poll(async () => (await env.owner.select().from(messages).where(eq(messages.id, messageId)))[0]?.delivery, { timeout: 5000 }).toBe("sent");
  });

  it("a reply to a client who blocked the bot fails with a reason a manager can read, and the client shows inactive", async () => {
    tg.simulateClientMessage({ from: { id: 602, first_name: "Семён" }, text: "Уточните адрес доставки" });
    await expect.poll(async () => (await env.owner.select().from(contacts).where(eq(contacts.externalId, "602"))).length, { timeout: 5000 }).toBe(1);
    const list = await env.caller(T.owner.token).conversations.list({ projectId: T.project.id, search: "адрес доставки", limit: 5 });
    // Blocked a moment ago: Telegram's my_chat_member update has not reached us when the manager answers.
    tg.blockBot(602, undefined, { updateDelayed: true });
    const { messageId } = await env.caller(T.owner.token).conversations.reply({ projectId: T.project.id, conversationId: list.items[0]!.id, text: "Улица Баумана, 12" });
    await expect.poll(async () => (await env.owner.select().from(messages).where(eq(messages.id, messageId)))[0]?.delivery, { timeout: 8000 }).toBe("failed");
    const [row] = await env.owner.select().from(messages).where(eq(messages.id, messageId));
    expect(row!.failureReason).toMatch(/^channel\.client(Blocked|Denied)$/);
    await expect.poll(async () => (await env.owner.select().from(contacts).where(eq(contacts.externalId, "602")))[0]?.active, { timeout: 5000 }).toBe(false);
  });

  it("a 429 with retry_after is retried after the platform's delay and sent once", async () => {
    tg.simulateClientMessage({ from: { id: 603, first_name: "Вера" }, text: "Можно забронировать столик?" });
    await expect.poll(async () => (await env.owner.select().from(contacts).where(eq(contacts.externalId, "603"))).length, { timeout: 5000 }).toBe(1);
    const list = await env.caller(T.owner.token).conversations.list({ projectId: T.project.id, search: "столик", limit: 5 });
    tg.failNext({ errorCode: 429, description: "Too Many Requests: retry after 1", retryAfter: 1, method: "sendMessage" });
    const started = Date.now();
    await env.caller(T.owner.token).conversations.reply({ projectId: T.project.id, conversationId: list.items[0]!.id, text: "Да, на какое время?" });
    const received = await tg.waitForSent(603, 1, 8000);
    expect(received).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    await new Promise((r) => setTimeout(r, 500));
    expect(tg.sentMessages(603)).toHaveLength(1);
  });
});

/** Runs one housekeeping job through the worker and waits for it to finish. */
async function runMaintenance(name: "sweep-uploads" | "search-lexicon") {
  const events = new QueueEvents("maintenance", { connection: new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: null }), prefix: env.queues.prefix });
  try {
    await events.waitUntilReady();
    const job = await env.queues.maintenance.add(name, {});
    await job.waitUntilFinished(events, 15_000);
  } finally {
    await events.close();
  }
}

describe("housekeeping", () => {
  it("the worker schedules the upload sweep, the staff-day and the search lexicon jobs once, and a sweep removes uploads no reply took for a day", async () => {
    const schedules = await env.queues.maintenance.getJobSchedulers();
    expect(schedules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: "sweep-uploads", every: UPLOAD_SWEEP_EVERY_MS }),
        expect.objectContaining({ key: "staff-day", every: STAFF_DAY_EVERY_MS }),
        expect.objectContaining({ key: "search-lexicon", every: SEARCH_LEXICON_EVERY_MS }),
      ]),
    );
    expect(schedules).toHaveLength(3);

    const old = `${uploadPrefix(T.project.id)}brosheno-2-dnya`;
    const fresh = `${uploadPrefix(T.project.id)}tolko-chto`;
    for (const key of [old, fresh]) await pipeline.storage.put(key, Buffer.from("x"));
    await env.owner.insert(uploads).values([
      { projectId: T.project.id, storageKey: old, createdAt: new Date(Date.now() - 2 * 86_400_000) },
      { projectId: T.project.id, storageKey: fresh },
    ]);
    await runMaintenance("sweep-uploads");
    expect(await pipeline.storage.open(old)).toBeNull();
    const left = (await env.owner.select().from(uploads).where(eq(uploads.projectId, T.project.id))).map((u) => u.storageKey);
    expect(left).toEqual([fresh]);
    (await pipeline.storage.open(fresh))!.stream.destroy();
  });

  it("the search lexicon job adds the words of messages stored since its last run to their project's lexicon", async () => {
    await env.ingest(T.channel, clientMessage({ chatId: "lex-1", name: "Лидия Мухина", text: "Пришлите, пожалуйста, каталог гортензий" }));
    await env.owner.execute(sql`update messages set created_at = now() - interval '1 minute'`);
    await runMaintenance("search-lexicon");
    const words = (await env.owner.select().from(searchLexicon).where(eq(searchLexicon.projectId, T.project.id))).map((w) => w.word);
    expect(words).toEqual(expect.arrayContaining(["пришлите", "пожалуйста", "каталог", "гортензий"]));
  });
});
