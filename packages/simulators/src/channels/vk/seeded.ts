import { solidPng } from "../images.ts";
import type { SeededHistory } from "./mailbox.ts";
import type { StoredFile, VkJson, VkSimMessage } from "./records.ts";

// A community's past generated from a seed: N dialogs with realistic message counts (most short,
// a few running to hundreds), alternating client and community messages with Russian phrases,
// some photos, documents and voice messages, a few clients with unread messages and a few who
// forbade messages. Only the per-dialog counts are kept; every message is made again from its id
// when asked for, so 200k dialogs and millions of messages cost a few megabytes.

const PHRASES_IN = [
  "Здравствуйте! Сколько стоит доставка?",
  "А есть в наличии?",
  "Спасибо, жду",
  "Можно оплатить картой?",
  "Во сколько вы открываетесь?",
  "Пришлите, пожалуйста, каталог",
  "Добрый вечер, хочу оформить заказ",
];
const PHRASES_OUT = [
  "Добрый день! Доставка по городу — 300 ₽.",
  "Да, всё в наличии.",
  "Конечно, можно картой или по СБП.",
  "Мы работаем с 9 до 21.",
  "Отправили каталог, посмотрите.",
];
const START = Math.floor(Date.UTC(2023, 0, 1) / 1000);
/** Seconds between consecutive seeded messages: at most this, at least one. */
const STEP = 16;
export const SEEDED_FILE_PREFIX = "seed-";

/** A small deterministic PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A number in [0, 1) fixed by the seed, a key and a salt. */
function unit(seed: number, key: number, salt: number): number {
  return seededRandom((Math.imul(seed, 0x9e3779b1) ^ Math.imul(key, 0x85ebca6b) ^ Math.imul(salt, 0xc2b2ae35)) >>> 0)();
}

/** Messages in a dialog: most are short, a few run to hundreds (mean about 9). */
export function realisticMessageCount(random: () => number): number {
  const u = random();
  if (u < 0.005) return 200 + Math.floor(random() * 800);
  return 1 + Math.floor(-Math.log(1 - random()) * 7);
}

export interface SeedOptions {
  dialogs: number;
  /** Fixed count per dialog; realistic counts from the seed otherwise. */
  messagesPerDialog?: number;
  seed?: number;
  /** First client id; dialogs get consecutive ids from here. */
  firstUserId?: number;
}

type AttachmentKind = "photo" | "doc" | "voice";

export class SeededCommunityHistory implements SeededHistory {
  readonly dialogs: number;
  readonly nextId: number;
  readonly messages: number;
  private readonly counts: Int32Array;
  private readonly firstIds: Float64Array;
  private readonly seed: number;
  private readonly firstUserId: number;

  constructor(
    options: SeedOptions,
    private readonly groupId: number,
    private readonly baseId: number,
    private readonly fileUrl: (key: string, fileName: string) => string,
  ) {
    this.seed = options.seed ?? 1;
    this.firstUserId = options.firstUserId ?? 100_000;
    this.dialogs = options.dialogs;
    this.counts = new Int32Array(this.dialogs);
    this.firstIds = new Float64Array(this.dialogs);
    const random = seededRandom(this.seed);
    let next = baseId;
    for (let d = 0; d < this.dialogs; d += 1) {
      const count = options.messagesPerDialog ?? realisticMessageCount(random);
      this.counts[d] = count;
      this.firstIds[d] = next;
      next += count;
    }
    this.nextId = next;
    this.messages = next - baseId;
  }

  peerOf(index: number): number {
    return this.firstUserId + index;
  }

  indexOf(peerId: number): number {
    const index = peerId - this.firstUserId;
    return index >= 0 && index < this.dialogs ? index : -1;
  }

  length(index: number): number {
    return this.counts[index]!;
  }

  firstId(index: number): number {
    return this.firstIds[index]!;
  }

  private isOut(id: number, position: number): boolean {
    return position % 2 === 1 && unit(this.seed, id, 1) > 0.2;
  }

