import { describe, expect, it } from "vitest";
import type { ChannelError } from "../errors.ts";
import { thrownChannelError } from "../testing.ts";
import { loadTelegramSpec } from "@threadline/simulators/vendor-specs";
import type { ChannelEvent, ParsedUpdate } from "../types.ts";
import { parseTelegramUpdate, verifyAndParseTelegramUpdate } from "./update.ts";

// Updates as Telegram documents them, through the real verify-and-parse function. The first
// samples are the ones from Telegram's webhook guide ("Testing your bot with updates"); the
// others are built field by field from the Bot API spec and checked against it below.

const SECRET = "tg_Secret-42";
const headers = { "x-telegram-bot-api-secret-token": SECRET, "content-type": "application/json" };
const testUser = { last_name: "Test Lastname", id: 1111111, first_name: "Test Firstname", username: "Testusername" };
const privateChat = { last_name: "Test Lastname", id: 1111111, type: "private", first_name: "Test Firstname", username: "Testusername" };

const guide = {
  text: { update_id: 10000, message: { date: 1441645532, chat: privateChat, message_id: 1365, from: testUser, text: "/start" } },
  reply: {
    update_id: 10000,
    message: {
      date: 1441645532,
      chat: privateChat,
      message_id: 1365,
      from: testUser,
      text: "/start",
      reply_to_message: { date: 1441645000, chat: { ...privateChat, id: 1111112 }, message_id: 1334, text: "Original" },
    },
  },
  edited: { update_id: 10000, edited_message: { date: 1441645532, chat: privateChat, message_id: 1365, from: testUser, text: "Edited text", edit_date: 1441646600 } },
  audio: {
    update_id: 10000,
    message: {
      date: 1441645532,
      chat: privateChat,
      message_id: 1365,
      from: testUser,
      audio: { file_id: "AwADBAADbXXXXXXXXXXXGBdhD2l6_XX", duration: 243, mime_type: "audio/mpeg", file_size: 3897500, title: "Test music file" },
    },
  },
  voice: {
    update_id: 10000,
    message: { date: 1441645532, chat: privateChat, message_id: 1365, from: testUser, voice: { file_id: "AwADBAADbXXXXXXXXXXXGBdhD2l6_XX", duration: 5, mime_type: "audio/ogg", file_size: 23000 } },
  },
  document: {
    update_id: 10000,
    message: {
      date: 1441645532,
      chat: privateChat,
      message_id: 1365,
      from: testUser,
      document: { file_id: "AwADBAADbXXXXXXXXXXXGBdhD2l6_XX", file_name: "Testfile.pdf", mime_type: "application/pdf", file_size: 536392 },
    },
  },
  inlineQuery: { update_id: 10000, inline_query: { id: 134567890097, from: testUser, query: "inline query", offset: "" } },
  callbackQuery: { update_id: 10000, callback_query: { id: "4382bfdwdsb323b2d9", from: testUser, data: "Data from button callback", inline_message_id: "1234csdbsk4839" } },
};

const client = { id: 523009881, is_bot: false, first_name: "Мария", last_name: "Кузнецова", username: "masha_k", language_code: "ru" };
const chat = { id: 523009881, type: "private", first_name: "Мария", last_name: "Кузнецова", username: "masha_k" };
const bot = { id: 7000000001, is_bot: true, first_name: "Цветочная лавка", username: "flowers_shop_bot" };
const owner = { id: 600100200, is_bot: false, first_name: "Светлана" };

