import { redactStage, redactText } from "../access/redact.ts";
import { and, eq } from "drizzle-orm";
import { conversations, leadEvents, type LeadStage, type Tx } from "@threadline/db";
import { assertCan, type Member } from "../access/member.ts";
import { recordAudit } from "../audit/service.ts";
import { getConversation } from "../conversations/thread.ts";
import { memberName } from "../staff/member-name.ts";
import { lockConversation } from "./lock.ts";
import { addWonExample } from "./examples.ts";
import { moveLead } from "./stages.ts";

/** Stages a member may set by hand. */
export const manualStages = ["bot", "assigned", "needs_human", "low_quality", "spam", "won", "lost"] as const satisfies readonly LeadStage[];
export type ManualStage = (typeof manualStages)[number];

/**
 * A member moves a lead to another stage, recorded with their name. `won` adds the conversation
 * to the project's example library; `bot` gives it back to the agent (its switch goes on);
 * `assigned` without an assignee makes the member the assignee.
 */
export async function setLeadStage(tx: Tx, member: Member, conversationId: string, stage: ManualStage, reason?: string) {
  assertCan(member, "conversations.assign");
  await lockConversation(tx, conversationId);
  const c = await getConversation(tx, member, conversationId);
  if (c.stage === stage) return { stage, changed: false };
  const now = new Date();
  if (stage === "bot" && !c.aiEnabled) {
    await tx.update(conversations).set({ aiEnabled: true, aiToggledBy: member.membershipId, aiToggledAt: now }).where(eq(conversations.id, conversationId));
  }
  if (stage === "assigned" && !c.assigneeId && member.permissions.has("inbox.use")) {
    await tx.update(conversations).set({ assigneeId: member.membershipId }).where(eq(conversations.id, conversationId));
  }
  await moveLead(tx, { projectId: member.projectId, conversationId, from: c.stage, to: stage, actor: { kind: "member", membershipId: member.membershipId }, reason: reason ?? "manual" });
  if (stage === "won") await addWonExample(tx, { projectId: member.projectId, conversationId, contactName: c.contact.name, addedBy: member.membershipId });
  await recordAudit(tx, {
    projectId: member.projectId,
    actorUserId: member.userId,
    action: "conversation.stage_changed",
    targetType: "conversation",
    targetId: conversationId,
    details: { from: c.stage, to: stage },
  });
  return { stage, changed: true };
}

/** A conversation's stage history, oldest first: what changed, who or what did it, when and why. */
export async function listLeadEvents(tx: Tx, member: Member, conversationId: string) {
  await getConversation(tx, member, conversationId);
  const rows = await tx
    .select({
      id: leadEvents.id,
      fromStage: leadEvents.fromStage,
      toStage: leadEvents.toStage,
      actorKind: leadEvents.actorKind,
      actorName: memberName(leadEvents.actorMembershipId),
      reason: leadEvents.reason,
      createdAt: leadEvents.createdAt,
    })
    .from(leadEvents)
    .where(and(eq(leadEvents.conversationId, conversationId)))
    .orderBy(leadEvents.createdAt);
  return rows.map((e) => ({ ...e, fromStage: redactStage(member, e.fromStage), toStage: redactStage(member, e.toStage), reason: redactText(member, e.reason) }));
}
