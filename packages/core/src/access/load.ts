import { and, eq } from "drizzle-orm";
import { memberships, roles, withTenant, type Db, type Tx } from "@threadline/db";
import { notFound } from "../errors.ts";
import type { HideableField, Permission } from "./catalog.ts";
import type { Member } from "./member.ts";

/**
 * The person's active membership in a project, with its role template. A project they are not
 * an active member of is reported as not found, so ids of other tenants reveal nothing.
 */
export function loadMember(db: Db, userId: string, projectId: string): Promise<Member> {
  return withTenant(db, projectId, (tx) => loadMemberIn(tx, userId, projectId));
}

/** loadMember inside a transaction already scoped to the project (one transaction per request). */
export async function loadMemberIn(tx: Tx, userId: string, projectId: string): Promise<Member> {
  const [row] = await tx
    .select({ membership: memberships, role: roles })
    .from(memberships)
    .innerJoin(roles, eq(roles.id, memberships.roleId))
    .where(and(eq(memberships.userId, userId), eq(memberships.projectId, projectId)));
  if (!row || !row.membership.active) throw notFound("Проект");
  return {
    membershipId: row.membership.id,
    projectId,
    userId,
    roleId: row.role.id,
    roleKey: row.role.key,
    permissions: new Set(row.role.permissions as Permission[]),
    hiddenFields: new Set(row.role.hiddenFields as HideableField[]),
  };
}
