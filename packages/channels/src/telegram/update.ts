import { telegramStartAttribution } from "../attribution.ts";
import { forgedSecret, malformedPayload } from "../errors.ts";
import { compact, parseJsonBody, PayloadReader, unixToIso, type JsonObject } from "../payload.ts";
import { secretsMatch } from "../secret.ts";
import type { ButtonEvent, ChannelEvent, ClientIdentity, EditEvent, MessageEvent, ParsedUpdate } from "../types.ts";
import { telegramAttachments, telegramContact } from "./attachments.ts";

// Telegram updates (webhook body or one getUpdates item) → normalised events.
// Only private chats are conversations; groups and channels are ignored.

export const SECRET_TOKEN_HEADER = "x-telegram-bot-api-secret-token";

/** The update types Threadline subscribes to (setWebhook / getUpdates allowed_updates). */
export const TELEGRAM_ALLOWED_UPDATES = [
  "message",
  "edited_message",
  "my_chat_member",
  "business_connection",
  "business_message",
  "edited_business_message",
  "callback_query",
] as const;

export function telegramProfileUrl(userId: number, username: string | undefined): string {
  return username ? `https://t.me/${username}` : `tg://user?id=${userId}`;
}

/** The client of a private chat: Telegram describes them in the chat object itself. */
function chatClient(chat: PayloadReader, from: PayloadReader | undefined): ClientIdentity {
  const id = chat.int("id");
  const source = from && from.int("id") === id ? from : chat;
  const firstName = source.optStr("first_name");
  const lastName = source.optStr("last_name");
  const username = source.optStr("username");
  const name = [firstName, lastName].filter(Boolean).join(" ");
  return compact({
    externalUserId: String(id),
    name: name || undefined,
    firstName,
    lastName,
    username,
    profileUrl: telegramProfileUrl(id, username),
    languageCode: source === from ? from.optStr("language_code") : undefined,
  });
}

function userClient(user: PayloadReader): ClientIdentity {
  return chatClient(user, user);
}

const START_COMMAND = /^\/start(?:@\w+)?(?:\s+(\S+))?\s*$/;

function messageEvent(message: PayloadReader, businessConnectionId: string | undefined): MessageEvent | undefined {
  const chat = message.obj("chat");
  if (chat.str("type") !== "private") return undefined;
  const chatId = chat.int("id");
  const from = message.optObj("from");
  const messageId = message.int("message_id");
  const sentAt = unixToIso(message.int("date"));
  // In a business chat the account owner's own messages (and its bots') arrive too.
  const outbound = from !== undefined && from.int("id") !== chatId;
  let text = message.optStr("text") ?? message.optStr("caption") ?? "";
  let attribution: MessageEvent["attribution"];
  const start = businessConnectionId === undefined ? START_COMMAND.exec(text) : null;
  if (start) {
    text = "/start";
    if (start[1]) attribution = telegramStartAttribution(start[1]);
  }
  const reply = message.optObj("reply_to_message");
  return compact<MessageEvent>({
    type: "message",
    channel: "telegram",
    dedupeId: businessConnectionId
      ? `tg.bmessage.${chatId}.${messageId}.${businessConnectionId}`
      : `tg.message.${chatId}.${messageId}`,
    chatId: String(chatId),
    client: chatClient(chat, from),
    occurredAt: sentAt,
    businessConnectionId,
    externalMessageId: String(messageId),
    direction: outbound ? "outbound" : "inbound",
    text,
    attachments: telegramAttachments(message),
    sentAt,
    attribution,
    contact: telegramContact(message),
    replyToExternalMessageId: reply ? String(reply.int("message_id")) : undefined,
  });
}

function editEvent(message: PayloadReader, businessConnectionId: string | undefined): EditEvent | undefined {
  const chat = message.obj("chat");
  if (chat.str("type") !== "private") return undefined;
  const chatId = chat.int("id");
  const messageId = message.int("message_id");
  const editDate = message.optInt("edit_date") ?? message.int("date");
  const editedAt = unixToIso(editDate);
  return compact<EditEvent>({
    type: "edit",
    channel: "telegram",
    dedupeId: `tg.edit.${chatId}.${messageId}.${editDate}${businessConnectionId ? `.${businessConnectionId}` : ""}`,
    chatId: String(chatId),
    client: chatClient(chat, message.optObj("from")),
    occurredAt: editedAt,
    businessConnectionId,
    externalMessageId: String(messageId),
    text: message.optStr("text") ?? message.optStr("caption") ?? "",
    attachments: telegramAttachments(message),
    editedAt,
  });
}