const built = {
  startWithPayload: {
    update_id: 700000001,
    message: { message_id: 1, from: client, chat, date: 1740823200, text: "/start u-tg_ads-cpc-march_8-story_1", entities: [{ type: "bot_command", offset: 0, length: 6 }] },
  },
  photo: {
    update_id: 700000002,
    message: {
      message_id: 2,
      from: client,
      chat,
      date: 1740823260,
      caption: "Вот чек об оплате",
      photo: [
        { file_id: "AgACAgIAAxkBAAIBd2c_small", file_unique_id: "AQADsmall", file_size: 1530, width: 90, height: 67 },
        { file_id: "AgACAgIAAxkBAAIBd2c_large", file_unique_id: "AQADlarge", file_size: 98231, width: 1280, height: 960 },
      ],
    },
  },
  video: {
    update_id: 700000003,
    message: {
      message_id: 3,
      from: client,
      chat,
      date: 1740823300,
      video: { file_id: "BAACAgIAAxkBvideo", file_unique_id: "AgADvideo", width: 720, height: 1280, duration: 14, mime_type: "video/mp4", file_size: 2200311, file_name: "road.mp4" },
    },
  },
  sticker: {
    update_id: 700000004,
    message: {
      message_id: 4,
      from: client,
      chat,
      date: 1740823320,
      sticker: { file_id: "CAACAgIAAxkBsticker", file_unique_id: "AgADsticker", type: "regular", width: 512, height: 512, is_animated: false, is_video: false, emoji: "👍", file_size: 24031 },
    },
  },
  contact: {
    update_id: 700000005,
    message: { message_id: 5, from: client, chat, date: 1740823380, contact: { phone_number: "+79161234567", first_name: "Мария", user_id: 523009881 } },
  },
  blocked: {
    update_id: 700000006,
    my_chat_member: {
      chat,
      from: client,
      date: 1740823400,
      old_chat_member: { status: "member", user: bot },
      new_chat_member: { status: "kicked", user: bot, until_date: 0 },
    },
  },
  unblocked: {
    update_id: 700000007,
    my_chat_member: {
      chat,
      from: client,
      date: 1740823500,
      old_chat_member: { status: "kicked", user: bot, until_date: 0 },
      new_chat_member: { status: "member", user: bot },
    },
  },
  businessConnection: {
    update_id: 700000008,
    business_connection: { id: "BQADkhM9Gk2uAQAAaB", user: owner, user_chat_id: 600100200, date: 1740823000, rights: { can_reply: true, can_read_messages: true }, is_enabled: true },
  },
  businessMessage: {
    update_id: 700000009,
    business_message: { message_id: 17, from: client, chat, date: 1740823600, business_connection_id: "BQADkhM9Gk2uAQAAaB", text: "Есть ли доставка сегодня?" },
  },
  businessOwnerReply: {
    update_id: 700000010,
    business_message: { message_id: 18, from: owner, chat, date: 1740823660, business_connection_id: "BQADkhM9Gk2uAQAAaB", text: "Да, до 21:00" },
  },
  editedBusinessMessage: {
    update_id: 700000011,
    edited_business_message: { message_id: 17, from: client, chat, date: 1740823600, edit_date: 1740823700, business_connection_id: "BQADkhM9Gk2uAQAAaB", text: "Есть ли доставка завтра?" },
  },
  groupMessage: {
    update_id: 700000012,
    message: { message_id: 99, from: client, chat: { id: -1001234567890, type: "supergroup", title: "Клуб" }, date: 1740823800, text: "всем привет" },
  },
};

function events(update: unknown): ChannelEvent[] {
  const result = verifyAndParseTelegramUpdate({ headers, body: JSON.stringify(update), channel: { secret: SECRET } });
  if (result.kind !== "events") throw new Error(`expected events, got ${JSON.stringify(result)}`);
  return result.events;
}

function ignored(update: unknown): ParsedUpdate {
  return verifyAndParseTelegramUpdate({ headers, body: update, channel: { secret: SECRET } });
}

function failure(input: Parameters<typeof verifyAndParseTelegramUpdate>[0]): ChannelError {
  return thrownChannelError(() => verifyAndParseTelegramUpdate(input));
}

