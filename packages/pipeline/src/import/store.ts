import { sql, type SQL } from "drizzle-orm";
import type { Tx } from "@threadline/db";
import type { InboundAttachment } from "@threadline/channels";
import { addDelta, addMessage, deltaFrom, messagePreview, setList, type ConversationDelta, type FileKind, type MessageKind } from "@threadline/domain/conversations/aggregates.ts";
import { storedFileType } from "@threadline/domain/file-types.ts";

// Set-based writes of imported history, inside the caller's tenant transaction: a handful of
// statements per batch whatever its size, each row set travelling as column arrays (unnest).
// Message ids are drawn from the messages sequence first, so every conversation is written once
// with its final aggregates (a new one is inserted complete, not inserted and then updated).
// A message the live webhook already stored is kept once (ON CONFLICT DO NOTHING); the few
// conversations where that happened get their aggregates recounted. Imported messages never
// notify and never wake the agent: nothing here publishes or enqueues. Attachment rows are
// written pending, for the media job the caller enqueues after the commit.

export type ImportChannel = { id: string; projectId: string; kind: "vk" | "telegram" };

export interface ImportedContact {
  externalId: string;
  chatId: string;
  name: string;
  username?: string;
  profileUrl?: string;
  /** False when the client forbade messages (VK can_write). */
  active?: boolean;
}

export interface ImportedMessage {
  chatId: string;
  externalId: string;
  direction: "in" | "out";
  text: string;
  sentAt: Date;
  /** Files with a link or platform id get attachment rows; the others only set the kind. */
  attachments: (Pick<InboundAttachment, "kind"> & Partial<InboundAttachment>)[];
  /** Outbound only: whether the client has read it. */
  readByClient?: boolean;
}

export interface ImportedDialogPage {
  chatId: string;
  messages: ImportedMessage[];
  /** Inbound messages up to this platform id are read by the business; later ones stay unread. */
  readUpTo?: (externalId: string) => boolean;
}

export interface ImportBatch {
  /** Dialogs seen for the first time in this batch: contact and conversation are upserted. */
  dialogs: ImportedContact[];
  /** History pages; a page's dialog is in `dialogs` or was stored by an earlier batch. */
  pages: ImportedDialogPage[];
}

export interface StoredBatch {
  /** Messages that were new. */
  inserted: number;
  /** Attachment rows written, for the media job. */
  attachmentIds: string[];
}

const KINDS = new Set(["photo", "document", "voice", "video", "sticker"]);

const fileKind = (kind: string): FileKind => (KINDS.has(kind) ? (kind as FileKind) : "document");
const kindOf = (m: ImportedMessage): MessageKind => (m.attachments[0] ? fileKind(m.attachments[0].kind) : "text");

/** One column of a row set: a single text[] parameter, cast and unnested by Postgres. */
const column = (values: readonly (string | number | null)[], type: string): SQL =>
  sql`${sql.param(values.map((v) => (v === null ? null : String(v))))}::text[]::${sql.raw(type)}[]`;

/** A dialog's delta by the one rule (aggregates.ts), and how far the business has read it. */
type Aggregate = { delta?: ConversationDelta; readSeq: number };

