import { imageSize } from "../images.ts";
import { badRequest, TgApiError, type TgInputFile, type TgParams } from "./params.ts";
import {
  documentObject,
  extensionOf,
  fileObject,
  mimeFromName,
  privateChat,
  voiceObject,
  type TgBot,
  type TgFile,
  type TgJson,
  type TgInlineKeyboard,
  type TgSentKind,
  type TgSentMessage,
  type TgUser,
} from "./world.ts";

// The Bot API methods the simulator serves, each with the parameters it reads (checked against
// api.json by the conformance test) and a handler answering as Telegram does.

export interface TgMethodHost {
  user(id: number): TgUser | undefined;
  /** Throws 429 when the bot or the chat is over its rate. */
  checkSendRate(bot: TgBot, chatId: number, businessConnectionId?: string): void;
  setWebhook(bot: TgBot, webhook: { url: string; secretToken?: string; maxConnections: number } | undefined, dropPending: boolean): void;
  /** Resolves when the bot has pending updates, the timeout passed or a newer poll started. */
  waitForUpdates(bot: TgBot, timeoutSec: number): Promise<void>;
  /** Wakes the bot's waiting polls, so that an older one learns a newer one replaced it. */
  interruptPolls(): void;
  recordSent(): void;
}

export interface TgMethodContext {
  host: TgMethodHost;
  bot: TgBot;
  params: TgParams;
}

export interface TgMethod {
  name: string;
  params: readonly string[];
  handle(ctx: TgMethodContext): unknown;
}

/** Bots may download files of up to 20 MB. */
export const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;
const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;
const SECRET_TOKEN = /^[A-Za-z0-9_-]{1,256}$/;

function now(): number {
  return Math.floor(Date.now() / 1000);
}

const getMe: TgMethod = {
  name: "getMe",
  params: [],
  handle: ({ bot }) => ({
    ...bot.user,
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: true,
    has_main_web_app: false,
  }),
};

const setWebhook: TgMethod = {
  name: "setWebhook",
  params: ["url", "secret_token", "allowed_updates", "drop_pending_updates", "max_connections"],
  handle: ({ host, bot, params }) => {
    const url = params.optStr("url") ?? "";
    const secretToken = params.optStr("secret_token");
    if (secretToken !== undefined && !SECRET_TOKEN.test(secretToken)) throw badRequest("secret token contains unallowed characters");
    const allowed = params.optStringArray("allowed_updates");
    if (allowed !== undefined) bot.allowedUpdates = allowed;
    const dropPending = params.optBool("drop_pending_updates") ?? false;
    if (url === "") {
      host.setWebhook(bot, undefined, dropPending);
      return { result: true, description: "Webhook is already deleted" };
    }
    // Telegram demands HTTPS on ports 443, 80, 88 or 8443; the simulator also takes plain HTTP.
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw badRequest("bad webhook: invalid URL");
    }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw badRequest("bad webhook: HTTPS url must be provided for webhook");
    const maxConnections = params.optInt("max_connections") ?? 40;
    host.setWebhook(bot, { url, ...(secretToken ? { secretToken } : {}), maxConnections }, dropPending);
    return { result: true, description: "Webhook was set" };
  },
};

const deleteWebhook: TgMethod = {
  name: "deleteWebhook",
  params: ["drop_pending_updates"],
  handle: ({ host, bot, params }) => {
    const existed = bot.webhook !== undefined;
    host.setWebhook(bot, undefined, params.optBool("drop_pending_updates") ?? false);
    return { result: true, description: existed ? "Webhook was deleted" : "Webhook is already deleted" };
  },
};

const getWebhookInfo: TgMethod = {
  name: "getWebhookInfo",
  params: [],
  handle: ({ bot }) => {
    const webhook = bot.webhook;
    return {
      url: webhook?.url ?? "",
      has_custom_certificate: false,
      pending_update_count: bot.pending.length,
      ...(webhook?.lastErrorDate !== undefined ? { last_error_date: webhook.lastErrorDate, last_error_message: webhook.lastErrorMessage ?? "" } : {}),
      ...(webhook ? { max_connections: webhook.maxConnections, ip_address: "127.0.0.1" } : {}),
      ...(bot.allowedUpdates ? { allowed_updates: bot.allowedUpdates } : {}),
    };
  },
};

