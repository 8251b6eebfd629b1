import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { notifications, type Tx } from "@threadline/db";
import { redactText } from "../access/redact.ts";
import type { Member } from "../access/member.ts";
import { notFound } from "../errors.ts";

/** The signed-in member's notifications, newest first. */
export async function listNotifications(tx: Tx, member: Member, opts: { limit: number; unreadOnly?: boolean }) {
  const mine = eq(notifications.membershipId, member.membershipId);
  const rows = await tx
    .select({ id: notifications.id, text: notifications.text, conversationId: notifications.conversationId, createdAt: notifications.createdAt, readAt: notifications.readAt })
    .from(notifications)
    .where(and(mine, opts.unreadOnly ? isNull(notifications.readAt) : undefined))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(opts.limit);
  return rows.map((n) => ({ ...n, text: redactText(member, n.text) }));
}

/** How many of the member's notifications are unread. */
export async function countUnreadNotifications(tx: Tx, member: Member): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
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
