import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { channels, contacts, conversations, notifications, type Tx } from "@threadline/db";
import { redactText } from "../access/redact.ts";
import type { Member } from "../access/member.ts";
import { notFound } from "../errors.ts";

// Notifications about one lead of one kind are one entry: "the lead is yours" said again for the
// same client is the same news.
const groupKey = sql`(coalesce(${notifications.conversationId}::text, ${notifications.id}::text), ${notifications.kind})`;

/**
 * The signed-in member's notifications, newest first, one entry per lead and kind (with how many
 * times it came and all its ids, so that opening it reads them all), naming the client and the
 * channel.
 */
export async function listNotifications(tx: Tx, member: Member, opts: { limit: number; unreadOnly?: boolean }) {
  const mine = eq(notifications.membershipId, member.membershipId);
  const rows = await tx
    .select({
      id: notifications.id,
      kind: notifications.kind,
      text: notifications.text,
      conversationId: notifications.conversationId,
      createdAt: notifications.createdAt,
      readAt: notifications.readAt,
      clientName: contacts.name,
      channelKind: channels.kind,
      channelName: channels.name,
    })
    .from(notifications)
    .leftJoin(conversations, eq(conversations.id, notifications.conversationId))
    .leftJoin(contacts, eq(contacts.id, conversations.contactId))
    .leftJoin(channels, eq(channels.id, conversations.channelId))
    .where(and(mine, opts.unreadOnly ? isNull(notifications.readAt) : undefined))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    // Enough rows for `limit` entries when some repeat.
    .limit(opts.limit * 4);
  type Entry = Omit<(typeof rows)[number], "kind"> & { ids: string[]; repeats: number };
  const entries = new Map<string, Entry>();
  for (const n of rows) {
    const key = `${n.conversationId ?? n.id}:${n.kind}`;
    const entry = entries.get(key);
    if (entry) {
      entry.ids.push(n.id);
      entry.repeats += 1;
      if (!n.readAt) entry.readAt = null;
      continue;
    }
    if (entries.size === opts.limit) continue;
    const { kind: _kind, ...rest } = n;
    entries.set(key, { ...rest, text: redactText(member, n.text), ids: [n.id], repeats: 1 });
  }
  return [...entries.values()];
}

/** How many of the member's notification entries (one per lead and kind) are unread. */
export async function countUnreadNotifications(tx: Tx, member: Member): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(distinct ${groupKey})::int` })
    .from(notifications)
    .where(and(eq(notifications.membershipId, member.membershipId), isNull(notifications.readAt)));
  return row?.n ?? 0;
}

/** Marks the member's own notifications read: the ones given, or all of them. */
export async function markNotificationsRead(tx: Tx, member: Member, ids?: string[]) {
  const mine = eq(notifications.membershipId, member.membershipId);
  if (ids) {
    const found = await tx.select({ id: notifications.id }).from(notifications).where(and(mine, inArray(notifications.id, ids)));
    if (found.length !== new Set(ids).size) throw notFound("notification");
    await tx.update(notifications).set({ readAt: new Date() }).where(and(mine, inArray(notifications.id, ids), isNull(notifications.readAt)));
    return;
  }
  await tx.update(notifications).set({ readAt: new Date() }).where(and(mine, isNull(notifications.readAt)));
}
