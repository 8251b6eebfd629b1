import { and, asc, eq, ne, sql } from "drizzle-orm";
import { conversations, memberships, roles, staffLinks, users, type Tx } from "@threadline/db";
import type { RealtimeEvent } from "../events.ts";
import { rotationCandidates, rotationMembers } from "../leads/rotation.ts";
import { assignWithNotice, handOver, NOTIFICATION_TEXTS } from "../leads/stages.ts";
import { recordAudit } from "../audit/service.ts";
import { badRequest, forbidden, notFound, type ErrorCode } from "../errors.ts";
import type { Member } from "../access/member.ts";

export async function listMembers(tx: Tx, projectId: string) {
  return tx
    .select({
      id: memberships.id,
      userId: users.id,
      name: users.name,
      email: users.email,
      roleId: roles.id,
      roleKey: roles.key,
      roleName: roles.name,
      active: memberships.active,
      deactivatedAt: memberships.deactivatedAt,
      rotationOrder: memberships.rotationOrder,
      inRotation: sql<boolean>`coalesce(${memberships.inRotation}, ${roles.key} <> 'owner')`,
      rotationWeight: memberships.rotationWeight,
      workHours: memberships.workHours,
      pausedUntil: memberships.pausedUntil,
      pauseReason: memberships.pauseReason,
      worksInbox: sql<boolean>`'inbox.use' = any(${roles.permissions})`,
      openConversations: sql<number>`(select count(*)::int from conversations c where c.assignee_id = ${memberships.id})`,
      createdAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .innerJoin(roles, eq(roles.id, memberships.roleId))
    .where(eq(memberships.projectId, projectId))
    .orderBy(asc(memberships.rotationOrder), asc(users.name));
}

async function getMembership(tx: Tx, membershipId: string) {
  const [row] = await tx
    .select({ m: memberships, roleKey: roles.key })
    .from(memberships)
    .innerJoin(roles, eq(roles.id, memberships.roleId))
    .where(eq(memberships.id, membershipId));
  if (!row) throw notFound("member");
  return row;
}

async function activeOwnersOtherThan(tx: Tx, membershipId: string): Promise<number> {
  const [{ n }] = (await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(memberships)
    .innerJoin(roles, eq(roles.id, memberships.roleId))
    .where(and(eq(roles.key, "owner"), eq(memberships.active, true), ne(memberships.id, membershipId)))) as [{ n: number }];
  return n;
}

/** Only an owner may act on an owner (fire, bring back, change the role of). */
function assertMayManage(actor: Member, targetRoleKey: string, code: ErrorCode, message: string) {
  if (targetRoleKey === "owner" && actor.roleKey !== "owner") throw forbidden(code, message);
}

export async function changeMemberRole(tx: Tx, actor: Member, membershipId: string, roleId: string) {
  const target = await getMembership(tx, membershipId);
  const [role] = await tx.select().from(roles).where(eq(roles.id, roleId));
  if (!role) throw notFound("role");
  assertMayManage(actor, role.key === "owner" ? "owner" : target.roleKey, "staff.ownerOnlyRole", "Менять роль владельца может только владелец");
  if (target.roleKey === "owner" && role.key !== "owner" && (await activeOwnersOtherThan(tx, membershipId)) === 0) {
    throw badRequest("staff.lastOwner", "В проекте должен остаться хотя бы один владелец");
  }
  await tx.update(memberships).set({ roleId }).where(eq(memberships.id, membershipId));
  await recordAudit(tx, { projectId: actor.projectId, actorUserId: actor.userId, action: "member.role_changed", targetType: "membership", targetId: membershipId, details: { from: target.roleKey, to: role.key } });
  return { userId: target.m.userId };
}

/** How a fired member's conversations are handed on: by the rotation, or all to one member. */
export type Reassignment = { mode: "rotation" } | { mode: "member"; membershipId: string };

/**
 * Fires a member: their access to this project ends now — every request of theirs to it is
 * refused, and its live connections are closed by the caller's member.deactivated event. Their
 * sessions stay, so work in their other projects goes on. Their history stays.
 *
 * Nothing stays with them: every conversation assigned to them is handed on in the same
 * transaction (by the rotation, or to the member chosen), each written to the audit log, and the
 * new assignee is notified; one the rotation cannot give now waits in the queue. Reminders follow
 * the conversation's assignee and silence timeouts the conversation, so both move with it. Their
 * Telegram link is removed, so no staff alert reaches them any more.
 */
export async function deactivateMember(tx: Tx, actor: Member, membershipId: string, reassignment: Reassignment = { mode: "rotation" }, now = new Date()) {
  const target = await getMembership(tx, membershipId);
  const [{ others }] = (await tx
    .select({ others: sql<number>`count(*)::int` })
    .from(memberships)
    .where(and(eq(memberships.active, true), ne(memberships.id, membershipId)))) as [{ others: number }];
  if (target.m.active && others === 0) throw badRequest("staff.lastActiveMember", "Нельзя отключить последнего активного сотрудника проекта");
  if (target.m.userId === actor.userId) throw badRequest("staff.selfDisable", "Нельзя отключить самого себя");
  assertMayManage(actor, target.roleKey, "staff.ownerOnlyDisable", "Отключить владельца может только владелец");
  const events: RealtimeEvent[] = [];
  if (!target.m.active) return { userId: target.m.userId, reassigned: [] as { conversationId: string; to: string | null }[], events };
  if (target.roleKey === "owner" && (await activeOwnersOtherThan(tx, membershipId)) === 0) {
    throw badRequest("staff.lastOwner", "В проекте должен остаться хотя бы один владелец");
  }
  if (reassignment.mode === "member") {
    const ok = reassignment.membershipId !== membershipId && (await rotationCandidates(tx)).some((c) => c.membershipId === reassignment.membershipId);
    if (!ok) throw badRequest("staff.reassignTargetInvalid", "Передать диалоги можно только активному сотруднику, работающему во «Входящих»");
  }
  await tx.update(memberships).set({ active: false, deactivatedAt: now }).where(eq(memberships.id, membershipId));
  const theirs = await tx
    .select({ id: conversations.id })
    .from(conversations)
    .where(eq(conversations.assigneeId, membershipId))
    .orderBy(asc(conversations.lastMessageAt), asc(conversations.id))
    .for("update");
  if (theirs.length > 0 && reassignment.mode === "rotation" && (await rotationMembers(tx)).length === 0) {
    throw badRequest("staff.noOneToReassign", "Некому передать диалоги: в очереди распределения нет других сотрудников. Выберите сотрудника");
  }
  const reassigned: { conversationId: string; to: string | null }[] = [];
  for (const c of theirs) {
    // Unassigned first: the rotation then finds it free, as it finds a new lead.
    await tx.update(conversations).set({ assigneeId: null }).where(eq(conversations.id, c.id));
    const text = NOTIFICATION_TEXTS.reassigned;
    let to: string | null;
    if (reassignment.mode === "member") {
      await assignWithNotice(tx, { projectId: actor.projectId, conversationId: c.id, membershipId: reassignment.membershipId, text, kind: "conversation.reassigned" }, events);
      to = reassignment.membershipId;
    } else {
      to = await handOver(tx, { projectId: actor.projectId, conversationId: c.id, assigneeId: null, text, now, kind: "conversation.reassigned" }, events);
    }
    reassigned.push({ conversationId: c.id, to });
    events.push({ type: "conversation.updated", projectId: actor.projectId, conversationId: c.id, assigneeId: to, previousAssigneeId: membershipId });
    await recordAudit(tx, {
      projectId: actor.projectId,
      actorUserId: actor.userId,
      action: "conversation.assigned",
      targetType: "conversation",
      targetId: c.id,
      details: { assigneeId: to, previousAssigneeId: membershipId, reason: "member.deactivated", queued: to === null },
    });
  }
  await tx.delete(staffLinks).where(eq(staffLinks.membershipId, membershipId));
  await recordAudit(tx, {
    projectId: actor.projectId,
    actorUserId: actor.userId,
    action: "member.deactivated",
    targetType: "membership",
    targetId: membershipId,
    details: { userId: target.m.userId, reassignedTo: reassignment.mode === "member" ? reassignment.membershipId : "rotation", reassigned: reassigned.filter((r) => r.to).length, queued: reassigned.filter((r) => !r.to).length },
  });
  return { userId: target.m.userId, reassigned, events };
}

/** Brings a fired member back, with the role they had: the only way back into the project. */
export async function reactivateMember(tx: Tx, actor: Member, membershipId: string) {
  const target = await getMembership(tx, membershipId);
  assertMayManage(actor, target.roleKey, "staff.ownerOnlyRestore", "Вернуть владельца может только владелец");
  if (target.m.active) return;
  await tx.update(memberships).set({ active: true, deactivatedAt: null }).where(eq(memberships.id, membershipId));
  await recordAudit(tx, { projectId: actor.projectId, actorUserId: actor.userId, action: "member.reactivated", targetType: "membership", targetId: membershipId, details: { userId: target.m.userId } });
}