/** Writes one batch of imported dialogs and history; see the file comment. */
export async function storeImportBatch(tx: Tx, channel: ImportChannel, batch: ImportBatch): Promise<StoredBatch> {
  const pages = batch.pages.filter((p) => p.messages.length > 0).sort((a, b) => compareChats(a.chatId, b.chatId));
  const total = pages.reduce((n, p) => n + p.messages.length, 0);
  const ids = total > 0 ? await allocateMessageIds(tx, total) : [];

  // Aggregates per dialog, from the ids the messages will have.
  const aggregates = new Map<string, Aggregate>();
  let next = 0;
  for (const page of pages) {
    let agg = aggregates.get(page.chatId);
    for (const m of page.messages) {
      const seq = ids[next++]!;
      if (!agg) aggregates.set(page.chatId, (agg = { readSeq: 0 }));
      // Imported replies were written in the platform's own app: no member known.
      const preview = messagePreview(m.text, kindOf(m), m.attachments[0]?.fileName);
      agg.delta = addMessage(agg.delta, { id: seq, sentAt: m.sentAt, direction: m.direction, author: m.direction === "in" ? "client" : "member", authorId: null, preview });
      // Imported history is read, except what the platform says the business has not read.
      if (!page.readUpTo || page.readUpTo(m.externalId)) agg.readSeq = Math.max(agg.readSeq, seq);
    }
  }

  const conversationOf = new Map<string, string>();
  const listed = [...batch.dialogs].sort((a, b) => compareChats(a.chatId, b.chatId));
  if (listed.length > 0) for (const [chat, id] of await upsertDialogs(tx, channel, listed, aggregates)) conversationOf.set(chat, id);
  const earlier = [...aggregates.keys()].filter((chat) => !conversationOf.has(chat));
  if (earlier.length > 0) {
    for (const [chat, id] of await upsertConversations(tx, channel, earlier, earlier.map(() => null), aggregates)) conversationOf.set(chat, id);
  }
  if (total === 0) return { inserted: 0, attachmentIds: [] };

  const inserted = await insertMessages(tx, channel, pages, ids, conversationOf);
  if (inserted.size < total) await recountConversations(tx, pages, ids, inserted, conversationOf);
  const attachmentIds = await insertAttachments(tx, channel, pages, ids, inserted);
  await markRead(tx, channel, aggregates, conversationOf);
  return { inserted: inserted.size, attachmentIds };
}

function compareChats(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  return Number.isFinite(x) && Number.isFinite(y) ? x - y : a < b ? -1 : a > b ? 1 : 0;
}

async function allocateMessageIds(tx: Tx, n: number): Promise<number[]> {
  // One row carrying an array: far cheaper to ship and parse than n rows.
  const [row] = await tx.execute<{ ids: string }>(sql`select array_agg(nextval(pg_get_serial_sequence('messages', 'id')))::text as ids from generate_series(1, ${n}::int)`);
  return parseIdArray(row!.ids).sort((a, b) => a - b);
}

/** A Postgres bigint[] in its text form ({1,2,3}) as numbers. */
function parseIdArray(text: string | null): number[] {
  const inner = (text ?? "{}").slice(1, -1);
  return inner ? inner.split(",").map(Number) : [];
}

type AggregateColumns = { counts: number[]; lastAts: (string | null)[]; previews: (string | null)[]; directions: (string | null)[]; authors: (string | null)[]; seqs: number[]; inSeqs: number[] };

/** The dialogs' deltas as columns; a dialog without messages adds nothing. */
function aggregateColumns(chats: string[], aggregates: Map<string, Aggregate>): AggregateColumns {
  const out: AggregateColumns = { counts: [], lastAts: [], previews: [], directions: [], authors: [], seqs: [], inSeqs: [] };
  for (const chat of chats) {
    const d = aggregates.get(chat)?.delta;
    out.counts.push(d?.count ?? 0);
    out.lastAts.push(d ? d.at.toISOString() : null);
    out.previews.push(d ? d.preview : null);
    out.directions.push(d ? d.direction : null);
    out.authors.push(d ? d.author : null);
    out.seqs.push(d?.seq ?? 0);
    out.inSeqs.push(d?.inboundSeq ?? 0);
  }
  return out;
}

/** Contacts and conversations of newly seen dialogs, with the aggregates of their pages. */
async function upsertDialogs(tx: Tx, channel: ImportChannel, dialogs: ImportedContact[], aggregates: Map<string, Aggregate>): Promise<Map<string, string>> {
  const contacts = await tx.execute<{ id: string; externalId: string }>(sql`
    insert into contacts (project_id, channel_id, external_id, name, username, profile_url, active)
    select ${channel.projectId}::uuid, ${channel.id}::uuid, t.e, t.n, t.u, t.l, t.a
    from unnest(${column(dialogs.map((d) => d.externalId), "text")}, ${column(dialogs.map((d) => d.name), "text")}, ${column(dialogs.map((d) => d.username ?? null), "text")},
                ${column(dialogs.map((d) => d.profileUrl ?? null), "text")}, ${column(dialogs.map((d) => (d.active ?? true ? "t" : "f")), "bool")}) as t(e, n, u, l, a)
    on conflict (channel_id, external_id) do update set
      name = coalesce(nullif(excluded.name, ''), contacts.name),
      username = coalesce(excluded.username, contacts.username),
      profile_url = coalesce(excluded.profile_url, contacts.profile_url),
      active = excluded.active
    returning id, external_id as "externalId"`);
  const contactOf = new Map(contacts.map((c) => [c.externalId, c.id]));
  return upsertConversations(tx, channel, dialogs.map((d) => d.chatId), dialogs.map((d) => contactOf.get(d.externalId)!), aggregates);
}

