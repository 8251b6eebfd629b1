import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { at, createdAt, id, tsvector } from "./columns.ts";
import { channels } from "./channels.ts";
import { mediaFiles } from "./media.ts";
import type { ConversationIntent } from "./intents.ts";
import { memberships, projects } from "./tenancy.ts";

export type Attribution = {
  utmSource?: string;
  utmMedium?: string;
  utmCampaign?: string;
  utmContent?: string;
  ref?: string;
  refSource?: string;
  startPayload?: string;
};

export const leadStages = ["new", "bot", "assigned", "needs_human", "low_quality", "spam", "won", "lost"] as const;
export type LeadStage = (typeof leadStages)[number];
// What the client wants, as the agent classified their messages; "other" is stored as no intent.
export { conversationIntents, type ConversationIntent } from "./intents.ts";

export const contacts = pgTable(
  "contacts",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    channelId: uuid("channel_id")
      .notNull()
      .references(() => channels.id, { onDelete: "cascade" }),
    externalId: text("external_id").notNull(),
    name: text("name").notNull().default(""),
    username: text("username"),
    phone: text("phone"),
    email: text("email"),
    profileUrl: text("profile_url"),
    // False once the client blocked the community / bot: shown as inactive, sends fail fast.
    active: boolean("active").notNull().default(true),
    firstTouch: jsonb("first_touch").$type<Attribution>(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("contacts_channel_external").on(t.channelId, t.externalId),
    index("contacts_project_idx").on(t.projectId),
    // Tags and notes reference a contact with its project (see contact-tags.ts).
    unique("contacts_project_id").on(t.projectId, t.id),
    index("contacts_name_trgm").using("gin", sql`${t.name} gin_trgm_ops`),
    index("contacts_phone_trgm").using("gin", sql`${t.phone} gin_trgm_ops`),
  ],
);

export const conversations = pgTable(
  "conversations",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    channelId: uuid("channel_id")
      .notNull()
      .references(() => channels.id, { onDelete: "cascade" }),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    // VK peer id / Telegram chat id.
    externalChatId: text("external_chat_id").notNull(),
    businessConnectionId: text("business_connection_id"),
    stage: text("stage").$type<LeadStage>().notNull().default("new"),
    assigneeId: uuid("assignee_id").references(() => memberships.id),
    // A lead waiting for a member on shift (nobody was): the rotation job hands it over.
    queuedAt: at("queued_at"),
    aiEnabled: boolean("ai_enabled").notNull().default(true),
    aiToggledBy: uuid("ai_toggled_by").references(() => memberships.id),
    aiToggledAt: at("ai_toggled_at"),
    attribution: jsonb("attribution").$type<Attribution>(),
    // Denormalised so the list is one indexed query; maintained by the message writer.
    lastMessageAt: at("last_message_at"),
    lastMessagePreview: text("last_message_preview"),
    lastMessageDirection: text("last_message_direction").$type<"in" | "out">(),
    // Who wrote it, for the preview's "Вы:", a colleague's name or "ИИ:": the member is known for
    // replies from the inbox, not for ones written in the platform's own app.
    lastMessageAuthor: text("last_message_author").$type<"client" | "member" | "agent" | "system">(),
    lastMessageAuthorId: uuid("last_message_author_id").references(() => memberships.id),
    messageCount: integer("message_count").notNull().default(0),
    // Sequence of the newest message: unread = messages past a member's read point.
    lastSeq: bigint("last_seq", { mode: "number" }).notNull().default(0),
    lastInboundSeq: bigint("last_inbound_seq", { mode: "number" }).notNull().default(0),
    /** What the client wants, as the agent classified it: purchase, question, support, complaint, spam. */
    intent: text("intent").$type<ConversationIntent>(),
    /** Set aside by a manager or by the project's «Спам → в архив» rule: out of the list and the unread counts. */
    archivedAt: at("archived_at"),
    /** Who archived it; null when a rule did. */
    archivedBy: uuid("archived_by").references(() => memberships.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("conversations_channel_chat").on(t.channelId, t.externalChatId),
    // The inbox list in exactly its order (last message, then id, both descending), so a page is
    // the first rows of an index scan; conversations with no message are left out.
    // Archived conversations are in none of the list's indexes but their own (decision 067).
    index("conversations_list")
      .on(t.projectId, t.lastMessageAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql`${t.lastMessageAt} is not null and ${t.archivedAt} is null`),
    // "Mine" and "unassigned" (assignee_id is null is an index condition too).
    index("conversations_assignee_list")
      .on(t.projectId, t.assigneeId, t.lastMessageAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql`${t.lastMessageAt} is not null and ${t.archivedAt} is null`),
    // The list narrowed to one intent («Жалоба»): a range of this index in list order.
    index("conversations_intent_list")
      .on(t.projectId, t.intent, t.lastMessageAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql`${t.lastMessageAt} is not null and ${t.intent} is not null and ${t.archivedAt} is null`),
    // «Архив»: the archived conversations in list order.
    index("conversations_archive_list")
      .on(t.projectId, t.lastMessageAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql`${t.lastMessageAt} is not null and ${t.archivedAt} is not null`),
    index("conversations_contact_idx").on(t.contactId),
    index("conversations_queue").on(t.projectId, t.queuedAt).where(sql`${t.queuedAt} is not null`),
    index("conversations_assignee_idx").on(t.assigneeId).where(sql`${t.assigneeId} is not null`),
  ],
);

