import { and, desc, eq, inArray, lt, or, sql } from "drizzle-orm";
import { attachments, channels, contacts, conversationReads, conversations, leadEvents, memberships, messages, users, type LeadStage, type Tx } from "@threadline/db";
import { assertCan, can, type Member } from "../access/member.ts";
import { redactConversation, redactText } from "../access/redact.ts";
import { recordAudit } from "../audit/service.ts";
import { badRequest, notFound } from "../errors.ts";
import { hidesPayments, isBillMessage } from "../payments/bill-messages.ts";
import { memberName } from "../staff/member-name.ts";
import { visibleTo } from "./list.ts";

/**
 * A conversation the member may see, or NOT_FOUND (other tenants' ids and hidden ones alike), as
 * stored: for the server's own use. What a response carries goes through showConversation.
 */
export async function getConversation(tx: Tx, member: Member, conversationId: string) {
  const [row] = await tx
    .select({
      id: conversations.id,
      stage: conversations.stage,
      intent: conversations.intent,
      aiEnabled: conversations.aiEnabled,
      aiToggledAt: conversations.aiToggledAt,
      archivedAt: conversations.archivedAt,
      attribution: conversations.attribution,
      assigneeId: conversations.assigneeId,
      externalChatId: conversations.externalChatId,
      businessConnectionId: conversations.businessConnectionId,
      lastSeq: conversations.lastSeq,
      lastInboundSeq: conversations.lastInboundSeq,
      createdAt: conversations.createdAt,
      channel: { id: channels.id, kind: channels.kind, name: channels.name },
      contact: { id: contacts.id, name: contacts.name, username: contacts.username, phone: contacts.phone, email: contacts.email, profileUrl: contacts.profileUrl, active: contacts.active, firstTouch: contacts.firstTouch },
    })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .where(and(eq(conversations.id, conversationId), visibleTo(member)));
  if (!row) throw notFound("conversation");
  return row;
}

/** A conversation the member may see, as they may see it (the thread's header, the contact panel). */
export async function showConversation(tx: Tx, member: Member, conversationId: string) {
  return redactConversation(member, await getConversation(tx, member, conversationId));
}

/** Who a conversation is assigned to now (null: nobody), for the realtime event that follows a change. */
export async function assigneeOf(tx: Tx, conversationId: string): Promise<string | null> {
  const [row] = await tx.select({ assigneeId: conversations.assigneeId }).from(conversations).where(eq(conversations.id, conversationId));
  return row?.assigneeId ?? null;
}

export type HistoryCursor = { sentAt: Date; id: number };

/** A page of history, newest first; the next page is older (the thread pages upwards). */
export async function listMessages(tx: Tx, member: Member, conversationId: string, opts: { cursor?: HistoryCursor; limit: number }) {
  await getConversation(tx, member, conversationId);
  const rows = await tx
    .select({
      id: messages.id,
      direction: messages.direction,
      author: messages.author,
      authorName: memberName(messages.authorMembershipId),
      kind: messages.kind,
      text: messages.text,
      transcript: messages.transcript,
      transcriptError: messages.transcriptError,
      sentAt: messages.sentAt,
      delivery: messages.delivery,
      failureReason: messages.failureReason,
      agentAction: messages.agentAction,
      editedAt: messages.editedAt,
      deletedAt: messages.deletedAt,
      changeFailure: messages.changeFailure,
      authorMembershipId: messages.authorMembershipId,
      imported: messages.imported,
    })
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, conversationId),
        // The bill's message names its amount and payment page: payment data.
        hidesPayments(member) ? sql`not ${isBillMessage(messages)}` : undefined,
        opts.cursor ? or(lt(messages.sentAt, opts.cursor.sentAt), and(eq(messages.sentAt, opts.cursor.sentAt), lt(messages.id, opts.cursor.id))) : undefined,
      ),
    )
    .orderBy(desc(messages.sentAt), desc(messages.id))
    .limit(opts.limit);
  const files = rows.length
    ? await tx
        .select({ id: attachments.id, messageId: attachments.messageId, kind: attachments.kind, mime: attachments.mime, size: attachments.size, fileName: attachments.fileName, durationSec: attachments.durationSec, state: attachments.state, error: attachments.error })
        .from(attachments)
        .where(inArray(attachments.messageId, rows.map((r) => r.id)))
    : [];
  // A deleted message's words stay on record for those who manage the staff; the others see only
  // that it was deleted, as the client does (decision 051).
  const seesDeleted = can(member, "staff.manage");
  const items = rows.map(({ authorMembershipId, ...r }) => ({
    ...r,
    // The member may edit and delete it (within the platform's window, checked when they do).
    changeable: r.author === "member" && !r.deletedAt && (authorMembershipId === member.membershipId || seesDeleted),
    text: r.deletedAt && !seesDeleted ? "" : redactText(member, r.text),
    // A voice note's transcript or a PDF's text: hidden like the text it stands for.
    transcript: r.transcript && !(r.deletedAt && !seesDeleted) ? redactText(member, r.transcript) : null,
    attachments: r.deletedAt && !seesDeleted ? [] : files.filter((f) => f.messageId === r.id),
  }));
  const last = rows[rows.length - 1];
  return { items, nextCursor: rows.length === opts.limit && last ? { sentAt: last.sentAt, id: last.id } : null };
}

