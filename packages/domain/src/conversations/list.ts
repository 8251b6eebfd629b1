import { and, desc, eq, isNull, or, sql, type SQL } from "drizzle-orm";
import type { PgSelect } from "drizzle-orm/pg-core";
import { channels, contacts, contactTags, conversationReads, conversations, memberships, users, type ConversationIntent, type LeadStage, type Tx } from "@threadline/db";
import { can, type Member } from "../access/member.ts";
import { redactConversation } from "../access/redact.ts";
import { tagsOfContactColumn } from "../contacts/tag-read.ts";
import { forbidden } from "../errors.ts";
import { hidesPayments, newestIsBill } from "../payments/bill-messages.ts";
import { commonTest, correctTypos, findMatches, findSimilarNames, inHitSets, lastWordPrefix, searchHitSets, searchTerms, type ListCursor, type SearchMatch, type SearchTerms } from "./search.ts";

/** «Архив» shows the archived conversations; every other filter leaves them out (decision 067). */
export type ConversationFilter = "all" | "mine" | "unassigned" | "unread" | "awaiting" | "archived";
export type ListInput = { filter: ConversationFilter; channelId?: string; stage?: LeadStage; intent?: ConversationIntent; tagId?: string; search?: string; cursor?: ListCursor; limit: number };

/** What a member may see: everything with conversations.viewAll, else their own and unassigned. */
export function visibleTo(member: Member): SQL | undefined {
  if (can(member, "conversations.viewAll")) return undefined;
  return or(eq(conversations.assigneeId, member.membershipId), isNull(conversations.assigneeId));
}

// Unread count for this member, capped: the list shows "99+" rather than counting thousands.
const UNREAD_CAP = 100;

// The member's read point (0 if never opened). CASE rather than coalesce: under row-level
// security only leakproof conditions reach an index, and Postgres does not count coalesce as one.
const readPoint = sql`case when ${conversationReads.lastReadSeq} is null then 0 else ${conversationReads.lastReadSeq} end`;

/**
 * Waiting for a person: neither in the first-contact agent's hands (it answers there: `bot` and
 * `low_quality` with the agent on in the conversation) nor spam (never routed to a person).
 * Unread counts only such conversations, so the counts and «Непрочитанные» show what people have
 * to read, not what the agent is handling; an archived conversation waits for nobody. Conditions
 * on the conversation row alone: checked on the rows the list index already reads.
 */
const forAPerson = sql`not (${conversations.aiEnabled} and ${conversations.stage} in ('bot', 'low_quality')) and ${conversations.stage} <> 'spam' and ${conversations.archivedAt} is null`;

/** Unread for this member: a client message past their read point, in a conversation waiting for a person. */
const unreadFor = sql`${conversations.lastInboundSeq} > ${readPoint} and ${forAPerson}`;

/** «Ждут ответа»: the client wrote last, and the conversation waits for a person. */
const awaitingAnswer = sql`${conversations.lastMessageDirection} = 'in' and ${forAPerson}`;

/** Join condition for the member's own read points. */
const readsOf = (member: Member) => and(eq(conversationReads.conversationId, conversations.id), eq(conversationReads.membershipId, member.membershipId));

/**
 * The client carries this tag: a probe of the attachment's primary key (contact, tag) per row
 * the list index yields, so the list keeps its order and its index (measured in decision 052).
 */
const hasTag = (tagId: string) =>
  sql`exists (select 1 from ${contactTags} where ${contactTags.contactId} = ${conversations.contactId} and ${contactTags.tagId} = ${sql.param(tagId, contactTags.tagId)})`;

/** The conversations a member may find at all: those with a message that they may see. */
function seenBy(member: Member): (SQL | undefined)[] {
  return [sql`${conversations.lastMessageAt} is not null`, visibleTo(member)];
}

/** The list's filters and visibility, without the cursor and the search. */
function listFilters(member: Member, input: ListInput): (SQL | undefined)[] {
  return [
    ...seenBy(member),
    input.filter === "mine" ? eq(conversations.assigneeId, member.membershipId) : undefined,
    input.filter === "unassigned" ? isNull(conversations.assigneeId) : undefined,
    input.filter === "unread" ? unreadFor : undefined,
    input.filter === "awaiting" ? awaitingAnswer : undefined,
    // Each side has its own partial indexes: the list's three, or conversations_archive_list.
    input.filter === "archived" ? sql`${conversations.archivedAt} is not null` : sql`${conversations.archivedAt} is null`,
    input.channelId ? eq(conversations.channelId, input.channelId) : undefined,
    input.stage ? eq(conversations.stage, input.stage) : undefined,
    input.intent ? eq(conversations.intent, input.intent) : undefined,
    input.tagId ? hasTag(input.tagId) : undefined,
  ];
}

