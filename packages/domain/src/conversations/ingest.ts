import { and, desc, eq, isNotNull, lte, sql } from "drizzle-orm";
import { attachments, contacts, conversations, messages, withTenant, type Attribution, type Db, type Tx } from "@threadline/db";
import { addDelta, deltaOf, deltaParams, messagePreview, refreshLastMessage, type FileKind } from "./aggregates.ts";
import { storedFileType } from "../file-types.ts";
import { findPhone } from "@threadline/ai";
import { vkRandomId, type ChannelEvent, type FirstTouchAttribution, type InboundAttachment, type MessageEvent } from "@threadline/channels";

export type ChannelRef = { id: string; projectId: string; kind: "vk" | "telegram" };

export type IngestResult =
  | { kind: "message"; created: boolean; conversationId: string; messageId: number; direction: "in" | "out"; newConversation: boolean; assigneeId: string | null; attachmentIds: string[] }
  | { kind: "updated"; conversationId: string | null; what: "edit" | "read" | "blocked" | "unblocked" }
  | { kind: "ignored"; reason: string };

/**
 * The stored platform message id. Telegram numbers messages per chat, so two chats of one bot
 * both have a message 1: the key carries the chat. VK ids are unique within a community.
 */
export function messageKey(kind: ChannelRef["kind"], chatId: string, externalMessageId: string): string {
  return kind === "telegram" ? `${chatId}:${externalMessageId}` : externalMessageId;
}

const attachmentKinds = new Set(["photo", "document", "voice", "video", "sticker"]);
export const storedKind = (a: InboundAttachment): FileKind => (attachmentKinds.has(a.kind) ? (a.kind as FileKind) : "document");

/**
 * What the media job fetches a file by: the link when the platform gives one (VK: the photo's or
 * document's URL; its `photo…` id cannot be downloaded), else the platform's file id (Telegram).
 */
export function downloadRef(a: InboundAttachment): string | null {
  return a.url ?? a.fileId ?? null;
}

export function toAttribution(a: FirstTouchAttribution | undefined): Attribution | undefined {
  if (!a) return undefined;
  return {
    ref: a.via === "vk_ref" ? a.raw : undefined,
    refSource: a.refSource,
    startPayload: a.via === "telegram_start" ? a.raw : undefined,
    utmSource: a.utm?.source,
    utmMedium: a.utm?.medium,
    utmCampaign: a.utm?.campaign,
    utmContent: a.utm?.content,
  };
}

/** The list line of an inbound message: its text, else its first file. */
export function previewOf(text: string, files: InboundAttachment[]): string {
  const first = files[0];
  return messagePreview(text, first ? storedKind(first) : "text", first?.fileName);
}

/** The contact's display name as the platform gives it ("" when it gives none). */
export function clientName(event: ChannelEvent): string {
  const c = event.client;
  return c.name ?? [c.firstName, c.lastName].filter(Boolean).join(" ");
}

/** The stored text: a shared contact card is kept as its phone number under the text. */
export function messageText(event: MessageEvent): string {
  return event.contact ? `${event.text}${event.text ? "\n" : ""}📞 ${event.contact.phoneNumber}`.trim() : event.text;
}

/**
 * The phone of a contact card the client shared about themselves (Telegram's contact button), in
 * E.164; null for someone else's card or a number that is not a phone. Telegram writes the
 * number international without "+", a phone book entry may be national ("8 916 …").
 */
export function sharedOwnPhone(event: MessageEvent): string | null {
  const card = event.contact;
  if (!card || event.direction !== "inbound") return null;
  if (card.userId !== undefined && card.userId !== event.client.externalUserId) return null;
  const raw = card.phoneNumber.trim();
  for (const candidate of raw.startsWith("+") ? [raw] : [raw, `+${raw}`]) {
    const found = findPhone(candidate, { expectingPhone: true });
    if (found.kind === "valid") return found.e164;
  }
  return null;
}

/** VK's echo of a message sent from Threadline: matched to that message, never stored as a new one. */
export const isVkEcho = (event: MessageEvent) => event.direction === "outbound" && event.vkRandomId !== undefined;

