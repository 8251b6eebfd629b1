import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { solidPng } from "@threadline/simulators/channels";
import { TelegramBotApiSimulator } from "@threadline/simulators/channels";
import type { BusinessConnectionEvent, MessageEvent } from "../types.ts";
import { channelFailure } from "../testing.ts";
import { TelegramAdapter } from "./adapter.ts";

// The Telegram adapter, through grammY, against the Bot API simulator over HTTP.

const sim = new TelegramBotApiSimulator();
let adapter: TelegramAdapter;
let token: string;
const CLIENT = { id: 4242, first_name: "Мария", last_name: "Кузнецова", username: "masha_k", language_code: "ru" };

beforeAll(async () => {
  await sim.start();
  ({ token } = sim.addBot({ username: "flowers_shop_bot", firstName: "Цветочная лавка" }));
  adapter = new TelegramAdapter({ token, apiRoot: sim.apiRoot, media: { extraOrigins: [sim.apiRoot] } });
  sim.simulateClientMessage({ from: CLIENT, text: "Здравствуйте!" });
});

afterAll(() => sim.stop());

afterEach(() => sim.setRates({ botRate: { limit: 30, windowMs: 1000 }, chatRate: { limit: 5, windowMs: 5000 } }));

describe("Telegram adapter against the simulator", () => {
  it("describes the bot", async () => {
    expect(await adapter.describe()).toMatchObject({ name: "Цветочная лавка", username: "flowers_shop_bot" });
  });

  it("sends text, photo, document and voice, uploading buffers as multipart", async () => {
    const png = solidPng(40, 30);
    const pdf = Buffer.from("%PDF-1.4 прайс");
    const ogg = Buffer.concat([Buffer.from("OggS"), Buffer.alloc(6000)]);
    const text = await adapter.send({ chatId: String(CLIENT.id), idempotencyKey: "t1", text: "Добрый день! Чем помочь?" });
    await adapter.send({ chatId: String(CLIENT.id), idempotencyKey: "t2", text: "Вот букет", file: { kind: "photo", data: png, fileName: "bouquet.png" } });
    await adapter.send({ chatId: String(CLIENT.id), idempotencyKey: "t3", file: { kind: "document", data: pdf, fileName: "price.pdf" } });
    await adapter.send({ chatId: String(CLIENT.id), idempotencyKey: "t4", file: { kind: "voice", data: ogg, fileName: "voice.ogg" } });

    expect(Number(text.externalMessageId)).toBeGreaterThan(1);
    const sent = sim.sentMessages(CLIENT.id);
    expect(sent.map((m) => m.kind)).toEqual(["text", "photo", "document", "voice"]);
    expect(sent[0]).toMatchObject({ text: "Добрый день! Чем помочь?" });
    expect(sent[1]).toMatchObject({ caption: "Вот букет", file: { data: png } });
    expect(sent[2]).toMatchObject({ file: { data: pdf, fileName: "price.pdf", mime: "application/pdf" } });
    expect(sent[3]!.file?.data).toEqual(ogg);
  });

  it("edits a menu message in every way its screens need: text, caption, another photo in place; text and photo swapped by sending anew", async () => {
    const chatId = String(CLIENT.id);
    const keyboard = (label: string) => [[{ text: label, data: `m:${label}` }]];
    const photo = (rgb: [number, number, number]) => ({ kind: "photo" as const, data: solidPng(20, 20, rgb), fileName: "card.png" });
    const byId = (id: string) => sim.sentMessages(CLIENT.id).find((m) => m.messageId === Number(id))!;
    const list = await adapter.sendMenu({ chatId, text: "Кофе. Выберите:", keyboard: keyboard("Капучино") });
    // Text into a photo: a new photo message with the keyboard; the list is deleted.
    const card = (await adapter.editMenu({ chatId, externalMessageId: list.externalMessageId, text: "Капучино — 220 ₽", keyboard: keyboard("Добавить"), photo: photo([120, 80, 50]), shown: "text" }))!;
    expect(card.externalMessageId).not.toBe(list.externalMessageId);
    expect(byId(list.externalMessageId).deletedAt).toBeDefined();
    expect(byId(card.externalMessageId)).toMatchObject({ kind: "photo", caption: "Капучино — 220 ₽", keyboard: [[{ text: "Добавить", callback_data: "m:Добавить" }]] });
    // The same photo: the caption and keyboard change, the message stays.
    expect(await adapter.editMenu({ chatId, externalMessageId: card.externalMessageId, text: "Капучино — 260 ₽", keyboard: keyboard("Добавить · 260"), photo: photo([120, 80, 50]), shown: "same-photo" })).toBeUndefined();
    expect(byId(card.externalMessageId)).toMatchObject({ caption: "Капучино — 260 ₽", keyboard: [[{ text: "Добавить · 260", callback_data: "m:Добавить · 260" }]] });
    // Another photo: editMessageMedia replaces it in place.
    expect(await adapter.editMenu({ chatId, externalMessageId: card.externalMessageId, text: "Латте — 240 ₽", keyboard: keyboard("Добавить"), photo: photo([200, 170, 130]), shown: "other-photo" })).toBeUndefined();
    expect(byId(card.externalMessageId)).toMatchObject({ kind: "photo", caption: "Латте — 240 ₽" });
    expect(byId(card.externalMessageId).file!.data.equals(solidPng(20, 20, [200, 170, 130]))).toBe(true);
    // A photo back into text: sent anew, the card deleted.
    const back = (await adapter.editMenu({ chatId, externalMessageId: card.externalMessageId, text: "Кофе. Выберите:", keyboard: keyboard("Латте"), shown: "other-photo" }))!;
    expect(byId(back.externalMessageId)).toMatchObject({ kind: "text", text: "Кофе. Выберите:" });
    expect(byId(card.externalMessageId).deletedAt).toBeDefined();
    // The same text screen again is no failure.
    expect(await adapter.editMenu({ chatId, externalMessageId: back.externalMessageId, text: "Кофе. Выберите:", keyboard: keyboard("Латте"), shown: "text" })).toBeUndefined();
  });

  it("surfaces 429 with the platform's retry_after", async () => {
    sim.setRates({ chatRate: { limit: 1, windowMs: 60_000 } });
    await adapter.send({ chatId: String(CLIENT.id), idempotencyKey: "r1", text: "раз" });
    const error = await channelFailure(adapter.send({ chatId: String(CLIENT.id), idempotencyKey: "r2", text: "два" }));
    expect(error).toMatchObject({ kind: "rate_limited", platformCode: 429, retryAfterMs: 60_000 });
    expect(error.retryable).toBe(true);
  });

  it("reports a client who blocked the bot as client_denied with a Russian reason", async () => {
    sim.simulateClientMessage({ from: { id: 5151, first_name: "Иван" }, text: "Больше не пишите" });
    sim.blockBot(5151);
    const error = await channelFailure(adapter.send({ chatId: "5151", idempotencyKey: "b1", text: "Акция!" }));
    expect(error).toMatchObject({ kind: "client_denied", platformCode: 403, reasonRu: "клиент заблокировал бота" });
    expect(error.retryable).toBe(false);
  });

  it("reports a bad token as auth", async () => {
    const forged = new TelegramAdapter({ token: "123:forged", apiRoot: sim.apiRoot });
    expect(await channelFailure(forged.describe())).toMatchObject({ kind: "auth", platformCode: 401 });
  });

  it("reports an unreachable Bot API as unavailable and retryable", async () => {
    const offline = new TelegramAdapter({ token, apiRoot: "http://127.0.0.1:9" });
    expect(await channelFailure(offline.describe())).toMatchObject({ kind: "unavailable", retryable: true });
  });

  it("gives up on a Bot API that never answers after its timeout, as a send whose outcome is unknown", async () => {
    // A server that accepts the request and never answers (grammY alone would wait 500 s).
    const { createServer } = await import("node:http");
    const hung = createServer(() => undefined);
    await new Promise<void>((resolve) => hung.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = hung.address() as { port: number };
      const slow = new TelegramAdapter({ token, apiRoot: `http://127.0.0.1:${port}`, timeoutSeconds: 1 });
      const started = Date.now();
      expect(await channelFailure(slow.send({ chatId: "4242", idempotencyKey: "k1", text: "Здравствуйте" }))).toMatchObject({ kind: "unavailable", outcomeUnknown: true });
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      hung.closeAllConnections();
      hung.close();
    }
  });

  it("reports an unknown file id as a permanent failure", async () => {
    expect(await channelFailure(adapter.downloadAttachment({ kind: "photo", fileId: "AgACAgIAAxkBnope" }))).toMatchObject({ kind: "invalid_request", platformCode: 400 });
  });

  it("receives client messages through getUpdates long polling, with the start payload", async () => {
    const drained = await adapter.pollUpdates(null, { waitSeconds: 0 });
    const pending = adapter.pollUpdates(drained.cursor, { waitSeconds: 5 });
    sim.simulateClientMessage({ from: { id: 6161, first_name: "Ольга", username: "olga" }, startPayload: "u-tg_ads-cpc-autumn-post_1" });
    const round = await pending;
    const start = round.events.find((e): e is MessageEvent => e.type === "message" && e.chatId === "6161");
    expect(start).toMatchObject({
      text: "/start",
      client: { name: "Ольга", username: "olga", profileUrl: "https://t.me/olga" },
      attribution: { via: "telegram_start", utm: { source: "tg_ads", medium: "cpc", campaign: "autumn", content: "post_1" } },
    });
    const after = await adapter.pollUpdates(round.cursor, { waitSeconds: 0 });
    expect(after.events).toEqual([]);
  });

  it("terminates an older getUpdates when a second poller starts, as Telegram does", async () => {
    const { cursor } = await adapter.pollUpdates(null, { waitSeconds: 0 });
    const older = adapter.pollUpdates(cursor, { waitSeconds: 10 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await adapter.pollUpdates(cursor, { waitSeconds: 0 });
    expect(await channelFailure(older)).toMatchObject({ kind: "invalid_request", platformCode: 409 });
  });

  it("downloads a photo the client sent through getFile", async () => {
    const png = solidPng(12, 9, [9, 8, 7]);
    sim.simulateClientMessage({ from: CLIENT, photo: { data: png }, caption: "Вот чек" });
    const round = await adapter.pollUpdates(null, { waitSeconds: 0 });
    const message = round.events.filter((e): e is MessageEvent => e.type === "message").at(-1)!;
    expect(message).toMatchObject({ text: "Вот чек", attachments: [{ kind: "photo", width: 12, height: 9, mime: "image/jpeg" }] });
    const file = await adapter.downloadAttachment(message.attachments[0]!);
    expect(Buffer.from(file.data)).toEqual(png);
  });

  it("refuses getUpdates while a webhook is set, as Telegram does", async () => {
    await adapter.registerWebhook({ url: "http://127.0.0.1:9/telegram", secret: "s3cret" });
    expect(await channelFailure(adapter.pollUpdates(null, { waitSeconds: 0 }))).toMatchObject({ kind: "invalid_request", platformCode: 409 });
    await adapter.deleteWebhook();
    await expect(adapter.pollUpdates(null, { waitSeconds: 0 })).resolves.toBeDefined();
  });

  it("replies through a Business connection with its business_connection_id", async () => {
    const connectionId = sim.simulateBusinessConnection({ owner: { id: 9001, first_name: "Светлана" } });
    sim.simulateBusinessMessage({ connectionId, from: { id: 9100, first_name: "Павел" }, text: "Есть ли доставка?" });
    const round = await adapter.pollUpdates(null, { waitSeconds: 0 });
    const connection = round.events.find((e): e is BusinessConnectionEvent => e.type === "business_connection");
    expect(connection).toMatchObject({ businessConnectionId: connectionId, isEnabled: true, canReply: true, chatId: "9001" });
    const question = round.events.find((e): e is MessageEvent => e.type === "message" && e.chatId === "9100")!;
    expect(question).toMatchObject({ businessConnectionId: connectionId, direction: "inbound", text: "Есть ли доставка?" });

    await adapter.send({ chatId: question.chatId, idempotencyKey: "biz-1", text: "Да, по городу бесплатно", businessConnectionId: question.businessConnectionId });
    expect(sim.sentMessages(9100, { businessConnectionId: connectionId })).toMatchObject([{ text: "Да, по городу бесплатно" }]);
  });
});
