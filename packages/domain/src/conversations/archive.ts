// Archived conversations (decision 067): set aside by a manager from the thread's header or by the
// project's «Спам → в архив» rule. They leave the list and the unread counts and are seen under
// «Архив»; a new client message brings one back (the message writer's `addDelta`), except spam.
import { and, eq, isNull, or, sql } from "drizzle-orm";
import { conversations, rotationRules, type Tx } from "@threadline/db";
import { assertCan, type Member } from "../access/member.ts";
import { recordAudit } from "../audit/service.ts";
import { getConversation } from "./thread.ts";

/** Archives or brings back one conversation the member may see (another's or another tenant's: NOT_FOUND). */
export async function setConversationArchived(tx: Tx, member: Member, conversationId: string, archived: boolean) {
  assertCan(member, "inbox.use");
  const c = await getConversation(tx, member, conversationId);
  if (archived === (c.archivedAt !== null)) return { assigneeId: c.assigneeId, changed: false };
  await tx
    .update(conversations)
    .set(archived ? { archivedAt: new Date(), archivedBy: member.membershipId } : { archivedAt: null, archivedBy: null })
    .where(eq(conversations.id, conversationId));
  await recordAudit(tx, {
    projectId: member.projectId,
    actorUserId: member.userId,
    action: archived ? "conversation.archived" : "conversation.unarchived",
    targetType: "conversation",
    targetId: conversationId,
    details: {},
  });
  return { assigneeId: c.assigneeId, changed: true };
}

/**
 * The «Спам → в архив» rule: a spam conversation of a channel the rule covers (or any channel) is
 * archived, once; a manager who brought it back is not overruled until it is read as spam again.
 */
export async function archiveSpamByRule(tx: Tx, conversation: { id: string; channelId: string }): Promise<boolean> {
  const [rule] = await tx
    .select({ id: rotationRules.id })
    .from(rotationRules)
    .where(and(eq(rotationRules.archive, true), eq(rotationRules.intent, "spam"), or(isNull(rotationRules.channelId), eq(rotationRules.channelId, conversation.channelId))))
    .limit(1);
  if (!rule) return false;
  const rows = await tx
    .update(conversations)
    .set({ archivedAt: sql`now()`, archivedBy: null })
    .where(and(eq(conversations.id, conversation.id), isNull(conversations.archivedAt)))
    .returning({ id: conversations.id });
  return rows.length > 0;
}
