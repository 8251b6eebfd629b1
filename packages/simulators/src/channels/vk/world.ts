import { randomBytes } from "node:crypto";
import { russianName } from "../names.ts";
import { VkMailbox } from "./mailbox.ts";
import type { SeededCommunityHistory } from "./seeded.ts";
import type { StoredFile, VkJson, VkPeerState, VkSimMessage } from "./records.ts";

// The simulated VK: communities with their mailboxes, users, stored files and media, and the
// JSON objects VK returns for them (shapes per the VK API schema, version 5.199).

export type { StoredFile, VkJson, VkPeerState, VkSimMessage };

export interface VkSimUser {
  id: number;
  firstName: string;
  lastName: string;
  screenName?: string;
}

export type VkCallbackServerStatus = "unconfigured" | "failed" | "wait" | "ok";

export interface VkCallbackServer {
  id: number;
  url: string;
  title: string;
  secretKey: string;
  status: VkCallbackServerStatus;
  apiVersion: string;
  events: Set<string>;
}

export interface VkButtonEvent {
  userId: number;
  peerId: number;
  conversationMessageId: number;
  payload: string;
  at: number;
  answered?: boolean;
  /** The event_data the community answered with (a snackbar's {type, text}), if any. */
  answer?: VkJson;
}

export interface VkLongPollEvent {
  ts: number;
  event: VkJson;
}

export class VkCommunity {
  readonly tokens = new Set<string>();
  readonly servers: VkCallbackServer[] = [];
  nextServerId = 1;
  readonly mailbox = new VkMailbox();
  nextMessageId = 1;
  readonly peers = new Map<number, VkPeerState>();
  /** peer:random_id → message id, which makes messages.send idempotent. */
  readonly randomIds = new Map<string, number>();
  longPollKey = randomBytes(20).toString("hex");
  nextLongPollTs = 1;
  readonly longPollEvents: VkLongPollEvent[] = [];
  nextVersion = 1000;
  /** Button presses (message_event) by event_id: who pressed where, and the answer once given. */
  readonly buttonEvents = new Map<string, VkButtonEvent>();

  constructor(
    readonly groupId: number,
    public name: string,
    public screenName: string,
    public confirmation: string,
  ) {}

  /** Messages added since the community was seeded (sends, clients writing), in order. */
  get messages(): readonly VkSimMessage[] {
    return this.mailbox.live;
  }

  /** Gives the community a generated past; its messages take the ids before the next one. */
  seed(history: SeededCommunityHistory): void {
    this.mailbox.seeded = history;
    this.nextMessageId = history.nextId;
    this.nextVersion = Math.max(this.nextVersion, history.nextId);
  }

  addMessage(message: VkSimMessage): void {
    this.mailbox.add(message);
  }

  hasPeer(peerId: number): boolean {
    return this.peers.has(peerId) || (this.mailbox.seeded?.indexOf(peerId) ?? -1) >= 0;
  }

  peer(peerId: number): VkPeerState {
    let state = this.peers.get(peerId);
    if (!state) {
      const seeded = this.mailbox.seeded;
      const index = seeded ? seeded.indexOf(peerId) : -1;
      state =
        index >= 0
          ? { nextConversationMessageId: seeded!.length(index) + 1, ...seeded!.state(index) }
          : { nextConversationMessageId: 1, canWrite: false, inRead: 0, outRead: 0 };
      this.peers.set(peerId, state);
    }
    return state;
  }

  message(id: number): VkSimMessage | undefined {
    return this.mailbox.message(id);
  }

  /** The whole dialog, oldest first: for small dialogs; pages go through the mailbox. */
  history(peerId: number): VkSimMessage[] {
    return this.mailbox.historySlice(peerId, 0, this.mailbox.historyLength(peerId));
  }
}

export class VkWorld {
  readonly communities = new Map<number, VkCommunity>();
  readonly users = new Map<number, VkSimUser>();
  readonly files = new Map<string, StoredFile>();
  /** Saved media by attachment key (photo-1_2): the object messages carry. */
  readonly media = new Map<string, VkJson>();
  private nextFileId = 1;
  private nextMediaId = 1000;
  baseUrl = "";

  community(groupId: number): VkCommunity | undefined {
    return this.communities.get(groupId);
  }

  byToken(token: string): VkCommunity | undefined {
    for (const community of this.communities.values()) if (community.tokens.has(token)) return community;
    return undefined;
  }

  /** Known users, and any other id as a user with a generated Russian name. */
  user(id: number): VkSimUser {
    let user = this.users.get(id);
    if (!user) {
      user = { id, ...russianName(id) };
      this.users.set(id, user);
    }
    return user;
  }

  /** Files generated on demand (a seeded community's attachments), by key prefix. */
  readonly fileSources: ((key: string) => StoredFile | undefined)[] = [];

  file(key: string): StoredFile | undefined {
    const stored = this.files.get(key);
    if (stored) return stored;
    for (const source of this.fileSources) {
      const made = source(key);
      if (made) return made;
    }
    return undefined;
  }

  storeFile(file: StoredFile): string {
    const key = `${this.nextFileId++}${randomBytes(6).toString("hex")}`;
    this.files.set(key, file);
    return key;
  }

  fileUrl(key: string, fileName = "file"): string {
    return `${this.baseUrl}/files/${key}/${encodeURIComponent(fileName)}`;
  }

  mediaId(): number {
    return this.nextMediaId++;
  }

  saveMedia(type: string, object: VkJson): VkJson {
    const key = `${type}${object.owner_id as number}_${object.id as number}`;
    this.media.set(key, object);
    return object;
  }

