import { createHash } from "node:crypto";
import { parseKeyboard } from "./keyboard.ts";
import { invalidParam, VK_ERRORS, VkApiError, type VkParams } from "./params.ts";
import {
  audioMessageObject,
  conversationObject,
  docObject,
  groupObject,
  messageObject,
  photoObject,
  userObject,
  type VkCommunity,
  type VkJson,
  type VkWorld,
} from "./world.ts";

// The VK API methods the simulator serves, each with the parameters it reads (checked against
// the VK API schema by the conformance test) and a handler answering as VK does.

export interface VkMethodHost {
  world: VkWorld;
  /** Publishes a Callback API / Long Poll event of the community. */
  emit(community: VkCommunity, type: string, object: VkJson): void;
  /** Starts the confirmation handshake of a newly added callback server. */
  confirmServer(community: VkCommunity, serverId: number): void;
  /** Records a message the community sent, for the control API. */
  recordSent(community: VkCommunity, messageId: number): void;
}

export interface VkMethodContext {
  host: VkMethodHost;
  community: VkCommunity;
  params: VkParams;
}

export interface VkMethod {
  name: string;
  params: readonly string[];
  handle(ctx: VkMethodContext): unknown;
}

const MESSAGE_EVENTS = ["message_new", "message_reply", "message_allow", "message_edit", "message_deny", "message_typing_state", "message_read", "message_event"] as const;
const MAX_MESSAGE_LENGTH = 9000;

function checkGroup(ctx: VkMethodContext, name = "group_id"): void {
  const groupId = ctx.params.optInt(name);
  if (groupId !== undefined && groupId !== ctx.community.groupId) {
    throw new VkApiError(VK_ERRORS.param, `One of the parameters specified was missing or invalid: ${name} is invalid`);
  }
}

/** Upload tokens are signed with the token's community so that save calls can trust them. */
export function uploadHash(payload: string): string {
  return createHash("sha1").update(`threadline-sim:${payload}`).digest("hex");
}

/** Upload tokens are ours, but they arrive as request parameters: a broken one is error 100. */
function parseUpload<T>(text: string, param: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw invalidParam(param, "is invalid");
  }
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

const groupsGetById: VkMethod = {
  name: "groups.getById",
  params: ["group_id", "group_ids"],
  handle: (ctx) => {
    const ids = [...ctx.params.list("group_ids"), ...ctx.params.list("group_id")];
    if (ids.some((id) => id !== String(ctx.community.groupId) && id !== ctx.community.screenName)) {
      throw new VkApiError(VK_ERRORS.param, "One of the parameters specified was missing or invalid: group_ids is invalid");
    }
    return { groups: [groupObject(ctx.community)], profiles: [] };
  },
};

const getConfirmationCode: VkMethod = {
  name: "groups.getCallbackConfirmationCode",
  params: ["group_id"],
  handle: (ctx) => {
    ctx.params.int("group_id");
    checkGroup(ctx);
    return { code: ctx.community.confirmation };
  },
};

const getCallbackServers: VkMethod = {
  name: "groups.getCallbackServers",
  params: ["group_id", "server_ids"],
  handle: (ctx) => {
    ctx.params.int("group_id");
    checkGroup(ctx);
    const ids = ctx.params.intList("server_ids");
    const servers = ctx.community.servers.filter((s) => ids.length === 0 || ids.includes(s.id));
    return {
      count: servers.length,
      items: servers.map((s) => ({ id: s.id, title: s.title, creator_id: 1, url: s.url, secret_key: s.secretKey, status: s.status })),
    };
  },
};