/**
 * Conversations take their batch's counts: inserted complete when new, merged when they exist.
 * A null contact means a dialog stored by an earlier batch, whose contact has the chat's id (as
 * VK and Telegram one-to-one chats do). An upsert finds each row through the unique index,
 * whatever the planner knows of a table that grows during the import; a join of the batch with
 * the table may not (a generic plan once scanned every conversation per batch).
 */
async function upsertConversations(tx: Tx, channel: ImportChannel, chats: string[], contactIds: (string | null)[], aggregates: Map<string, Aggregate>): Promise<Map<string, string>> {
  const a = aggregateColumns(chats, aggregates);
  const rows = await tx.execute<{ id: string; chat: string }>(sql`
    insert into conversations (project_id, channel_id, contact_id, external_chat_id, message_count, last_message_at, last_message_preview, last_message_direction, last_message_author, last_seq, last_inbound_seq)
    select ${channel.projectId}::uuid, ${channel.id}::uuid,
           coalesce(t.contact, (select ct.id from contacts ct where ct.channel_id = ${channel.id}::uuid and ct.external_id = t.chat)),
           t.chat, t.cnt, t.last_at, t.preview, t.dir, t.author, t.seq, t.in_seq
    from unnest(${column(contactIds, "uuid")}, ${column(chats, "text")}, ${column(a.counts, "int")}, ${column(a.lastAts, "timestamptz")},
                ${column(a.previews, "text")}, ${column(a.directions, "text")}, ${column(a.authors, "text")}, ${column(a.seqs, "bigint")}, ${column(a.inSeqs, "bigint")})
      as t(contact, chat, cnt, last_at, preview, dir, author, seq, in_seq)
    -- A new conversation is its delta; an existing one has the delta added.
    on conflict (channel_id, external_chat_id) do update set ${setList(addDelta(deltaFrom("excluded")))}
    returning id, external_chat_id as chat`);
  return new Map(rows.map((r) => [r.chat, r.id]));
}

/** Inserts the messages with their drawn ids; returns the ids that were new. */
async function insertMessages(tx: Tx, channel: ImportChannel, pages: ImportedDialogPage[], ids: number[], conversationOf: Map<string, string>): Promise<Set<number>> {
  const cols = { conv: [] as string[], ext: [] as string[], dir: [] as string[], kind: [] as string[], text: [] as string[], at: [] as string[], delivery: [] as string[] };
  for (const page of pages) {
    const conversationId = conversationOf.get(page.chatId)!;
    for (const m of page.messages) {
      cols.conv.push(conversationId);
      cols.ext.push(m.externalId);
      cols.dir.push(m.direction);
      cols.kind.push(kindOf(m));
      cols.text.push(m.text);
      cols.at.push(m.sentAt.toISOString());
      cols.delivery.push(m.direction === "in" ? "received" : m.readByClient ? "read" : "sent");
    }
  }
  const [row] = await tx.execute<{ ids: string | null }>(sql`
    with stored as (
      insert into messages (id, project_id, conversation_id, channel_id, external_id, direction, author, kind, text, sent_at, delivery, imported)
      overriding system value
      select r.id, ${channel.projectId}::uuid, r.c, ${channel.id}::uuid, r.e, r.d, case when r.d = 'in' then 'client' else 'member' end, r.k, r.t, r.s, r.v, true
      from unnest(${column(ids, "bigint")}, ${column(cols.conv, "uuid")}, ${column(cols.ext, "text")}, ${column(cols.dir, "text")}, ${column(cols.kind, "text")},
                  ${column(cols.text, "text")}, ${column(cols.at, "timestamptz")}, ${column(cols.delivery, "text")}) as r(id, c, e, d, k, t, s, v)
      on conflict (channel_id, external_id) do nothing
      returning id
    )
    select array_agg(id)::text as ids from stored`);
  return new Set(parseIdArray(row!.ids));
}

