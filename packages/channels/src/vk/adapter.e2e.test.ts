import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { solidPng } from "@threadline/simulators/channels";
import { VkApiSimulator } from "@threadline/simulators/channels";
import type { MessageEvent } from "../types.ts";
import { channelFailure } from "../testing.ts";
import { VkAdapter, vkRandomId } from "./adapter.ts";

// The VK adapter, through vk-io, against the VK API simulator over HTTP.

const sim = new VkApiSimulator({ callbackRetryDelaysMs: [50, 100] });
let adapter: VkAdapter;
let groupId: number;
const CLIENT = 501;

beforeAll(async () => {
  await sim.start();
  const community = sim.addCommunity({ name: "Цветочная лавка", screenName: "flowers_shop" });
  groupId = community.groupId;
  adapter = new VkAdapter({ groupId, token: community.token, apiBaseUrl: sim.apiBaseUrl, media: { extraOrigins: [sim.url] } });
  sim.simulateClientMessage({ groupId, userId: CLIENT, text: "Здравствуйте!" });
});

afterAll(() => sim.stop());

afterEach(() => sim.setRateLimit(20, 1000));

describe("VK adapter against the simulator", () => {
  it("describes the community", async () => {
    expect(await adapter.describe()).toEqual({ externalId: String(groupId), name: "Цветочная лавка", username: "flowers_shop" });
  });

  it("echoes a sent message through Long Poll with the random_id derived from our id", async () => {
    const { cursor } = await adapter.pollUpdates(null, { waitSeconds: 0 });
    const sent = await adapter.send({ chatId: String(CLIENT), idempotencyKey: "echo-1", text: "Заказ принят" });
    const round = await adapter.pollUpdates(cursor, { waitSeconds: 2 });
    expect(round.events).toMatchObject([
      { type: "message", direction: "outbound", externalMessageId: sent.externalMessageId, vkRandomId: vkRandomId("echo-1"), text: "Заказ принят" },
    ]);
  });

  it("sends text once per idempotency key", async () => {
    const first = await adapter.send({ chatId: String(CLIENT), idempotencyKey: "msg-1", text: "Добрый день! Чем помочь?" });
    const again = await adapter.send({ chatId: String(CLIENT), idempotencyKey: "msg-1", text: "Добрый день! Чем помочь?" });
    expect(again.externalMessageId).toBe(first.externalMessageId);
    const sent = sim.sentMessages(CLIENT, groupId).filter((m) => m.text === "Добрый день! Чем помочь?");
    expect(sent).toHaveLength(1);
  });

  it("uploads and sends a photo, a document and a voice message", async () => {
    const png = solidPng(32, 24);
    await adapter.send({ chatId: String(CLIENT), idempotencyKey: "photo-1", text: "Вот фото", file: { kind: "photo", data: png, fileName: "bouquet.png", mime: "image/png" } });
    const pdf = Buffer.from("%PDF-1.4 прайс-лист");
    await adapter.send({ chatId: String(CLIENT), idempotencyKey: "doc-1", file: { kind: "document", data: pdf, fileName: "price.pdf", mime: "application/pdf" } });
    const ogg = Buffer.concat([Buffer.from("OggS"), Buffer.alloc(4000)]);
    await adapter.send({ chatId: String(CLIENT), idempotencyKey: "voice-1", file: { kind: "voice", data: ogg, fileName: "voice.ogg", mime: "audio/ogg" } });

    const sent = sim.sentMessages(CLIENT, groupId);
    const photo = sent.find((m) => m.text === "Вот фото");
    expect(photo?.attachments).toEqual([{ type: "photo", fileName: "bouquet.png", data: png }]);
    const doc = sent.find((m) => m.attachments[0]?.type === "doc");
    expect(doc?.attachments[0]).toMatchObject({ fileName: "price.pdf", data: pdf });
    const voice = sent.find((m) => m.attachments[0]?.type === "audio_message");
    expect(voice?.attachments[0]?.data).toEqual(ogg);
  });

  it("refuses a photo that is not an image as a permanent failure", async () => {
    const error = await channelFailure(
      adapter.send({ chatId: String(CLIENT), idempotencyKey: "bad-photo", file: { kind: "photo", data: Buffer.from("not an image"), fileName: "x.jpg" } }),
    );
    expect(error.kind).toBe("invalid_request");
    expect(error.retryable).toBe(false);
  });

  it("surfaces error 6 past the per-token rate as retryable after a second", async () => {
    sim.setRateLimit(2, 60_000);
    await adapter.describe();
    await adapter.describe();
    const error = await channelFailure(adapter.send({ chatId: String(CLIENT), idempotencyKey: "rate-1", text: "…" }));
    expect(error).toMatchObject({ kind: "rate_limited", platformCode: 6, retryAfterMs: 1000 });
    expect(error.retryable).toBe(true);
  });

  it("surfaces flood control (9) as retryable", async () => {
    sim.failNext({ method: "messages.send", code: 9 });
    const error = await channelFailure(adapter.send({ chatId: String(CLIENT), idempotencyKey: "flood-1", text: "…" }));
    expect(error).toMatchObject({ kind: "rate_limited", platformCode: 9, retryAfterMs: 5000 });
  });

  it("reports a client who denied messages as client_denied with the Russian reason", async () => {
    const userId = 777;
    sim.simulateClientMessage({ groupId, userId, text: "Не пишите мне" });
    sim.blockBot(userId, groupId);
    const error = await channelFailure(adapter.send({ chatId: String(userId), idempotencyKey: "deny-1", text: "Акция!" }));
    expect(error).toMatchObject({ kind: "client_denied", platformCode: 901, reasonRu: "клиент запретил сообщения" });
    expect(error.retryable).toBe(false);
  });

  it("reports a bad token as auth", async () => {
    const stranger = new VkAdapter({ groupId, token: "forged", apiBaseUrl: sim.apiBaseUrl });
    const error = await channelFailure(stranger.describe());
    expect(error).toMatchObject({ kind: "auth", platformCode: 5 });
  });

  it("reports an unreachable VK as unavailable and retryable", async () => {
    const offline = new VkAdapter({ groupId, token: "t", apiBaseUrl: "http://127.0.0.1:9/method", timeoutMs: 2000 });
    const error = await channelFailure(offline.send({ chatId: String(CLIENT), idempotencyKey: "offline-1", text: "…" }));
    expect(error).toMatchObject({ kind: "unavailable", retryable: true });
  });

  it("reports a file VK no longer serves as a permanent download failure", async () => {
    const error = await channelFailure(adapter.downloadAttachment({ kind: "photo", url: `${sim.url}/files/missing/photo.jpg` }));
    expect(error).toMatchObject({ kind: "invalid_request", platformCode: 404 });
  });

  it("receives client messages through Bots Long Poll", async () => {
    const first = await adapter.pollUpdates(null, { waitSeconds: 0 });
    const pending = adapter.pollUpdates(first.cursor, { waitSeconds: 5 });
    sim.simulateClientMessage({ groupId, userId: 902, text: "Сколько стоит доставка?", ref: "u-vk_ads-cpc-spring", refSource: "feed" });
    const round = await pending;
    const message = round.events.find((e): e is MessageEvent => e.type === "message" && e.chatId === "902");
    expect(message).toMatchObject({
      text: "Сколько стоит доставка?",
      direction: "inbound",
      attribution: { via: "vk_ref", raw: "u-vk_ads-cpc-spring", refSource: "feed", utm: { source: "vk_ads", medium: "cpc", campaign: "spring" } },
    });
    const next = await adapter.pollUpdates(round.cursor, { waitSeconds: 0 });
    expect(next.events.filter((e) => e.chatId === "902")).toEqual([]);
  });

  it("recovers a Long Poll session whose ts or key went stale", async () => {
    const { cursor } = await adapter.pollUpdates(null, { waitSeconds: 0 });
    const session = JSON.parse(cursor) as { server: string; key: string; ts: string };
    // failed 1: the ts is out of range; VK names the ts to continue from.
    const fromFuture = await adapter.pollUpdates(JSON.stringify({ ...session, ts: "999999" }), { waitSeconds: 0 });
    expect(fromFuture.events).toEqual([]);
    expect(JSON.parse(fromFuture.cursor)).toEqual(session);
    // failed 2: the key expired; a new one is fetched and the ts kept.
    const expired = await adapter.pollUpdates(JSON.stringify({ ...session, key: "stale" }), { waitSeconds: 0 });
    expect(JSON.parse(expired.cursor)).toEqual(session);
    sim.simulateClientMessage({ groupId, userId: 905, text: "После переподключения" });
    const next = await adapter.pollUpdates(expired.cursor, { waitSeconds: 0 });
    expect(next.events).toMatchObject([{ type: "message", chatId: "905", text: "После переподключения" }]);
  });

  it("pages conversations and reads history through execute", async () => {
    for (let i = 0; i < 3; i += 1) sim.simulateClientMessage({ groupId, userId: 600 + i, text: `Вопрос ${i}` });
    const page = await adapter.fetchConversations({ offset: 0, count: 2 });
    expect(page.conversations).toHaveLength(2);
    expect(page.nextOffset).toBe(2);
    expect(page.total).toBeGreaterThanOrEqual(5);
    const history = await adapter.fetchHistory([
      { peerId: CLIENT, offset: 0, count: 50 },
      { peerId: 601, offset: 0, count: 50 },
    ]);
    expect(history[1]).toMatchObject({ peerId: 601, total: 1, messages: [{ text: "Вопрос 1", direction: "inbound" }] });
    expect(history[0]!.messages.some((m) => m.direction === "outbound" && m.text === "Добрый день! Чем помочь?")).toBe(true);
  });

  it("reports a failed call inside an execute batch on its own result", async () => {
    sim.failNext({ method: "messages.getHistory", code: 10 });
    const history = await adapter.fetchHistory([
      { peerId: CLIENT, offset: 0, count: 1 },
      { peerId: 601, offset: 0, count: 1 },
    ]);
    expect(history[0]).toMatchObject({ total: null, error: { kind: "unavailable", platformCode: 10 } });
    expect(history[1]!.messages).toHaveLength(1);
  });

  it("looks up client names", async () => {
    sim.addUser({ id: 903, firstName: "Ольга", lastName: "Петрова", screenName: "olga_p" });
    expect(await adapter.fetchClientProfiles(["903"])).toEqual([
      { externalUserId: "903", name: "Ольга Петрова", firstName: "Ольга", lastName: "Петрова", username: "olga_p", profileUrl: "https://vk.com/id903" },
    ]);
  });

  it("downloads a photo the client sent", async () => {
    const png = solidPng(10, 10, [1, 2, 3]);
    sim.simulateClientMessage({ groupId, userId: 904, attachments: [{ type: "photo", data: png }] });
    const history = await adapter.fetchHistory([{ peerId: 904, offset: 0, count: 1 }]);
    const photo = history[0]!.messages[0]!.attachments[0]!;
    expect(photo).toMatchObject({ kind: "photo", width: 10, height: 10 });
    const file = await adapter.downloadAttachment(photo);
    expect(Buffer.from(file.data)).toEqual(png);
  });
});
