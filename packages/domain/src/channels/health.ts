import { and, asc, eq, isNotNull, sql } from "drizzle-orm";
import { storedFailure, type ChannelError } from "@threadline/channels";
import { channels, memberships, notifications, withTenant, type Db, type Tx } from "@threadline/db";
import type { RealtimeEvent } from "../events.ts";
import { NOTIFICATION_TEXTS } from "../leads/notification-texts.ts";

// Channel health: a platform refusing the channel's token (Telegram 401, VK errors 5, 7, 15, 27)
// puts it in the error state at once; other failures of the platform (not of one client) do after
// FAILURES_BEFORE_ERROR in a row. The first send that goes through clears it. The reason is
// stored as a code the UI words; admins are notified once, when the channel breaks.

export const FAILURES_BEFORE_ERROR = 5;

/**
 * Counts a failed send of the channel. Returns true when this failure put the channel in the
 * error state (its admins were notified).
 */
export async function recordChannelFailure(db: Db, input: { projectId: string; channelId: string }, err: ChannelError, publish: (e: RealtimeEvent) => Promise<void>, now = new Date()): Promise<boolean> {
  // One client blocking the bot says nothing about the channel.
  if (err.kind === "client_denied" || err.kind === "rate_limited") return false;
  const events: RealtimeEvent[] = [];
  const broke = await withTenant(db, input.projectId, async (tx) => {
    const [row] = await tx
      .update(channels)
      .set({ failureCount: sql`${channels.failureCount} + 1` })
      .where(eq(channels.id, input.channelId))
      .returning({ failureCount: channels.failureCount, errorCode: channels.errorCode });
    if (!row || row.errorCode) return false;
    if (err.kind !== "auth" && row.failureCount < FAILURES_BEFORE_ERROR) return false;
    const errorCode = err.kind === "auth" ? storedFailure(err.reason) : storedFailure({ code: "channel.repeatedFailures" });
    await tx.update(channels).set({ errorCode, errorAt: now }).where(eq(channels.id, input.channelId));
    await notifyAdmins(tx, input.projectId, events);
    return true;
  });
  for (const e of events) await publish(e);
  return broke;
}

/** The channel works: its error state and failure count are cleared (a no-op when healthy). */
export async function recordChannelSuccess(tx: Tx, channelId: string): Promise<void> {
  await tx
    .update(channels)
    .set({ failureCount: 0, errorCode: null, errorAt: null })
    .where(and(eq(channels.id, channelId), sql`(${channels.failureCount} > 0 or ${channels.errorCode} is not null)`));
}

/** Channels in the error state, for the banners in admin and the inbox. */
export async function channelProblems(tx: Tx) {
  return tx
    .select({ id: channels.id, kind: channels.kind, name: channels.name, errorCode: channels.errorCode, errorAt: channels.errorAt })
    .from(channels)
    .where(isNotNull(channels.errorCode))
    .orderBy(asc(channels.createdAt));
}

async function notifyAdmins(tx: Tx, projectId: string, events: RealtimeEvent[]) {
  const admins = await tx
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.active, true), sql`exists (select 1 from roles r where r.id = ${memberships.roleId} and 'channels.manage' = any(r.permissions))`));
  for (const a of admins) {
    const [note] = await tx.insert(notifications).values({ projectId, membershipId: a.id, kind: "channel.error", text: NOTIFICATION_TEXTS.channelError }).returning({ id: notifications.id });
    events.push({ type: "notification", projectId, membershipId: a.id, conversationId: null, notificationId: note!.id, text: NOTIFICATION_TEXTS.channelError });
  }
}