  private attachmentKind(id: number): AttachmentKind | null {
    const u = unit(this.seed, id, 3);
    if (u < 0.03) return "photo";
    if (u < 0.04) return "doc";
    if (u < 0.05) return "voice";
    return null;
  }

  message(index: number, position: number): VkSimMessage {
    const id = this.firstIds[index]! + position;
    const peerId = this.peerOf(index);
    const out = this.isOut(id, position) ? 1 : 0;
    const phrases = out ? PHRASES_OUT : PHRASES_IN;
    const kind = this.attachmentKind(id);
    const ownerId = out ? -this.groupId : peerId;
    return {
      id,
      peerId,
      fromId: ownerId,
      date: START + (id - this.baseId) * STEP + Math.floor(unit(this.seed, id, 2) * STEP),
      text: kind === "voice" ? "" : `${phrases[Math.floor(unit(this.seed, id, 4) * phrases.length)]} #${id}`,
      out,
      conversationMessageId: position + 1,
      attachments: kind ? [this.attachment(kind, id, ownerId)] : [],
      randomId: 0,
      version: id,
    };
  }

  private attachment(kind: AttachmentKind, id: number, ownerId: number): VkJson {
    const key = `${SEEDED_FILE_PREFIX}${kind}-${id}`;
    const accessKey = `k${id.toString(16)}`;
    if (kind === "photo") {
      const url = this.fileUrl(key, "photo.png");
      return { type: "photo", photo: { id, owner_id: ownerId, album_id: -3, date: START, access_key: accessKey, sizes: [{ type: "x", url, width: 64, height: 48 }], text: "", has_tags: false } };
    }
    if (kind === "doc") {
      const title = `Счёт ${id}.pdf`;
      return { type: "doc", doc: { id, owner_id: ownerId, title, size: docBytes(id).length, ext: "pdf", url: this.fileUrl(key, title), date: START, type: 1, access_key: accessKey } };
    }
    const url = this.fileUrl(key, "voice.ogg");
    return { type: "audio_message", audio_message: { id, owner_id: ownerId, duration: 3, waveform: [0, 8, 16, 8, 0], link_ogg: url, link_mp3: url, access_key: accessKey } };
  }

  state(index: number) {
    const first = this.firstIds[index]!;
    const count = this.counts[index]!;
    let lastIn = 0;
    let lastOut = 0;
    for (let p = count - 1; p >= 0 && (lastIn === 0 || lastOut === 0); p -= 1) {
      if (this.isOut(first + p, p)) lastOut ||= first + p;
      else lastIn ||= first + p;
    }
    const peerId = this.peerOf(index);
    // Most dialogs are read by the community; one in ten has its last client message unread.
    return {
      canWrite: unit(this.seed, peerId, 5) > 0.03,
      inRead: unit(this.seed, peerId, 6) < 0.1 ? Math.max(0, lastIn - 1) : lastIn,
      outRead: lastOut,
    };
  }

  /** The bytes behind a seeded attachment's link. */
  file(key: string): StoredFile | undefined {
    const match = new RegExp(`^${SEEDED_FILE_PREFIX}(photo|doc|voice)-(\\d+)$`).exec(key);
    if (!match) return undefined;
    const id = Number(match[2]);
    if (match[1] === "photo") return { data: solidPng(64, 48, [id % 256, 120, 200]), mime: "image/png", fileName: "photo.png" };
    if (match[1] === "doc") return { data: docBytes(id), mime: "application/pdf", fileName: `Счёт ${id}.pdf` };
    return { data: Buffer.concat([Buffer.from("OggS", "ascii"), Buffer.alloc(6000)]), mime: "audio/ogg", fileName: "voice.ogg" };
  }
}

function docBytes(id: number): Buffer {
  return Buffer.from(`%PDF-1.4\n% Счёт ${id}\n%%EOF\n`, "utf8");
}