async function upsertContactAndConversation(tx: Tx, channel: ChannelRef, event: ChannelEvent, attribution?: Attribution) {
  const c = event.client;
  const name = clientName(event);
  const [contact] = await tx
    .insert(contacts)
    .values({ projectId: channel.projectId, channelId: channel.id, externalId: c.externalUserId, name, username: c.username, profileUrl: c.profileUrl, firstTouch: attribution })
    .onConflictDoUpdate({
      target: [contacts.channelId, contacts.externalId],
      // Keep what we know: an update without a name does not erase the name we have.
      set: {
        name: sql`coalesce(nullif(excluded.name, ''), ${contacts.name})`,
        username: sql`coalesce(excluded.username, ${contacts.username})`,
        profileUrl: sql`coalesce(excluded.profile_url, ${contacts.profileUrl})`,
        firstTouch: sql`coalesce(${contacts.firstTouch}, excluded.first_touch)`,
      },
    })
    .returning({ id: contacts.id });
  const inserted = await tx
    .insert(conversations)
    .values({ projectId: channel.projectId, channelId: channel.id, contactId: contact!.id, externalChatId: event.chatId, attribution, businessConnectionId: event.businessConnectionId })
    .onConflictDoNothing({ target: [conversations.channelId, conversations.externalChatId] })
    .returning({ id: conversations.id, assigneeId: conversations.assigneeId });
  // A shared contact card fills the phone, whoever answers the client (the agent or a person).
  const phone = event.type === "message" ? sharedOwnPhone(event) : null;
  if (phone) await tx.update(contacts).set({ phone: sql`coalesce(${contacts.phone}, ${phone})` }).where(eq(contacts.id, contact!.id));
  if (inserted[0]) return { contactId: contact!.id, conversation: inserted[0], newConversation: true };
  const [existing] = await tx
    .select({ id: conversations.id, assigneeId: conversations.assigneeId })
    .from(conversations)
    .where(and(eq(conversations.channelId, channel.id), eq(conversations.externalChatId, event.chatId)));
  if (event.businessConnectionId) {
    await tx.update(conversations).set({ businessConnectionId: event.businessConnectionId }).where(eq(conversations.id, existing!.id));
  }
  return { contactId: contact!.id, conversation: existing!, newConversation: false };
}

/** How many of a conversation's latest sent messages an echo is matched against. */
const ECHO_WINDOW = 50;

/** The message Threadline sent with this VK random_id (derived from its client key), if any. */
async function ownSentMessage(tx: Tx, conversationId: string, randomId: number): Promise<number | null> {
  const recent = await tx
    .select({ id: messages.id, clientKey: messages.clientKey })
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.direction, "out"), isNotNull(messages.clientKey)))
    .orderBy(desc(messages.id))
    .limit(ECHO_WINDOW);
  return recent.find((m) => vkRandomId(m.clientKey!) === randomId)?.id ?? null;
}

async function ingestMessage(tx: Tx, channel: ChannelRef, event: MessageEvent): Promise<IngestResult> {
  const attribution = toAttribution(event.attribution);
  const { conversation, newConversation } = await upsertContactAndConversation(tx, channel, event, attribution);
  const direction = event.direction === "inbound" ? "in" : "out";
  if (isVkEcho(event) && event.vkRandomId !== undefined) {
    const own = await ownSentMessage(tx, conversation.id, event.vkRandomId);
    if (own) {
      // VK's echo of a message Threadline sent (it may arrive before the send is recorded): it is
      // that message, not a new one from someone else.
      await tx
        .update(messages)
        .set({ externalId: sql`coalesce(${messages.externalId}, ${messageKey(channel.kind, event.chatId, event.externalMessageId)})` })
        .where(eq(messages.id, own));
      return { kind: "message", created: false, conversationId: conversation.id, messageId: own, direction, newConversation: false, assigneeId: conversation.assigneeId, attachmentIds: [] };
    }
  }
  const first = event.attachments[0];
  const text = messageText(event);
  const [message] = await tx
    .insert(messages)
    .values({
      projectId: channel.projectId,
      conversationId: conversation.id,
      channelId: channel.id,
      externalId: messageKey(channel.kind, event.chatId, event.externalMessageId),
      direction,
      author: direction === "in" ? "client" : "member",
      kind: first ? storedKind(first) : "text",
      text,
      sentAt: new Date(event.sentAt),
      delivery: direction === "in" ? "received" : "sent",
    })
    // Redelivery of the same platform message is harmless: the unique key keeps one row.
    .onConflictDoNothing({ target: [messages.channelId, messages.externalId] })
    .returning({ id: messages.id });
  if (!message) {
    const [existing] = await tx
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.channelId, channel.id), eq(messages.externalId, messageKey(channel.kind, event.chatId, event.externalMessageId))));
    return { kind: "message", created: false, conversationId: conversation.id, messageId: existing!.id, direction, newConversation: false, assigneeId: conversation.assigneeId, attachmentIds: [] };
  }
  let attachmentIds: string[] = [];
  if (event.attachments.length) {
    const stored = await tx.insert(attachments).values(
      event.attachments.map((a) => ({
        projectId: channel.projectId,
        messageId: message.id,
        kind: storedKind(a),
        mime: a.mime ? storedFileType(a.mime) : null,
        size: a.size,
        fileName: a.fileName,
        durationSec: a.durationSec ?? null,
        platformFileId: downloadRef(a),
      })),
    ).returning({ id: attachments.id });
    attachmentIds = stored.map((a) => a.id);
  }
  // A message of ours that comes in here was written in the platform's own app: no member known.
  const delta = deltaOf([{ id: message.id, sentAt: new Date(event.sentAt), direction, author: direction === "in" ? "client" : "member", authorId: null, preview: previewOf(text, event.attachments) }]);
  await tx
    .update(conversations)
    .set(addDelta(deltaParams(delta!)))
    .where(eq(conversations.id, conversation.id));
  return { kind: "message", created: true, conversationId: conversation.id, messageId: message.id, direction, newConversation, assigneeId: conversation.assigneeId, attachmentIds };
}

