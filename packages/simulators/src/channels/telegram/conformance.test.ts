import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTelegramSpec } from "../../test/vendor-specs.ts";
import { solidPng } from "../images.ts";
import { TG_METHODS } from "./methods.ts";
import { TelegramBotApiSimulator } from "./simulator.ts";

// The Telegram simulator against the Bot API specification (../shared/vendor-specs/telegram-bot-api):
// every method and parameter exists there, every result has the declared return type, and every
// Update carries only fields the spec defines, with the right types.

const spec = loadTelegramSpec();
const sim = new TelegramBotApiSimulator();
let token: string;
const CLIENT = { id: 3131, first_name: "Наталья", last_name: "Соколова", username: "nat_sokol", language_code: "ru" };

const results: { method: string; result: unknown }[] = [];

async function call(method: string, body: Record<string, unknown> | FormData): Promise<{ ok: boolean; result?: unknown; error_code?: number; description?: string; parameters?: unknown }> {
  const init = body instanceof FormData ? { method: "POST", body } : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
  const json = (await (await fetch(`${sim.apiRoot}/bot${token}/${method}`, init)).json()) as { ok: boolean; result?: unknown };
  if (json.ok) results.push({ method, result: json.result });
  return json;
}

function upload(fields: Record<string, string>, field: string, data: Buffer, fileName: string): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  form.append(field, new Blob([data]), fileName);
  return form;
}

beforeAll(async () => {
  await sim.start();
  ({ token } = sim.addBot({ username: "koleso_bot", firstName: "Колесо" }));
});

afterAll(() => sim.stop());

