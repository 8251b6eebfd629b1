import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadVkSchema } from "../../test/vendor-specs.ts";
import { solidPng } from "../images.ts";
import { VK_METHODS } from "./methods.ts";
import { VK_ERRORS } from "./params.ts";
import { VkApiSimulator } from "./simulator.ts";

// The VK simulator against the VK API JSON Schema (../shared/vendor-specs/vk-api-schema):
// every method it serves and every parameter it reads exist there, and every response,
// error and event it produces validates against the schema.

const schema = loadVkSchema();
// Conformance is not about pacing: VK's 20 calls/s per token is lifted here and checked on its own below.
const sim = new VkApiSimulator({ callbackRetryDelaysMs: [20], rateLimit: { limit: 10_000, windowMs: 1000 } });
let token: string;
let groupId: number;
const USER = 1001;

/** Responses collected while driving the simulator, checked against the schema afterwards. */
const responses: { method: string; body: Record<string, unknown> }[] = [];
const callbackBodies: Record<string, unknown>[] = [];
let receiver: Server;

async function call(method: string, params: Record<string, string | number>): Promise<Record<string, unknown>> {
  const body = new URLSearchParams({ access_token: token, v: "5.199", ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])) });
  const response = await fetch(`${sim.apiBaseUrl}/${method}`, { method: "POST", body });
  const json = (await response.json()) as Record<string, unknown>;
  responses.push({ method, body: json });
  return json;
}

async function upload(url: string, field: string, data: Buffer, fileName: string): Promise<Record<string, unknown>> {
  const form = new FormData();
  form.append(field, new Blob([data]), fileName);
  return (await (await fetch(url, { method: "POST", body: form })).json()) as Record<string, unknown>;
}

/**
 * messages_message_attachment lists "video" among attachment types but defines no "video"
 * property for the object itself; VK sends one, and so does the simulator.
 */
function unknownProperties(ref: string, value: unknown): string[] {
  return schema.unknownProperties(ref, value).filter((issue) => !/\.attachments\[\d+\]\.video is not defined/.test(issue));
}

function responseRef(method: string, body: Record<string, unknown>): string {
  const spec = schema.methods.get(method)!;
  // messages.send with peer_id answers with the message id, the schema's "deprecatedResponse";
  // with peer_ids, a list per peer ("userIdsResponse").
  const key = method === "messages.send" ? (Array.isArray(body.response) ? "userIdsResponse" : "deprecatedResponse") : "response";
  expect(body).not.toHaveProperty("error");
  return spec.responses[key]!.$ref;
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
      callbackBodies.push(body);
      res.end(body.type === "confirmation" ? confirmation : "ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  await sim.start();
  const community = sim.addCommunity({ name: "Автосервис «Колесо»", screenName: "koleso_service" });
  token = community.token;
  groupId = community.groupId;
  confirmation = community.confirmation;
});
let confirmation = "";

afterAll(async () => {
  await sim.stop();
  await new Promise((resolve) => receiver.close(resolve));
});