async function conversationOf(tx: Tx, channel: ChannelRef, chatId: string) {
  const [c] = await tx
    .select({ id: conversations.id, contactId: conversations.contactId })
    .from(conversations)
    .where(and(eq(conversations.channelId, channel.id), eq(conversations.externalChatId, chatId)));
  return c;
}

/**
 * Stores one normalised channel event in one transaction: contact, conversation and message
 * together, or the edit / read / block state. Safe to run twice for the same event.
 */
export function ingestEvent(db: Db, channel: ChannelRef, event: ChannelEvent): Promise<IngestResult> {
  return withTenant(db, channel.projectId, (tx) => ingestInTransaction(tx, channel, event));
}

/** One event's step inside the caller's tenant transaction (a batch runs several in one). */
export async function ingestInTransaction(tx: Tx, channel: ChannelRef, event: ChannelEvent): Promise<IngestResult> {
  switch (event.type) {
    case "message":
      return ingestMessage(tx, channel, event);
    case "edit": {
      const c = await conversationOf(tx, channel, event.chatId);
      await tx
        .update(messages)
        .set({ text: event.text, editedAt: new Date(event.editedAt) })
        .where(and(eq(messages.channelId, channel.id), eq(messages.externalId, messageKey(channel.kind, event.chatId, event.externalMessageId))));
      if (c) await refreshLastMessage(tx, c.id);
      return { kind: "updated", conversationId: c?.id ?? null, what: "edit" };
    }
    case "read": {
      const c = await conversationOf(tx, channel, event.chatId);
      if (c) {
        const [upTo] = await tx
          .select({ sentAt: messages.sentAt })
          .from(messages)
          .where(and(eq(messages.channelId, channel.id), eq(messages.externalId, messageKey(channel.kind, event.chatId, event.upToExternalMessageId))));
        if (upTo) {
          await tx
            .update(messages)
            .set({ delivery: "read" })
            .where(and(eq(messages.conversationId, c.id), eq(messages.direction, "out"), eq(messages.delivery, "sent"), lte(messages.sentAt, upTo.sentAt)));
        }
      }
      return { kind: "updated", conversationId: c?.id ?? null, what: "read" };
    }
    case "client_blocked":
    case "client_unblocked": {
      const active = event.type === "client_unblocked";
      await upsertContactAndConversation(tx, channel, event);
      await tx.update(contacts).set({ active }).where(and(eq(contacts.channelId, channel.id), eq(contacts.externalId, event.client.externalUserId)));
      const c = await conversationOf(tx, channel, event.chatId);
      return { kind: "updated", conversationId: c?.id ?? null, what: active ? "unblocked" : "blocked" };
    }
    case "business_connection":
      return { kind: "ignored", reason: "business connection state is kept by the platform" };
    case "button":
      return { kind: "ignored", reason: "button presses are the menu bot's (menu/bot.ts), not messages" };
  }
}