describe("Telegram simulator conformance", () => {
  it("serves only methods of api.json, reading only their parameters", () => {
    for (const method of TG_METHODS) {
      const described = spec.methods.get(method.name);
      expect(described, method.name).toBeDefined();
      const names = new Set(described!.fields.map((f) => f.name));
      for (const param of method.params) expect(names.has(param), `${method.name}(${param})`).toBe(true);
    }
  });

  it("returns results of the declared types and updates made only of spec fields", async () => {
    sim.setRates({ chatRate: { limit: 100, windowMs: 1000 } });
    await call("getMe", {});
    await call("getWebhookInfo", {});
    sim.simulateClientMessage({ from: CLIENT, startPayload: "u-tg-cpc-oil" });
    sim.simulateClientMessage({ from: CLIENT, text: "Вот фото", photo: {} });
    sim.simulateClientMessage({ from: CLIENT, document: { data: Buffer.from("%PDF"), fileName: "smeta.pdf" } });
    sim.simulateClientMessage({ from: CLIENT, voice: { durationSec: 4 } });
    sim.simulateClientMessage({ from: CLIENT, contact: { phoneNumber: "+79161234567" } });
    sim.simulateEdit({ from: CLIENT, messageId: 2, text: "Вот фото машины" });
    const connectionId = sim.simulateBusinessConnection({ owner: { id: 77, first_name: "Светлана" } });
    sim.simulateBusinessMessage({ connectionId, from: CLIENT, text: "Здравствуйте" });

    const first = await call("getUpdates", { timeout: 0 });
    const photoUpdate = (first.result as { message?: { photo?: { file_id: string }[] } }[]).find((u) => u.message?.photo);
    const photoId = photoUpdate?.message?.photo?.at(-1)?.file_id ?? "";
    expect(photoId).not.toBe("");
    await call("getFile", { file_id: photoId });
    await call("sendMessage", { chat_id: CLIENT.id, text: "Добрый день!" });
    await call("sendMessage", { chat_id: CLIENT.id, text: "Ответ от бизнеса", business_connection_id: connectionId });
    await call("sendPhoto", upload({ chat_id: String(CLIENT.id), caption: "Прайс" }, "photo", solidPng(30, 20), "price.png"));
    const photo = (await call("sendPhoto", { chat_id: CLIENT.id, photo: photoId })).result as { message_id: number };
    await call("editMessageCaption", { chat_id: CLIENT.id, message_id: photo.message_id, caption: "Вот фото" });
    await call("deleteMessage", { chat_id: CLIENT.id, message_id: photo.message_id });
    expect((await call("deleteMessage", { chat_id: CLIENT.id, message_id: photo.message_id })).description).toMatch(/message to delete not found/);
    await call("sendDocument", upload({ chat_id: String(CLIENT.id) }, "document", Buffer.from("прайс"), "price.txt"));
    await call("sendVoice", upload({ chat_id: String(CLIENT.id), duration: "2" }, "voice", Buffer.alloc(3000), "voice.ogg"));
    const menu = (await call("sendMessage", { chat_id: CLIENT.id, text: "Меню", reply_markup: { inline_keyboard: [[{ text: "Кофе", callback_data: "m.c.1" }]] } })).result as { message_id: number };
    const press = sim.pressButton({ from: CLIENT.id, messageId: menu.message_id, text: "Кофе" });
    await call("answerCallbackQuery", { callback_query_id: press, text: "Кофе" });
    expect(sim.callbackAnswer(press)).toMatchObject({ answered: true, text: "Кофе" });
    await call("editMessageText", { chat_id: CLIENT.id, message_id: menu.message_id, text: "Кофе", reply_markup: { inline_keyboard: [[{ text: "Капучино", callback_data: "m.p.1" }]] } });
    await call("editMessageReplyMarkup", { chat_id: CLIENT.id, message_id: menu.message_id, reply_markup: { inline_keyboard: [[{ text: "Назад", callback_data: "m.h" }]] } });
    expect(sim.lastKeyboardMessage(CLIENT.id)).toMatchObject({ text: "Кофе", edits: 2, keyboard: [[{ text: "Назад", callback_data: "m.h" }]] });
    expect((await call("answerCallbackQuery", { callback_query_id: press })).description).toMatch(/query is too old/);
    expect((await call("editMessageText", { chat_id: CLIENT.id, message_id: menu.message_id, text: "Кофе", reply_markup: { inline_keyboard: [[{ text: "Назад", callback_data: "m.h" }]] } })).description).toMatch(/message is not modified/);
    expect((await call("sendMessage", { chat_id: CLIENT.id, text: "x", reply_markup: { inline_keyboard: [[{ text: "длинно", callback_data: "x".repeat(65) }]] } })).description).toBe("Bad Request: BUTTON_DATA_INVALID");
    // A menu's product card: its photo replaced in place (InputMediaPhoto through attach://), a
    // text message refused as having no media.
    const card = (await call("sendPhoto", upload({ chat_id: String(CLIENT.id), caption: "Капучино — 250 ₽", reply_markup: JSON.stringify({ inline_keyboard: [[{ text: "Добавить", callback_data: "m.a" }]] }) }, "photo", solidPng(30, 20), "cappuccino.png"))).result as { message_id: number };
    const media = (name: string, caption: string) => ({ type: "photo", media: `attach://${name}`, caption });
    await call("editMessageMedia", upload({ chat_id: String(CLIENT.id), message_id: String(card.message_id), media: JSON.stringify(media("latte", "Латте — 270 ₽")), reply_markup: JSON.stringify({ inline_keyboard: [[{ text: "Назад", callback_data: "m.h" }]] }) }, "latte", solidPng(20, 20, [200, 180, 150]), "latte.png"));
    expect(sim.lastKeyboardMessage(CLIENT.id)).toMatchObject({ messageId: card.message_id, kind: "photo", caption: "Латте — 270 ₽", keyboard: [[{ text: "Назад", callback_data: "m.h" }]] });
    expect((await call("editMessageMedia", upload({ chat_id: String(CLIENT.id), message_id: String(menu.message_id), media: JSON.stringify(media("p", "x")) }, "p", solidPng(10, 10), "p.png"))).description).toBe("Bad Request: there is no media in the message to edit");
    sim.blockBot(CLIENT.id);
    sim.unblockBot(CLIENT.id);
    await call("getUpdates", { timeout: 0, offset: ((first.result as { update_id: number }[]).at(-1)!.update_id + 1) });
    await call("setWebhook", { url: "http://127.0.0.1:9/hook", secret_token: "abc_DEF-123" });
    await call("getWebhookInfo", {});
    await call("deleteWebhook", {});

    const served = new Set<string>();
    for (const { method, result } of results) {
      served.add(method);
      expect(spec.validate(spec.methods.get(method)!.returns, result, method), method).toEqual([]);
    }
    expect([...served].sort()).toEqual(TG_METHODS.map((m) => m.name).sort());

    const updates = results.filter((r) => r.method === "getUpdates").flatMap((r) => r.result as Record<string, unknown>[]);
    const kinds = new Set(updates.flatMap((u) => Object.keys(u).filter((k) => k !== "update_id")));
    expect([...kinds].sort()).toEqual(["business_connection", "business_message", "callback_query", "edited_message", "message", "my_chat_member"]);
  });

  it("answers errors with error_code, description and ResponseParameters", async () => {
    sim.setRates({ chatRate: { limit: 1, windowMs: 60_000 } });
    const unknownChat = await call("sendMessage", { chat_id: 999_999, text: "кто здесь?" });
    expect(unknownChat).toEqual({ ok: false, error_code: 400, description: "Bad Request: chat not found" });
    sim.simulateClientMessage({ from: { id: 4545, first_name: "Андрей" }, text: "Привет" });
    await call("sendMessage", { chat_id: 4545, text: "раз" });
    const limited = await call("sendMessage", { chat_id: 4545, text: "два" });
    expect(limited).toMatchObject({ ok: false, error_code: 429, description: expect.stringMatching(/^Too Many Requests: retry after \d+$/) as string });
    expect(spec.validate(["ResponseParameters"], limited.parameters)).toEqual([]);
    const unauthorized = (await (await fetch(`${sim.apiRoot}/bot1:forged/getMe`)).json()) as unknown;
    expect(unauthorized).toEqual({ ok: false, error_code: 401, description: "Unauthorized" });
  });

  it("guards the validator: an unknown or mistyped field fails", () => {
    expect(spec.validate(["Message"], { message_id: 1, date: 1, chat: { id: 1, type: "private" }, txt: "typo" })).not.toEqual([]);
    expect(spec.validate(["User"], { id: "1", is_bot: false, first_name: "A" })).not.toEqual([]);
  });
});
