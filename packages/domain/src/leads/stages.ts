import { eq, sql } from "drizzle-orm";
import { conversations, leadEvents, notifications, type LeadStage, type Tx } from "@threadline/db";
import type { RealtimeEvent } from "../events.ts";
import type { NotificationText } from "./notification-texts.ts";
import { nextInRotation } from "./rotation.ts";

export type LeadActor = { kind: "agent" | "system" } | { kind: "member"; membershipId: string };

/** Realtime events to publish once the transaction that caused them is committed. */
export type PendingEvents = RealtimeEvent[];

export { NOTIFICATION_TEXTS, type NotificationText } from "./notification-texts.ts";

/** Moves a conversation to another stage and records who or what did it, when and why. */
export async function moveLead(
  tx: Tx,
  input: { projectId: string; conversationId: string; from: LeadStage; to: LeadStage; actor: LeadActor; reason?: string | null },
): Promise<void> {
  if (input.from === input.to) return;
  await tx.update(conversations).set({ stage: input.to }).where(eq(conversations.id, input.conversationId));
  await tx.insert(leadEvents).values({
    projectId: input.projectId,
    conversationId: input.conversationId,
    fromStage: input.from,
    toStage: input.to,
    actorKind: input.actor.kind,
    actorMembershipId: input.actor.kind === "member" ? input.actor.membershipId : null,
    reason: input.reason ?? null,
    // Several changes in one transaction (new → bot → assigned) keep their order.
    createdAt: sql`clock_timestamp()`,
  });
}

/**
 * Gives a lead to a person: the conversation's assignee if it has one, else the next member in
 * the project's rotation (its rules, weights and shifts), who gets a notification (a row in their
 * list and a realtime event). When nobody may take it now, the lead waits in the queue
 * (`queued_at`) for the first member whose shift starts.
 */
export async function handOver(
  tx: Tx,
  input: { projectId: string; conversationId: string; assigneeId: string | null; text: NotificationText; now?: Date; kind?: string },
  events: PendingEvents,
): Promise<string | null> {
  if (input.assigneeId) return input.assigneeId;
  const [origin] = await tx.select({ channelId: conversations.channelId, attribution: conversations.attribution, intent: conversations.intent }).from(conversations).where(eq(conversations.id, input.conversationId));
  const next = await nextInRotation(tx, input.projectId, { now: input.now, origin });
  if (!next) {
    await tx.update(conversations).set({ queuedAt: sql`coalesce(${conversations.queuedAt}, now())` }).where(eq(conversations.id, input.conversationId));
    return null;
  }
  await assignWithNotice(tx, { projectId: input.projectId, conversationId: input.conversationId, membershipId: next.membershipId, text: input.text, kind: input.kind }, events);
  return next.membershipId;
}

/** Makes the member the assignee (out of the queue) and tells them: a notification row and its event. */
export async function assignWithNotice(
  tx: Tx,
  input: { projectId: string; conversationId: string; membershipId: string; text: NotificationText; kind?: string },
  events: PendingEvents,
): Promise<void> {
  await tx.update(conversations).set({ assigneeId: input.membershipId, queuedAt: null }).where(eq(conversations.id, input.conversationId));
  const [note] = await tx
    .insert(notifications)
    .values({ projectId: input.projectId, membershipId: input.membershipId, conversationId: input.conversationId, kind: input.kind ?? "lead.assigned", text: input.text })
    .returning({ id: notifications.id });
  events.push({
    type: "notification",
    projectId: input.projectId,
    membershipId: input.membershipId,
    conversationId: input.conversationId,
    notificationId: note!.id,
    text: input.text,
  });
}
