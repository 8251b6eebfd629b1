import { and, desc, eq, isNull, or, sql, type SQL } from "drizzle-orm";
import { channels, contacts, conversationReads, conversations, memberships, users, type LeadStage, type Tx } from "@threadline/db";
import { can, type Member } from "../access/member.ts";
import { redactAttribution, redactContact } from "../access/redact.ts";
import { searchCondition } from "./search.ts";

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

/**
 * One page of the inbox list, newest first, in one query: conversations with no message are
 * left out, the member's unread count comes from their read point.
 */
export async function listConversations(tx: Tx, member: Member, input: ListInput) {
  // The member's read point (0 if never opened). CASE rather than coalesce: under row-level
  // security only leakproof conditions reach an index, and Postgres does not count coalesce as one.
  const read = sql`case when ${conversationReads.lastReadSeq} is null then 0 else ${conversationReads.lastReadSeq} end`;
  const search = input.search?.trim();
  const conditions = [
    sql`${conversations.lastMessageAt} is not null`,
    visibleTo(member),
    input.filter === "mine" ? eq(conversations.assigneeId, member.membershipId) : undefined,
    input.filter === "unassigned" ? isNull(conversations.assigneeId) : undefined,
    input.filter === "unread" ? sql`${conversations.lastInboundSeq} > ${read}` : undefined,
    input.channelId ? eq(conversations.channelId, input.channelId) : undefined,
    input.stage ? eq(conversations.stage, input.stage) : undefined,
    search ? await searchCondition(tx, member, search) : undefined,
    // A row comparison is one index range: the next page starts where the last one ended.
    input.cursor ? sql`(${conversations.lastMessageAt}, ${conversations.id}) < (${sql.param(input.cursor.lastMessageAt, conversations.lastMessageAt)}, ${sql.param(input.cursor.id, conversations.id)})` : undefined,
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
      // Counted for the page's rows only, and only where something is unread: an index range of
      // the client's messages past the read point.
      unread: sql<number>`case when ${conversations.lastInboundSeq} > ${read} then (select count(*)::int from (select 1 from messages m where m.conversation_id = ${conversations.id} and m.direction = 'in' and m.id > ${read} limit ${UNREAD_CAP}) u) else 0 end`,
    })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .leftJoin(conversationReads, and(eq(conversationReads.conversationId, conversations.id), eq(conversationReads.membershipId, member.membershipId)))
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