const addCallbackServer: VkMethod = {
  name: "groups.addCallbackServer",
  params: ["group_id", "url", "title", "secret_key"],
  handle: (ctx) => {
    ctx.params.int("group_id");
    checkGroup(ctx);
    const url = ctx.params.str("url");
    const title = ctx.params.str("title");
    if (title.length > 14) throw invalidParam("title", "is too long");
    if (!/^https?:\/\//.test(url)) throw invalidParam("url", "is invalid");
    const community = ctx.community;
    const server = {
      id: community.nextServerId++,
      url,
      title,
      secretKey: ctx.params.optStr("secret_key") ?? "",
      status: "unconfigured" as const,
      apiVersion: "5.199",
      events: new Set<string>(),
    };
    community.servers.push(server);
    ctx.host.confirmServer(community, server.id);
    return { server_id: server.id };
  },
};

const setCallbackSettings: VkMethod = {
  name: "groups.setCallbackSettings",
  params: ["group_id", "server_id", "api_version", ...MESSAGE_EVENTS],
  handle: (ctx) => {
    ctx.params.int("group_id");
    checkGroup(ctx);
    const server = ctx.community.servers.find((s) => s.id === ctx.params.int("server_id"));
    if (!server) throw invalidParam("server_id", "is invalid");
    server.apiVersion = ctx.params.optStr("api_version") ?? server.apiVersion;
    for (const event of MESSAGE_EVENTS) {
      const enabled = ctx.params.optBool(event);
      if (enabled === true) server.events.add(event);
      if (enabled === false) server.events.delete(event);
    }
    return 1;
  },
};

const getLongPollServer: VkMethod = {
  name: "groups.getLongPollServer",
  params: ["group_id"],
  handle: (ctx) => {
    ctx.params.int("group_id");
    checkGroup(ctx);
    const community = ctx.community;
    return { key: community.longPollKey, server: `${ctx.host.world.baseUrl}/lp/${community.groupId}`, ts: String(community.nextLongPollTs) };
  },
};

function resolveAttachments(ctx: VkMethodContext): VkJson[] {
  return ctx.params.list("attachment").map((reference) => {
    const attachment = ctx.host.world.resolveAttachment(reference);
    if (!attachment) throw invalidParam("attachment", "is invalid");
    return attachment;
  });
}

/** One message of the community to one peer; a random_id it has seen from this peer returns that message. */
function sendOne(ctx: VkMethodContext, peerId: number, input: { randomId: number; text: string; attachments: VkJson[]; keyboard?: VkJson }) {
  const community = ctx.community;
  const state = community.peer(peerId);
  if (!state.canWrite) {
    throw new VkApiError(VK_ERRORS.denySend, "Can't send messages for users without permission");
  }
  const dedupeKey = `${peerId}:${input.randomId}`;
  const previous = input.randomId !== 0 ? community.randomIds.get(dedupeKey) : undefined;
  if (previous !== undefined) return community.message(previous)!;
  const message = {
    id: community.nextMessageId++,
    peerId,
    fromId: -community.groupId,
    date: now(),
    text: input.text,
    out: 1 as const,
    conversationMessageId: state.nextConversationMessageId++,
    attachments: input.attachments,
    randomId: input.randomId,
    version: community.nextVersion++,
    ...(input.keyboard ? { keyboard: input.keyboard } : {}),
  };
  community.addMessage(message);
  if (input.randomId !== 0) community.randomIds.set(dedupeKey, message.id);
  ctx.host.recordSent(community, message.id);
  ctx.host.emit(community, "message_reply", messageObject(message));
  return message;
}

const messagesSend: VkMethod = {
  name: "messages.send",
  params: ["peer_id", "user_id", "peer_ids", "random_id", "message", "attachment", "keyboard", "group_id"],
  handle: (ctx) => {
    checkGroup(ctx);
    const peerIds = ctx.params.intList("peer_ids");
    const peerId = ctx.params.optInt("peer_id") ?? ctx.params.optInt("user_id");
    if (peerId === undefined && peerIds.length === 0) {
      throw new VkApiError(VK_ERRORS.param, "One of the parameters specified was missing or invalid: you should specify peer_id, user_id, domain, chat_id or user_ids param");
    }
    const randomId = ctx.params.optInt("random_id");
    if (randomId === undefined) throw invalidParam("random_id", "is a required parameter");
    const text = ctx.params.optStr("message") ?? "";
    const attachments = resolveAttachments(ctx);
    if (text === "" && attachments.length === 0) throw invalidParam("message", "is empty");
    if (text.length > MAX_MESSAGE_LENGTH) throw new VkApiError(VK_ERRORS.tooLong, "Message is too long");
    const keyboardText = ctx.params.optStr("keyboard");
    const input = { randomId, text, attachments, ...(keyboardText ? { keyboard: parseKeyboard(keyboardText) } : {}) };
    if (peerIds.length === 0) return sendOne(ctx, peerId!, input).id;
    // With peer_ids VK answers per peer: the message's id and number in the dialog, or the error.
    if (peerIds.length > 100) throw invalidParam("peer_ids", "is too long");
    return peerIds.map((id) => {
      try {
        const sent = sendOne(ctx, id, input);
        return { peer_id: id, message_id: sent.id, conversation_message_id: sent.conversationMessageId };
      } catch (error) {
        if (!(error instanceof VkApiError)) throw error;
        return { peer_id: id, error: { code: error.code, description: error.message } };
      }
    });
  },
};

/** A community edits and deletes for everyone its own messages for 24 hours after sending them. */
export const VK_CHANGE_WINDOW_SECONDS = 24 * 3600;

/** The community's own message, still there, by its id. */
function liveOwnMessage(ctx: VkMethodContext, messageId: number | undefined) {
  const message = messageId !== undefined ? ctx.community.message(messageId) : undefined;
  if (!message || message.out !== 1 || message.deletedAt !== undefined) return undefined;
  return message;
}

/** The community's own message in a dialog, by its id or its number in the dialog. */
function ownMessage(ctx: VkMethodContext, peerId: number) {
  const messageId = ctx.params.optInt("message_id");
  const cmid = ctx.params.optInt("cmid");
  if (messageId === undefined && cmid === undefined) throw invalidParam("message_id", "is undefined");
  const byNumber = cmid !== undefined ? ctx.community.history(peerId).find((m) => m.conversationMessageId === cmid) : undefined;
  const message = liveOwnMessage(ctx, messageId ?? byNumber?.id);
  // A client's message is not the community's to edit: VK answers as for a wrong id.
  if (!message || message.peerId !== peerId) throw invalidParam(messageId !== undefined ? "message_id" : "cmid", "is invalid");
  return message;
}

const messagesEdit: VkMethod = {
  name: "messages.edit",
  params: ["peer_id", "message", "attachment", "keep_forward_messages", "keep_snippets", "group_id", "message_id", "cmid", "keyboard"],
  handle: (ctx) => {
    checkGroup(ctx);
    const peerId = ctx.params.int("peer_id");
    const message = ownMessage(ctx, peerId);
    const text = ctx.params.optStr("message");
    const attachments = ctx.params.list("attachment").length ? resolveAttachments(ctx) : undefined;
    const keyboardText = ctx.params.optStr("keyboard");
    if (!text && attachments === undefined && keyboardText === undefined && message.attachments.length === 0) throw invalidParam("message", "is empty");
    if (text !== undefined && text.length > MAX_MESSAGE_LENGTH) throw new VkApiError(VK_ERRORS.tooLong, "Message is too long");
    if (now() - message.date > VK_CHANGE_WINDOW_SECONDS) throw new VkApiError(909, "Can't edit this message, because it's too old");
    if (keyboardText !== undefined) {
      // A keyboard of no buttons ({"buttons":[]}) is how VK hides one.
      const keyboard = parseKeyboard(keyboardText);
      if ((keyboard.buttons as unknown[]).length) message.keyboard = keyboard;
      else delete message.keyboard;
    }
    if (text !== undefined) message.text = text;
    if (attachments !== undefined) message.attachments = attachments;
    message.updateTime = now();
    message.version = ctx.community.nextVersion++;
    ctx.host.emit(ctx.community, "message_edit", messageObject(message));
    return 1;
  },
};

/** How long VK accepts an answer to a press. */
const EVENT_ANSWER_TTL_MS = 60_000;
const EVENT_ACTIONS = new Set(["show_snackbar", "open_link", "open_app"]);

const sendMessageEventAnswer: VkMethod = {
  name: "messages.sendMessageEventAnswer",
  params: ["event_id", "user_id", "peer_id", "event_data"],
  handle: (ctx) => {
    const eventId = ctx.params.str("event_id");
    const userId = ctx.params.int("user_id");
    const peerId = ctx.params.int("peer_id");
    const event = ctx.community.buttonEvents.get(eventId);
    // Another community's press, another user's, an old or an answered one: VK refuses them all.
    if (!event || event.answered || Date.now() - event.at > EVENT_ANSWER_TTL_MS) throw invalidParam("event_id", "is invalid");
    if (event.userId !== userId) throw invalidParam("user_id", "is invalid");
    if (event.peerId !== peerId) throw invalidParam("peer_id", "is invalid");
    const data = ctx.params.optStr("event_data");
    let answer: VkJson | undefined;
    if (data !== undefined) {
      answer = parseUpload<VkJson>(data, "event_data");
      if (typeof answer !== "object" || answer === null || !EVENT_ACTIONS.has(String(answer.type))) throw invalidParam("event_data", "is invalid");
      if (answer.type === "show_snackbar" && (typeof answer.text !== "string" || answer.text.length === 0 || answer.text.length > 90)) {
        throw invalidParam("event_data", "text must be 1 to 90 characters");
      }
    }
    event.answered = true;
    if (answer) event.answer = answer;
    return 1;
  },
};

const messagesDelete: VkMethod = {
  name: "messages.delete",
  params: ["message_ids", "cmids", "peer_id", "delete_for_all", "group_id"],
  handle: (ctx) => {
    checkGroup(ctx);
    const forAll = ctx.params.optInt("delete_for_all") === 1;
    // By the messages' numbers in one dialog (cmids with its peer_id), or by their ids.
    const cmids = ctx.params.list("cmids");
    const peerId = ctx.params.optInt("peer_id");
    if (cmids.length && peerId === undefined) throw invalidParam("peer_id", "is undefined");
    const ids = cmids.length
      ? cmids.map((raw) => ctx.community.history(peerId!).find((m) => m.conversationMessageId === Number(raw))?.id ?? Number.NaN)
      : ctx.params.list("message_ids").map(Number);
    return ids.map((id) => {
      const message = liveOwnMessage(ctx, Number.isSafeInteger(id) ? id : undefined);
      const item = { peer_id: message?.peerId ?? 0, message_id: id, conversation_message_id: message?.conversationMessageId ?? 0 };
      if (!message) return { ...item, error: { code: 924, description: "Can't delete this message for everybody" } };
      if (forAll && now() - message.date > VK_CHANGE_WINDOW_SECONDS) throw new VkApiError(924, "Can't delete this message for everybody");
      message.deletedAt = now();
      return { ...item, response: 1 };
    });
  },
};

const getConversations: VkMethod = {
  name: "messages.getConversations",
  params: ["offset", "count", "filter", "extended", "group_id"],
  handle: (ctx) => {
    checkGroup(ctx);
    const community = ctx.community;
    const offset = ctx.params.optInt("offset") ?? 0;
    const count = Math.min(ctx.params.optInt("count") ?? 20, 200);
    const filter = ctx.params.optStr("filter") ?? "all";
    const mailbox = community.mailbox;
    let total = mailbox.dialogCount();
    let page: number[];
    if (filter === "unread") {
      // Unread is rare and small in tests: filtering the whole list is fine here.
      const unread = mailbox.dialogsByRecency(0, total).filter((peerId) => conversationObject(community, peerId).unread_count !== undefined);
      total = unread.length;
      page = unread.slice(offset, offset + count);
    } else {
      page = mailbox.dialogsByRecency(offset, count);
    }
    const items = page.map((peerId) => {
      const last = mailbox.lastMessage(peerId);
      return { conversation: conversationObject(community, peerId), ...(last ? { last_message: messageObject(last) } : {}) };
    });
    const extended = ctx.params.optBool("extended") === true;
    return {
      count: total,
      items,
      ...(extended ? { profiles: page.map((peerId) => userObject(ctx.host.world.user(peerId))) } : {}),
    };
  },
};

const getConversationsById: VkMethod = {
  name: "messages.getConversationsById",
  params: ["peer_ids", "group_id"],
  handle: (ctx) => {
    checkGroup(ctx);
    const ids = ctx.params.intList("peer_ids");
    if (ids.length === 0) throw invalidParam("peer_ids");
    const items = ids.filter((id) => ctx.community.hasPeer(id)).map((id) => conversationObject(ctx.community, id));
    return { count: items.length, items };
  },
};

const getHistory: VkMethod = {
  name: "messages.getHistory",
  params: ["offset", "count", "user_id", "peer_id", "rev", "group_id"],
  handle: (ctx) => {
    checkGroup(ctx);
    const peerId = ctx.params.optInt("peer_id") ?? ctx.params.optInt("user_id");
    if (peerId === undefined) throw invalidParam("peer_id");
    const offset = ctx.params.optInt("offset") ?? 0;
    const count = Math.min(ctx.params.optInt("count") ?? 20, 200);
    const mailbox = ctx.community.mailbox;
    const length = mailbox.historyLength(peerId);
    // rev=1 pages oldest first; VK's default is newest first.
    const items = ctx.params.optInt("rev") === 1 ? mailbox.historySlice(peerId, offset, offset + count) : mailbox.historySlice(peerId, length - offset - count, length - offset).reverse();
    return { count: length, items: items.map(messageObject) };
  },
};

const usersGet: VkMethod = {
  name: "users.get",
  params: ["user_ids", "fields"],
  handle: (ctx) => {
    const fields = ctx.params.list("fields");
    const ids = ctx.params.list("user_ids");
    if (ids.length === 0) throw invalidParam("user_ids");
    return ids.map((raw) => {
      const id = /^\d+$/.test(raw) ? Number(raw) : Number(/^id(\d+)$/.exec(raw)?.[1] ?? NaN);
      if (!Number.isSafeInteger(id) || id <= 0) throw new VkApiError(VK_ERRORS.userId, "Invalid user id");
      return userObject(ctx.host.world.user(id), fields);
    });
  },
};

const getMessagesPhotoServer: VkMethod = {
  name: "photos.getMessagesUploadServer",
  params: ["peer_id"],
  handle: (ctx) => {
    const peerId = ctx.params.optInt("peer_id") ?? 0;
    const groupId = ctx.community.groupId;
    return {
      album_id: -3,
      upload_url: `${ctx.host.world.baseUrl}/upload/photo?gid=${groupId}&peer=${peerId}`,
      user_id: 0,
      group_id: groupId,
    };
  },
};

const saveMessagesPhoto: VkMethod = {
  name: "photos.saveMessagesPhoto",
  params: ["photo", "server", "hash"],
  handle: (ctx) => {
    const photo = ctx.params.str("photo");
    if (ctx.params.optStr("hash") !== uploadHash(photo)) throw invalidParam("hash", "is invalid");
    const uploaded = parseUpload<{ file: string; width: number; height: number; gid: number }[]>(photo, "photo");
    const first = uploaded[0];
    if (!first || first.gid !== ctx.community.groupId) throw invalidParam("photo", "is invalid");
    return [photoObject(ctx.host.world, { ownerId: -ctx.community.groupId, fileKey: first.file, width: first.width, height: first.height })];
  },
};

const getMessagesDocServer: VkMethod = {
  name: "docs.getMessagesUploadServer",
  params: ["type", "peer_id"],
  handle: (ctx) => {
    const type = ctx.params.optStr("type") ?? "doc";
    if (!["doc", "audio_message", "graffiti"].includes(type)) throw invalidParam("type", "is invalid");
    return { upload_url: `${ctx.host.world.baseUrl}/upload/doc?gid=${ctx.community.groupId}&type=${type}` };
  },
};

const docsSave: VkMethod = {
  name: "docs.save",
  params: ["file", "title"],
  handle: (ctx) => {
    const token = ctx.params.str("file");
    const [payload, hash] = token.split("|");
    if (!payload || hash !== uploadHash(payload)) throw invalidParam("file", "is invalid");
    const uploaded = parseUpload<{ file: string; type: string; name: string; size: number; gid: number }>(
      Buffer.from(payload, "base64url").toString("utf8"),
      "file",
    );
    if (uploaded.gid !== ctx.community.groupId) throw invalidParam("file", "is invalid");
    const world = ctx.host.world;
    const ownerId = -ctx.community.groupId;
    if (uploaded.type === "audio_message") {
      // Duration from the size at Opus voice bitrate (~16 kbit/s), as good as VK's own estimate here.
      const durationSec = Math.max(1, Math.round(uploaded.size / 2000));
      return { type: "audio_message", audio_message: audioMessageObject(world, { ownerId, fileKey: uploaded.file, durationSec }) };
    }
    const title = ctx.params.optStr("title") ?? uploaded.name;
    return { type: "doc", doc: docObject(world, { ownerId, fileKey: uploaded.file, title, size: uploaded.size }) };
  },
};

export const VK_METHODS: readonly VkMethod[] = [
  groupsGetById,
  getConfirmationCode,
  getCallbackServers,
  addCallbackServer,
  setCallbackSettings,
  getLongPollServer,
  messagesSend,
  messagesEdit,
  sendMessageEventAnswer,
  messagesDelete,
  getConversations,
  getConversationsById,
  getHistory,
  usersGet,
  getMessagesPhotoServer,
  saveMessagesPhoto,
  getMessagesDocServer,
  docsSave,
];

export const VK_METHODS_BY_NAME = new Map(VK_METHODS.map((method) => [method.name, method]));
