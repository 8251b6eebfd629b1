import { and, asc, desc, eq, isNull, sql, type SQL } from "drizzle-orm";
import { attachments, conversations, messages, type Tx } from "@threadline/db";

// The one rule for a conversation's list fields (count, sequences, last message time, preview,
// direction, author), used by every writer: inbound ingest one by one and in batches, imported
// history, a manager's reply and the agent's. Writers fold their new messages into a delta in
// memory and add it to the row in the statement they already run: no extra round trip.
//
// The rule: the last message is the latest sent (of equal times, the later stored). A message
// older than the row's last one adds to the count and sequences but never moves the time, the
// preview or the author back, whoever writes it and in whatever order.

/** Longest list line, in characters (code points, as Postgres counts them). */
export const PREVIEW_LENGTH = 140;

export type FileKind = "photo" | "document" | "voice" | "video" | "sticker";
export type MessageKind = "text" | FileKind;
export type MessageAuthor = "client" | "member" | "agent" | "system";

/** What the list shows for a message without text. */
export const placeholders: Record<FileKind, string> = { photo: "📷 Фото", document: "📎 Файл", voice: "🎤 Голосовое сообщение", video: "🎬 Видео", sticker: "Стикер" };

/** The list line of a message: its text, else what it carries (a document by its name); a long one is cut with "…". */
export function messagePreview(text: string, kind: MessageKind, fileName?: string | null): string {
  const base = text.trim() || (kind === "text" ? "" : kind === "document" && fileName ? `${placeholders.document}: ${fileName}` : placeholders[kind]);
  // UTF-16 units are never fewer than characters: only a long line needs counting.
  if (base.length <= PREVIEW_LENGTH) return base;
  const chars = [...base];
  return chars.length > PREVIEW_LENGTH ? `${chars.slice(0, PREVIEW_LENGTH - 1).join("")}…` : base;
}