describe("VK simulator conformance", () => {
  it("serves only methods of the schema, reading only their parameters", () => {
    for (const method of VK_METHODS) {
      const spec = schema.methods.get(method.name);
      expect(spec, method.name).toBeDefined();
      for (const param of method.params) expect(spec!.parameters.has(param), `${method.name}(${param})`).toBe(true);
    }
    // execute takes `code`, documented by VK but absent from the schema's parameter list.
    expect(schema.methods.has("execute")).toBe(true);
  });

  it("emits only error codes of errors.json", () => {
    for (const code of Object.values(VK_ERRORS)) expect(schema.errorCodes.has(code), `error ${code}`).toBe(true);
  });

  it("answers every method, events included, as the schema describes", async () => {
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/vk`;
    const added = await call("groups.addCallbackServer", { group_id: groupId, url, title: "Threadline", secret_key: "s3cret" });
    const serverId = (added.response as { server_id: number }).server_id;
    await call("groups.setCallbackSettings", {
      group_id: groupId,
      server_id: serverId,
      api_version: "5.199",
      message_new: 1,
      message_reply: 1,
      message_edit: 1,
      message_allow: 1,
      message_deny: 1,
      message_read: 1,
      message_event: 1,
    });
    await call("groups.getCallbackServers", { group_id: groupId });
    await call("groups.getCallbackConfirmationCode", { group_id: groupId });
    await call("groups.getById", { group_id: groupId });
    const longPoll = (await call("groups.getLongPollServer", { group_id: groupId })).response as { server: string; key: string; ts: string };

    sim.addUser({ id: USER, firstName: "Сергей", lastName: "Козлов", screenName: "kozlov" });
    const incoming = sim.simulateClientMessage({
      groupId,
      userId: USER,
      text: "Здравствуйте, сколько стоит замена масла?",
      ref: "u-vk_ads-cpc-oil",
      refSource: "ads",
      attachments: [
        { type: "photo" },
        { type: "doc", title: "smeta.pdf", data: Buffer.from("%PDF") },
        { type: "audio_message", durationSec: 3 },
        { type: "sticker", stickerId: 9 },
        { type: "video", title: "Стук в двигателе", durationSec: 12 },
      ],
    });
    await call("messages.send", { peer_id: USER, random_id: 11, message: "Здравствуйте! От 1500 ₽." });

    const photoServer = (await call("photos.getMessagesUploadServer", { peer_id: USER })).response as { upload_url: string };
    const photoUpload = await upload(photoServer.upload_url, "photo", solidPng(20, 20), "price.png");
    const photos = (await call("photos.saveMessagesPhoto", photoUpload as Record<string, string>)).response as { owner_id: number; id: number; access_key: string }[];
    const docServer = (await call("docs.getMessagesUploadServer", { type: "doc", peer_id: USER })).response as { upload_url: string };
    const docUpload = await upload(docServer.upload_url, "file", Buffer.from("прайс"), "price.txt");
    const doc = (await call("docs.save", { file: docUpload.file as string, title: "price.txt" })).response as { doc: { owner_id: number; id: number; access_key: string } };
    const voiceServer = (await call("docs.getMessagesUploadServer", { type: "audio_message", peer_id: USER })).response as { upload_url: string };
    const voiceUpload = await upload(voiceServer.upload_url, "file", Buffer.alloc(4000), "voice.ogg");
    await call("docs.save", { file: voiceUpload.file as string });
    const photo = photos[0]!;
    await call("messages.send", {
      peer_id: USER,
      random_id: 12,
      attachment: `photo${photo.owner_id}_${photo.id}_${photo.access_key},doc${doc.doc.owner_id}_${doc.doc.id}_${doc.doc.access_key}`,
    });

    // A menu with callback buttons, a press on it, the answer and the menu edited in place.
    const keyboard = JSON.stringify({ inline: true, buttons: [[{ action: { type: "callback", label: "Масло", payload: '{"menu":"a:1:c"}' } }]] });
    const menu = (await call("messages.send", { peer_ids: USER, random_id: 13, message: "Услуги:", keyboard })).response as { conversation_message_id: number }[];
    const press = sim.pressButton({ groupId, userId: USER, label: "Масло" });
    await call("messages.sendMessageEventAnswer", { event_id: press, user_id: USER, peer_id: USER, event_data: JSON.stringify({ type: "show_snackbar", text: "Масло" }) });
    expect(sim.eventAnswer(groupId, press)).toMatchObject({ answered: true, answer: { type: "show_snackbar", text: "Масло" } });
    await call("messages.edit", { peer_id: USER, cmid: menu[0]!.conversation_message_id, message: "Масло: от 1500 ₽", keyboard, group_id: groupId });

    sim.simulateEdit({ groupId, messageId: incoming.id as number, text: "Сколько стоит замена масла и фильтра?" });
    sim.simulateRead({ groupId, userId: USER });
    sim.blockBot(USER, groupId);
    sim.unblockBot(USER, groupId);

    await call("messages.getConversations", { group_id: groupId, offset: 0, count: 20, extended: 1 });
    await call("messages.getConversationsById", { group_id: groupId, peer_ids: USER });
    await call("messages.getHistory", { group_id: groupId, peer_id: USER, count: 50 });
    await call("users.get", { user_ids: USER, fields: "screen_name" });

    for (const { method, body } of responses) {
      const ref = responseRef(method, body);
      expect(schema.validate(ref, body), method).toEqual([]);
      expect(unknownProperties(ref, body), method).toEqual([]);
    }

    // Bots Long Poll hands out the same event objects as the Callback API.
    const poll = new URL(longPoll.server);
    poll.search = new URLSearchParams({ act: "a_check", key: longPoll.key, ts: longPoll.ts, wait: "0" }).toString();
    const { updates } = (await (await fetch(poll)).json()) as { updates: Record<string, unknown>[] };
    await sim.deliveriesIdle();
    const objectSchema: Record<string, string> = {
      message_new: "callback/objects.json#/definitions/callback_message_new",
      message_reply: "callback/objects.json#/definitions/callback_message",
      message_edit: "callback/objects.json#/definitions/callback_message",
      message_allow: "callback/objects.json#/definitions/callback_message_allow",
      message_deny: "callback/objects.json#/definitions/callback_message_deny",
      message_read: "callback/objects.json#/definitions/callback_message_read",
      message_event: "callback/objects.json#/definitions/callback_message_event",
    };
    const seen = new Set<string>();
    for (const event of [...updates, ...callbackBodies]) {
      const type = event.type as string;
      seen.add(type);
      // The schema defines callback_message_event and subscribes to message_event, but its
      // callback_type enum leaves it out: the envelope of a press is checked as any message event's.
      const checked = type === "message_event" ? { ...event, type: "message_new" } : event;
      expect(schema.validate("callback/objects.json#/definitions/callback_base", checked), type).toEqual([]);
      // callback_base describes the envelope; each event type's own definition describes `object`.
      const { object: _object, ...envelope } = event;
      expect(unknownProperties("callback/objects.json#/definitions/callback_base", envelope), type).toEqual([]);
      if (type === "confirmation") {
        expect(schema.validate("callback/objects.json#/definitions/callback_confirmation", event)).toEqual([]);
        continue;
      }
      expect(schema.validate(objectSchema[type]!, event.object), type).toEqual([]);
      expect(unknownProperties(objectSchema[type]!, event.object), type).toEqual([]);
    }
    expect([...seen].sort()).toEqual(["confirmation", ...Object.keys(objectSchema)].sort());
    expect(callbackBodies.filter((b) => b.type !== "confirmation").every((b) => b.secret === "s3cret")).toBe(true);
  });

  it("answers execute batches with per-method results that validate", async () => {
    const code = `return [API.users.get({"user_ids":"${USER}"}),API.messages.getHistory({"peer_id":${USER},"count":2,"group_id":${groupId}}),API.messages.send({"peer_id":424242,"random_id":5,"message":"x"})];`;
    const body = (await (await fetch(`${sim.apiBaseUrl}/execute`, { method: "POST", body: new URLSearchParams({ access_token: token, v: "5.199", code }) })).json()) as {
      response: unknown[];
      execute_errors: { method: string; error_code: number; error_msg: string }[];
    };
    for (const [i, method] of ["users.get", "messages.getHistory"].entries()) {
      const ref = schema.methods.get(method)!.responses.response!.$ref;
      expect(schema.validate(ref, { response: body.response[i] }), method).toEqual([]);
      expect(unknownProperties(ref, { response: body.response[i] }), method).toEqual([]);
    }
    expect(body.response[2]).toBe(false);
    expect(body.execute_errors).toEqual([{ method: "messages.send", error_code: 901, error_msg: "Can't send messages for users without permission" }]);
  });

  it("answers errors as the schema's error object, with codes of errors.json", async () => {
    const cases: [string, Record<string, string | number>, number][] = [
      ["messages.send", { peer_id: USER }, VK_ERRORS.param],
      ["messages.getHistory", {}, VK_ERRORS.param],
      ["messages.unknownMethod", {}, VK_ERRORS.unknownMethod],
    ];
    for (const [method, params, code] of cases) {
      const body = await call(method, params);
      const error = body.error as { error_code: number };
      expect(error.error_code, method).toBe(code);
      expect(schema.errorCodes.has(error.error_code)).toBe(true);
      expect(schema.validate("base/objects.json#/definitions/base_error", error)).toEqual([]);
      expect(unknownProperties("base/objects.json#/definitions/base_error", error)).toEqual([]);
    }
    const forged = (await (await fetch(`${sim.apiBaseUrl}/groups.getById`, { method: "POST", body: new URLSearchParams({ access_token: "forged", v: "5.199" }) })).json()) as {
      error: { error_code: number };
    };
    expect(forged.error.error_code).toBe(VK_ERRORS.auth);
    expect(schema.validate("base/objects.json#/definitions/base_error", forged.error)).toEqual([]);
  });

  it("refuses a broken keyboard (911), a press answered twice, by another user or with a long snackbar, and edits of a client's message", async () => {
    const button = (label: string, payload = '{"menu":"x"}') => ({ action: { type: "callback", label, payload } });
    const keyboards: unknown[] = [
      { inline: true, buttons: Array.from({ length: 7 }, (_, i) => [button(`Ряд ${i}`)]) },
      { inline: true, buttons: [Array.from({ length: 6 }, (_, i) => button(`К${i}`))] },
      { inline: true, buttons: Array.from({ length: 4 }, () => [button("a"), button("b"), button("c")]) },
      { inline: true, buttons: [[button("x".repeat(41))]] },
      { inline: true, buttons: [[button("Долгий", JSON.stringify({ menu: "y".repeat(250) }))]] },
      { inline: true, buttons: [[button("Не JSON", "menu")]] },
      { inline: true, buttons: [[{ action: { type: "teleport", label: "?" } }]] },
    ];
    for (const keyboard of keyboards) {
      const body = await call("messages.send", { peer_id: USER, random_id: 900 + keyboards.indexOf(keyboard), message: "меню", keyboard: JSON.stringify(keyboard) });
      expect((body.error as { error_code: number }).error_code, JSON.stringify(keyboard).slice(0, 80)).toBe(VK_ERRORS.keyboard);
    }
    expect((await call("messages.send", { peer_id: USER, random_id: 950, message: "меню", keyboard: "{" })).error).toMatchObject({ error_code: VK_ERRORS.keyboard });

    await call("messages.send", { peer_id: USER, random_id: 951, message: "Меню", keyboard: JSON.stringify({ inline: true, buttons: [[button("Кофе")]] }) });
    const press = sim.pressButton({ groupId, userId: USER, label: "Кофе" });
    const answer = (params: Record<string, string | number>) => call("messages.sendMessageEventAnswer", { event_id: press, user_id: USER, peer_id: USER, ...params });
    expect((await answer({ user_id: USER + 1 })).error).toMatchObject({ error_code: VK_ERRORS.param });
    expect((await answer({ event_data: JSON.stringify({ type: "show_snackbar", text: "я".repeat(91) }) })).error).toMatchObject({ error_code: VK_ERRORS.param });
    expect((await answer({ event_data: JSON.stringify({ type: "show_alert", text: "?" }) })).error).toMatchObject({ error_code: VK_ERRORS.param });
    expect((await answer({})).response).toBe(1);
    expect((await answer({})).error).toMatchObject({ error_code: VK_ERRORS.param });
    expect((await call("messages.sendMessageEventAnswer", { event_id: "nope", user_id: USER, peer_id: USER })).error).toMatchObject({ error_code: VK_ERRORS.param });

    const own = sim.simulateClientMessage({ groupId, userId: USER, text: "моё" });
    expect((await call("messages.edit", { peer_id: USER, cmid: own.conversation_message_id as number, message: "чужое" })).error).toMatchObject({ error_code: VK_ERRORS.param });
    expect(sim.sentMessages(USER, groupId).some((m) => m.text === "чужое")).toBe(false);
  });

  it("answers calls past the per-token rate with error 6, as the schema's error object", async () => {
    const paced = new VkApiSimulator({ rateLimit: { limit: 2, windowMs: 60_000 } });
    await paced.start();
    try {
      const { token: pacedToken } = paced.addCommunity({ name: "Шиномонтаж", screenName: "tires" });
      const codes: (number | undefined)[] = [];
      let last: { error_code: number } | undefined;
      for (let i = 0; i < 3; i++) {
        const body = new URLSearchParams({ access_token: pacedToken, v: "5.199" });
        const json = (await (await fetch(`${paced.apiBaseUrl}/groups.getById`, { method: "POST", body })).json()) as { error?: { error_code: number } };
        codes.push(json.error?.error_code);
        last = json.error;
      }
      expect(codes).toEqual([undefined, undefined, VK_ERRORS.tooMany]);
      expect(schema.errorCodes.has(VK_ERRORS.tooMany)).toBe(true);
      expect(schema.validate("base/objects.json#/definitions/base_error", last)).toEqual([]);
    } finally {
      await paced.stop();
    }
  });

  it("rejects what the schema itself would reject: missing, mistyped or invented fields", () => {
    // Guards the validators: a broken object must fail, or the checks above prove nothing.
    expect(schema.validate("messages/objects.json#/definitions/messages_message", { id: 1, text: "x" })).not.toEqual([]);
    expect(schema.validate("callback/objects.json#/definitions/callback_message_deny", { user_id: "1" })).not.toEqual([]);
    const invented = { message: { id: 1, peer_id: 2, from_id: 2, date: 1, text: "", out: 0, version: 1, conversation_message_id: 1, rendom_id: 5 } };
    expect(schema.unknownProperties("callback/objects.json#/definitions/callback_message_new", invented)).toEqual([
      "$.message.rendom_id is not defined by the schema",
    ]);
  });
});