  /** Resolves "photo-1_2_key" (as messages.send receives it) to the saved attachment. */
  resolveAttachment(reference: string): VkJson | undefined {
    const match = /^([a-z_]+?)(-?\d+)_(\d+)(?:_(\w+))?$/.exec(reference.trim());
    if (!match) return undefined;
    const [, type, owner, id, key] = match;
    const object = this.media.get(`${type}${owner}_${id}`);
    if (!object || (object.access_key !== undefined && object.access_key !== key)) return undefined;
    return { type, [type!]: object };
  }
}

// ---- VK JSON objects -------------------------------------------------------------------------

export function userObject(user: VkSimUser, fields: string[] = []): VkJson {
  return {
    id: user.id,
    first_name: user.firstName,
    last_name: user.lastName,
    can_access_closed: true,
    is_closed: false,
    ...(fields.includes("screen_name") ? { screen_name: user.screenName ?? `id${user.id}` } : {}),
  };
}

export function groupObject(community: VkCommunity): VkJson {
  return {
    id: community.groupId,
    name: community.name,
    screen_name: community.screenName,
    is_closed: 0,
    type: "group",
  };
}

export function messageObject(message: VkSimMessage): VkJson {
  return {
    id: message.id,
    date: message.date,
    peer_id: message.peerId,
    from_id: message.fromId,
    text: message.text,
    out: message.out,
    conversation_message_id: message.conversationMessageId,
    version: message.version,
    attachments: message.attachments,
    fwd_messages: [],
    important: false,
    is_hidden: false,
    random_id: message.randomId,
    ...(message.ref !== undefined ? { ref: message.ref } : {}),
    ...(message.refSource !== undefined ? { ref_source: message.refSource } : {}),
    ...(message.updateTime !== undefined ? { update_time: message.updateTime } : {}),
    ...(message.keyboard ? { keyboard: message.keyboard } : {}),
  };
}

export function accessKey(): string {
  return randomBytes(9).toString("hex");
}

export function photoObject(world: VkWorld, input: { ownerId: number; fileKey: string; width: number; height: number }): VkJson {
  const url = world.fileUrl(input.fileKey, "photo.jpg");
  const small = { type: "s", url, width: Math.min(75, input.width), height: Math.min(75, input.height) };
  return world.saveMedia("photo", {
    id: world.mediaId(),
    owner_id: input.ownerId,
    album_id: -3,
    date: Math.floor(Date.now() / 1000),
    access_key: accessKey(),
    sizes: [small, { type: "x", url, width: input.width, height: input.height }],
    text: "",
    has_tags: false,
  });
}

/** VK's document type codes: 1 text, 2 archive, 3 gif, 4 image, 5 audio, 6 video, 7 e-book, 8 other. */
function docType(ext: string): number {
  if (["txt", "doc", "docx", "pdf", "xls", "xlsx", "rtf", "odt"].includes(ext)) return 1;
  if (["zip", "rar", "7z", "gz"].includes(ext)) return 2;
  if (ext === "gif") return 3;
  if (["jpg", "jpeg", "png", "webp"].includes(ext)) return 4;
  if (["mp3", "ogg", "wav", "m4a"].includes(ext)) return 5;
  if (["mp4", "mov", "avi", "webm"].includes(ext)) return 6;
  return 8;
}

export function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf(".");
  return dot > 0 ? fileName.slice(dot + 1).toLowerCase() : "";
}

export function docObject(world: VkWorld, input: { ownerId: number; fileKey: string; title: string; size: number }): VkJson {
  const ext = extensionOf(input.title) || "bin";
  return world.saveMedia("doc", {
    id: world.mediaId(),
    owner_id: input.ownerId,
    title: input.title,
    size: input.size,
    ext,
    url: world.fileUrl(input.fileKey, input.title),
    date: Math.floor(Date.now() / 1000),
    type: docType(ext),
    access_key: accessKey(),
  });
}

export function audioMessageObject(world: VkWorld, input: { ownerId: number; fileKey: string; durationSec: number }): VkJson {
  const url = world.fileUrl(input.fileKey, "voice.ogg");
  return world.saveMedia("audio_message", {
    id: world.mediaId(),
    owner_id: input.ownerId,
    duration: input.durationSec,
    waveform: Array.from({ length: 32 }, (_, i) => (i * 7) % 31),
    link_ogg: url,
    link_mp3: url,
    access_key: accessKey(),
  });
}

export function stickerObject(world: VkWorld, stickerId: number, fileKey: string): VkJson {
  const url = world.fileUrl(fileKey, "sticker.png");
  const images = [64, 128, 256].map((size) => ({ url, width: size, height: size }));
  return { inner_type: "base_sticker_new", sticker_id: stickerId, product_id: 1, images, images_with_background: images };
}

export function videoObject(world: VkWorld, input: { ownerId: number; title: string; durationSec: number }): VkJson {
  return world.saveMedia("video", {
    id: world.mediaId(),
    owner_id: input.ownerId,
    title: input.title,
    duration: input.durationSec,
    width: 1280,
    height: 720,
    date: Math.floor(Date.now() / 1000),
    access_key: accessKey(),
  });
}

export function conversationObject(community: VkCommunity, peerId: number): VkJson {
  const state = community.peer(peerId);
  const last = community.mailbox.lastMessage(peerId);
  const unread = community.mailbox.unreadAfter(peerId, state.inRead);
  return {
    peer: { id: peerId, type: "user", local_id: peerId },
    last_message_id: last?.id ?? 0,
    last_conversation_message_id: last?.conversationMessageId ?? 0,
    in_read: state.inRead,
    out_read: state.outRead,
    ...(unread > 0 ? { unread_count: unread } : {}),
    version: last?.version ?? 0,
    can_write: state.canWrite ? { allowed: true } : { allowed: false, reason: 901 },
  };
}