/** Rows after the cursor: a row comparison is one index range. */
function after(cursor: ListCursor | undefined): SQL | undefined {
  if (!cursor) return undefined;
  return sql`(${conversations.lastMessageAt}, ${conversations.id}) < (${sql.param(cursor.lastMessageAt, conversations.lastMessageAt)}, ${sql.param(cursor.id, conversations.id)})`;
}

/**
 * The list in its order (one range of the list index), with the columns the query picked. The
 * contact and the channel are always there (foreign keys), joined as LEFT JOINs all the same:
 * Postgres estimates an inner join through a foreign key by the whole referenced table, all
 * tenants' channels and contacts, so it would expect a handful of rows, sort them all and never
 * read the index in order.
 */
function inListOrder<Q extends PgSelect>(query: Q, member: Member, conditions: (SQL | undefined)[], limit: number) {
  return query
    .leftJoin(contacts, eq(contacts.id, conversations.contactId))
    .leftJoin(channels, eq(channels.id, conversations.channelId))
    .leftJoin(conversationReads, readsOf(member))
    .leftJoin(memberships, eq(memberships.id, conversations.assigneeId))
    .leftJoin(users, eq(users.id, memberships.userId))
    .where(and(...conditions))
    .orderBy(desc(conversations.lastMessageAt), desc(conversations.id))
    .limit(limit);
}

const idIn = (ids: string[]) => sql`${conversations.id} = any(${sql.param(ids)}::uuid[])`;

/**
 * The ids of up to `limit` conversations that pass `test`, walking the list in its order from
 * `start`, `window` rows at a time (each window four times larger), so the test runs on the rows
 * the page needs and not on every conversation the member sees: within a window it stops at the
 * `limit`-th hit. Stops after `maxWindows` windows: `end` is then where the walk stopped, null
 * when it reached the end of the list.
 */
async function walkForHits(tx: Tx, member: Member, filters: (SQL | undefined)[], test: SQL, start: ListCursor | undefined, limit: number, window: number, maxWindows = Infinity) {
  const found: string[] = [];
  let cursor = start;
  for (let n = 0; n < maxWindows; n++, window *= 4) {
    const rows = inListOrder(tx.select({ id: conversations.id, lastMessageAt: conversations.lastMessageAt, hit: sql<boolean>`(${test})`.as("hit") }).from(conversations).$dynamic(), member, [...filters, after(cursor)], window).as("w");
    // The window's rows stream in list order; the test runs until enough of them passed.
    const hits = await tx.select({ id: rows.id, lastMessageAt: rows.lastMessageAt }).from(rows).where(sql`${rows.hit}`).limit(limit - found.length);
    found.push(...hits.map((h) => h.id));
    const lastHit = hits[hits.length - 1];
    if (found.length === limit && lastHit) return { ids: found, end: { lastMessageAt: lastHit.lastMessageAt!, id: lastHit.id } };
    const [last] = await inListOrder(tx.select({ id: conversations.id, lastMessageAt: conversations.lastMessageAt }).from(conversations).$dynamic(), member, [...filters, after(cursor)], 1).offset(window - 1);
    if (!last) return { ids: found, end: null };
    cursor = { lastMessageAt: last.lastMessageAt!, id: last.id };
  }
  return { ids: found, end: cursor ?? null };
}

/** A page of the list: the rows the member sees, with everything the list shows of them. */
async function pageRows(tx: Tx, member: Member, conditions: (SQL | undefined)[], limit: number) {
  const fields = {
    id: conversations.id,
    stage: conversations.stage,
    intent: conversations.intent,
    aiEnabled: conversations.aiEnabled,
    archivedAt: conversations.archivedAt,
    lastMessageAt: conversations.lastMessageAt,
    preview: conversations.lastMessagePreview,
    lastDirection: conversations.lastMessageDirection,
    lastAuthor: conversations.lastMessageAuthor,
    lastAuthorId: conversations.lastMessageAuthorId,
    // Mostly the assignee, whose name is joined already; anyone else's is looked up for the page's rows.
    lastAuthorName: sql<string | null>`case when ${conversations.lastMessageAuthorId} = ${conversations.assigneeId} then ${users.name} else (select u.name from memberships am join users u on u.id = am.user_id where am.id = ${conversations.lastMessageAuthorId}) end`,
    attribution: conversations.attribution,
    assigneeId: conversations.assigneeId,
    assigneeName: users.name,
    channelId: channels.id,
    channelKind: channels.kind,
    channelName: channels.name,
    contact: { id: contacts.id, name: contacts.name, phone: contacts.phone, profileUrl: contacts.profileUrl, active: contacts.active, username: contacts.username },
    // The preview quotes the newest message; a bill's is payment data.
    previewIsBill: hidesPayments(member) ? newestIsBill(conversations) : sql<boolean>`false`,
    tags: tagsOfContactColumn(contacts.id),
    // Counted for the page's rows only, and only where something is unread: an index range of
    // the client's messages past the read point.
    unread: sql<number>`case when ${unreadFor} then (select count(*)::int from (select 1 from messages m where m.conversation_id = ${conversations.id} and m.direction = 'in' and m.id > ${readPoint} limit ${UNREAD_CAP}) u) else 0 end`,
  };
  const rows = await inListOrder(tx.select(fields).from(conversations).$dynamic(), member, conditions, limit);
  // The channel and the contact are never null (foreign keys; left joins only for the plan).
  type Row = (typeof rows)[number];
  type PageRow = Omit<Row, "channelId" | "channelKind" | "channelName" | "contact"> & { [K in "channelId" | "channelKind" | "channelName" | "contact"]: NonNullable<Row[K]> };
  return (rows as PageRow[]).map(({ previewIsBill, ...r }) =>
    Object.assign(redactConversation(member, previewIsBill ? { ...r, preview: null } : r), { lastBy: lastByOf(member, r) }),
  );
}

