import { sql } from "drizzle-orm";
import { withTenant, type Db, type Tx } from "@threadline/db";
import type { ChannelEvent, MessageEvent } from "@threadline/channels";
import { addDelta, addMessage, deltaFrom, deltaRows, setList, type ConversationDelta } from "./aggregates.ts";
import { storedFileType } from "../file-types.ts";
import { clientName, downloadRef, ingestInTransaction, isVkEcho, messageKey, messageText, previewOf, storedKind, toAttribution, type ChannelRef, type IngestResult } from "./ingest.ts";

// Group commit of inbound events: many events of one project stored in ONE transaction with
// set-based statements (a handful of round trips per batch instead of six per message). The
// outcome is exactly what storing the events one by one, in the order given, would give.

export type IngestItem = { channel: ChannelRef; event: ChannelEvent };
type MessageItem = { channel: ChannelRef; event: MessageEvent };
type MessageResult = Extract<IngestResult, { kind: "message" }>;

/** Rows travel as one JSON parameter that Postgres unpacks: one statement for the whole batch. */
const asJson = (rows: unknown[]) => sql`${JSON.stringify(rows)}::jsonb`;
/** A chat, client or message id made unique across the project's channels. */
const channelScoped = (channelId: string, id: string) => `${channelId}\u0000${id}`;
// A shared contact card takes the one-event step too: it also fills the contact's phone (rare).
const isPlainMessage = (item: IngestItem): item is MessageItem => item.event.type === "message" && !isVkEcho(item.event) && !item.event.contact;

/**
 * Stores the events of one project in one tenant transaction, in order. Runs of plain messages
 * go set-based; anything else (edits, reads, blocks, VK echoes) takes its one-event step in place.
 */
export function ingestBatch(db: Db, projectId: string, items: IngestItem[]): Promise<IngestResult[]> {
  return withTenant(db, projectId, async (tx) => {
    const results: IngestResult[] = [];
    let run: MessageItem[] = [];
    const flushRun = async () => {
      if (run.length) results.push(...(await storeMessages(tx, projectId, run)));
      run = [];
    };
    for (const item of items) {
      if (item.channel.projectId !== projectId) throw new Error("a batch holds the events of one project");
      if (isPlainMessage(item)) {
        run.push(item);
        continue;
      }
      await flushRun();
      results.push(await ingestInTransaction(tx, item.channel, item.event));
    }
    await flushRun();
    return results;
  });
}

/** Contacts as the events leave them: the last name / username / link given, the first touch. */
async function upsertContacts(tx: Tx, projectId: string, items: MessageItem[]): Promise<Map<string, string>> {
  type Row = { ch: string; x: string; n: string; u?: string; pu?: string; ft?: unknown };
  const rows = new Map<string, Row>();
  for (const { channel, event } of items) {
    const key = channelScoped(channel.id, event.client.externalUserId);
    const row = rows.get(key) ?? { ch: channel.id, x: event.client.externalUserId, n: "" };
    const name = clientName(event);
    if (name) row.n = name;
    row.u = event.client.username ?? row.u;
    row.pu = event.client.profileUrl ?? row.pu;
    row.ft ??= toAttribution(event.attribution);
    rows.set(key, row);
  }
  // Sorted, so that concurrent batches lock contacts in the same order.
  const stored = await tx.execute<{ id: string; ch: string; x: string }>(sql`
    insert into contacts (project_id, channel_id, external_id, name, username, profile_url, first_touch)
    select ${projectId}::uuid, r.ch, r.x, r.n, r.u, r.pu, r.ft
    from jsonb_to_recordset(${asJson([...rows.values()])}) as r(ch uuid, x text, n text, u text, pu text, ft jsonb)
    order by r.ch, r.x
    on conflict (channel_id, external_id) do update set
      name = coalesce(nullif(excluded.name, ''), contacts.name),
      username = coalesce(excluded.username, contacts.username),
      profile_url = coalesce(excluded.profile_url, contacts.profile_url),
      first_touch = coalesce(contacts.first_touch, excluded.first_touch)
    returning id, channel_id as ch, external_id as x`);
  return new Map(stored.map((c) => [channelScoped(c.ch, c.x), c.id]));
}

type StoredConversation = { id: string; assigneeId: string | null; created: boolean };

