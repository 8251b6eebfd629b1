import { createReadStream } from "node:fs";
import { createRequire } from "node:module";
import type { Readable, Transform } from "node:stream";

// Telegram Desktop's export (result.json): one chat ({name, type, id, messages}) or a full
// export ({…, chats: {list: [chat, …]}}). Files run to hundreds of megabytes, so the JSON is
// read as a token stream and only one message at a time is assembled.

const require = createRequire(import.meta.url);
const { parser } = require("stream-json") as { parser: (options?: Record<string, unknown>) => Transform };

export class TelegramExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TelegramExportError";
  }
}

export interface TelegramExportChat {
  id: string;
  name: string;
  type: string;
}

export interface TelegramExportMessage {
  id: number;
  type: string;
  date: string;
  dateUnix?: number;
  fromId?: string;
  text: string;
  media?: "photo" | "document" | "voice" | "video" | "sticker";
}

type Token = { name: string; value?: unknown };
type Json = Record<string, unknown>;

function plainText(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map((part) => (typeof part === "string" ? part : typeof (part as Json)?.text === "string" ? ((part as Json).text as string) : "")).join("");
  return "";
}

function mediaOf(m: Json): TelegramExportMessage["media"] {
  if (m.photo !== undefined) return "photo";
  switch (m.media_type) {
    case "voice_message":
    case "audio_file":
      return "voice";
    case "video_file":
    case "video_message":
    case "animation":
      return "video";
    case "sticker":
      return "sticker";
  }
  return m.file !== undefined ? "document" : undefined;
}

function toMessage(m: Json): TelegramExportMessage | null {
  if (typeof m.id !== "number" || typeof m.type !== "string") return null;
  const unix = Number(m.date_unixtime);
  return {
    id: m.id,
    type: m.type,
    date: typeof m.date === "string" ? m.date : "",
    ...(Number.isFinite(unix) && unix > 0 ? { dateUnix: unix } : {}),
    ...(typeof m.from_id === "string" ? { fromId: m.from_id } : {}),
    text: plainText(m.text),
    media: mediaOf(m),
  };
}

export interface ExportVisitor {
  /** A chat's messages begin; its id, name and type are known (they precede messages). */
  chat(chat: TelegramExportChat): Promise<void> | void;
  message(chat: TelegramExportChat, message: TelegramExportMessage): Promise<void> | void;
}

/**
 * Streams the export and calls the visitor per chat and message, in file order. Throws
 * TelegramExportError for a file that is not JSON, is cut short, or is not a Telegram export.
 */
