import { and, asc, eq, sql } from "drizzle-orm";
import { channels, contacts, conversations, memberships, notifications, projects, rotationRules, withTenant, type ConversationIntent, type Db, type Tx, type WorkHours } from "@threadline/db";
import type { Member } from "../access/member.ts";
import { recordAudit } from "../audit/service.ts";
import { badRequest, notFound } from "../errors.ts";
import type { RealtimeEvent } from "../events.ts";
import { MAX_ROTATION_WEIGHT, queuedLeads, rotationCandidates, validateWorkHours } from "../leads/rotation.ts";
import { handOver, NOTIFICATION_TEXTS } from "../leads/stages.ts";
import { updateProject } from "../projects/service.ts";

export type RotationPatch = {
  inRotation?: boolean;
  weight?: number;
  workHours?: WorkHours | null;
  pausedUntil?: Date | null;
  pauseReason?: "vacation" | "sick" | "other" | null;
};

/** Changes one member's place in the rotation: in or out, weight, working hours, pause. */
export async function updateMemberRotation(tx: Tx, actor: Member, membershipId: string, patch: RotationPatch, now = new Date()) {
  const [target] = await tx.select({ id: memberships.id }).from(memberships).where(eq(memberships.id, membershipId));
  if (!target) throw notFound("member");
  const set: Partial<typeof memberships.$inferInsert> = {};
  if (patch.inRotation !== undefined) set.inRotation = patch.inRotation;
  if (patch.weight !== undefined) {
    if (!Number.isInteger(patch.weight) || patch.weight < 1 || patch.weight > MAX_ROTATION_WEIGHT) throw badRequest("rotation.weight", "Вес — целое число от 1 до 10");
    set.rotationWeight = patch.weight;
  }
  if (patch.workHours !== undefined) set.workHours = patch.workHours ? validateWorkHours(patch.workHours) : null;
  if (patch.pausedUntil !== undefined) {
    if (patch.pausedUntil && patch.pausedUntil <= now) throw badRequest("rotation.pauseInPast", "Дата окончания паузы уже прошла");
    set.pausedUntil = patch.pausedUntil;
    set.pauseReason = patch.pausedUntil ? (patch.pauseReason ?? "other") : null;
  }
  if (Object.keys(set).length === 0) return;
  await tx.update(memberships).set(set).where(eq(memberships.id, membershipId));
  await recordAudit(tx, {
    projectId: actor.projectId,
    actorUserId: actor.userId,
    action: "member.rotation_changed",
    targetType: "membership",
    targetId: membershipId,
    details: { ...patch, pausedUntil: patch.pausedUntil?.toISOString() ?? patch.pausedUntil },
  });
}

/** The project's working hours (null: none), counted for members without their own in the performance report. */
export async function projectWorkHours(tx: Tx, projectId: string): Promise<WorkHours | null> {
  const [row] = await tx.select({ settings: projects.settings }).from(projects).where(eq(projects.id, projectId));
  return row?.settings.workHours ?? null;
}

/** Sets or clears the project's working hours, checked like a member's. */
export async function setProjectWorkHours(tx: Tx, actor: Member, hours: WorkHours | null) {
  const workHours = hours ? validateWorkHours(hours) : undefined;
  await updateProject(tx, actor.userId, actor.projectId, { settings: { workHours } });
  return workHours ?? null;
}

export async function listRotationRules(tx: Tx) {
  return tx.select().from(rotationRules).orderBy(asc(rotationRules.createdAt));
}

/**
 * A rule: leads of this channel, traffic source and/or intent go only to these members (the
 * rotation goes round them). Spam may be given to a member who sorts it; it never reaches a
 * person otherwise (routing before the card).
 */
export async function createRotationRule(
  tx: Tx,
  actor: Member,
  input: { channelId?: string | null; source?: string | null; intent?: ConversationIntent | null; membershipIds: string[]; archive?: boolean },
) {
  const source = input.source?.trim().toLowerCase() || null;
  const intent = input.intent ?? null;
  const ids = [...new Set(input.membershipIds)];
  const archive = input.archive === true;
  // «Спам → в архив» (decision 067): spam only, optionally of one channel, given to nobody.
  if (archive && (intent !== "spam" || source || ids.length)) throw badRequest("rotation.archiveSpamOnly", "В архив можно отправлять только спам, без сотрудников и источника");
  if (!archive && intent === "spam") throw badRequest("rotation.spamToArchive", "Спам не передаётся сотрудникам: его можно только отправить в архив");
  if (!archive && ((!input.channelId && !source && !intent) || ids.length === 0)) throw badRequest("rotation.ruleEmpty", "Укажите канал, источник или намерение и хотя бы одного сотрудника");
  if (input.channelId) {
    const [c] = await tx.select({ id: channels.id }).from(channels).where(eq(channels.id, input.channelId));
    if (!c) throw notFound("channel");
  }
  const known = new Set((await rotationCandidates(tx)).map((c) => c.membershipId));
  if (ids.some((id) => !known.has(id))) throw notFound("member");
  const [rule] = await tx.insert(rotationRules).values({ projectId: actor.projectId, channelId: input.channelId ?? null, source, intent, membershipIds: ids, archive }).returning();
  await recordAudit(tx, { projectId: actor.projectId, actorUserId: actor.userId, action: "rotation.rule_created", targetType: "rotation_rule", targetId: rule!.id, details: { channelId: rule!.channelId, source, intent, membershipIds: ids, archive } });
  return rule!;
}