// What String.prototype.trim removes, for Postgres's btrim: the SQL twin trims the same.
const TRIMMED = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff";
const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * `messagePreview` as a SQL expression over the given column expressions, for bulk SQL that
 * writes previews of many rows at once (the inbox benchmark's data). A test keeps the two equal.
 */
export function messagePreviewSql(text: string, kind: string, fileName: string): string {
  const trimmed = `nullif(btrim(${text}, ${literal(TRIMMED)}), '')`;
  const forKind = `case ${kind} ${Object.entries(placeholders).map(([k, p]) => `when ${literal(k)} then ${literal(p)}`).join(" ")} else '' end`;
  const named = `case when ${kind} = 'document' and nullif(${fileName}, '') is not null then ${literal(placeholders.document)} || ': ' || ${fileName} end`;
  const base = `coalesce(${trimmed}, ${named}, ${forKind})`;
  return `(select case when length(b) > ${PREVIEW_LENGTH} then left(b, ${PREVIEW_LENGTH - 1}) || '…' else b end from (select ${base} as b) as preview)`;
}

/** A message just stored, as the list fields see it. */
export type NewMessage = { id: number; sentAt: Date; direction: "in" | "out"; author: MessageAuthor; authorId: string | null; preview: string };

/** What a writer's new messages add to one conversation: how many, the highest ids, and the last of them. */
export type ConversationDelta = { count: number; seq: number; inboundSeq: number; at: Date; preview: string; direction: "in" | "out"; author: MessageAuthor; authorId: string | null };

/** Folds one more message into a delta; give messages in the order they were stored. */
export function addMessage(delta: ConversationDelta | undefined, m: NewMessage): ConversationDelta {
  const d = delta ?? { count: 0, seq: 0, inboundSeq: 0, at: m.sentAt, preview: m.preview, direction: m.direction, author: m.author, authorId: m.authorId };
  d.count += 1;
  d.seq = Math.max(d.seq, m.id);
  if (m.direction === "in") d.inboundSeq = Math.max(d.inboundSeq, m.id);
  if (m.sentAt.getTime() >= d.at.getTime()) Object.assign(d, { at: m.sentAt, preview: m.preview, direction: m.direction, author: m.author, authorId: m.authorId });
  return d;
}

/** The delta of some messages, stored in this order. */
export const deltaOf = (messages: readonly NewMessage[]): ConversationDelta | undefined => messages.reduce<ConversationDelta | undefined>(addMessage, undefined);

/** A delta as SQL values, one per field. */
export type DeltaSql = Record<keyof ConversationDelta, SQL>;

/** Which conversation column each delta field adds to. */
const FIELDS = {
  count: "messageCount",
  seq: "lastSeq",
  inboundSeq: "lastInboundSeq",
  at: "lastMessageAt",
  preview: "lastMessagePreview",
  direction: "lastMessageDirection",
  author: "lastMessageAuthor",
  authorId: "lastMessageAuthorId",
} as const satisfies Record<keyof ConversationDelta, keyof typeof conversations.$inferInsert>;
type Field = (typeof FIELDS)[keyof typeof FIELDS];
const column = (field: Field) => conversations[field].name;

/** A delta passed as parameters. */
export function deltaParams(d: ConversationDelta): DeltaSql {
  return {
    count: sql`${d.count}::int`,
    seq: sql`${d.seq}::bigint`,
    inboundSeq: sql`${d.inboundSeq}::bigint`,
    at: sql`${d.at.toISOString()}::timestamptz`,
    preview: sql`${d.preview}::text`,
    direction: sql`${d.direction}::text`,
    author: sql`${d.author}::text`,
    authorId: sql`${d.authorId}::uuid`,
  };
}

/** A delta read from a row source whose columns are named as the conversation's (`excluded`, `deltaRows`). */
export function deltaFrom(alias: string): DeltaSql {
  return Object.fromEntries(Object.entries(FIELDS).map(([k, field]) => [k, sql.raw(`${alias}.${column(field)}`)])) as DeltaSql;
}

/** Deltas of many conversations as rows of one JSON parameter: the conversation's id and its delta columns. */
export function deltaRows(deltas: ReadonlyMap<string, ConversationDelta>): SQL {
  const rows = [...deltas].map(([id, d]) => ({ id, ...Object.fromEntries(Object.entries(FIELDS).map(([k, field]) => [column(field), k === "at" ? d.at.toISOString() : d[k as keyof ConversationDelta]])) }));
  return sql`select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(id uuid, message_count int, last_seq bigint, last_inbound_seq bigint, last_message_at timestamptz,
    last_message_preview text, last_message_direction text, last_message_author text, last_message_author_id uuid)`;
}

type ConversationSet = Record<Field | "archivedAt", SQL>;

/**
 * The conversation's list fields with a delta added, as an update's SET (for drizzle's `.set()`;
 * `setList` renders it for plain SQL). The row is referred to as `conversations`.
 */
export function addDelta(d: DeltaSql): ConversationSet {
  const current = (field: Field) => sql.raw(`conversations.${column(field)}`);
  const newest = sql`${d.at} >= coalesce(${current("lastMessageAt")}, '-infinity'::timestamptz)`;
  const ifNewest = (field: Field, value: SQL) => sql`case when ${newest} then ${value} else ${current(field)} end`;
  return {
    messageCount: sql`${current("messageCount")} + ${d.count}`,
    lastSeq: sql`greatest(${current("lastSeq")}, ${d.seq})`,
    lastInboundSeq: sql`greatest(${current("lastInboundSeq")}, ${d.inboundSeq})`,
    lastMessageAt: sql`greatest(${current("lastMessageAt")}, ${d.at})`,
    lastMessagePreview: ifNewest("lastMessagePreview", d.preview),
    lastMessageDirection: ifNewest("lastMessageDirection", d.direction),
    lastMessageAuthor: ifNewest("lastMessageAuthor", d.author),
    lastMessageAuthorId: ifNewest("lastMessageAuthorId", d.authorId),
    // A client who writes again brings an archived conversation back to the list; spam stays archived (decision 067).
    archivedAt: sql`case when ${d.inboundSeq} > 0 and conversations.intent is distinct from 'spam' and conversations.stage <> 'spam' then null else conversations.archived_at end`,
  };
}

/** `addDelta` as the `column = value, …` list of a plain SQL update or upsert. */
export function setList(set: ConversationSet): SQL {
  return sql.join(
    Object.entries(set).map(([field, value]) => sql`${sql.raw(conversations[field as keyof ConversationSet].name)} = ${value}`),
    sql`, `,
  );
}

/** The list line of a conversation whose every message from the last one back was deleted. */
export const DELETED_PREVIEW = "Сообщение удалено";

/**
 * After a message was edited or deleted: the list line, direction and author follow the newest
 * message that is not deleted (with its new text), or say «Сообщение удалено» when none is left.
 * The time, count and sequences stay: a change does not reorder the list or make it unread.
 * The preview is one line for every member, so a deleted message's words never stay in it.
 */
export async function refreshLastMessage(tx: Tx, conversationId: string): Promise<void> {
  const newest = (where?: SQL) =>
    tx
      .select({ id: messages.id, text: messages.text, kind: messages.kind, direction: messages.direction, author: messages.author, authorId: messages.authorMembershipId })
      .from(messages)
      .where(and(eq(messages.conversationId, conversationId), where))
      .orderBy(desc(messages.sentAt), desc(messages.id))
      .limit(1);
  const [shown] = await newest(isNull(messages.deletedAt));
  const [last] = shown ? [shown] : await newest();
  if (!last) return;
  let preview = DELETED_PREVIEW;
  if (shown) {
    const [file] = shown.kind === "document" ? await tx.select({ fileName: attachments.fileName }).from(attachments).where(eq(attachments.messageId, shown.id)).orderBy(asc(attachments.createdAt)).limit(1) : [];
    preview = messagePreview(shown.text, shown.kind, file?.fileName);
  }
  await tx
    .update(conversations)
    .set({ lastMessagePreview: preview, lastMessageDirection: last.direction, lastMessageAuthor: last.author, lastMessageAuthorId: last.authorId })
    .where(eq(conversations.id, conversationId));
}