describe("Telegram update parsing", () => {
  it("normalises the guide's text message", () => {
    expect(events(guide.text)).toEqual([
      {
        type: "message",
        channel: "telegram",
        dedupeId: "tg.message.1111111.1365",
        chatId: "1111111",
        client: {
          externalUserId: "1111111",
          name: "Test Firstname Test Lastname",
          firstName: "Test Firstname",
          lastName: "Test Lastname",
          username: "Testusername",
          profileUrl: "https://t.me/Testusername",
        },
        occurredAt: "2015-09-07T17:05:32.000Z",
        externalMessageId: "1365",
        direction: "inbound",
        text: "/start",
        attachments: [],
        sentAt: "2015-09-07T17:05:32.000Z",
      },
    ]);
  });

  it("reads a press on an inline button (callback_query) in a private chat; ignores one without a message", () => {
    const message = { message_id: 77, date: 1441645532, chat: privateChat, from: { id: 5000, is_bot: true, first_name: "Бот" }, text: "Меню" };
    const update = { update_id: 10001, callback_query: { id: "4382bfdwdsb323b2d9", from: testUser, message, chat_instance: "-11", data: "tok:3:c:-" } };
    expect(events(update)).toMatchObject([
      { type: "button", channel: "telegram", dedupeId: "tg.callback.4382bfdwdsb323b2d9", chatId: "1111111", callbackId: "4382bfdwdsb323b2d9", data: "tok:3:c:-", externalMessageId: "77", client: { externalUserId: "1111111" } },
    ]);
    const inline = { update_id: 10002, callback_query: { id: "1", from: testUser, inline_message_id: "AAA", chat_instance: "-11", data: "x" } };
    expect(parseTelegramUpdate(inline)).toMatchObject({ kind: "ignored" });
  });

  it("keeps the replied-to message id and edits", () => {
    expect(events(guide.reply)).toMatchObject([{ replyToExternalMessageId: "1334" }]);
    expect(events(guide.edited)).toMatchObject([
      { type: "edit", externalMessageId: "1365", text: "Edited text", editedAt: "2015-09-07T17:23:20.000Z", dedupeId: "tg.edit.1111111.1365.1441646600" },
    ]);
  });

  it("describes the guide's audio, voice and document messages", () => {
    expect(events(guide.audio)).toMatchObject([{ attachments: [{ kind: "audio", fileId: "AwADBAADbXXXXXXXXXXXGBdhD2l6_XX", durationSec: 243, mime: "audio/mpeg", size: 3897500 }] }]);
    expect(events(guide.voice)).toMatchObject([{ attachments: [{ kind: "voice", durationSec: 5, mime: "audio/ogg", size: 23000 }] }]);
    expect(events(guide.document)).toMatchObject([{ attachments: [{ kind: "document", fileName: "Testfile.pdf", mime: "application/pdf", size: 536392 }] }]);
  });

  it("ignores update types it does not handle, without failing", () => {
    expect(ignored(guide.inlineQuery)).toEqual({ kind: "ignored", reason: "Telegram update type inline_query is not handled" });
    expect(ignored(guide.callbackQuery)).toMatchObject({ kind: "ignored" });
    expect(ignored(built.groupMessage)).toMatchObject({ kind: "ignored", reason: "only private chats are conversations" });
  });

  it("turns /start <payload> into first-touch attribution", () => {
    expect(events(built.startWithPayload)).toMatchObject([
      {
        text: "/start",
        client: { name: "Мария Кузнецова", username: "masha_k", languageCode: "ru", profileUrl: "https://t.me/masha_k" },
        attribution: { via: "telegram_start", raw: "u-tg_ads-cpc-march_8-story_1", utm: { source: "tg_ads", medium: "cpc", campaign: "march_8", content: "story_1" } },
      },
    ]);
  });

  it("describes photo (largest size), video, sticker and a shared contact", () => {
    expect(events(built.photo)).toMatchObject([
      { text: "Вот чек об оплате", attachments: [{ kind: "photo", fileId: "AgACAgIAAxkBAAIBd2c_large", fileUniqueId: "AQADlarge", width: 1280, height: 960, size: 98231 }] },
    ]);
    expect(events(built.video)).toMatchObject([{ attachments: [{ kind: "video", width: 720, height: 1280, durationSec: 14, fileName: "road.mp4", mime: "video/mp4" }] }]);
    expect(events(built.sticker)).toMatchObject([{ attachments: [{ kind: "sticker", label: "👍", mime: "image/webp", width: 512 }] }]);
    expect(events(built.contact)).toMatchObject([{ contact: { phoneNumber: "+79161234567", firstName: "Мария", userId: "523009881" } }]);
  });

  it("turns my_chat_member kicked / member into client blocked / unblocked", () => {
    expect(events(built.blocked)).toEqual([
      {
        type: "client_blocked",
        channel: "telegram",
        dedupeId: "tg.update.700000006",
        chatId: "523009881",
        client: { externalUserId: "523009881", name: "Мария Кузнецова", firstName: "Мария", lastName: "Кузнецова", username: "masha_k", profileUrl: "https://t.me/masha_k", languageCode: "ru" },
        occurredAt: "2025-03-01T10:03:20.000Z",
      },
    ]);
    expect(events(built.unblocked)).toMatchObject([{ type: "client_unblocked", chatId: "523009881" }]);
  });

  it("keeps business_connection_id on Business updates so replies can use it", () => {
    expect(events(built.businessConnection)).toMatchObject([
      { type: "business_connection", businessConnectionId: "BQADkhM9Gk2uAQAAaB", isEnabled: true, canReply: true, chatId: "600100200", client: { externalUserId: "600100200" } },
    ]);
    expect(events(built.businessMessage)).toMatchObject([
      { type: "message", direction: "inbound", businessConnectionId: "BQADkhM9Gk2uAQAAaB", chatId: "523009881", text: "Есть ли доставка сегодня?", dedupeId: "tg.bmessage.523009881.17.BQADkhM9Gk2uAQAAaB" },
    ]);
    expect(events(built.businessOwnerReply)).toMatchObject([{ direction: "outbound", client: { externalUserId: "523009881", name: "Мария Кузнецова" } }]);
    expect(events(built.editedBusinessMessage)).toMatchObject([{ type: "edit", businessConnectionId: "BQADkhM9Gk2uAQAAaB", text: "Есть ли доставка завтра?" }]);
  });

  it("refuses a forged or missing secret token as auth", () => {
    const body = JSON.stringify(built.photo);
    expect(failure({ headers: { "x-telegram-bot-api-secret-token": "guess" }, body, channel: { secret: SECRET } })).toMatchObject({ kind: "auth", httpStatus: 403 });
    expect(failure({ headers: {}, body, channel: { secret: SECRET } })).toMatchObject({ kind: "auth" });
    expect(failure({ secretTokenHeader: `${SECRET}x`, body, channel: { secret: SECRET } })).toMatchObject({ kind: "auth" });
    const fetchHeaders = new Headers({ "X-Telegram-Bot-Api-Secret-Token": SECRET });
    expect(verifyAndParseTelegramUpdate({ headers: fetchHeaders, body, channel: { secret: SECRET } }).kind).toBe("events");
  });

  it("refuses malformed bodies as invalid_request", () => {
    const ok = { headers, channel: { secret: SECRET } };
    expect(failure({ ...ok, body: "{oops" })).toMatchObject({ kind: "invalid_request", httpStatus: 400 });
    expect(failure({ ...ok, body: "[]" })).toMatchObject({ kind: "invalid_request" });
    expect(failure({ ...ok, body: { update_id: "1", message: {} } })).toMatchObject({ kind: "invalid_request" });
    expect(failure({ ...ok, body: { update_id: 1 } })).toMatchObject({ kind: "invalid_request" });
    expect(failure({ ...ok, body: { update_id: 1, message: { message_id: 1, date: 1 } } })).toMatchObject({ kind: "invalid_request", message: "update.message.chat must be an object" });
    const huge = JSON.stringify({ update_id: 1, message: { text: "x".repeat(10 * 1024 * 1024) } });
    expect(failure({ ...ok, body: huge })).toMatchObject({ kind: "invalid_request", httpStatus: 413 });
  });

  it("gives a redelivered update the same dedupe id", () => {
    expect(parseTelegramUpdate(built.photo)).toEqual(parseTelegramUpdate(structuredClone(built.photo)));
  });

  it("uses built samples that are valid by the Bot API spec", () => {
    const spec = loadTelegramSpec();
    for (const [name, update] of Object.entries(built)) expect(spec.validate(["Update"], update), name).toEqual([]);
  });
});