/** Conversations by chat: created by the chat's first event, or the one already there. */
async function upsertConversations(tx: Tx, projectId: string, items: MessageItem[], contactIds: Map<string, string>): Promise<Map<string, StoredConversation>> {
  type Row = { ch: string; chat: string; ct: string; a?: unknown; b?: string };
  const rows = new Map<string, Row>();
  const lastBusinessConnection = new Map<string, string>();
  for (const { channel, event } of items) {
    const key = channelScoped(channel.id, event.chatId);
    if (event.businessConnectionId) lastBusinessConnection.set(key, event.businessConnectionId);
    if (rows.has(key)) continue;
    const contactId = contactIds.get(channelScoped(channel.id, event.client.externalUserId))!;
    rows.set(key, { ch: channel.id, chat: event.chatId, ct: contactId, a: toAttribution(event.attribution), b: event.businessConnectionId });
  }
  type Found = { id: string; assignee_id: string | null; ch: string; chat: string };
  const inserted = await tx.execute<Found>(sql`
    insert into conversations (project_id, channel_id, contact_id, external_chat_id, attribution, business_connection_id)
    select ${projectId}::uuid, r.ch, r.ct, r.chat, r.a, r.b
    from jsonb_to_recordset(${asJson([...rows.values()])}) as r(ch uuid, chat text, ct uuid, a jsonb, b text)
    order by r.ch, r.chat
    on conflict (channel_id, external_chat_id) do nothing
    returning id, assignee_id, channel_id as ch, external_chat_id as chat`);
  const result = new Map<string, StoredConversation>(inserted.map((c) => [channelScoped(c.ch, c.chat), { id: c.id, assigneeId: c.assignee_id, created: true }]));
  const missing = [...rows.entries()].filter(([key]) => !result.has(key)).map(([, r]) => ({ ch: r.ch, chat: r.chat }));
  if (missing.length) {
    const existing = await tx.execute<Found>(sql`
      select c.id, c.assignee_id, c.channel_id as ch, c.external_chat_id as chat
      from conversations c join jsonb_to_recordset(${asJson(missing)}) as r(ch uuid, chat text) on c.channel_id = r.ch and c.external_chat_id = r.chat`);
    for (const c of existing) result.set(channelScoped(c.ch, c.chat), { id: c.id, assigneeId: c.assignee_id, created: false });
  }
  // A later event's business connection replaces the stored one, as it would one by one.
  for (const [key, businessConnectionId] of lastBusinessConnection) {
    const conversation = result.get(key)!;
    if (conversation.created && rows.get(key)!.b === businessConnectionId) continue;
    await tx.execute(sql`update conversations set business_connection_id = ${businessConnectionId} where id = ${conversation.id}::uuid`);
  }
  return result;
}

/** A run of plain messages (no VK echoes) of one project: contacts, conversations, messages, files, aggregates. */
async function storeMessages(tx: Tx, projectId: string, items: MessageItem[]): Promise<MessageResult[]> {
  const contactIds = await upsertContacts(tx, projectId, items);
  const conversationsByChat = await upsertConversations(tx, projectId, items, contactIds);
  const planned = items.map(({ channel, event }, i) => {
    const direction = event.direction === "inbound" ? ("in" as const) : ("out" as const);
    const conversation = conversationsByChat.get(channelScoped(channel.id, event.chatId))!;
    return { i, channel, event, direction, conversation, key: channelScoped(channel.id, messageKey(channel.kind, event.chatId, event.externalMessageId)), text: messageText(event), sentAt: new Date(event.sentAt) };
  });
  // The first event of a key inserts; a repeat of it in the same batch is a redelivery.
  const firstOfKey = new Map<string, number>();
  for (const p of planned) if (!firstOfKey.has(p.key)) firstOfKey.set(p.key, p.i);
  const toInsert = planned.filter((p) => firstOfKey.get(p.key) === p.i);
  const inserted = await tx.execute<{ id: string | number; ch: string; e: string }>(sql`
    insert into messages (project_id, conversation_id, channel_id, external_id, direction, author, kind, text, sent_at, delivery)
    select ${projectId}::uuid, r.c, r.ch, r.e, r.d, case when r.d = 'in' then 'client' else 'member' end, r.k, r.t, r.s, case when r.d = 'in' then 'received' else 'sent' end
    from jsonb_to_recordset(${asJson(
      toInsert.map((p) => ({
        i: p.i,
        c: p.conversation.id,
        ch: p.channel.id,
        e: messageKey(p.channel.kind, p.event.chatId, p.event.externalMessageId),
        d: p.direction,
        k: p.event.attachments[0] ? storedKind(p.event.attachments[0]) : "text",
        t: p.text,
        s: p.sentAt.toISOString(),
      })),
    )}) as r(i int, c uuid, ch uuid, e text, d text, k text, t text, s timestamptz)
    order by r.i
    -- Redelivery of a stored platform message is harmless: the unique key keeps one row.
    on conflict (channel_id, external_id) do nothing
    returning id, channel_id as ch, external_id as e`);
  const createdIds = new Map(inserted.map((m) => [channelScoped(m.ch, m.e), Number(m.id)]));
  const storedIds = new Map(createdIds);
  const already = toInsert.filter((p) => !createdIds.has(p.key));
  if (already.length) {
    const rows = await tx.execute<{ id: string | number; ch: string; e: string }>(sql`
      select m.id, m.channel_id as ch, m.external_id as e
      from messages m join jsonb_to_recordset(${asJson(already.map((p) => ({ ch: p.channel.id, e: messageKey(p.channel.kind, p.event.chatId, p.event.externalMessageId) })))}) as r(ch uuid, e text)
        on m.channel_id = r.ch and m.external_id = r.e`);
    for (const m of rows) storedIds.set(channelScoped(m.ch, m.e), Number(m.id));
  }
  const created = planned.filter((p) => firstOfKey.get(p.key) === p.i && createdIds.has(p.key));
  const attachmentIds = await storeAttachments(tx, projectId, created.map((p) => ({ messageId: createdIds.get(p.key)!, event: p.event })));
  await updateAggregates(tx, created.map((p) => ({ ...p, messageId: createdIds.get(p.key)! })));
  // The conversation is new for the first event of its chat only, when that event stored a message.
  const firstOfChat = new Set<string>();
  return planned.map((p): MessageResult => {
    const chat = channelScoped(p.channel.id, p.event.chatId);
    const firstInChat = !firstOfChat.has(chat);
    firstOfChat.add(chat);
    const base = { kind: "message" as const, conversationId: p.conversation.id, direction: p.direction, assigneeId: p.conversation.assigneeId };
    if (firstOfKey.get(p.key) !== p.i || !createdIds.has(p.key)) return { ...base, created: false, messageId: storedIds.get(p.key)!, newConversation: false, attachmentIds: [] };
    const messageId = createdIds.get(p.key)!;
    return { ...base, created: true, messageId, newConversation: p.conversation.created && firstInChat, attachmentIds: attachmentIds.get(messageId) ?? [] };
  });
}

