import { and, eq, inArray, sql } from "drizzle-orm";
import { contacts, conversations, type Tx } from "@threadline/db";
import type { InboundAttachment } from "@threadline/channels";

// Bulk writes of imported history, inside the caller's tenant transaction: contacts and
// conversations once per page of dialogs, messages as multi-row INSERT … ON CONFLICT DO NOTHING
// (a message the live webhook already stored is kept once), and each conversation's aggregates
// and read points once per batch. Imported messages never notify and never wake the agent:
// nothing here publishes or enqueues.

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
  attachments: Pick<InboundAttachment, "kind">[];
  /** Outbound only: whether the client has read it. */
  readByClient?: boolean;
}

export interface ImportedDialogPage {
  chatId: string;
  messages: ImportedMessage[];
  /** Inbound messages up to this platform id are read by the business; later ones stay unread. */
  readUpTo?: (externalId: string) => boolean;
}

type StoredKind = "text" | "photo" | "document" | "voice" | "video" | "sticker";
const KINDS = new Set(["photo", "document", "voice", "video", "sticker"]);
const PLACEHOLDERS: Record<Exclude<StoredKind, "text">, string> = {
  photo: "📷 Фото",
  document: "📎 Файл",
  voice: "🎤 Голосовое сообщение",
  video: "🎬 Видео",
  sticker: "Стикер",
};
const PREVIEW_LENGTH = 140;
const INSERT_CHUNK = 2000;

function kindOf(m: ImportedMessage): StoredKind {
  const first = m.attachments[0];
  if (!first) return "text";
  return KINDS.has(first.kind) ? (first.kind as StoredKind) : "document";
}

function preview(m: ImportedMessage): string {
  const kind = kindOf(m);
  const base = m.text.trim() || (kind === "text" ? "" : PLACEHOLDERS[kind]);
  return base.length > PREVIEW_LENGTH ? `${base.slice(0, PREVIEW_LENGTH - 1)}…` : base;
}

/** Upserts contacts and their conversations; returns conversation ids by chat id. */
export async function storeDialogs(tx: Tx, channel: ImportChannel, dialogs: ImportedContact[]): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  if (dialogs.length === 0) return result;
  const stored = await tx
    .insert(contacts)
    .values(
      dialogs.map((d) => ({
        projectId: channel.projectId,
        channelId: channel.id,
        externalId: d.externalId,
        name: d.name,
        username: d.username,
        profileUrl: d.profileUrl,
        active: d.active ?? true,
      })),
    )
    .onConflictDoUpdate({
      target: [contacts.channelId, contacts.externalId],
      set: {
        name: sql`coalesce(nullif(excluded.name, ''), ${contacts.name})`,
        username: sql`coalesce(excluded.username, ${contacts.username})`,
        profileUrl: sql`coalesce(excluded.profile_url, ${contacts.profileUrl})`,
        active: sql`excluded.active`,
      },
    })
    .returning({ id: contacts.id, externalId: contacts.externalId });
  const contactOf = new Map(stored.map((c) => [c.externalId, c.id]));
  await tx
    .insert(conversations)
    .values(dialogs.map((d) => ({ projectId: channel.projectId, channelId: channel.id, contactId: contactOf.get(d.externalId)!, externalChatId: d.chatId })))
    .onConflictDoNothing({ target: [conversations.channelId, conversations.externalChatId] });
  return conversationIds(tx, channel, dialogs.map((d) => d.chatId));
}

export async function conversationIds(tx: Tx, channel: ImportChannel, chatIds: string[]): Promise<Map<string, string>> {
  if (chatIds.length === 0) return new Map();
  const rows = await tx
    .select({ id: conversations.id, chatId: conversations.externalChatId })
    .from(conversations)
    .where(and(eq(conversations.channelId, channel.id), inArray(conversations.externalChatId, [...new Set(chatIds)])));
  return new Map(rows.map((r) => [r.chatId, r.id]));
}

/**
 * Inserts the pages' messages (in the order given: oldest first within a dialog), then updates
 * each touched conversation's aggregates and every member's read point once. Returns how many
 * messages were new.
 */
