import { Api, InputFile } from "grammy";
import type { ChannelAdapter } from "../adapter.ts";
import { downloadFile, type MediaFetchOptions } from "../download.ts";
import { ChannelError, isChannelError } from "../errors.ts";
import { assertUploadFits, fileRefRefused, isFileRef } from "../file-refs.ts";
import type { ChannelEvent, ChannelIdentity, DownloadedFile, InboundAttachment, MenuChannel, MenuKeyboard, MenuShown, MessageEdit, OutboundFile, OutboundMessage, PollResult, SentMessage, SentMessageRef, WebhookRegistration } from "../types.ts";
import { mapTelegramErrors } from "./errors.ts";
import { parseTelegramUpdate, TELEGRAM_ALLOWED_UPDATES } from "./update.ts";

/** How the Bot API refuses a file_id it no longer (or never) knew. */
const REFUSED_FILE_ID = /wrong file identifier|file reference expired|wrong remote file|FILE_REFERENCE_/i;

export const TELEGRAM_API_ROOT = "https://api.telegram.org";

/**
 * Longest a Bot API request may take (grammY's own default is 500 s, which would hold a send job
 * and its worker slot for minutes when Telegram hangs): above the long poll's 25 s wait.
 */
export const TELEGRAM_TIMEOUT_SECONDS = 40;

export interface TelegramChannelConfig {
  token: string;
  /** The operator's Bot API root (TELEGRAM_API_ROOT); defaults to https://api.telegram.org. */
  apiRoot?: string;
  /** How files may be fetched: only from the Bot API root's host (operator settings). */
  media?: MediaFetchOptions;
  /** Longest a Bot API request may take; TELEGRAM_TIMEOUT_SECONDS unless given. */
  timeoutSeconds?: number;
}

function chatIdOf(chatId: string): number | string {
  return /^-?\d+$/.test(chatId) ? Number(chatId) : chatId;
}

const inlineKeyboard = (keyboard: MenuKeyboard) => ({ inline_keyboard: keyboard.map((row) => row.map((b) => ({ text: b.text, callback_data: b.data }))) });

export class TelegramAdapter implements ChannelAdapter, MenuChannel {
  readonly kind = "telegram" as const;
  // The Bot API has no idempotency key: a repeated sendMessage is a second message.
  readonly idempotentSend = false;
  readonly api: Api;
  private readonly apiRoot: string;

  constructor(readonly config: TelegramChannelConfig) {
    this.apiRoot = config.apiRoot ?? TELEGRAM_API_ROOT;
    this.api = new Api(config.token, { apiRoot: this.apiRoot, timeoutSeconds: config.timeoutSeconds ?? TELEGRAM_TIMEOUT_SECONDS });
  }

  async describe(): Promise<ChannelIdentity> {
    const me = await mapTelegramErrors(() => this.api.getMe());
    return { externalId: String(me.id), name: me.first_name, username: me.username };
  }

  async send(message: OutboundMessage): Promise<SentMessage> {
    const chatId = chatIdOf(message.chatId);
    const extra = {
      ...(message.businessConnectionId ? { business_connection_id: message.businessConnectionId } : {}),
      ...(message.keyboard ? { reply_markup: inlineKeyboard(message.keyboard) } : {}),
    };
    const { file, text } = message;
    if (file && !isFileRef(file)) assertUploadFits("telegram", file);
    type Sent = { message_id: number; date: number; photo?: { file_id: string }[]; document?: { file_id: string }; voice?: { file_id: string; duration: number } };
    let sent: Sent;
    try {
      sent = await mapTelegramErrors((): Promise<Sent> => {
        if (!file) {
          if (!text) {
            throw new ChannelError({ channel: "telegram", kind: "invalid_request", message: "nothing to send", reason: { code: "channel.emptyMessage" }, reasonRu: "пустое сообщение" });
          }
          return this.api.sendMessage(chatId, text, extra);
        }
        // A file_id the bot got back earlier is sent as the string itself: no upload.
        const input = isFileRef(file) ? file.platformRef : new InputFile(file.data, file.fileName);
        const other = { ...extra, ...(text ? { caption: text } : {}) };
        if (file.kind === "photo") return this.api.sendPhoto(chatId, input, other);
        if (file.kind === "voice") return this.api.sendVoice(chatId, input, { ...other, ...(file.durationSec ? { duration: file.durationSec } : {}) });
        return this.api.sendDocument(chatId, input, other);
      });
    } catch (error) {
      if (file && isFileRef(file) && isChannelError(error) && error.platformCode === 400 && REFUSED_FILE_ID.test(error.message)) throw fileRefRefused("telegram", error);
      throw error;
    }
    // The largest photo size carries the file_id of the photo as sent.
    const fileRef = sent.photo?.at(-1)?.file_id ?? sent.document?.file_id ?? sent.voice?.file_id;
    return { externalMessageId: String(sent.message_id), sentAt: new Date(sent.date * 1000).toISOString(), ...(fileRef ? { fileRef } : {}), ...(sent.voice ? { durationSec: sent.voice.duration } : {}) };
  }

