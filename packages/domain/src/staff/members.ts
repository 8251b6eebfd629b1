import { and, asc, eq, ne, sql } from "drizzle-orm";
import { memberships, roles, users, type Tx } from "@threadline/db";
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

/**
 * Fires a member: their access to this project ends now — every request of theirs to it is
 * refused, and its live connections are closed by the caller's member.deactivated event. Their
 * sessions stay, so work in their other projects goes on. Their history stays.
 */
export async function deactivateMember(tx: Tx, actor: Member, membershipId: string) {
  const target = await getMembership(tx, membershipId);
  if (target.m.userId === actor.userId) throw badRequest("staff.selfDisable", "Нельзя отключить самого себя");
  assertMayManage(actor, target.roleKey, "staff.ownerOnlyDisable", "Отключить владельца может только владелец");
  if (!target.m.active) return { userId: target.m.userId };
  if (target.roleKey === "owner" && (await activeOwnersOtherThan(tx, membershipId)) === 0) {
    throw badRequest("staff.lastOwner", "В проекте должен остаться хотя бы один владелец");
  }
  await tx.update(memberships).set({ active: false, deactivatedAt: new Date() }).where(eq(memberships.id, membershipId));
  await recordAudit(tx, { projectId: actor.projectId, actorUserId: actor.userId, action: "member.deactivated", targetType: "membership", targetId: membershipId, details: { userId: target.m.userId } });
  return { userId: target.m.userId };
}

/** Brings a fired member back, with the role they had: the only way back into the project. */
export async function reactivateMember(tx: Tx, actor: Member, membershipId: string) {
  const target = await getMembership(tx, membershipId);
  assertMayManage(actor, target.roleKey, "staff.ownerOnlyRestore", "Вернуть владельца может только владелец");
  if (target.m.active) return;
  await tx.update(memberships).set({ active: true, deactivatedAt: null }).where(eq(memberships.id, membershipId));
  await recordAudit(tx, { projectId: actor.projectId, actorUserId: actor.userId, action: "member.reactivated", targetType: "membership", targetId: membershipId, details: { userId: target.m.userId } });
}