export async function storeHistory(tx: Tx, channel: ImportChannel, pages: ImportedDialogPage[], keyOf: (m: ImportedMessage) => string): Promise<number> {
  const withMessages = pages.filter((p) => p.messages.length > 0);
  if (withMessages.length === 0) return 0;
  const ids = await conversationIds(tx, channel, withMessages.map((p) => p.chatId));
  // Rows travel as one JSON parameter and are unpacked by Postgres: far cheaper than thousands
  // of bound parameters. The order is kept, so a dialog's messages get ascending ids.
  type Row = { i: number; c: string; e: string; d: "in" | "out"; k: StoredKind; t: string; s: string; v: string };
  const rows: Row[] = [];
  const source = new Map<string, { message: ImportedMessage; page: ImportedDialogPage }>();
  for (const page of withMessages) {
    const conversationId = ids.get(page.chatId);
    if (!conversationId) throw new Error(`conversation of chat ${page.chatId} is missing`);
    for (const m of page.messages) {
      const externalId = keyOf(m);
      source.set(externalId, { message: m, page });
      rows.push({
        i: rows.length,
        c: conversationId,
        e: externalId,
        d: m.direction,
        k: kindOf(m),
        t: m.text,
        s: m.sentAt.toISOString(),
        v: m.direction === "in" ? "received" : m.readByClient ? "read" : "sent",
      });
    }
  }
  type Agg = { count: number; lastAt: Date; preview: string; direction: "in" | "out"; lastSeq: number; lastInSeq: number; readSeq: number };
  const aggregates = new Map<string, Agg>();
  let inserted = 0;
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    const chunk = JSON.stringify(rows.slice(i, i + INSERT_CHUNK));
    const stored = await tx.execute<{ id: string | number; externalId: string; conversationId: string }>(sql`
      insert into messages (project_id, conversation_id, channel_id, external_id, direction, author, kind, text, sent_at, delivery, imported)
      select ${channel.projectId}::uuid, r.c, ${channel.id}::uuid, r.e, r.d, case when r.d = 'in' then 'client' else 'member' end, r.k, r.t, r.s, r.v, true
      from jsonb_to_recordset(${chunk}::jsonb) as r(i int, c uuid, e text, d text, k text, t text, s timestamptz, v text)
      order by r.i
      on conflict (channel_id, external_id) do nothing
      returning id, external_id as "externalId", conversation_id as "conversationId"`);
    inserted += stored.length;
    for (const raw of stored) {
      const row = { id: Number(raw.id), externalId: raw.externalId, conversationId: raw.conversationId };
      const { message, page } = source.get(row.externalId)!;
      let agg = aggregates.get(row.conversationId);
      if (!agg) {
        agg = { count: 0, lastAt: new Date(0), preview: "", direction: message.direction, lastSeq: 0, lastInSeq: 0, readSeq: 0 };
        aggregates.set(row.conversationId, agg);
      }
      agg.count += 1;
      agg.lastSeq = Math.max(agg.lastSeq, row.id);
      if (message.direction === "in") agg.lastInSeq = Math.max(agg.lastInSeq, row.id);
      if (message.sentAt >= agg.lastAt) {
        agg.lastAt = message.sentAt;
        agg.preview = preview(message);
        agg.direction = message.direction;
      }
      // Imported history is read, except what the platform says the business has not read.
      const read = !page.readUpTo || page.readUpTo(message.externalId);
      if (read) agg.readSeq = Math.max(agg.readSeq, row.id);
    }
  }
  if (aggregates.size === 0) return 0;
  const values = sql.join(
    [...aggregates.entries()].map(
      ([id, a]) =>
        sql`(${id}::uuid, ${a.count}::int, ${a.lastAt.toISOString()}::timestamptz, ${a.preview}::text, ${a.direction}::text, ${a.lastSeq}::bigint, ${a.lastInSeq}::bigint, ${a.readSeq}::bigint)`,
    ),
    sql`, `,
  );
  await tx.execute(sql`
    update conversations c set
      message_count = c.message_count + v.cnt,
      last_message_preview = case when v.last_at >= coalesce(c.last_message_at, '-infinity'::timestamptz) then v.preview else c.last_message_preview end,
      last_message_direction = case when v.last_at >= coalesce(c.last_message_at, '-infinity'::timestamptz) then v.dir else c.last_message_direction end,
      last_message_at = greatest(c.last_message_at, v.last_at),
      last_seq = greatest(c.last_seq, v.last_seq),
      last_inbound_seq = greatest(c.last_inbound_seq, v.last_in_seq)
    from (values ${values}) as v(id, cnt, last_at, preview, dir, last_seq, last_in_seq, read_seq)
    where c.id = v.id`);
  const reads = [...aggregates.entries()].filter(([, a]) => a.readSeq > 0);
  if (reads.length > 0) {
    const readValues = sql.join(
      reads.map(([id, a]) => sql`(${id}::uuid, ${a.readSeq}::bigint)`),
      sql`, `,
    );
    await tx.execute(sql`
      insert into conversation_reads (project_id, conversation_id, membership_id, last_read_seq)
      select ${channel.projectId}::uuid, v.id, m.id, v.seq
      from (values ${readValues}) as v(id, seq) cross join memberships m
      where m.project_id = ${channel.projectId}::uuid and m.active
      on conflict (conversation_id, membership_id) do update set last_read_seq = greatest(conversation_reads.last_read_seq, excluded.last_read_seq)`);
  }
  return inserted;
}
