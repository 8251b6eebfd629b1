import { eq, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { memberships, users } from "@threadline/db";

/**
 * The name of the person behind a membership reference (an author, an actor, who added
 * something), or null when there is none: a select column, so no query joins for it.
 */
export function memberName(membershipId: AnyPgColumn) {
  return sql<string | null>`(select ${users.name} from ${memberships} join ${users} on ${eq(users.id, memberships.userId)} where ${eq(memberships.id, membershipId)})`;
}
