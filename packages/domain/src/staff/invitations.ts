import { and, eq, isNull, sql } from "drizzle-orm";
import { invitations, memberships, projects, roles, users, withTenant, type Db, type Tx } from "@threadline/db";
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from "../auth/password.ts";
import { findUserByEmail } from "../auth/service.ts";
import { recordAudit } from "../audit/service.ts";
import { randomToken, sha256 } from "../crypto.ts";
import { badRequest, forbidden, notFound } from "../errors.ts";
import type { Member } from "../access/member.ts";

export const INVITATION_TTL_DAYS = 7;

export async function inviteMember(tx: Tx, actor: Member, input: { email: string; roleId: string }) {
  const [role] = await tx.select().from(roles).where(eq(roles.id, input.roleId));
  if (!role) throw notFound("Роль");
  if (role.key === "owner" && actor.roleKey !== "owner") throw forbidden("Назначить владельца может только владелец");
  const email = input.email.trim().toLowerCase();
  const existing = await tx
    .select({ id: memberships.id })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.projectId, actor.projectId), eq(sql`lower(${users.email})`, email)));
  if (existing.length > 0) throw badRequest("Этот сотрудник уже есть в проекте");
  const token = randomToken();
  const [invitation] = await tx
    .insert(invitations)
    .values({
      projectId: actor.projectId,
      email,
      roleId: role.id,
      tokenHash: sha256(token),
      invitedBy: actor.userId,
      expiresAt: new Date(Date.now() + INVITATION_TTL_DAYS * 86_400_000),
    })
    .returning();
  await recordAudit(tx, { projectId: actor.projectId, actorUserId: actor.userId, action: "member.invited", targetType: "invitation", targetId: invitation!.id, details: { email, role: role.key } });
  return { token, invitation: invitation! };
}

async function openInvitation(db: Db, token: string) {
  const hash = sha256(token);
  const [{ projectId } = { projectId: null }] = await db.execute<{ projectId: string | null }>(
    sql`select invitation_project(${hash}) as "projectId"`,
  );
  if (!projectId) throw notFound("Приглашение");
  return { hash, projectId };
}

function assertUsable(inv: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date }) {
  if (inv.acceptedAt) throw badRequest("Приглашение уже использовано. Войдите со своим паролем.");
  if (inv.revokedAt) throw badRequest("Приглашение отозвано. Попросите новое у администратора проекта.");
  if (inv.expiresAt.getTime() < Date.now()) throw badRequest("Срок приглашения истёк. Попросите новое у администратора проекта.");
}

/** What the invitation page shows before the person accepts. */
export async function describeInvitation(db: Db, token: string) {
  const { hash, projectId } = await openInvitation(db, token);
  return withTenant(db, projectId, async (tx) => {
    const [row] = await tx
      .select({ invitation: invitations, projectName: projects.name, roleName: roles.name })
      .from(invitations)
      .innerJoin(projects, eq(projects.id, invitations.projectId))
      .innerJoin(roles, eq(roles.id, invitations.roleId))
      .where(eq(invitations.tokenHash, hash));
    if (!row) throw notFound("Приглашение");
    assertUsable(row.invitation);
    const account = await findUserByEmail(tx, row.invitation.email);
    return { email: row.invitation.email, projectName: row.projectName, roleName: row.roleName, hasAccount: !!account };
  });
}

/**
 * Accepts an invitation: creates the account (or, for an existing account, checks its password)
 * and the membership, once. Returns the user id to start a session for.
 */
export async function acceptInvitation(db: Db, input: { token: string; name?: string; password: string }) {
  const { hash, projectId } = await openInvitation(db, input.token);
  return withTenant(db, projectId, async (tx) => {
    const [inv] = await tx.select().from(invitations).where(eq(invitations.tokenHash, hash)).for("update");
    if (!inv) throw notFound("Приглашение");
    assertUsable(inv);
    let user = await findUserByEmail(tx, inv.email);
    if (user) {
      if (!(await verifyPassword(user.passwordHash, input.password))) throw badRequest("Неверный пароль от вашей учётной записи");
    } else {
      if (input.password.length < MIN_PASSWORD_LENGTH) throw badRequest(`Пароль должен быть не короче ${MIN_PASSWORD_LENGTH} символов`);
      const name = input.name?.trim();
      if (!name) throw badRequest("Укажите имя");
      const [created] = await tx.insert(users).values({ email: inv.email, name, passwordHash: await hashPassword(input.password) }).returning();
      user = created!;
    }
    const [existing] = await tx.select().from(memberships).where(and(eq(memberships.userId, user!.id), eq(memberships.projectId, projectId)));
    if (existing) {
      await tx.update(memberships).set({ roleId: inv.roleId, active: true, deactivatedAt: null }).where(eq(memberships.id, existing.id));
    } else {
      const [{ n }] = (await tx.select({ n: sql<number>`coalesce(max(${memberships.rotationOrder}), 0) + 1` }).from(memberships)) as [{ n: number }];
      await tx.insert(memberships).values({ projectId, userId: user!.id, roleId: inv.roleId, rotationOrder: n });
    }
    await tx.update(invitations).set({ acceptedAt: new Date() }).where(and(eq(invitations.id, inv.id), isNull(invitations.acceptedAt)));
    await recordAudit(tx, { projectId, actorUserId: user!.id, action: "member.joined", targetType: "user", targetId: user!.id, details: { email: inv.email } });
    return { userId: user!.id, projectId };
  });
}

export async function listInvitations(tx: Tx) {
  return tx
    .select({ id: invitations.id, email: invitations.email, roleName: roles.name, expiresAt: invitations.expiresAt, acceptedAt: invitations.acceptedAt, revokedAt: invitations.revokedAt, createdAt: invitations.createdAt })
    .from(invitations)
    .innerJoin(roles, eq(roles.id, invitations.roleId))
    .orderBy(sql`${invitations.createdAt} desc`)
    .limit(100);
}

export async function revokeInvitation(tx: Tx, actor: Member, invitationId: string) {
  const [inv] = await tx.update(invitations).set({ revokedAt: new Date() }).where(and(eq(invitations.id, invitationId), isNull(invitations.acceptedAt))).returning();
  if (!inv) throw notFound("Приглашение");
  await recordAudit(tx, { projectId: actor.projectId, actorUserId: actor.userId, action: "invitation.revoked", targetType: "invitation", targetId: inv.id, details: { email: inv.email } });
}