export async function readTelegramExport(source: string | Readable, visitor: ExportVisitor): Promise<{ chats: number; messages: number }> {
  const input = typeof source === "string" ? createReadStream(source) : source;
  const tokens = input.pipe(parser({ packKeys: true, packStrings: true, packNumbers: true, streamKeys: false, streamStrings: false, streamNumbers: false }));
  input.on("error", (e: Error) => tokens.destroy(e));

  // Open containers from the root, each with its place in its parent (key or index).
  type Frame = { kind: "object" | "array"; at: string | number | undefined; next: number; chat?: { id?: string; name?: string; type?: string; started: boolean } };
  const frames: Frame[] = [];
  let pendingKey: string | null = null;
  let chatFrame: Frame | null = null;
  let sawChat = false;
  let chats = 0;
  let messages = 0;
  // Assembling one message object.
  let building: { stack: unknown[]; keys: (string | null)[] } | null = null;

  const isChatFrame = (): boolean => {
    // The root object (one chat), or an item of chats.list.
    if (frames.length === 1) return true;
    return frames.length === 4 && frames[1]!.at === "chats" && frames[2]!.at === "list" && frames[2]!.kind === "array";
  };
  const currentChat = (): TelegramExportChat => ({ id: chatFrame?.chat?.id ?? "", name: chatFrame?.chat?.name ?? "", type: chatFrame?.chat?.type ?? "" });

  const startChatIfNeeded = async () => {
    const c = chatFrame?.chat;
    if (!c || c.started) return;
    if (c.id === undefined) throw new TelegramExportError("В экспорте у чата нет id: это не файл экспорта Telegram Desktop");
    c.started = true;
    chats += 1;
    await visitor.chat(currentChat());
  };

  const placeInParent = (): string | number | undefined => {
    const parent = frames[frames.length - 1];
    const key = pendingKey;
    pendingKey = null;
    if (!parent) return undefined;
    return parent.kind === "object" ? (key ?? undefined) : parent.next++;
  };

  const pushValue = (value: unknown) => {
    if (!building) return;
    const top = building.stack[building.stack.length - 1];
    if (Array.isArray(top)) top.push(value);
    else {
      const key = building.keys[building.keys.length - 1];
      if (key !== null && key !== undefined) (top as Json)[key] = value;
    }
  };

  try {
    for await (const token of tokens as AsyncIterable<Token>) {
      if (building) {
        switch (token.name) {
          case "startObject": {
            const obj: Json = {};
            pushValue(obj);
            building.stack.push(obj);
            building.keys.push(null);
            break;
          }
          case "startArray": {
            const arr: unknown[] = [];
            pushValue(arr);
            building.stack.push(arr);
            building.keys.push(null);
            break;
          }
          case "endObject":
          case "endArray": {
            const done = building.stack.pop();
            building.keys.pop();
            if (building.stack.length === 0) {
              building = null;
              const m = toMessage(done as Json);
              if (m) {
                messages += 1;
                await visitor.message(currentChat(), m);
              }
            }
            break;
          }
          case "keyValue":
            building.keys[building.keys.length - 1] = token.value as string;
            break;
          case "stringValue":
          case "numberValue":
            pushValue(token.name === "numberValue" ? Number(token.value) : token.value);
            break;
          case "nullValue":
            pushValue(null);
            break;
          case "trueValue":
            pushValue(true);
            break;
          case "falseValue":
            pushValue(false);
            break;
        }
        continue;
      }
      switch (token.name) {
        case "startObject": {
          const parent = frames[frames.length - 1];
          const at = placeInParent();
          // A message: an object directly inside the current chat's messages array.
          if (chatFrame && parent?.kind === "array" && parent.at === "messages" && frames[frames.length - 2] === chatFrame) {
            await startChatIfNeeded();
            building = { stack: [{}], keys: [null] };
            break;
          }
          frames.push({ kind: "object", at, next: 0 });
          if (isChatFrame()) {
            chatFrame = frames[frames.length - 1]!;
            chatFrame.chat = { started: false };
            sawChat = true;
          }
          break;
        }
        case "startArray":
          frames.push({ kind: "array", at: placeInParent(), next: 0 });
          break;
        case "endObject":
        case "endArray": {
          const frame = frames.pop();
          if (frame && frame === chatFrame) {
            if (frame.chat?.id !== undefined || frame.chat?.started) await startChatIfNeeded();
            chatFrame = null;
          }
          break;
        }
        case "keyValue":
          pendingKey = token.value as string;
          break;
        case "stringValue":
        case "numberValue": {
          const at = placeInParent();
          if (chatFrame && frames[frames.length - 1] === chatFrame && chatFrame.chat && typeof at === "string") {
            const value = String(token.value);
            if (at === "id") chatFrame.chat.id = value;
            else if (at === "name") chatFrame.chat.name = value;
            else if (at === "type") chatFrame.chat.type = value;
          }
          break;
        }
        case "nullValue":
        case "trueValue":
        case "falseValue":
          placeInParent();
          break;
      }
    }
  } catch (error) {
    if (error instanceof TelegramExportError) throw error;
    throw new TelegramExportError(`Файл повреждён или это не JSON: ${(error as Error).message.split("\n")[0]}`);
  }
  if (frames.length !== 0 || building) throw new TelegramExportError("Файл оборван: JSON не закончен. Выгрузите экспорт заново");
  if (!sawChat || chats === 0) {
    throw new TelegramExportError("Это не экспорт Telegram Desktop: нет ни чата с сообщениями, ни списка chats.list. Выберите файл result.json в формате JSON");
  }
  return { chats, messages };

}