const getUpdates: TgMethod = {
  name: "getUpdates",
  params: ["offset", "limit", "timeout", "allowed_updates"],
  handle: async ({ host, bot, params }) => {
    if (bot.webhook) throw new TgApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    const offset = params.optInt("offset");
    const limit = Math.min(Math.max(params.optInt("limit") ?? 100, 1), 100);
    const timeout = Math.min(Math.max(params.optInt("timeout") ?? 0, 0), 50);
    const allowed = params.optStringArray("allowed_updates");
    if (allowed !== undefined) bot.allowedUpdates = allowed;
    // Asking from an offset confirms every update before it.
    if (offset !== undefined && offset > 0) {
      while (bot.pending.length > 0 && (bot.pending[0]!.update_id as number) < offset) bot.pending.shift();
    }
    const generation = ++bot.pollGeneration;
    host.interruptPolls();
    if (bot.pending.length === 0 && timeout > 0) await host.waitForUpdates(bot, timeout);
    if (bot.pollGeneration !== generation) {
      throw new TgApiError(409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running");
    }
    return bot.pending.slice(0, limit);
  },
};

interface SendTarget {
  chatId: number;
  client: TgUser;
  businessConnectionId?: string;
}

/** Who the message goes to, and whether Telegram lets the bot write there. */
function sendTarget(ctx: TgMethodContext): SendTarget {
  const { host, bot, params } = ctx;
  const chatId = params.chatId();
  const businessConnectionId = params.optStr("business_connection_id");
  const client = typeof chatId === "number" ? host.user(chatId) : undefined;
  if (!client || typeof chatId !== "number") throw badRequest("chat not found");
  if (businessConnectionId !== undefined) {
    const connection = bot.businessConnections.get(businessConnectionId);
    if (!connection || !connection.isEnabled) throw badRequest("BUSINESS_CONNECTION_INVALID");
    if (!connection.canReply) throw badRequest("BOT_ACCESS_FORBIDDEN");
    host.checkSendRate(bot, chatId, businessConnectionId);
    return { chatId, client, businessConnectionId };
  }
  if (bot.blockedBy.has(chatId)) throw new TgApiError(403, "Forbidden: bot was blocked by the user");
  if (!bot.startedBy.has(chatId)) throw new TgApiError(403, "Forbidden: bot can't initiate conversation with a user");
  host.checkSendRate(bot, chatId);
  return { chatId, client, businessConnectionId };
}

function storeMessage(ctx: TgMethodContext, target: SendTarget, kind: TgSentKind, content: TgJson, file?: TgFile, uploaded = true): TgJson {
  const { bot } = ctx;
  const connection = target.businessConnectionId ? bot.businessConnections.get(target.businessConnectionId) : undefined;
  const messageId = bot.messageId(target.chatId, target.businessConnectionId);
  const date = now();
  bot.sent.push({
    messageId,
    chatId: target.chatId,
    kind,
    ...(typeof content.text === "string" ? { text: content.text } : {}),
    ...(typeof content.caption === "string" ? { caption: content.caption } : {}),
    ...(file ? { file: { data: file.data, fileName: file.fileName, mime: file.mime, fileId: file.fileId, uploaded } } : {}),
    ...(target.businessConnectionId ? { businessConnectionId: target.businessConnectionId } : {}),
    ...(Array.isArray((content.reply_markup as { inline_keyboard?: unknown } | undefined)?.inline_keyboard) ? { keyboard: (content.reply_markup as { inline_keyboard: TgInlineKeyboard }).inline_keyboard } : {}),
    date,
  });
  ctx.host.recordSent();
  return {
    message_id: messageId,
    // A business reply is written by the account owner, on the bot's behalf.
    from: connection ? { id: connection.owner.id, is_bot: false, first_name: connection.owner.first_name } : bot.user,
    ...(connection ? { sender_business_bot: bot.user, business_connection_id: connection.id } : {}),
    chat: privateChat(target.client),
    date,
    ...content,
  };
}

/** reply_markup's inline keyboard, checked as Telegram does (callback_data of 1–64 bytes). */
function inlineKeyboard(params: TgParams): TgInlineKeyboard | undefined {
  const markup = params.optObject("reply_markup");
  if (!markup) return undefined;
  const rows = markup.inline_keyboard;
  if (!Array.isArray(rows)) return undefined;
  return rows.map((row) => {
    if (!Array.isArray(row)) throw badRequest("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array of Arrays");
    return row.map((button: { text?: unknown; callback_data?: unknown }) => {
      if (typeof button.text !== "string" || !button.text) throw badRequest("text buttons are unallowed in the inline keyboard");
      const data = typeof button.callback_data === "string" ? button.callback_data : "";
      const bytes = Buffer.byteLength(data);
      if (bytes < 1 || bytes > 64) throw badRequest("BUTTON_DATA_INVALID");
      return { text: button.text, callback_data: data };
    });
  });
}

const markupJson = (keyboard: TgInlineKeyboard | undefined): TgJson => (keyboard ? { reply_markup: { inline_keyboard: keyboard } } : {});

function caption(params: TgParams): TgJson {
  const text = params.optStr("caption");
  if (text !== undefined && text.length > MAX_CAPTION) throw badRequest("message caption is too long");
  return text ? { caption: text } : {};
}

const sendMessage: TgMethod = {
  name: "sendMessage",
  params: ["chat_id", "text", "business_connection_id", "parse_mode", "reply_markup"],
  handle: (ctx) => {
    const text = ctx.params.optStr("text");
    if (!text || text.trim() === "") throw badRequest("message text is empty");
    if (text.length > MAX_TEXT) throw badRequest("message is too long");
    const keyboard = inlineKeyboard(ctx.params);
    const target = sendTarget(ctx);
    return storeMessage(ctx, target, "text", { text, ...markupJson(keyboard) });
  },
};

/** The bot's own message in a chat, to edit. */
function ownMessage(ctx: TgMethodContext) {
  const chatId = ctx.params.chatId();
  const messageId = ctx.params.optInt("message_id");
  const sent = ctx.bot.sent.find((m) => m.chatId === chatId && m.messageId === messageId && !m.businessConnectionId && m.deletedAt === undefined);
  if (!sent) throw badRequest("message to edit not found");
  return sent;
}

function editedJson(ctx: TgMethodContext, sent: TgSentMessage): TgJson {
  const client = ctx.host.user(sent.chatId)!;
  return {
    message_id: sent.messageId,
    from: ctx.bot.user,
    chat: privateChat(client),
    date: sent.date,
    edit_date: now(),
    ...(sent.text !== undefined ? { text: sent.text } : {}),
    ...(sent.caption !== undefined ? { caption: sent.caption } : {}),
    ...markupJson(sent.keyboard),
  };
}

const NOT_MODIFIED = "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";

const editMessageText: TgMethod = {
  name: "editMessageText",
  params: ["chat_id", "message_id", "text", "parse_mode", "reply_markup"],
  handle: (ctx) => {
    const text = ctx.params.optStr("text");
    if (!text || text.trim() === "") throw badRequest("message text is empty");
    if (text.length > MAX_TEXT) throw badRequest("message is too long");
    const keyboard = inlineKeyboard(ctx.params);
    const sent = ownMessage(ctx);
    if (sent.kind !== "text") throw badRequest("there is no text in the message to edit");
    if (sent.text === text && JSON.stringify(sent.keyboard ?? null) === JSON.stringify(keyboard ?? null)) throw badRequest(NOT_MODIFIED);
    sent.text = text;
    if (keyboard) sent.keyboard = keyboard;
    else delete sent.keyboard;
    sent.edits = (sent.edits ?? 0) + 1;
    return editedJson(ctx, sent);
  },
};

const editMessageCaption: TgMethod = {
  name: "editMessageCaption",
  params: ["chat_id", "message_id", "caption", "parse_mode", "reply_markup"],
  handle: (ctx) => {
    const text = caption(ctx.params).caption as string | undefined;
    const keyboard = inlineKeyboard(ctx.params);
    const sent = ownMessage(ctx);
    if (sent.kind === "text") throw badRequest("there is no caption in the message to edit");
    // Without reply_markup the keyboard goes, as on editMessageText.
    if ((sent.caption ?? "") === (text ?? "") && JSON.stringify(sent.keyboard ?? null) === JSON.stringify(keyboard ?? null)) throw badRequest(NOT_MODIFIED);
    if (text) sent.caption = text;
    else delete sent.caption;
    if (keyboard) sent.keyboard = keyboard;
    else delete sent.keyboard;
    sent.edits = (sent.edits ?? 0) + 1;
    return editedJson(ctx, sent);
  },
};

/** A bot deletes its own messages in a private chat for up to 48 hours after sending them. */
export const DELETE_WINDOW_SECONDS = 48 * 3600;

const deleteMessage: TgMethod = {
  name: "deleteMessage",
  params: ["chat_id", "message_id"],
  handle: (ctx) => {
    const chatId = ctx.params.chatId();
    const messageId = ctx.params.optInt("message_id");
    const sent = ctx.bot.sent.find((m) => m.chatId === chatId && m.messageId === messageId && !m.businessConnectionId && m.deletedAt === undefined);
    if (!sent) throw badRequest("message to delete not found");
    if (now() - sent.date > DELETE_WINDOW_SECONDS) throw badRequest("message can't be deleted for everyone");
    sent.deletedAt = now();
    return true;
  },
};

const editMessageReplyMarkup: TgMethod = {
  name: "editMessageReplyMarkup",
  params: ["chat_id", "message_id", "reply_markup"],
  handle: (ctx) => {
    const keyboard = inlineKeyboard(ctx.params);
    const sent = ownMessage(ctx);
    if (JSON.stringify(sent.keyboard ?? null) === JSON.stringify(keyboard ?? null)) throw badRequest(NOT_MODIFIED);
    if (keyboard) sent.keyboard = keyboard;
    else delete sent.keyboard;
    sent.edits = (sent.edits ?? 0) + 1;
    return editedJson(ctx, sent);
  },
};

/**
 * A photo message's photo replaced (InputMediaPhoto, its caption and the keyboard). Telegram
 * cannot turn a text message into a photo: that is refused as there being no media to edit.
 */
const editMessageMedia: TgMethod = {
  name: "editMessageMedia",
  params: ["chat_id", "message_id", "media", "reply_markup"],
  handle: (ctx) => {
    const media = ctx.params.optObject("media");
    if (!media) throw badRequest("media not specified");
    if (media.type !== "photo") throw badRequest("can't parse InputMedia: unsupported media type");
    if (typeof media.media !== "string" || !media.media) throw badRequest("can't parse InputMedia: media not specified");
    const text = typeof media.caption === "string" ? media.caption : undefined;
    if (text !== undefined && text.length > MAX_CAPTION) throw badRequest("message caption is too long");
    const keyboard = inlineKeyboard(ctx.params);
    const sent = ownMessage(ctx);
    if (sent.kind === "text") throw badRequest("there is no media in the message to edit");
    const input = ctx.params.inputFile(media.media);
    if (input.kind === "upload" && !imageSize(input.part.data)) throw badRequest("IMAGE_PROCESS_FAILED");
    const file = inputFile(ctx.bot, input, "photo", "photos", "jpg");
    if (sent.file?.fileId === file.fileId && (sent.caption ?? "") === (text ?? "") && JSON.stringify(sent.keyboard ?? null) === JSON.stringify(keyboard ?? null)) throw badRequest(NOT_MODIFIED);
    sent.kind = "photo";
    sent.file = { data: file.data, fileName: file.fileName, mime: file.mime, fileId: file.fileId, uploaded: input.kind === "upload" };
    if (text) sent.caption = text;
    else delete sent.caption;
    if (keyboard) sent.keyboard = keyboard;
    else delete sent.keyboard;
    sent.edits = (sent.edits ?? 0) + 1;
    const size = imageSize(file.data) ?? { width: 800, height: 600 };
    return { ...editedJson(ctx, sent), photo: ctx.bot.photoSizes(file, size.width, size.height) };
  },
};

const answerCallbackQuery: TgMethod = {
  name: "answerCallbackQuery",
  params: ["callback_query_id", "text", "show_alert"],
  handle: ({ bot, params }) => {
    const id = params.optStr("callback_query_id");
    const query = id ? bot.callbacks.get(id) : undefined;
    if (!query || query.answered) throw badRequest("query is too old and response timeout expired or query ID is invalid");
    const text = params.optStr("text");
    if (text !== undefined && text.length > 200) throw badRequest("MESSAGE_TOO_LONG");
    query.answered = true;
    if (text !== undefined) query.text = text;
    query.showAlert = params.optBool("show_alert") ?? false;
    return true;
  },
};

/** An uploaded part becomes a new file; a file id must be one of the bot's files. */
function inputFile(bot: TgBot, input: TgInputFile | undefined, field: string, folder: string, ext: string): TgFile {
  if (!input) throw badRequest(`there is no ${field} in the request`);
  if (input.kind === "id") {
    const existing = bot.files.get(input.id);
    if (!existing) throw badRequest("wrong file identifier/HTTP URL specified");
    return existing;
  }
  const fileName = input.part.fileName || `${field}.${ext}`;
  if (input.part.data.length === 0) throw badRequest("file must be non-empty");
  return bot.storeFile({
    data: input.part.data,
    mime: mimeFromName(fileName, input.part.contentType),
    fileName,
    folder,
    ext: extensionOf(fileName, ext),
  });
}

const sendPhoto: TgMethod = {
  name: "sendPhoto",
  params: ["chat_id", "photo", "caption", "business_connection_id", "reply_markup"],
  handle: (ctx) => {
    const input = ctx.params.file("photo");
    if (input?.kind === "upload" && !imageSize(input.part.data)) throw badRequest("IMAGE_PROCESS_FAILED");
    const extra = { ...caption(ctx.params), ...markupJson(inlineKeyboard(ctx.params)) };
    const target = sendTarget(ctx);
    const file = inputFile(ctx.bot, input, "photo", "photos", "jpg");
    const size = imageSize(file.data) ?? { width: 800, height: 600 };
    return storeMessage(ctx, target, "photo", { photo: ctx.bot.photoSizes(file, size.width, size.height), ...extra }, file, input?.kind === "upload");
  },
};

const sendDocument: TgMethod = {
  name: "sendDocument",
  params: ["chat_id", "document", "caption", "business_connection_id"],
  handle: (ctx) => {
    const input = ctx.params.file("document");
    const extra = caption(ctx.params);
    const target = sendTarget(ctx);
    const file = inputFile(ctx.bot, input, "document", "documents", "dat");
    return storeMessage(ctx, target, "document", { document: documentObject(file), ...extra }, file, input?.kind === "upload");
  },
};

const sendVoice: TgMethod = {
  name: "sendVoice",
  params: ["chat_id", "voice", "caption", "duration", "business_connection_id"],
  handle: (ctx) => {
    const input = ctx.params.file("voice");
    const extra = caption(ctx.params);
    const declared = ctx.params.optInt("duration");
    const target = sendTarget(ctx);
    const file = inputFile(ctx.bot, input, "voice", "voice", "oga");
    // Without a declared duration, estimate it from Opus voice at ~16 kbit/s.
    const duration = declared ?? Math.max(1, Math.round(file.data.length / 2000));
    return storeMessage(ctx, target, "voice", { voice: voiceObject(file, duration), ...extra }, file, input?.kind === "upload");
  },
};

const getFile: TgMethod = {
  name: "getFile",
  params: ["file_id"],
  handle: ({ bot, params }) => {
    const fileId = params.optStr("file_id");
    if (!fileId) throw badRequest("file_id not specified");
    const file = bot.files.get(fileId);
    if (!file) throw badRequest("invalid file_id");
    if (file.data.length > MAX_DOWNLOAD_BYTES) throw badRequest("file is too big");
    return fileObject(file);
  },
};

export const TG_METHODS: readonly TgMethod[] = [
  getMe,
  setWebhook,
  deleteWebhook,
  getWebhookInfo,
  getUpdates,
  sendMessage,
  editMessageText,
  editMessageReplyMarkup,
  editMessageCaption,
  editMessageMedia,
  deleteMessage,
  answerCallbackQuery,
  sendPhoto,
  sendDocument,
  sendVoice,
  getFile,
];

/** Telegram matches method names case-insensitively. */
export const TG_METHODS_BY_NAME = new Map(TG_METHODS.map((method) => [method.name.toLowerCase(), method]));

/** Results that carry a description next to `result`, as setWebhook and deleteWebhook do. */
export function isDescribedResult(value: unknown): value is { result: unknown; description: string } {
  return typeof value === "object" && value !== null && "result" in value && "description" in value && Object.keys(value).length === 2;
}
