import { randomBytes } from "node:crypto";

// The simulated Telegram: bots with their chats, files, pending updates and Business
// connections, and the JSON objects the Bot API returns (fields as in the Bot API spec).

export type TgJson = Record<string, unknown>;

export interface TgUser {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface TgFile {
  fileId: string;
  fileUniqueId: string;
  filePath: string;
  data: Buffer;
  mime: string;
  fileName: string;
}

export interface TgWebhook {
  url: string;
  secretToken?: string;
  maxConnections: number;
  lastErrorDate?: number;
  lastErrorMessage?: string;
}

export interface TgBusinessConnection {
  id: string;
  owner: TgUser;
  date: number;
  canReply: boolean;
  isEnabled: boolean;
}

export type TgSentKind = "text" | "photo" | "document" | "voice";

/** An inline keyboard as the bot sent it. */
export type TgInlineKeyboard = { text: string; callback_data: string }[][];

export interface TgSentMessage {
  messageId: number;
  /** The message's inline keyboard now (edits replace it). */
  keyboard?: TgInlineKeyboard;
  /** How many times the bot edited it. */
  edits?: number;
  /** When the bot deleted it (unix seconds): the client no longer sees it. */
  deletedAt?: number;
  chatId: number;
  kind: TgSentKind;
  text?: string;
  caption?: string;
  /** The file and how it came: uploaded in this request, or named by a file_id the bot had. */
  file?: { data: Buffer; fileName: string; mime: string; fileId: string; uploaded: boolean };
  businessConnectionId?: string;
  date: number;
}

/** Telegram's default when allowed_updates is not set: everything but these. */
const NOT_DELIVERED_BY_DEFAULT = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

export class TgBot {
  webhook: TgWebhook | undefined;
  allowedUpdates: string[] | undefined;
  /** Updates not yet confirmed (getUpdates) or not yet delivered (webhook), oldest first. */
  readonly pending: TgJson[] = [];
  nextUpdateId = 100_000_000 + Math.floor(Math.random() * 1000);
  readonly startedBy = new Set<number>();
  readonly blockedBy = new Set<number>();
  /** Message ids run per chat, shared by both sides of a private chat. */
  private readonly nextMessageIds = new Map<string, number>();
  readonly files = new Map<string, TgFile>();
  readonly filesByPath = new Map<string, TgFile>();
  readonly sent: TgSentMessage[] = [];
  readonly businessConnections = new Map<string, TgBusinessConnection>();
  /** Button presses by callback query id: who pressed, and the bot's answer once given. */
  readonly callbacks = new Map<string, { chatId: number; answered: boolean; text?: string; showAlert?: boolean }>();
  /** Bumped by each getUpdates: a newer request terminates the one still waiting. */
  pollGeneration = 0;
  private nextFileNumber = 1;

  constructor(
    readonly id: number,
    readonly token: string,
    readonly username: string,
    readonly firstName: string,
  ) {}

  get user(): TgJson {
    return { id: this.id, is_bot: true, first_name: this.firstName, username: this.username };
  }

  messageId(chatId: number, businessConnectionId?: string): number {
    const key = `${businessConnectionId ?? ""}:${chatId}`;
    const id = this.nextMessageIds.get(key) ?? 1;
    this.nextMessageIds.set(key, id + 1);
    return id;
  }

  wants(updateType: string): boolean {
    return this.allowedUpdates && this.allowedUpdates.length > 0
      ? this.allowedUpdates.includes(updateType)
      : !NOT_DELIVERED_BY_DEFAULT.has(updateType);
  }

  /** PhotoSize variants of a stored photo: a 90 px thumbnail and the original, both downloadable. */
  photoSizes(file: TgFile, width: number, height: number): TgJson[] {
    const scale = Math.min(1, 90 / Math.max(width, height));
    const thumbnail = { ...file, fileId: `${file.fileId}_t`, fileUniqueId: `${file.fileUniqueId}t` };
    this.files.set(thumbnail.fileId, thumbnail);
    return [
      {
        file_id: thumbnail.fileId,
        file_unique_id: thumbnail.fileUniqueId,
        file_size: file.data.length,
        width: Math.max(1, Math.round(width * scale)),
        height: Math.max(1, Math.round(height * scale)),
      },
      { file_id: file.fileId, file_unique_id: file.fileUniqueId, file_size: file.data.length, width, height },
    ];
  }

  storeFile(input: { data: Buffer; mime: string; fileName: string; folder: string; ext: string }): TgFile {
    const number = this.nextFileNumber++;
    const file: TgFile = {
      // Real file ids are opaque, long and specific to the bot.
      fileId: `${input.folder.slice(0, 2).toUpperCase()}ACAgIAAxkB${randomBytes(24).toString("base64url")}`,
      fileUniqueId: `AQAD${randomBytes(8).toString("base64url")}`,
      filePath: `${input.folder}/file_${number}.${input.ext}`,
      data: input.data,
      mime: input.mime,
      fileName: input.fileName,
    };
    this.files.set(file.fileId, file);
    this.filesByPath.set(file.filePath, file);
    return file;
  }
}

export function privateChat(user: TgUser): TgJson {
  return {
    id: user.id,
    type: "private",
    first_name: user.first_name,
    ...(user.last_name ? { last_name: user.last_name } : {}),
    ...(user.username ? { username: user.username } : {}),
  };
}

export function userObject(user: TgUser): TgJson {
  return { ...user, is_bot: false };
}

export function documentObject(file: TgFile): TgJson {
  return { file_id: file.fileId, file_unique_id: file.fileUniqueId, file_name: file.fileName, mime_type: file.mime, file_size: file.data.length };
}

export function voiceObject(file: TgFile, durationSec: number): TgJson {
  return { file_id: file.fileId, file_unique_id: file.fileUniqueId, duration: durationSec, mime_type: "audio/ogg", file_size: file.data.length };
}

export function fileObject(file: TgFile): TgJson {
  return { file_id: file.fileId, file_unique_id: file.fileUniqueId, file_size: file.data.length, file_path: file.filePath };
}

const MIME_BY_EXT: Record<string, string> = {
  pdf: "application/pdf",
  txt: "text/plain",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  ogg: "audio/ogg",
  oga: "audio/ogg",
  mp3: "audio/mpeg",
  mp4: "video/mp4",
  zip: "application/zip",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

/** Telegram detects the type from the name: SDKs send application/octet-stream for everything. */
export function mimeFromName(fileName: string, declared?: string): string {
  if (declared && declared !== "application/octet-stream") return declared;
  const ext = fileName.includes(".") ? fileName.slice(fileName.lastIndexOf(".") + 1).toLowerCase() : "";
  return MIME_BY_EXT[ext] ?? "application/octet-stream";
}

export function extensionOf(fileName: string, fallback: string): string {
  const dot = fileName.lastIndexOf(".");
  return dot > 0 ? fileName.slice(dot + 1).toLowerCase() : fallback;
}