/** Attachment rows of the new messages, ids by message in the order the platform listed them. */
async function storeAttachments(tx: Tx, projectId: string, created: { messageId: number; event: MessageEvent }[]): Promise<Map<number, string[]>> {
  const rows = created.flatMap(({ messageId, event }) =>
    event.attachments.map((a) => ({ m: messageId, k: storedKind(a), mi: a.mime ? storedFileType(a.mime) : null, sz: a.size, fn: a.fileName, f: downloadRef(a) })),
  );
  const ids = new Map<number, string[]>();
  if (!rows.length) return ids;
  const stored = await tx.execute<{ id: string; m: string | number }>(sql`
    insert into attachments (project_id, message_id, kind, mime, size, file_name, platform_file_id)
    select ${projectId}::uuid, r.m, r.k, r.mi, r.sz, r.fn, r.f
    from jsonb_to_recordset(${asJson(rows.map((r, i) => ({ ...r, i })))}) as r(i int, m bigint, k text, mi text, sz int, fn text, f text)
    order by r.i
    returning id, message_id as m`);
  for (const a of stored) ids.set(Number(a.m), [...(ids.get(Number(a.m)) ?? []), a.id]);
  return ids;
}

/**
 * One update per conversation for all its new messages, by the one rule (aggregates.ts): the
 * messages of a conversation are folded in the order they were stored. Conversations are locked
 * in id order, so concurrent batches cannot deadlock.
 */
async function updateAggregates(tx: Tx, created: { conversation: StoredConversation; event: MessageEvent; direction: "in" | "out"; text: string; sentAt: Date; messageId: number }[]) {
  const deltas = new Map<string, ConversationDelta>();
  for (const m of created) {
    // A message of ours that comes in here was written in the platform's own app: no member known.
    const message = { id: m.messageId, sentAt: m.sentAt, direction: m.direction, author: m.direction === "in" ? ("client" as const) : ("member" as const), authorId: null, preview: previewOf(m.text, m.event.attachments) };
    deltas.set(m.conversation.id, addMessage(deltas.get(m.conversation.id), message));
  }
  if (!deltas.size) return;
  await tx.execute(sql`
    with v as (${deltaRows(deltas)}),
    locked as (select c.id from conversations c where c.id in (select id from v) order by c.id for update)
    update conversations set ${setList(addDelta(deltaFrom("v")))}
    from v join locked on locked.id = v.id
    where conversations.id = v.id`);
}
