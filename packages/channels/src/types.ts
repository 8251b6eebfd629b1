// The normalised event set every channel adapter produces. Events are plain JSON-safe data
// (times as ISO strings) because they travel through queue jobs between ingress and workers.

export type ChannelKind = "vk" | "telegram";

/** Who wrote: one identity of a client on one platform. */
export interface ClientIdentity {
  /** VK user id or Telegram user id, as a string. */
  externalUserId: string;
  /** Display name when the platform sends it (Telegram does; VK needs users.get, see VkAdapter). */
  name?: string;
  firstName?: string;
  lastName?: string;
  username?: string;
  /** https://vk.com/id123, https://t.me/username or tg://user?id=123 when there is no username. */
  profileUrl?: string;
  languageCode?: string;
}

export interface UtmTags {
  source?: string;
  medium?: string;
  campaign?: string;
  content?: string;
}

/** First-touch attribution carried by the client's first message (VK ref, Telegram /start payload). */
export interface FirstTouchAttribution {
  via: "vk_ref" | "telegram_start";
  /** The ref or start payload exactly as received. */
  raw: string;
  /** VK ref_source, when present. */
  refSource?: string;
  /** Present when the payload follows Threadline's link scheme (see attribution.ts). */
  utm?: UtmTags;
}

export type AttachmentKind = "photo" | "document" | "voice" | "video" | "sticker" | "audio" | "other";

/** A file the client sent; the media job fetches it later through the adapter. */
export interface InboundAttachment {
  kind: AttachmentKind;
  /** Telegram file_id, or VK attachment string such as photo-1_2_key. */
  fileId?: string;
  /** Telegram file_unique_id: stable across bots, useful to avoid storing a file twice. */
  fileUniqueId?: string;
  /** Direct download URL when the platform gives one (VK); Telegram needs getFile. */
  url?: string;
  mime?: string;
  size?: number;
  fileName?: string;
  width?: number;
  height?: number;
  durationSec?: number;
  /** Sticker emoji, or the platform's attachment type for kind "other". */
  label?: string;
}

/** A phone number shared with Telegram's contact button. */
export interface SharedContact {
  phoneNumber: string;
  firstName?: string;
  lastName?: string;
  userId?: string;
}

interface EventBase {
  channel: ChannelKind;
  /** Unique within one channel; prefix with the channel's own id for queue job ids. */
  dedupeId: string;
  /** VK peer_id or Telegram chat id, as a string. */
  chatId: string;
  client: ClientIdentity;
  /** ISO 8601. */
  occurredAt: string;
  /** Telegram Business: replies must carry it to be sent on behalf of the business account. */
  businessConnectionId?: string;
}

export interface MessageEvent extends EventBase {
  type: "message";
  externalMessageId: string;
  /** inbound: the client wrote; outbound: the business wrote outside Threadline (VK message_reply, history). */
  direction: "inbound" | "outbound";
  text: string;
  attachments: InboundAttachment[];
  sentAt: string;
  attribution?: FirstTouchAttribution;
  contact?: SharedContact;
  replyToExternalMessageId?: string;
  /**
   * VK outbound messages: the random_id they were sent with. For a message Threadline sent it
   * equals vkRandomId(idempotencyKey), so the echo (message_reply) can be matched to it.
   */
  vkRandomId?: number;
}

export interface EditEvent extends EventBase {
  type: "edit";
  externalMessageId: string;
  text: string;
  attachments: InboundAttachment[];
  editedAt: string;
}

/** The client has read the business's messages up to and including this one. */
export interface ReadEvent extends EventBase {
  type: "read";
  upToExternalMessageId: string;
}

/** The client forbade messages from the business (VK message_deny, Telegram bot blocked). */
export interface ClientBlockedEvent extends EventBase {
  type: "client_blocked";
}

export interface ClientUnblockedEvent extends EventBase {
  type: "client_unblocked";
}

/** A Telegram Business account connected, changed or disconnected the bot. */
export interface BusinessConnectionEvent extends EventBase {
  type: "business_connection";
  businessConnectionId: string;
  isEnabled: boolean;
  canReply: boolean;
}

/**
 * The client pressed a button of a bot message's keyboard (Telegram callback_query, VK
 * message_event). It must be answered (answerButton) or the client's app keeps spinning.
 */
