import { randomUUID } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import { memberships, projects, roles, withTenant, withUser, type Db, type ProjectSettings, type Tx } from "@threadline/db";
import { defaultRoleTemplates } from "../access/catalog.ts";
import { recordAudit } from "../audit/service.ts";
import { conflict, notFound } from "../errors.ts";

export type NewProject = { name: string; slug: string; timezone?: string };

function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; cause?: { code?: string } };
  return err?.code === "23505" || err?.cause?.code === "23505";
}

/** A new project with the default role templates; its creator becomes its owner. */
export async function createProject(db: Db, ownerUserId: string, input: NewProject) {
  const projectId = randomUUID();
  try {
    return await withTenant(db, projectId, async (tx) => {
      const [project] = await tx
        .insert(projects)
        .values({ id: projectId, name: input.name, slug: input.slug, settings: { timezone: input.timezone ?? "Europe/Moscow" } })
        .returning();
      const created = await tx
        .insert(roles)
        .values(defaultRoleTemplates.map((r) => ({ projectId, key: r.key, name: r.name, permissions: r.permissions, hiddenFields: r.hiddenFields, system: true })))
        .returning();
      const owner = created.find((r) => r.key === "owner")!;
      const [membership] = await tx.insert(memberships).values({ projectId, userId: ownerUserId, roleId: owner.id }).returning();
      await recordAudit(tx, { projectId, actorUserId: ownerUserId, action: "project.created", targetType: "project", targetId: projectId, details: { name: input.name } });
      return { project: project!, ownerMembershipId: membership!.id };
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict("project.slugTaken", "Этот адрес проекта уже занят, выберите другой");
    throw e;
  }
}

/** The projects a person is an active member of, with their role in each. */
export async function listMyProjects(db: Db, userId: string) {
  return withUser(db, userId, (tx) =>
    tx
      .select({ id: projects.id, name: projects.name, slug: projects.slug, roleKey: roles.key, roleName: roles.name, permissions: roles.permissions })
      .from(memberships)
      .innerJoin(projects, eq(projects.id, memberships.projectId))
      .innerJoin(roles, eq(roles.id, memberships.roleId))
      .where(and(eq(memberships.userId, userId), eq(memberships.active, true)))
      .orderBy(asc(projects.name)),
  );
}

export async function getProject(tx: Tx, projectId: string) {
  const [p] = await tx.select().from(projects).where(eq(projects.id, projectId));
  if (!p) throw notFound("project");
  return { id: p.id, name: p.name, slug: p.slug, settings: p.settings, hasOpenaiKey: !!p.openaiKeyEnc, hasElevenlabsKey: !!p.elevenlabsKeyEnc, createdAt: p.createdAt };
}

export async function updateProject(tx: Tx, actorUserId: string, projectId: string, patch: { name?: string; settings?: ProjectSettings }) {
  const current = await getProject(tx, projectId);
  const settings = { ...current.settings, ...patch.settings };
  await tx.update(projects).set({ name: patch.name ?? current.name, settings }).where(eq(projects.id, projectId));
  await recordAudit(tx, { projectId, actorUserId, action: "project.updated", targetType: "project", targetId: projectId, details: { ...patch } });
  return getProject(tx, projectId);
}