/**
 * Who wrote the last message, as the preview names them for this member: the client, the member
 * themselves, a colleague (by name), the agent, or the team when the member is not known (a reply
 * written in the platform's own app, imported history).
 */
function lastByOf(member: Member, r: { lastDirection: "in" | "out" | null; lastAuthor: string | null; lastAuthorId: string | null; lastAuthorName: string | null }) {
  if (r.lastAuthor === "agent") return "agent" as const;
  if (r.lastAuthor === "client" || r.lastDirection === "in") return "client" as const;
  if (r.lastAuthorId === member.membershipId) return "me" as const;
  return r.lastAuthorName ? ("colleague" as const) : ("team" as const);
}

/**
 * A page of search results (decision 039). First the head of the list is tested row by row: a
 * term found all over the list fills its page there, and the indexes are never asked for all its
 * hits. Otherwise the indexes' hits after that head are resolved up to RARE_LIMIT conversations,
 * and the page is a lookup of them in list order; for a kind of hit commoner than that, the walk
 * goes on. Each result carries the newest message with the words, its matches marked.
 */
async function searchPage(tx: Tx, member: Member, filters: (SQL | undefined)[], input: ListInput, search: string) {
  let terms = await searchTerms(tx, member, search);
  const exact = await foundPage(tx, member, filters, input, terms);
  let items = exact.items;
  // Nothing with the words as typed (decision 054): the last word may be a beginning still being
  // typed («тюльп»), then the query may be a name with a typo («Смирнва»). Only when the words as
  // typed hit nothing at all: hits the filters («Непрочитанные») or the page left out are not a
  // typo, and widening for them would cost a prefix scan and show other words.
  const widen = () => !items.length && !exact.hitsBeyond;
  if (widen() && lastWordPrefix(search)) {
    terms = await searchTerms(tx, member, search, { prefix: true });
    items = (await foundPage(tx, member, filters, input, terms)).items;
  }
  if (widen()) {
    const similar = await findSimilarNames(tx, search);
    if (similar.length) items = await pageRows(tx, member, [...filters, after(input.cursor), idIn(similar)], input.limit);
  }
  // Then a word of the message may be mistyped («доствка»): the project's own words stand in for
  // the ones it never wrote (decision 063), and the member is told what was searched instead.
  let corrected: string | null = null;
  if (widen()) {
    const fixed = await correctTypos(tx, search);
    if (fixed) {
      terms = await searchTerms(tx, member, fixed);
      items = (await foundPage(tx, member, filters, input, terms)).items;
      if (items.length) corrected = fixed;
    }
  }
  const matches = await findMatches(tx, member, terms, items.map((r) => r.id));
  return { items: items.map((r) => Object.assign(r, { match: matches.get(r.id) ?? null })), corrected };
}

/**
 * The page of conversations found by the terms, in list order after the cursor, and whether the
 * terms hit anything after it at all, the member's filters aside (`hitsBeyond`: a common word, or
 * hits the filters left out).
 */