export interface ButtonEvent extends EventBase {
  type: "button";
  /** Telegram callback_query id / VK event_id: what the answer names. */
  callbackId: string;
  /** The button's payload as the bot set it (≤ 64 bytes on Telegram). */
  data: string;
  /** The message the keyboard was on, when the platform says (it may be too old to be sent). */
  externalMessageId?: string;
}

export type ChannelEvent =
  | MessageEvent
  | ButtonEvent
  | EditEvent
  | ReadEvent
  | ClientBlockedEvent
  | ClientUnblockedEvent
  | BusinessConnectionEvent;

export type ChannelEventType = ChannelEvent["type"];

/** What a webhook or poll produced: events to enqueue, or a reason nothing was. */
export type ParsedUpdate =
  | { kind: "events"; events: ChannelEvent[] }
  | { kind: "ignored"; reason: string };

export type OutboundFileKind = "photo" | "document" | "voice";

export interface OutboundFile {
  kind: OutboundFileKind;
  data: Uint8Array;
  fileName: string;
  mime?: string;
  /** A voice message's length in seconds, when known: the client's player shows it. */
  durationSec?: number;
}

/**
 * A file the platform already holds for this channel: what it answered the first time the file
 * went out (a Telegram file_id, a VK attachment string such as `photo-1_2_key`). Sent by
 * reference, without the bytes.
 */
export interface OutboundFileRef {
  kind: OutboundFileKind;
  platformRef: string;
  fileName: string;
  /** A voice message's length in seconds, when known. */
  durationSec?: number;
}

export interface OutboundMessage {
  chatId: string;
  /** Our message id: VK derives random_id from it so that a retried send is delivered once. */
  idempotencyKey: string;
  /** Message text, or the caption when a file is attached. */
  text?: string;
  file?: OutboundFile | OutboundFileRef;
  businessConnectionId?: string;
  /** Buttons under the message (an order proposal's «Подтвердить» / «Отменить»); presses come back as button events. */
  keyboard?: MenuKeyboard;
}

/** An inline keyboard: rows of buttons, each with the payload a press sends back. */
export type MenuButton = { text: string; data: string };
export type MenuKeyboard = MenuButton[][];

/** What a menu message carries before its edit. */
export type MenuShown = "text" | "same-photo" | "other-photo";

/** A channel whose bot can show a button menu, edit it in place and answer presses. */
export interface MenuChannel {
  sendMenu(input: { chatId: string; text: string; keyboard: MenuKeyboard; photo?: OutboundFile }): Promise<SentMessage>;
  /**
   * Replaces the text (a photo's caption), photo and keyboard of a menu message the bot sent.
   * `shown` says what the message carries now: text, this very photo, or another photo. Where the
   * platform cannot change the message in place (Telegram: text into a photo and back) it sends
   * the screen anew and returns that message, which is the live menu from then on.
   */
  editMenu(input: { chatId: string; externalMessageId: string; text: string; keyboard: MenuKeyboard; photo?: OutboundFile; shown?: MenuShown }): Promise<SentMessage | void>;
  /** Answers a press: a short notice (or an alert the client must close), or nothing. */
  answerButton(input: { callbackId: string; chatId: string; userId: string; text?: string; alert?: boolean }): Promise<void>;
}

/** A message the business sent, to edit or delete on the platform. */
export interface SentMessageRef {
  chatId: string;
  /** The platform's own message id (Telegram message_id, VK message id). */
  externalMessageId: string;
  businessConnectionId?: string;
}

export interface MessageEdit extends SentMessageRef {
  text: string;
  /** The message is a file with the text as its caption (Telegram edits captions apart). */
  caption: boolean;
}

export interface SentMessage {
  externalMessageId: string;
  sentAt: string;
  /** A sent voice message's length as the platform took it (Telegram's voice.duration). */
  durationSec?: number;
  /** The platform's reference to the file just sent, to send it again without uploading. */
  fileRef?: string;
}

/** The bot or community a channel speaks as. */
export interface ChannelIdentity {
  externalId: string;
  name: string;
  username?: string;
}

export interface DownloadedFile {
  data: Uint8Array;
  mime?: string;
  size: number;
}

export interface WebhookRegistration {
  /** VK: the string the Callback API handshake must answer. */
  confirmation?: string;
}

/** One long-poll round: events, and the opaque cursor to pass to the next round. */
export interface PollResult {
  events: ChannelEvent[];
  /** Why updates of this round produced no event (unknown types, malformed items). */
  ignored: string[];
  cursor: string;
}
