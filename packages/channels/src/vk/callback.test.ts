import { describe, expect, it } from "vitest";
import type { ChannelError } from "../errors.ts";
import { thrownChannelError } from "../testing.ts";
import { loadVkSchema } from "@threadline/simulators/vendor-specs";
import type { ChannelEvent } from "../types.ts";
import { verifyAndParseVkCallback } from "./callback.ts";

// Callback API events as VK documents them (API 5.199 objects; the first sample is the shape
// VK sends for message_new, with client_info), through the real verify-and-parse function.

const GROUP = 214167102;
const SECRET = "Zx9-secret";
const channel = { groupId: GROUP, secret: SECRET, confirmation: "c0nf1rm" };
const NOW = new Date("2025-03-01T10:00:00Z");

function envelope(type: string, object: unknown, extra: Record<string, unknown> = {}) {
  return { group_id: GROUP, type, event_id: "da1b15e9f6d0c3c8a0c937e048cdd3e2b43794d0", v: "5.199", object, secret: SECRET, ...extra };
}

const clientInfo = {
  button_actions: ["text", "vkpay", "open_app", "location", "open_link", "callback", "intent_subscribe", "intent_unsubscribe"],
  keyboard: true,
  inline_keyboard: true,
  carousel: true,
  lang_id: 0,
};

function message(overrides: Record<string, unknown> = {}) {
  return {
    date: 1683278670,
    from_id: 612444319,
    id: 4521,
    out: 0,
    version: 10031,
    attachments: [],
    conversation_message_id: 2169,
    fwd_messages: [],
    important: false,
    is_hidden: false,
    peer_id: 612444319,
    random_id: 0,
    text: "Ок",
    ...overrides,
  };
}

const photo = {
  type: "photo",
  photo: {
    album_id: -3,
    date: 1683278600,
    id: 457239017,
    owner_id: 612444319,
    access_key: "a1b2c3d4e5",
    has_tags: false,
    sizes: [
      { height: 75, type: "s", width: 56, url: "https://sun9-1.userapi.com/s.jpg" },
      { height: 1280, type: "w", width: 960, url: "https://sun9-1.userapi.com/w.jpg" },
      { height: 604, type: "x", width: 453, url: "https://sun9-1.userapi.com/x.jpg" },
    ],
    text: "",
  },
};
const doc = {
  type: "doc",
  doc: { id: 669111, owner_id: 612444319, title: "чек.pdf", size: 48211, ext: "pdf", date: 1683278600, type: 1, url: "https://vk.com/doc612444319_669111?hash=abc", access_key: "f00" },
};
const voice = {
  type: "audio_message",
  audio_message: {
    duration: 7,
    id: 669112,
    link_mp3: "https://psv4.userapi.com/voice.mp3",
    link_ogg: "https://psv4.userapi.com/voice.ogg",
    owner_id: 612444319,
    access_key: "9ab",
    waveform: [0, 3, 10, 31, 12, 4],
  },
};
const video = { type: "video", video: { id: 456239, owner_id: 612444319, title: "Как проехать", duration: 31, width: 720, height: 1280, access_key: "77" } };
const sticker = {
  type: "sticker",
  sticker: {
    inner_type: "base_sticker_new",
    product_id: 279,
    sticker_id: 9011,
    images: [
      { height: 64, url: "https://vk.com/sticker/1-9011-64", width: 64 },
      { height: 256, url: "https://vk.com/sticker/1-9011-256", width: 256 },
    ],
  },
};

function parse(body: unknown): ChannelEvent[] {
  const result = verifyAndParseVkCallback({ body, channel, now: () => NOW });
  if (result.kind !== "events") throw new Error(`expected events, got ${JSON.stringify(result)}`);
  return result.events;
}

function parseError(body: unknown, custom = channel): ChannelError {
  return thrownChannelError(() => verifyAndParseVkCallback({ body, channel: custom }));
}

