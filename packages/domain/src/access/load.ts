import { and, eq } from "drizzle-orm";
import { memberships, roles, withProjectSession, withTenant, type Db, type ProjectEntry } from "@threadline/db";
import { sessionIdOf, touchSession } from "../auth/sessions.ts";
import { notFound } from "../errors.ts";
import type { HideableField, Permission } from "./catalog.ts";
import type { Member } from "./member.ts";

/**
 * The person's active membership in a project, with its role template. A project they are not
 * an active member of is reported as not found, so ids of other tenants reveal nothing.
 */
export function loadMember(db: Db, userId: string, projectId: string): Promise<Member> {
  return withTenant(db, projectId, async (tx) => {
    const [row] = await tx
      .select({ id: memberships.id, active: memberships.active, roleId: roles.id, roleKey: roles.key, permissions: roles.permissions, hiddenFields: roles.hiddenFields })
      .from(memberships)
      .innerJoin(roles, eq(roles.id, memberships.roleId))
      .where(and(eq(memberships.userId, userId), eq(memberships.projectId, projectId)));
    return toMember(row, userId, projectId);
  });
}

type MembershipRow = { id: string; active: boolean; roleId: string; roleKey: string; permissions: string[]; hiddenFields: string[] };

function toMember(row: MembershipRow | null | undefined, userId: string, projectId: string): Member {
  if (!row || !row.active) throw notFound("project");
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

/** The member a request entered the project as (withProjectSession), with the same rule as loadMember. */
export function memberOfEntry(entry: ProjectEntry, projectId: string): Member {
  return toMember(entry.membership, entry.user.id, projectId);
}

/**
 * The member behind a session cookie's token in a project, read together with the session in one
 * statement (enter_project), for HTTP handlers outside tRPC: null when the token is no live
 * session, NOT_FOUND when the person is not an active member there.
 */
export async function memberOfSession(db: Db, token: string | undefined, projectId: string): Promise<Member | null> {
  const sessionId = sessionIdOf(token);
  if (!sessionId) return null;
  const entry = await withProjectSession(db, sessionId, projectId, async (_tx, found) => found);
  if (!entry) return null;
  await touchSession(db, entry);
  return memberOfEntry(entry, projectId);
}