  async editMessage(edit: MessageEdit): Promise<void> {
    const chatId = chatIdOf(edit.chatId);
    const messageId = Number(edit.externalMessageId);
    const business = edit.businessConnectionId ? { business_connection_id: edit.businessConnectionId } : {};
    await mapTelegramErrors(() =>
      edit.caption ? this.api.editMessageCaption(chatId, messageId, { caption: edit.text, ...business }) : this.api.editMessageText(chatId, messageId, edit.text, business),
    );
  }

  /** editMessageReplyMarkup without reply_markup: the inline keyboard goes, the message stays. */
  async removeButtons(message: MessageEdit): Promise<void> {
    const business = message.businessConnectionId ? { business_connection_id: message.businessConnectionId } : {};
    await mapTelegramErrors(() => this.api.editMessageReplyMarkup(chatIdOf(message.chatId), Number(message.externalMessageId), business));
  }

  async deleteMessage(message: SentMessageRef): Promise<void> {
    const messageId = Number(message.externalMessageId);
    await mapTelegramErrors(() =>
      message.businessConnectionId ? this.api.deleteBusinessMessages(message.businessConnectionId, [messageId]) : this.api.deleteMessage(chatIdOf(message.chatId), messageId),
    );
  }

  async sendMenu(input: { chatId: string; text: string; keyboard: MenuKeyboard; photo?: OutboundFile }): Promise<SentMessage> {
    const chatId = chatIdOf(input.chatId);
    const reply_markup = inlineKeyboard(input.keyboard);
    const sent = await mapTelegramErrors((): Promise<{ message_id: number; date: number }> =>
      input.photo
        ? this.api.sendPhoto(chatId, new InputFile(input.photo.data, input.photo.fileName), { caption: input.text, reply_markup })
        : this.api.sendMessage(chatId, input.text, { reply_markup }),
    );
    return { externalMessageId: String(sent.message_id), sentAt: new Date(sent.date * 1000).toISOString() };
  }

  async editMenu(input: { chatId: string; externalMessageId: string; text: string; keyboard: MenuKeyboard; photo?: OutboundFile; shown?: MenuShown }): Promise<SentMessage | void> {
    const chatId = chatIdOf(input.chatId);
    const messageId = Number(input.externalMessageId);
    const reply_markup = inlineKeyboard(input.keyboard);
    const shown = input.shown ?? "text";
    try {
      if (!input.photo && shown === "text") {
        await mapTelegramErrors(() => this.api.editMessageText(chatId, messageId, input.text, { reply_markup }));
        return;
      }
      if (input.photo && shown === "same-photo") {
        await mapTelegramErrors(() => this.api.editMessageCaption(chatId, messageId, { caption: input.text, reply_markup }));
        return;
      }
      if (input.photo && shown === "other-photo") {
        const media = { type: "photo" as const, media: new InputFile(input.photo.data, input.photo.fileName), caption: input.text };
        await mapTelegramErrors(() => this.api.editMessageMedia(chatId, messageId, media, { reply_markup }));
        return;
      }
    } catch (error) {
      // The same screen again (a press that changed nothing) is not a failure.
      if (isChannelError(error) && /message is not modified/i.test(error.message)) return;
      throw error;
    }
    // Text cannot become a photo in place, nor a photo text: the screen is sent anew and the old
    // message deleted (a refused delete leaves it, its buttons then answer «меню устарело»).
    const sent = await this.sendMenu({ chatId: input.chatId, text: input.text, keyboard: input.keyboard, ...(input.photo ? { photo: input.photo } : {}) });
    await mapTelegramErrors(() => this.api.deleteMessage(chatId, messageId)).catch(() => undefined);
    return sent;
  }

