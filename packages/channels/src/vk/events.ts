import { vkRefAttribution } from "../attribution.ts";
import { compact, PayloadReader, unixToIso, type JsonObject } from "../payload.ts";
import type { ButtonEvent, ClientIdentity, EditEvent, MessageEvent, ParsedUpdate } from "../types.ts";
import { vkAttachment } from "./attachments.ts";
import { isVkMenuScreen, vkMenuData } from "./menu.ts";

// Callback API and Bots Long Poll deliver the same event objects ({type, object, group_id,
// event_id, v}); both go through normaliseVkEvent. Objects follow API version 5.103+, where
// message_new carries {message, client_info}.

/** VK gives peers of group chats ids from 2e9; Threadline's inbox is one-to-one dialogs. */
const CHAT_PEER_OFFSET = 2_000_000_000;

export function vkProfileUrl(userId: number): string {
  return `https://vk.com/id${userId}`;
}

export function vkClient(userId: number): ClientIdentity {
  return { externalUserId: String(userId), profileUrl: vkProfileUrl(userId) };
}

export function vkMessageDedupeId(messageId: number): string {
  return `vk.message.${messageId}`;
}

/** A VK message object (webhook, long poll or history) as a message event. */
export function vkMessageEvent(message: PayloadReader): MessageEvent | undefined {
  const peerId = message.int("peer_id");
  if (peerId >= CHAT_PEER_OFFSET || peerId < 0) return undefined;
  const id = message.int("id");
  const sentAt = unixToIso(message.int("date"));
  const outbound = message.optInt("out") === 1;
  const reply = message.optObj("reply_message");
  return compact<MessageEvent>({
    type: "message",
    channel: "vk",
    dedupeId: vkMessageDedupeId(id),
    chatId: String(peerId),
    client: vkClient(peerId),
    occurredAt: sentAt,
    externalMessageId: String(id),
    direction: outbound ? "outbound" : "inbound",
    text: message.optStr("text") ?? "",
    attachments: message.objects("attachments").map(vkAttachment),
    sentAt,
    attribution: outbound ? undefined : vkRefAttribution(message.optStr("ref"), message.optStr("ref_source")),
    replyToExternalMessageId: reply?.has("id") ? String(reply.int("id")) : undefined,
    vkRandomId: outbound && message.optInt("random_id") ? message.optInt("random_id") : undefined,
  });
}

function editEvent(message: PayloadReader, eventId: string): EditEvent | undefined {
  const peerId = message.int("peer_id");
  if (peerId >= CHAT_PEER_OFFSET || peerId < 0) return undefined;
  const id = message.int("id");
  const editedAt = unixToIso(message.optInt("update_time") ?? message.int("date"));
  return {
    type: "edit",
    channel: "vk",
    dedupeId: `vk.edit.${id}.${message.optInt("update_time") ?? eventId}`,
    chatId: String(peerId),
    client: vkClient(peerId),
    occurredAt: editedAt,
    externalMessageId: String(id),
    text: message.optStr("text") ?? "",
    attachments: message.objects("attachments").map(vkAttachment),
    editedAt,
  };
}

const GROUP_CHAT = "messages in group chats are not part of the inbox";
const MENU_SCREEN = "the menu bot's own screen (a message with its buttons) is not part of the thread";

/** A press on a callback button of the community's message (message_event). */
function buttonEvent(object: PayloadReader): ParsedUpdate {
  const peerId = object.int("peer_id");
  if (peerId >= CHAT_PEER_OFFSET || peerId < 0) return { kind: "ignored", reason: GROUP_CHAT };
  const userId = object.int("user_id");
  const eventId = object.str("event_id");
  const cmid = object.optInt("conversation_message_id");
  const event: ButtonEvent = {
    type: "button",
    channel: "vk",
    dedupeId: `vk.press.${eventId}`,
    chatId: String(peerId),
    client: vkClient(userId),
    occurredAt: new Date().toISOString(),
    callbackId: eventId,
    data: vkMenuData(object.value.payload),
    // The menu's messages are known by their number in the dialog (what messages.edit takes).
    ...(cmid !== undefined ? { externalMessageId: String(cmid) } : {}),
  };
  return { kind: "events", events: [event] };
}

/** Normalises one VK event; the caller has checked group_id and secret. */
export function normaliseVkEvent(raw: JsonObject, now: () => Date = () => new Date()): ParsedUpdate {
  const event = new PayloadReader("vk", raw, "event");
  const type = event.str("type");
  const eventId = event.optStr("event_id") ?? "";
  const one = (e: MessageEvent | EditEvent | undefined): ParsedUpdate =>
    e ? { kind: "events", events: [e] } : { kind: "ignored", reason: GROUP_CHAT };

  switch (type) {
    case "message_new":
      return one(vkMessageEvent(event.obj("object").obj("message")));
    case "message_reply":
      if (isVkMenuScreen(event.obj("object").value)) return { kind: "ignored", reason: MENU_SCREEN };
      return one(vkMessageEvent(event.obj("object")));
    case "message_edit":
      if (isVkMenuScreen(event.obj("object").value)) return { kind: "ignored", reason: MENU_SCREEN };
      return one(editEvent(event.obj("object"), eventId));
    case "message_event":
      return buttonEvent(event.obj("object"));
    case "message_allow":
    case "message_deny": {
      const userId = event.obj("object").int("user_id");
      return {
        kind: "events",
        events: [
          {
            type: type === "message_allow" ? "client_unblocked" : "client_blocked",
            channel: "vk",
            dedupeId: `vk.event.${eventId || `${type}.${userId}.${now().getTime()}`}`,
            chatId: String(userId),
            client: vkClient(userId),
            occurredAt: now().toISOString(),
          },
        ],
      };
    }
    case "message_read": {
      const object = event.obj("object");
      const peerId = object.int("peer_id");
      const readId = object.int("read_message_id");
      if (peerId >= CHAT_PEER_OFFSET) return { kind: "ignored", reason: GROUP_CHAT };
      return {
        kind: "events",
        events: [
          {
            type: "read",
            channel: "vk",
            dedupeId: `vk.read.${peerId}.${readId}`,
            chatId: String(peerId),
            client: vkClient(object.int("from_id")),
            occurredAt: now().toISOString(),
            upToExternalMessageId: String(readId),
          },
        ],
      };
    }
    default:
      return { kind: "ignored", reason: `VK event type ${type} is not handled` };
  }
}