export async function removeRotationRule(tx: Tx, actor: Member, ruleId: string) {
  const [rule] = await tx.delete(rotationRules).where(eq(rotationRules.id, ruleId)).returning({ id: rotationRules.id });
  if (!rule) throw notFound("object");
  await recordAudit(tx, { projectId: actor.projectId, actorUserId: actor.userId, action: "rotation.rule_removed", targetType: "rotation_rule", targetId: ruleId, details: {} });
}

/** The queue as admin and the inbox show it: leads waiting for a member on shift, oldest first. */
export async function listQueue(tx: Tx) {
  return tx
    .select({ conversationId: conversations.id, name: contacts.name, channelName: channels.name, queuedAt: conversations.queuedAt })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .where(sql`${conversations.queuedAt} is not null`)
    .orderBy(asc(conversations.queuedAt), asc(conversations.id))
    .limit(200);
}

/**
 * The scheduled job: in every project with waiting leads, hands each (oldest first) to the next
 * member on shift, until nobody is. Returns how many were handed over.
 */
export async function assignQueuedLeads(db: Db, publish: (e: RealtimeEvent) => Promise<void>, now = new Date()): Promise<number> {
  const projectIds = ((await db.execute(sql`select project_id from staff_day_projects()`)) as unknown as { project_id: string }[]).map((r) => r.project_id);
  let handed = 0;
  for (const projectId of projectIds) {
    const events: RealtimeEvent[] = [];
    await withTenant(db, projectId, async (tx) => {
      for (const lead of await queuedLeads(tx)) {
        const [c] = await tx.select({ assigneeId: conversations.assigneeId, phone: contacts.phone }).from(conversations).innerJoin(contacts, eq(contacts.id, conversations.contactId)).where(and(eq(conversations.id, lead.id))).for("update");
        if (!c) continue;
        if (c.assigneeId) {
          await tx.update(conversations).set({ queuedAt: null }).where(eq(conversations.id, lead.id));
          continue;
        }
        const text = c.phone ? NOTIFICATION_TEXTS.withContact : NOTIFICATION_TEXTS.conversation;
        const to = await handOver(tx, { projectId, conversationId: lead.id, assigneeId: null, text, now }, events);
        if (!to) continue;
        handed++;
        events.push({ type: "conversation.updated", projectId, conversationId: lead.id, assigneeId: to, previousAssigneeId: null });
      }
    });
    for (const e of events) await publish(e);
  }
  return handed;
}

/**
 * Reminds assignees of clients waiting longer than the project's response target: one reminder
 * per client message left unanswered, to whoever holds the conversation then (a notification,
 * which also goes to their Telegram): a conversation handed on, e.g. from a fired manager,
 * reminds its new assignee too.
 */
export async function remindOverdue(db: Db, publish: (e: RealtimeEvent) => Promise<void>, now = new Date()): Promise<number> {
  const rows = (await db.execute(sql`select project_id, minutes from response_targets()`)) as unknown as { project_id: string; minutes: number }[];
  let reminded = 0;
  for (const { project_id: projectId, minutes } of rows) {
    const events: RealtimeEvent[] = [];
    await withTenant(db, projectId, async (tx) => {
      const before = new Date(now.getTime() - minutes * 60_000);
      const overdue = await tx
        .select({ id: conversations.id, assigneeId: conversations.assigneeId })
        .from(conversations)
        .where(
          sql`${conversations.assigneeId} is not null and ${conversations.lastMessageDirection} = 'in' and ${conversations.lastMessageAt} < ${before.toISOString()}::timestamptz
            and ${conversations.stage} not in ('won', 'lost', 'spam', 'low_quality')
            and not exists (select 1 from notifications n where n.conversation_id = ${conversations.id} and n.membership_id = ${conversations.assigneeId} and n.kind = 'reply.overdue' and n.created_at >= ${conversations.lastMessageAt})`,
        )
        .limit(200);
      for (const c of overdue) {
        const [note] = await tx
          .insert(notifications)
          .values({ projectId, membershipId: c.assigneeId!, conversationId: c.id, kind: "reply.overdue", text: NOTIFICATION_TEXTS.overdue })
          .returning({ id: notifications.id });
        events.push({ type: "notification", projectId, membershipId: c.assigneeId!, conversationId: c.id, notificationId: note!.id, text: NOTIFICATION_TEXTS.overdue });
        reminded++;
      }
    });
    for (const e of events) await publish(e);
  }
  return reminded;
}