/** Marks everything up to the newest message read for this member (unread is per member). */
export async function markRead(tx: Tx, member: Member, conversationId: string) {
  const c = await getConversation(tx, member, conversationId);
  await tx
    .insert(conversationReads)
    .values({ projectId: member.projectId, conversationId, membershipId: member.membershipId, lastReadSeq: c.lastSeq })
    .onConflictDoUpdate({
      target: [conversationReads.conversationId, conversationReads.membershipId],
      set: { lastReadSeq: sql`greatest(${conversationReads.lastReadSeq}, excluded.last_read_seq)`, updatedAt: sql`now()` },
    });
}

/** «Отметить непрочитанным»: the newest client message becomes unread again for this member. */
export async function markUnread(tx: Tx, member: Member, conversationId: string) {
  const c = await getConversation(tx, member, conversationId);
  if (c.lastInboundSeq === 0) return;
  const seq = c.lastInboundSeq - 1;
  await tx
    .insert(conversationReads)
    .values({ projectId: member.projectId, conversationId, membershipId: member.membershipId, lastReadSeq: seq })
    .onConflictDoUpdate({ target: [conversationReads.conversationId, conversationReads.membershipId], set: { lastReadSeq: seq, updatedAt: sql`now()` } });
}

/** Sets the assignee; a lead nobody has worked yet (new, bot) moves to «В работе», recorded with why. */
export async function giveConversation(tx: Tx, member: Member, c: { id: string; stage: LeadStage }, assigneeId: string | null, reason: string) {
  const takesLead = !!assigneeId && (c.stage === "new" || c.stage === "bot");
  await tx.update(conversations).set({ assigneeId, ...(assigneeId ? { queuedAt: null } : {}), ...(takesLead ? { stage: "assigned" as const } : {}) }).where(eq(conversations.id, c.id));
  if (takesLead) {
    await tx.insert(leadEvents).values({ projectId: member.projectId, conversationId: c.id, fromStage: c.stage, toStage: "assigned", actorKind: "member", actorMembershipId: member.membershipId, reason });
  }
}

export async function assignConversation(tx: Tx, member: Member, conversationId: string, assigneeId: string | null) {
  assertCan(member, "conversations.assign");
  const c = await getConversation(tx, member, conversationId);
  if (assigneeId) {
    const [target] = await tx.select().from(memberships).where(eq(memberships.id, assigneeId));
    if (!target) throw notFound("member");
    if (!target.active) throw badRequest("conversations.memberInactive", "Этот сотрудник отключён");
  }
  await giveConversation(tx, member, { id: conversationId, stage: c.stage }, assigneeId, "manual");
  await recordAudit(tx, { projectId: member.projectId, actorUserId: member.userId, action: "conversation.assigned", targetType: "conversation", targetId: conversationId, details: { assigneeId } });
  return { previousAssigneeId: c.assigneeId };
}

/** The AI switch of one conversation: who switched it and when are kept. */
export async function setConversationAi(tx: Tx, member: Member, conversationId: string, enabled: boolean) {
  const c = await getConversation(tx, member, conversationId);
  await tx.update(conversations).set({ aiEnabled: enabled, aiToggledBy: member.membershipId, aiToggledAt: new Date() }).where(eq(conversations.id, conversationId));
  return { assigneeId: c.assigneeId };
}

/** The project's active members who work in the inbox (assignment and rotation targets). */
export async function listAssignees(tx: Tx) {
  return tx
    .select({ id: memberships.id, name: users.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.active, true), sql`exists (select 1 from roles r where r.id = ${memberships.roleId} and 'inbox.use' = any(r.permissions))`))
    .orderBy(memberships.rotationOrder);
}