  async answerButton(input: { callbackId: string; text?: string; alert?: boolean }): Promise<void> {
    await mapTelegramErrors(() => this.api.answerCallbackQuery(input.callbackId, { ...(input.text ? { text: input.text } : {}), ...(input.alert ? { show_alert: true } : {}) }));
  }

  /** A download link for a file id; it contains the bot token, so it must not be stored or logged. */
  async fileDownloadUrl(fileId: string): Promise<string> {
    const file = await mapTelegramErrors(() => this.api.getFile(fileId));
    if (!file.file_path) {
      throw new ChannelError({
        channel: "telegram",
        kind: "invalid_request",
        message: `getFile gave no file_path for ${fileId}`,
        reason: { code: "channel.fileRejected", params: { platform: "Telegram" } },
        reasonRu: "Telegram не отдал файл",
      });
    }
    return `${this.apiRoot}/file/bot${this.config.token}/${file.file_path}`;
  }

  async downloadAttachment(attachment: InboundAttachment): Promise<DownloadedFile> {
    if (!attachment.fileId) {
      throw new ChannelError({
        channel: "telegram",
        kind: "invalid_request",
        message: "attachment has no file_id",
        reason: { code: "channel.telegram.noFileId" }, reasonRu: "Telegram не дал идентификатор файла",
      });
    }
    const url = await this.fileDownloadUrl(attachment.fileId);
    const downloaded = await downloadFile({ ...this.config.media, channel: "telegram", url, hosts: [new URL(this.apiRoot).hostname] });
    // Telegram's file server answers application/octet-stream; the message knew better.
    const mime = attachment.mime ?? downloaded.mime;
    return { ...downloaded, ...(mime ? { mime } : {}) };
  }

  async registerWebhook(input: { url: string; secret: string }): Promise<WebhookRegistration> {
    await mapTelegramErrors(() =>
      this.api.setWebhook(input.url, { secret_token: input.secret, allowed_updates: [...TELEGRAM_ALLOWED_UPDATES] }),
    );
    return {};
  }

  /** Needed before getUpdates: Telegram refuses long polling while a webhook is set. */
  async deleteWebhook(): Promise<void> {
    await mapTelegramErrors(() => this.api.deleteWebhook());
  }

  async pollUpdates(cursor: string | null, options: { waitSeconds?: number; signal?: AbortSignal } = {}): Promise<PollResult> {
    const offset = cursor ? Number(cursor) : undefined;
    const updates = await mapTelegramErrors(() =>
      this.api.getUpdates(
        { ...(offset ? { offset } : {}), timeout: options.waitSeconds ?? 25, allowed_updates: [...TELEGRAM_ALLOWED_UPDATES] },
        // grammY declares the abort-controller polyfill's type; node-fetch takes the native signal.
        options.signal as Parameters<Api["getUpdates"]>[1],
      ),
    );
    const events: ChannelEvent[] = [];
    const ignored: string[] = [];
    let next = offset ?? 0;
    for (const update of updates) {
      next = Math.max(next, update.update_id + 1);
      // One malformed update must not stall the offset on the whole batch.
      try {
        const parsed = parseTelegramUpdate(update as unknown as Record<string, unknown>);
        if (parsed.kind === "events") events.push(...parsed.events);
        else ignored.push(parsed.reason);
      } catch (error) {
        if (!isChannelError(error)) throw error;
        ignored.push(error.message);
      }
    }
    return { events, ignored, cursor: next > 0 ? String(next) : (cursor ?? "") };
  }
}