/** Conversations where some messages were already stored: their aggregates from what is there. */
async function recountConversations(tx: Tx, pages: ImportedDialogPage[], ids: number[], inserted: Set<number>, conversationOf: Map<string, string>): Promise<void> {
  const skipped = new Map<string, number>();
  let next = 0;
  for (const page of pages) {
    for (let i = 0; i < page.messages.length; i += 1) {
      if (inserted.has(ids[next++]!)) continue;
      const id = conversationOf.get(page.chatId)!;
      skipped.set(id, (skipped.get(id) ?? 0) + 1);
    }
  }
  await tx.execute(sql`
    update conversations c set
      message_count = c.message_count - v.skipped,
      last_seq = coalesce((select max(m.id) from messages m where m.conversation_id = c.id), 0),
      last_inbound_seq = coalesce((select max(m.id) from messages m where m.conversation_id = c.id and m.direction = 'in'), 0)
    from unnest(${column([...skipped.keys()], "uuid")}, ${column([...skipped.values()], "int")}) as v(id, skipped)
    where c.id = v.id`);
}

async function insertAttachments(tx: Tx, channel: ImportChannel, pages: ImportedDialogPage[], ids: number[], inserted: Set<number>): Promise<string[]> {
  const cols = { message: [] as number[], kind: [] as string[], mime: [] as (string | null)[], size: [] as (number | null)[], name: [] as (string | null)[], seconds: [] as (number | null)[], ref: [] as string[] };
  let next = 0;
  for (const page of pages) {
    for (const m of page.messages) {
      const id = ids[next++]!;
      if (!inserted.has(id)) continue;
      for (const a of m.attachments) {
        // The media job fetches by link when the platform gives one (VK), else by file id.
        const ref = a.url ?? a.fileId;
        if (!ref) continue;
        cols.message.push(id);
        cols.kind.push(fileKind(a.kind));
        cols.mime.push(a.mime ? storedFileType(a.mime) : null);
        cols.size.push(a.size ?? null);
        cols.name.push(a.fileName ?? null);
        // A voice message's length as the platform gives it (VK audio_message.duration), as a live one keeps it.
        cols.seconds.push(a.durationSec ?? null);
        cols.ref.push(ref);
      }
    }
  }
  if (cols.message.length === 0) return [];
  const rows = await tx.execute<{ id: string }>(sql`
    insert into attachments (project_id, message_id, kind, mime, size, file_name, duration_sec, platform_file_id)
    select ${channel.projectId}::uuid, a.m, a.k, a.mime, a.size, a.name, a.seconds, a.ref
    from unnest(${column(cols.message, "bigint")}, ${column(cols.kind, "text")}, ${column(cols.mime, "text")}, ${column(cols.size, "int")}, ${column(cols.name, "text")}, ${column(cols.seconds, "int")}, ${column(cols.ref, "text")})
      as a(m, k, mime, size, name, seconds, ref)
    returning id`);
  return rows.map((r) => r.id);
}

/** Files of a channel's imported messages still waiting for the media job. */
export async function pendingImportedAttachments(tx: Tx, channelId: string): Promise<string[]> {
  const rows = await tx.execute<{ id: string }>(sql`
    select a.id from attachments a join messages m on m.id = a.message_id
    where m.channel_id = ${channelId}::uuid and m.imported and a.state = 'pending'`);
  return rows.map((r) => r.id);
}

/** Every active member's read point moves up to what the platform says is read. */
async function markRead(tx: Tx, channel: ImportChannel, aggregates: Map<string, Aggregate>, conversationOf: Map<string, string>): Promise<void> {
  const reads = [...aggregates.entries()].filter(([, a]) => a.readSeq > 0);
  if (reads.length === 0) return;
  await tx.execute(sql`
    insert into conversation_reads (project_id, conversation_id, membership_id, last_read_seq)
    select ${channel.projectId}::uuid, v.id, m.id, v.seq
    from unnest(${column(reads.map(([chat]) => conversationOf.get(chat)!), "uuid")}, ${column(reads.map(([, a]) => a.readSeq), "bigint")}) as v(id, seq)
      cross join memberships m
    where m.project_id = ${channel.projectId}::uuid and m.active
    on conflict (conversation_id, membership_id) do update set last_read_seq = greatest(conversation_reads.last_read_seq, excluded.last_read_seq)`);
}
