import { and, asc, eq, sql } from "drizzle-orm";
import { leadRotations, memberships, users, type Tx } from "@threadline/db";

export type RotationMember = { membershipId: string; name: string; order: number };

/** The project's rotation: active members who work in the inbox, by their position. */
export async function rotationMembers(tx: Tx): Promise<RotationMember[]> {
  return tx
    .select({ membershipId: memberships.id, name: users.name, order: memberships.rotationOrder })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.active, true), sql`exists (select 1 from roles r where r.id = ${memberships.roleId} and 'inbox.use' = any(r.permissions))`))
    .orderBy(asc(memberships.rotationOrder), asc(memberships.id));
}

/**
 * The next member in the project's round robin, or null when nobody is in the rotation. The
 * pointer row is locked for the rest of the transaction, so two leads at once go to two people.
 * The pointer keeps the position of the last pick: a member leaving does not restart the round.
 */
export async function nextInRotation(tx: Tx, projectId: string): Promise<RotationMember | null> {
  await tx.insert(leadRotations).values({ projectId }).onConflictDoNothing();
  const [pointer] = await tx.select().from(leadRotations).where(eq(leadRotations.projectId, projectId)).for("update");
  const members = await rotationMembers(tx);
  if (members.length === 0) return null;
  const lastOrder = pointer?.lastOrder;
  const lastId = pointer?.lastMembershipId;
  const after =
    lastOrder === null || lastOrder === undefined || !lastId
      ? undefined
      : members.find((m) => m.order > lastOrder || (m.order === lastOrder && m.membershipId > lastId));
  const next = after ?? members[0]!;
  await tx
    .update(leadRotations)
    .set({ lastMembershipId: next.membershipId, lastOrder: next.order, updatedAt: new Date() })
    .where(eq(leadRotations.projectId, projectId));
  return next;
}