describe("VK Callback API parsing", () => {
  it("answers the confirmation handshake with the channel's string", () => {
    expect(verifyAndParseVkCallback({ body: JSON.stringify({ type: "confirmation", group_id: GROUP }), channel })).toEqual({ kind: "confirmation", text: "c0nf1rm" });
  });

  it("normalises message_new with ref attribution", () => {
    const body = JSON.stringify(envelope("message_new", { message: message({ text: "Сколько стоит букет?", ref: "u-vk_ads-cpc-march_8", ref_source: "story" }), client_info: clientInfo }));
    expect(parse(body)).toEqual([
      {
        type: "message",
        channel: "vk",
        dedupeId: "vk.message.4521",
        chatId: "612444319",
        client: { externalUserId: "612444319", profileUrl: "https://vk.com/id612444319" },
        occurredAt: "2023-05-05T09:24:30.000Z",
        externalMessageId: "4521",
        direction: "inbound",
        text: "Сколько стоит букет?",
        attachments: [],
        sentAt: "2023-05-05T09:24:30.000Z",
        attribution: { via: "vk_ref", raw: "u-vk_ads-cpc-march_8", refSource: "story", utm: { source: "vk_ads", medium: "cpc", campaign: "march_8" } },
      },
    ]);
  });

  it("describes photo, document, voice, video and sticker attachments", () => {
    const [event] = parse(envelope("message_new", { message: message({ text: "", attachments: [photo, doc, voice, video, sticker] }), client_info: clientInfo }));
    expect(event).toMatchObject({
      type: "message",
      attachments: [
        { kind: "photo", fileId: "photo612444319_457239017_a1b2c3d4e5", url: "https://sun9-1.userapi.com/w.jpg", width: 960, height: 1280, mime: "image/jpeg" },
        { kind: "document", fileId: "doc612444319_669111_f00", url: "https://vk.com/doc612444319_669111?hash=abc", mime: "application/pdf", size: 48211, fileName: "чек.pdf" },
        { kind: "voice", fileId: "audio_message612444319_669112_9ab", url: "https://psv4.userapi.com/voice.ogg", mime: "audio/ogg", durationSec: 7 },
        { kind: "video", fileId: "video612444319_456239_77", url: "https://vk.com/video612444319_456239", width: 720, height: 1280, durationSec: 31 },
        { kind: "sticker", fileId: "sticker9011", url: "https://vk.com/sticker/1-9011-256", width: 256, height: 256 },
      ],
    });
  });

  it("normalises message_reply as an outbound message without attribution", () => {
    const [event] = parse(envelope("message_reply", message({ id: 4522, out: 1, from_id: -GROUP, text: "Букет от 2500 ₽", ref: "ignored" })));
    expect(event).toMatchObject({ type: "message", direction: "outbound", chatId: "612444319", externalMessageId: "4522", text: "Букет от 2500 ₽" });
    expect(event).not.toHaveProperty("attribution");
  });

  it("normalises message_edit with its update time", () => {
    const [event] = parse(envelope("message_edit", message({ text: "Ок, беру", update_time: 1683278700 })));
    expect(event).toMatchObject({ type: "edit", externalMessageId: "4521", text: "Ок, беру", editedAt: "2023-05-05T09:25:00.000Z", dedupeId: "vk.edit.4521.1683278700" });
  });

  it("normalises message_read, message_allow and message_deny", () => {
    expect(parse(envelope("message_read", { from_id: 612444319, peer_id: 612444319, read_message_id: 4522, conversation_message_id: 2170 }))).toEqual([
      {
        type: "read",
        channel: "vk",
        dedupeId: "vk.read.612444319.4522",
        chatId: "612444319",
        client: { externalUserId: "612444319", profileUrl: "https://vk.com/id612444319" },
        occurredAt: NOW.toISOString(),
        upToExternalMessageId: "4522",
      },
    ]);
    expect(parse(envelope("message_deny", { user_id: 612444319 }))).toMatchObject([{ type: "client_blocked", chatId: "612444319" }]);
    expect(parse(envelope("message_allow", { user_id: 612444319, key: "promo" }))).toMatchObject([{ type: "client_unblocked", chatId: "612444319" }]);
  });

  it("ignores group chats, typing and event types it does not handle", () => {
    const chat = envelope("message_new", { message: message({ peer_id: 2000000066 }), client_info: clientInfo });
    expect(verifyAndParseVkCallback({ body: chat, channel })).toMatchObject({ kind: "ignored" });
    expect(verifyAndParseVkCallback({ body: envelope("message_typing_state", { from_id: 1, to_id: -GROUP, state: "typing" }), channel })).toMatchObject({ kind: "ignored" });
    expect(verifyAndParseVkCallback({ body: envelope("wall_post_new", { id: 1 }), channel })).toEqual({
      kind: "ignored",
      reason: "VK event type wall_post_new is not handled",
    });
  });

  it("gives a redelivered event the same dedupe id", () => {
    const body = JSON.stringify(envelope("message_new", { message: message(), client_info: clientInfo }));
    expect(parse(body)[0]!.dedupeId).toBe(parse(body)[0]!.dedupeId);
  });

  it("refuses a forged or missing secret and another community's event as auth errors", () => {
    const body = envelope("message_new", { message: message(), client_info: clientInfo });
    expect(parseError({ ...body, secret: "guess" })).toMatchObject({ kind: "auth", httpStatus: 403 });
    const { secret: _secret, ...unsigned } = body;
    expect(parseError(unsigned)).toMatchObject({ kind: "auth" });
    expect(parseError({ ...body, group_id: 1 })).toMatchObject({ kind: "auth" });
    expect(parseError({ type: "confirmation", group_id: GROUP, secret: "guess" })).toMatchObject({ kind: "auth" });
  });

  it("refuses malformed bodies as invalid_request", () => {
    expect(parseError("{not json")).toMatchObject({ kind: "invalid_request", httpStatus: 400 });
    expect(parseError("[1,2]")).toMatchObject({ kind: "invalid_request" });
    expect(parseError({ group_id: GROUP })).toMatchObject({ kind: "invalid_request" });
    expect(parseError(envelope("message_new", { client_info: clientInfo }))).toMatchObject({ kind: "invalid_request", message: "event.object.message must be an object" });
    expect(parseError(envelope("message_new", { message: message({ id: "4521" }) }))).toMatchObject({ kind: "invalid_request" });
    expect(parseError(envelope("message_deny", {}))).toMatchObject({ kind: "invalid_request" });
    expect(parseError(Buffer.alloc(10 * 1024 * 1024, 0x20))).toMatchObject({ kind: "invalid_request", httpStatus: 413 });
  });

  it("uses samples that are valid by the VK API schema", () => {
    const schema = loadVkSchema();
    const samples: [string, unknown][] = [
      ["callback_message_new", { message: message({ attachments: [photo, doc, voice, sticker] }), client_info: clientInfo }],
      ["callback_message", message({ out: 1, from_id: -GROUP })],
      ["callback_message_read", { from_id: 612444319, peer_id: 612444319, read_message_id: 4522, conversation_message_id: 2170 }],
      ["callback_message_allow", { user_id: 612444319, key: "promo" }],
      ["callback_message_deny", { user_id: 612444319 }],
    ];
    for (const [definition, object] of samples) {
      expect(schema.validate(`callback/objects.json#/definitions/${definition}`, object), definition).toEqual([]);
      expect(schema.unknownProperties(`callback/objects.json#/definitions/${definition}`, object), definition).toEqual([]);
    }
  });
});