/** my_chat_member in a private chat: the client blocked (kicked) or unblocked (member) the bot. */
function membershipEvent(updateId: number, change: PayloadReader): ChannelEvent | undefined {
  const chat = change.obj("chat");
  if (chat.str("type") !== "private") return undefined;
  const status = change.obj("new_chat_member").str("status");
  const before = change.obj("old_chat_member").str("status");
  const type = status === "kicked" ? "client_blocked" : status === "member" && before === "kicked" ? "client_unblocked" : undefined;
  if (!type) return undefined;
  return {
    type,
    channel: "telegram",
    dedupeId: `tg.update.${updateId}`,
    chatId: String(chat.int("id")),
    client: userClient(change.obj("from")),
    occurredAt: unixToIso(change.int("date")),
  };
}

function businessConnectionEvent(updateId: number, connection: PayloadReader): ChannelEvent {
  const id = connection.str("id");
  const rights = connection.optObj("rights");
  // Bot API 9.0 moved can_reply into rights; older payloads carry it on the connection.
  const canReply = rights?.optBool("can_reply") ?? connection.optBool("can_reply") ?? false;
  return {
    type: "business_connection",
    channel: "telegram",
    dedupeId: `tg.update.${updateId}`,
    chatId: String(connection.int("user_chat_id")),
    client: userClient(connection.obj("user")),
    occurredAt: unixToIso(connection.int("date")),
    businessConnectionId: id,
    isEnabled: connection.bool("is_enabled"),
    canReply,
  };
}

/**
 * A press on an inline button of the bot's message in a private chat. The chat is the message's
 * (the presser is that chat's client); a press without a message (inline mode) is not ours.
 */
function buttonEvent(updateId: number, query: PayloadReader): ButtonEvent | undefined {
  const from = query.obj("from");
  const message = query.optObj("message");
  const data = query.optStr("data");
  if (!message || data === undefined) return undefined;
  const chat = message.obj("chat");
  if (chat.str("type") !== "private") return undefined;
  return compact<ButtonEvent>({
    type: "button",
    channel: "telegram",
    dedupeId: `tg.callback.${query.str("id")}`,
    chatId: String(chat.int("id")),
    client: userClient(from),
    // A callback query carries no date; the update is handled as it arrives.
    occurredAt: new Date().toISOString(),
    callbackId: query.str("id"),
    data,
    externalMessageId: String(message.int("message_id")),
  });
}

const NOT_PRIVATE = "only private chats are conversations";

/** Normalises one update; throws ChannelError for a body that is not a Telegram update. */
export function parseTelegramUpdate(raw: JsonObject): ParsedUpdate {
  const update = new PayloadReader("telegram", raw, "update");
  const updateId = update.int("update_id");
  const type = Object.keys(raw).find((key) => key !== "update_id" && raw[key] !== undefined);
  if (!type) throw malformedPayload("telegram", "update carries nothing but update_id");
  const events = (event: ChannelEvent | undefined, reason = NOT_PRIVATE): ParsedUpdate =>
    event ? { kind: "events", events: [event] } : { kind: "ignored", reason };

  switch (type) {
    case "message":
      return events(messageEvent(update.obj("message"), undefined));
    case "business_message": {
      const message = update.obj("business_message");
      return events(messageEvent(message, message.str("business_connection_id")));
    }
    case "edited_message":
      return events(editEvent(update.obj("edited_message"), undefined));
    case "edited_business_message": {
      const message = update.obj("edited_business_message");
      return events(editEvent(message, message.str("business_connection_id")));
    }
    case "my_chat_member":
      return events(membershipEvent(updateId, update.obj("my_chat_member")), "membership change that is not a block or unblock");
    case "business_connection":
      return events(businessConnectionEvent(updateId, update.obj("business_connection")));
    case "callback_query":
      return events(buttonEvent(updateId, update.obj("callback_query")), "a button press outside a private chat with the bot");
    default:
      return { kind: "ignored", reason: `Telegram update type ${type} is not handled` };
  }
}

export type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function headerValue(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Verifies the X-Telegram-Bot-Api-Secret-Token header (set with setWebhook's secret_token) in
 * constant time, then normalises the update. Throws ChannelError "auth" for a missing or wrong
 * token and "invalid_request" for a malformed body; unknown update types come back as ignored.
 */
export function verifyAndParseTelegramUpdate(input: {
  headers?: HeaderSource;
  secretTokenHeader?: string;
  body: unknown;
  channel: { secret: string };
}): ParsedUpdate {
  const received = input.secretTokenHeader ?? (input.headers ? headerValue(input.headers, SECRET_TOKEN_HEADER) : undefined);
  if (received === undefined || !secretsMatch(received, input.channel.secret)) {
    throw forgedSecret("telegram", "webhook request with a missing or wrong secret token");
  }
  return parseTelegramUpdate(parseJsonBody("telegram", input.body));
}
