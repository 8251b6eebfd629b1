import { and, desc, eq, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import { channels, contacts, conversationReads, conversations, memberships, users, type LeadStage, type Tx } from "@threadline/db";
import { can, type Member } from "../access/member.ts";
import { redactAttribution, redactContact } from "../access/redact.ts";

export type ConversationFilter = "all" | "mine" | "unassigned" | "unread";
export type ListCursor = { lastMessageAt: Date; id: string };
export type ListInput = { filter: ConversationFilter; channelId?: string; stage?: LeadStage; search?: string; cursor?: ListCursor; limit: number };

/** What a member may see: everything with conversations.viewAll, else their own and unassigned. */
export function visibleTo(member: Member): SQL | undefined {
  if (can(member, "conversations.viewAll")) return undefined;
  return or(eq(conversations.assigneeId, member.membershipId), isNull(conversations.assigneeId));
}

// Unread count for this member, capped: the list shows "99+" rather than counting thousands.
const UNREAD_CAP = 100;

function searchCondition(member: Member, q: string): SQL {
  const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const digits = q.replace(/\D/g, "");
  return or(
    sql`${contacts.name} ilike ${like}`,
    // A phone the role may not see is not searchable either: the result would reveal it.
    digits.length >= 3 && !member.hiddenFields.has("contact.phone") ? sql`${contacts.phone} like ${`%${digits}%`}` : undefined,
    sql`exists (select 1 from messages m where m.conversation_id = ${conversations.id} and to_tsvector('russian', m.text) @@ plainto_tsquery('russian', ${q}))`,
  )!;
}

/**
 * One page of the inbox list, newest first, in one query: conversations with no message are
 * left out, the member's unread count comes from their read point.
 */
export async function listConversations(tx: Tx, member: Member, input: ListInput) {
  const read = sql`coalesce((select r.last_read_seq from ${conversationReads} r where r.conversation_id = ${conversations.id} and r.membership_id = ${member.membershipId}), 0)`;
  const conditions = [
    sql`${conversations.lastMessageAt} is not null`,
    visibleTo(member),
    input.filter === "mine" ? eq(conversations.assigneeId, member.membershipId) : undefined,
    input.filter === "unassigned" ? isNull(conversations.assigneeId) : undefined,
    input.filter === "unread" ? sql`${conversations.lastInboundSeq} > ${read}` : undefined,
    input.channelId ? eq(conversations.channelId, input.channelId) : undefined,
    input.stage ? eq(conversations.stage, input.stage) : undefined,
    input.search?.trim() ? searchCondition(member, input.search.trim()) : undefined,
    input.cursor
      ? or(
          lt(conversations.lastMessageAt, input.cursor.lastMessageAt),
          and(eq(conversations.lastMessageAt, input.cursor.lastMessageAt), lt(conversations.id, input.cursor.id)),
        )
      : undefined,
  ];
  const rows = await tx
    .select({
      id: conversations.id,
      stage: conversations.stage,
      aiEnabled: conversations.aiEnabled,
      lastMessageAt: conversations.lastMessageAt,
      preview: conversations.lastMessagePreview,
      lastDirection: conversations.lastMessageDirection,
      attribution: conversations.attribution,
      assigneeId: conversations.assigneeId,
      assigneeName: users.name,
      channelId: channels.id,
      channelKind: channels.kind,
      channelName: channels.name,
      contact: { id: contacts.id, name: contacts.name, phone: contacts.phone, profileUrl: contacts.profileUrl, active: contacts.active, username: contacts.username },
      unread: sql<number>`(select count(*)::int from (select 1 from messages m where m.conversation_id = ${conversations.id} and m.direction = 'in' and m.id > ${read} limit ${UNREAD_CAP}) u)`,
    })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .leftJoin(memberships, eq(memberships.id, conversations.assigneeId))
    .leftJoin(users, eq(users.id, memberships.userId))
    .where(and(...conditions))
    .orderBy(desc(conversations.lastMessageAt), desc(conversations.id))
    .limit(input.limit);
  const items = rows.map((r) => redactAttribution(member, { ...r, contact: redactContact(member, r.contact) }));
  const last = rows[rows.length - 1];
  return { items, nextCursor: rows.length === input.limit && last ? { lastMessageAt: last.lastMessageAt!, id: last.id } : null };
}

/** Unread conversations per project for the project switcher badges. */
export async function countUnreadConversations(tx: Tx, member: Member): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(conversations)
    .where(
      and(
        sql`${conversations.lastMessageAt} is not null`,
        visibleTo(member),
        sql`${conversations.lastInboundSeq} > coalesce((select r.last_read_seq from ${conversationReads} r where r.conversation_id = ${conversations.id} and r.membership_id = ${member.membershipId}), 0)`,
      ),
    );
  return row?.n ?? 0;
}