async function foundPage(tx: Tx, member: Member, filters: (SQL | undefined)[], input: ListInput, terms: SearchTerms) {
  // Every kind of hit, tested row by row (the name or phone test is always there).
  const test = sql`(${commonTest(terms, { contacts: true, messages: true })!})`;
  // Words the planner's statistics call common are looked for in the head of the list first.
  const head = terms.wordsCommon ? await walkForHits(tx, member, filters, test, input.cursor, input.limit, input.limit * 4, 2) : { ids: [], end: input.cursor ?? null };
  let ids = head.ids;
  let items: Awaited<ReturnType<typeof pageRows>>;
  let hitsBeyond = false;
  // A term common enough to be walked for is surely in what a member who sees every conversation
  // sees; for one who sees some, that is not known without a walk, so it counts as no hit.
  const commonSeen = visibleTo(member) === undefined;
  if (ids.length === input.limit || (terms.wordsCommon && !head.end)) {
    items = ids.length ? await pageRows(tx, member, [...filters, idIn(ids)], input.limit) : [];
    return { items, hitsBeyond: ids.length > 0 || (terms.wordsCommon && commonSeen) };
  } else {
    const found = await collectHits(tx, member, filters, terms, head.end ?? undefined, input.limit - ids.length);
    hitsBeyond = ids.length > 0 || found.seen || ((terms.wordsCommon || found.common !== null) && commonSeen);
    if (found.common) {
      const sets = sql`${conversations.contactId} = any(${sql.param(found.contactIds)}::uuid[]) or ${idIn(found.conversationIds)}`;
      const rest = await walkForHits(tx, member, filters, sql`(${sets} or ${found.common})`, head.end ?? undefined, input.limit - ids.length, input.limit * 16);
      ids = [...ids, ...rest.ids];
    } else {
      // The head's finds come first in list order, then the collected hits' page.
      ids = [...ids, ...found.page];
    }
    items = ids.length ? await pageRows(tx, member, [...filters, idIn(ids)], input.limit) : [];
  }
  return { items, hitsBeyond };
}

/**
 * The search's hit sets (decision 069) and, when every kind of hit is rare, the page they make
 * after `start`: the sets' conversations the member may see, through the member's filters, in list
 * order, in the statement that collects them, so each conversation is read once. `seen`: a hit
 * the member may see exists after `start` (the filters aside). A common kind is left to the list
 * walk: `common` is its test, and the other kind's sets come back for the walk to test too.
 */
async function collectHits(tx: Tx, member: Member, filters: (SQL | undefined)[], terms: SearchTerms, start: ListCursor | undefined, limit: number) {
  const h = sql`h`;
  const passes = and(...filters);
  const [found] = (await tx.execute(sql`
    with h as materialized (select * from ${searchHitSets(terms)}),
    x as materialized (
      select ${conversations.id} as id, ${conversations.lastMessageAt} as at, ${passes ? sql`coalesce(${passes}, false)` : sql`true`} as passes
      from h, ${conversations} left join ${conversationReads} on ${readsOf(member)}
      where not h.contacts_common and not h.messages_common and ${and(...seenBy(member), after(start), inHitSets(h))})
    select h.contacts_common as "contactsCommon", h.messages_common as "messagesCommon",
      case when h.contacts_common or h.messages_common then h.contact_ids else '{}' end as "contactIds",
      case when h.contacts_common or h.messages_common then h.conversation_ids else '{}' end as "conversationIds",
      array(select x.id from x where x.passes order by x.at desc, x.id desc limit ${limit}) as page,
      exists(select 1 from x) as seen
    from h`)) as unknown as [{ contactsCommon: boolean; messagesCommon: boolean; contactIds: string[]; conversationIds: string[]; page: string[]; seen: boolean }];
  return { ...found, common: commonTest(terms, { contacts: found.contactsCommon, messages: found.messagesCommon }) };
}

/**
 * One page of the inbox list, newest first: conversations with no message are left out, the
 * member's unread count comes from their read point.
 */
export async function listConversations(tx: Tx, member: Member, input: ListInput) {
  // The list filtered by «Продажа» would name the sales a role with payments hidden may not see.
  if (input.stage === "won" && member.hiddenFields.has("payments")) throw forbidden("conversations.wonHidden", "Ваша роль не видит продажи");
  const filters = listFilters(member, input);
  const search = input.search?.trim();
  const found = search ? await searchPage(tx, member, filters, input, search) : null;
  const items: (Awaited<ReturnType<typeof pageRows>>[number] & { match?: SearchMatch | null })[] = found
    ? found.items
    : await pageRows(tx, member, [...filters, after(input.cursor)], input.limit);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: items.length === input.limit && last ? { lastMessageAt: last.lastMessageAt!, id: last.id } : null,
    /** The query searched instead of a mistyped one («доставка» for «доствка»), when that found the page. */
    correctedSearch: found?.corrected ?? null,
  };
}

/**
 * Unread conversations (waiting for a person) per project for the project switcher badges: one pass over the visible
 * conversations joined to the member's read points (a hash join, not a lookup per row).
 */
export async function countUnreadConversations(tx: Tx, member: Member): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(conversations)
    .leftJoin(conversationReads, readsOf(member))
    .where(and(sql`${conversations.lastMessageAt} is not null`, visibleTo(member), unreadFor));
  return row?.n ?? 0;
}
