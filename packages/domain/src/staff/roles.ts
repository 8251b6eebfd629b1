import { asc, eq, sql } from "drizzle-orm";
import { memberships, roles, type Tx } from "@threadline/db";
import { ownerLockedPermissions, roleKeys, type HideableField, type Permission } from "../access/catalog.ts";
import { recordAudit } from "../audit/service.ts";
import { badRequest, notFound } from "../errors.ts";
import type { Member } from "../access/member.ts";

export async function listRoles(tx: Tx) {
  const rows = await tx
    .select({ role: roles, members: sql<number>`(select count(*)::int from ${memberships} m where m.role_id = "roles"."id" and m.active)` })
    .from(roles)
    .orderBy(asc(roles.createdAt), asc(roles.name));
  // Default templates in their usual order (owner first), then the project's own.
  const rank = (key: string) => {
    const i = (roleKeys as readonly string[]).indexOf(key);
    return i < 0 ? roleKeys.length : i;
  };
  rows.sort((a, b) => rank(a.role.key) - rank(b.role.key));
  return rows.map(({ role, members }) => ({
    id: role.id,
    key: role.key,
    name: role.name,
    permissions: role.permissions as Permission[],
    hiddenFields: role.hiddenFields as HideableField[],
    system: role.system,
    members,
  }));
}

export async function updateRole(
  tx: Tx,
  actor: Member,
  roleId: string,
  patch: { name?: string; permissions?: Permission[]; hiddenFields?: HideableField[] },
) {
  const [role] = await tx.select().from(roles).where(eq(roles.id, roleId));
  if (!role) throw notFound("role");
  if (role.key === "owner" && patch.permissions && !ownerLockedPermissions.every((p) => patch.permissions!.includes(p))) {
    throw badRequest("staff.ownerKeepsManagement", "У владельца нельзя отнять управление сотрудниками, ролями и настройками проекта");
  }
  const next = {
    name: patch.name ?? role.name,
    permissions: patch.permissions ? [...new Set(patch.permissions)] : role.permissions,
    hiddenFields: patch.hiddenFields ? [...new Set(patch.hiddenFields)] : role.hiddenFields,
  };
  await tx.update(roles).set(next).where(eq(roles.id, roleId));
  await recordAudit(tx, {
    projectId: actor.projectId,
    actorUserId: actor.userId,
    action: "role.updated",
    targetType: "role",
    targetId: roleId,
    details: { key: role.key, before: { permissions: role.permissions, hiddenFields: role.hiddenFields }, after: next },
  });
}

export async function createRole(tx: Tx, actor: Member, input: { name: string; copyFromRoleId?: string }) {
  let base = { permissions: [] as string[], hiddenFields: [] as string[] };
  if (input.copyFromRoleId) {
    const [src] = await tx.select().from(roles).where(eq(roles.id, input.copyFromRoleId));
    if (!src) throw notFound("role");
    base = { permissions: src.permissions, hiddenFields: src.hiddenFields };
  }
  const key = `custom-${Date.now().toString(36)}`;
  const [role] = await tx.insert(roles).values({ projectId: actor.projectId, key, name: input.name, ...base }).returning();
  await recordAudit(tx, { projectId: actor.projectId, actorUserId: actor.userId, action: "role.created", targetType: "role", targetId: role!.id, details: { name: input.name } });
  return role!;
}