export const messages = pgTable(
  "messages",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    channelId: uuid("channel_id")
      .notNull()
      .references(() => channels.id, { onDelete: "cascade" }),
    // The platform's message id; null until an outbound message is accepted by the platform.
    externalId: text("external_id"),
    // Idempotency key of an outbound send (VK random_id): a retried send is never sent twice.
    clientKey: text("client_key"),
    direction: text("direction").$type<"in" | "out">().notNull(),
    author: text("author").$type<"client" | "member" | "agent" | "system">().notNull(),
    authorMembershipId: uuid("author_membership_id").references(() => memberships.id),
    kind: text("kind").$type<"text" | "photo" | "document" | "voice" | "video" | "sticker">().notNull().default("text"),
    text: text("text").notNull().default(""),
    sentAt: at("sent_at").notNull(),
    delivery: text("delivery").$type<"pending" | "sent" | "read" | "failed" | "received">().notNull().default("received"),
    failureReason: text("failure_reason"),
    // When a send of this outbound message was last handed to the platform. Set before the call:
    // if the worker dies before the answer is recorded, the retry knows a message may be out.
    sendAttemptedAt: at("send_attempted_at"),
    agentAction: text("agent_action"),
    // A client message the first-contact agent has read in one of its turns: the next turn answers
    // only what it has not read yet, even a message that was stored while the last turn ran.
    seenByAgent: boolean("seen_by_agent").notNull().default(false),
    imported: boolean("imported").notNull().default(false),
    editedAt: at("edited_at"),
    // A member's message deleted on the platform (Telegram deleteMessage, VK delete_for_all): the
    // row and its text stay for the project's record; the thread shows it as deleted.
    deletedAt: at("deleted_at"),
    // Why the platform refused the last edit or delete of this message (a stored failure code);
    // the message itself stays as it was.
    changeFailure: text("change_failure"),
    createdAt: createdAt(),
    // The text's Russian word forms, kept by Postgres: search matches them without re-parsing
    // every message it looks at.
    // A voice note's transcript is searched with the text (see migration of the knowledge base).
    transcript: text("transcript"),
    // Why a voice note could not be transcribed (a stored error code); the voice itself stays.
    transcriptError: text("transcript_error"),
    textSearch: tsvector("text_search").generatedAlwaysAs(sql`to_tsvector('russian', text || ' ' || coalesce(transcript, ''))`),
  },
  (t) => [
    uniqueIndex("messages_channel_external").on(t.channelId, t.externalId),
    uniqueIndex("messages_client_key").on(t.channelId, t.clientKey),
    index("messages_history").on(t.conversationId, t.sentAt.desc(), t.id.desc()),
    index("messages_project_idx").on(t.projectId),
    // Words per conversation (btree_gin): finds the messages with a word, and answers "does this
    // conversation mention it" from the index alone, without reading the conversation's messages.
    index("messages_text_search").using("gin", t.conversationId, t.textSearch),
    // Unread counts: a member's unread client messages are an index range past their read point.
    // project_id rides along for row-level security, so the count never visits the table.
    index("messages_inbound").on(t.conversationId, t.id, t.projectId).where(sql`${t.direction} = 'in'`),
  ],
);

export const attachments = pgTable(
  "attachments",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    messageId: bigint("message_id", { mode: "number" })
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    kind: text("kind").$type<"photo" | "document" | "voice" | "video" | "sticker">().notNull(),
    mime: text("mime"),
    size: integer("size"),
    fileName: text("file_name"),
    // A voice message's or video's length in whole seconds: the platform's own (Telegram
    // voice.duration), else read from the stored Ogg/Opus. A browser cannot tell it from a
    // recording's bytes, so the bubble shows this instead of «0:00».
    durationSec: integer("duration_sec"),
    platformFileId: text("platform_file_id"),
    storageKey: text("storage_key"),
    // A file from the project's media library: the outbound send reuses the platform's reference
    // to it per channel (media_channel_refs) instead of uploading the bytes again.
    mediaId: uuid("media_id").references(() => mediaFiles.id, { onDelete: "set null" }),
    state: text("state").$type<"pending" | "ready" | "failed">().notNull().default("pending"),
    error: text("error"),
    createdAt: createdAt(),
  },
  (t) => [index("attachments_message_idx").on(t.messageId), index("attachments_project_idx").on(t.projectId)],
);

// Files stored for a reply (uploads, recordings, voicings) that no reply has taken yet. A reply
// takes its file's row; what stays unclaimed past a day is removed with its bytes.
export const uploads = pgTable(
  "uploads",
  {
    storageKey: text("storage_key").primaryKey(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [index("uploads_created_idx").on(t.createdAt)],
);

// Unread is per member: each member's read point in each conversation.
export const conversationReads = pgTable(
  "conversation_reads",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    membershipId: uuid("membership_id")
      .notNull()
      .references(() => memberships.id, { onDelete: "cascade" }),
    lastReadSeq: bigint("last_read_seq", { mode: "number" }).notNull().default(0),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.conversationId, t.membershipId] }), index("conversation_reads_member").on(t.membershipId)],
);

export const leadEvents = pgTable(
  "lead_events",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    fromStage: text("from_stage").$type<LeadStage>(),
    toStage: text("to_stage").$type<LeadStage>().notNull(),
    actorKind: text("actor_kind").$type<"member" | "agent" | "system">().notNull(),
    actorMembershipId: uuid("actor_membership_id").references(() => memberships.id),
    reason: text("reason"),
    createdAt: createdAt(),
  },
  (t) => [index("lead_events_conversation").on(t.conversationId, t.createdAt)],
);

export const notifications = pgTable(
  "notifications",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    membershipId: uuid("membership_id")
      .notNull()
      .references(() => memberships.id, { onDelete: "cascade" }),
    conversationId: uuid("conversation_id").references(() => conversations.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    text: text("text").notNull(),
    readAt: at("read_at"),
    createdAt: createdAt(),
  },
  (t) => [index("notifications_member").on(t.membershipId, t.createdAt.desc())],
);

