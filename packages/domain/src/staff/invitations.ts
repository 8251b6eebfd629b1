import { and, eq, isNull, sql } from "drizzle-orm";
import { invitations, memberships, projects, roles, users, withTenant, type Db, type Tx } from "@threadline/db";
import { hashPassword, MIN_PASSWORD_LENGTH } from "../auth/password.ts";
import type { LoginLimiter } from "../auth/rate-limit.ts";
import { findUserByEmail } from "../auth/service.ts";
import { recordAudit } from "../audit/service.ts";
import { randomToken, sha256 } from "../crypto.ts";
import { badRequest, forbidden, notFound, unauthorized } from "../errors.ts";
import type { Member } from "../access/member.ts";

export const INVITATION_TTL_DAYS = 7;

export async function inviteMember(tx: Tx, actor: Member, input: { email: string; roleId: string }) {
  const [role] = await tx.select().from(roles).where(eq(roles.id, input.roleId));
  if (!role) throw notFound("role");
  if (role.key === "owner" && actor.roleKey !== "owner") throw forbidden("staff.ownerOnlyInvite", "Назначить владельца может только владелец");
  const email = input.email.trim().toLowerCase();
  const existing = await tx
    .select({ id: memberships.id })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.projectId, actor.projectId), eq(sql`lower(${users.email})`, email)));
  if (existing.length > 0) throw badRequest("staff.alreadyMember", "Этот сотрудник уже есть в проекте");
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
  if (!projectId) throw notFound("invitation");
  return { hash, projectId };
}

function assertUsable(inv: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date }) {
  if (inv.acceptedAt) throw badRequest("invitation.used", "Приглашение уже использовано. Войдите со своим паролем.");
  if (inv.revokedAt) throw badRequest("invitation.revoked", "Приглашение отозвано. Попросите новое у администратора проекта.");
  if (inv.expiresAt.getTime() < Date.now()) throw badRequest("invitation.expired", "Срок приглашения истёк. Попросите новое у администратора проекта.");
}

/**
 * What the invitation page shows before the person accepts. The same answer whether or not the
 * e-mail has an account: the page asks a signed-out visitor to sign in or to create one.
 */
export async function describeInvitation(db: Db, token: string) {
  const { hash, projectId } = await openInvitation(db, token);
  return withTenant(db, projectId, async (tx) => {
    const [row] = await tx
      .select({ invitation: invitations, projectName: projects.name, roleName: roles.name })
      .from(invitations)
      .innerJoin(projects, eq(projects.id, invitations.projectId))
      .innerJoin(roles, eq(roles.id, invitations.roleId))
      .where(eq(invitations.tokenHash, hash));
    if (!row) throw notFound("invitation");
    assertUsable(row.invitation);
    return { email: row.invitation.email, projectName: row.projectName, roleName: row.roleName };
  });
}

export type AcceptInvitationInput = {
  token: string;
  /** The signed-in person accepting, if any: an existing account joins only this way. */
  signedInAs?: { id: string; email: string } | null;
  /** For a new account. */
  name?: string;
  password?: string;
  ip: string;
};

/**
 * Accepts an invitation once. An existing account joins only while signed in as itself — no
 * password is ever checked here, so an invitation cannot be used to guess one; a new account is
 * created with its name and password. A member fired from the project does not come back this
 * way: returning them is a staff action. Returns the user id and whether an account was created.
 */
export async function acceptInvitation(db: Db, limiter: LoginLimiter, input: AcceptInvitationInput) {
  const { hash, projectId } = await openInvitation(db, input.token);
  return withTenant(db, projectId, async (tx) => {
    const [inv] = await tx.select().from(invitations).where(eq(invitations.tokenHash, hash)).for("update");
    if (!inv) throw notFound("invitation");
    assertUsable(inv);
    // Counted like a sign-in on the invited address, before anything is looked up.
    await limiter.attempt(inv.email, input.ip);
    let userId: string;
    let created = false;
    if (input.signedInAs) {
      if (input.signedInAs.email.trim().toLowerCase() !== inv.email) {
        throw forbidden("invitation.otherEmail", `Приглашение отправлено на ${inv.email}. Выйдите и войдите под этим адресом, чтобы принять его.`, { email: inv.email });
      }
      userId = input.signedInAs.id;
    } else {
      const password = input.password ?? "";
      if (password.length < MIN_PASSWORD_LENGTH) throw badRequest("invitation.passwordTooShort", `Пароль должен быть не короче ${MIN_PASSWORD_LENGTH} символов`, { min: MIN_PASSWORD_LENGTH });
      const name = input.name?.trim();
      if (!name) throw badRequest("invitation.nameRequired", "Укажите имя");
      if (await findUserByEmail(tx, inv.email)) {
        throw unauthorized("invitation.accountExists", "У этого адреса уже есть учётная запись Threadline. Войдите в неё, затем примите приглашение.");
      }
      const [user] = await tx.insert(users).values({ email: inv.email, name, passwordHash: await hashPassword(password) }).returning();
      userId = user!.id;
      created = true;
    }
    const [existing] = await tx.select().from(memberships).where(and(eq(memberships.userId, userId), eq(memberships.projectId, projectId)));
    if (existing?.active) throw badRequest("invitation.alreadyMember", "Вы уже работаете в этом проекте: приглашение не нужно.");
    if (existing) throw forbidden("invitation.disabled", "Вы были отключены от этого проекта. Вернуть доступ может администратор проекта в разделе «Сотрудники».");
    const [{ n }] = (await tx.select({ n: sql<number>`coalesce(max(${memberships.rotationOrder}), 0) + 1` }).from(memberships)) as [{ n: number }];
    await tx.insert(memberships).values({ projectId, userId, roleId: inv.roleId, rotationOrder: n });
    await tx.update(invitations).set({ acceptedAt: new Date() }).where(and(eq(invitations.id, inv.id), isNull(invitations.acceptedAt)));
    await recordAudit(tx, { projectId, actorUserId: userId, action: "member.joined", targetType: "user", targetId: userId, details: { email: inv.email } });
    await limiter.succeeded(inv.email, input.ip);
    return { userId, projectId, created };
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
  if (!inv) throw notFound("invitation");
  await recordAudit(tx, { projectId: actor.projectId, actorUserId: actor.userId, action: "invitation.revoked", targetType: "invitation", targetId: inv.id, details: { email: inv.email } });
}

/**
 * A new link for an invitation still waiting (not accepted, revoked or expired): only the link's
 * hash is kept, so the link cannot be shown again; a new one replaces it and the old one stops
 * working. The expiry stays as it was.
 */
export async function renewInvitationLink(tx: Tx, actor: Member, invitationId: string) {
  const [inv] = await tx.select().from(invitations).where(eq(invitations.id, invitationId));
  if (!inv) throw notFound("invitation");
  assertUsable(inv);
  const token = randomToken();
  await tx.update(invitations).set({ tokenHash: sha256(token) }).where(eq(invitations.id, inv.id));
  await recordAudit(tx, { projectId: actor.projectId, actorUserId: actor.userId, action: "invitation.renewed", targetType: "invitation", targetId: inv.id, details: { email: inv.email } });
  return { token, expiresAt: inv.expiresAt };
}
