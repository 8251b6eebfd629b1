import { and, eq } from "drizzle-orm";
import { memberships, roles, withTenant, type Db, type ProjectEntry, type Tx } from "@threadline/db";
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

type MembershipRow = { id: string; active: boolean; roleId: string; roleKey: string; permissions: string[]; hiddenFields: string[] };

function toMember(row: MembershipRow | null | undefined, userId: string, projectId: string): Member {
  if (!row || !row.active) throw notFound("Проект");
  return {
    membershipId: row.id,
    projectId,
    userId,
    roleId: row.roleId,
    roleKey: row.roleKey,
    permissions: new Set(row.permissions as Permission[]),
    hiddenFields: new Set(row.hiddenFields as HideableField[]),
  };
}

/** loadMember inside a transaction already scoped to the project. */
export async function loadMemberIn(tx: Tx, userId: string, projectId: string): Promise<Member> {
  const [row] = await tx
    .select({ id: memberships.id, active: memberships.active, roleId: roles.id, roleKey: roles.key, permissions: roles.permissions, hiddenFields: roles.hiddenFields })
    .from(memberships)
    .innerJoin(roles, eq(roles.id, memberships.roleId))
    .where(and(eq(memberships.userId, userId), eq(memberships.projectId, projectId)));
  return toMember(row, userId, projectId);
}

/** The member a request entered the project as (withProjectSession), with the same rule as loadMember. */
export function memberOfEntry(entry: ProjectEntry, projectId: string): Member {
  return toMember(entry.membership, entry.user.id, projectId);
}
