import { and, eq } from "drizzle-orm";
import { memberships, projects, roles, users, withTenant, withUser, type Db } from "@threadline/db";
import type { RoleKey } from "../access/catalog.ts";
import { hashPassword } from "../auth/password.ts";
import { findUserByEmail } from "../auth/service.ts";
import { createProject } from "../projects/service.ts";
import { seedDemoKnowledge } from "./demo-knowledge.ts";

export const DEMO_PASSWORD = "demo-password";

const demoProjects = [
  { slug: "zerno", name: "Кофейня «Зерно»", prefix: "zerno" },
  { slug: "ulybka", name: "Стоматология «Улыбка»", prefix: "ulybka" },
];
const people: Record<RoleKey, string> = {
  owner: "Ольга Владелец",
  admin: "Андрей Администратор",
  manager: "Мария Менеджер",
  finance: "Фёдор Финансы",
  traffic: "Тимур Трафик",
  tech: "Татьяна Техспециалист",
};

export type DemoAccount = { project: string; role: RoleKey; email: string; password: string };

async function ensureUser(db: Db, email: string, name: string, passwordHash: string) {
  const existing = await findUserByEmail(db, email);
  if (existing) return existing.id;
  const [u] = await db.insert(users).values({ email, name, passwordHash }).returning();
  return u!.id;
}

/**
 * Two demo projects with a person for every role (and a second manager for rotation). Safe to
 * run again: what exists is kept. Returns the accounts to print.
 */
export async function seedDemo(db: Db): Promise<DemoAccount[]> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const accounts: DemoAccount[] = [];
  for (const p of demoProjects) {
    const ownerEmail = `owner@${p.prefix}.demo`;
    const ownerId = await ensureUser(db, ownerEmail, people.owner, passwordHash);
    let projectId: string;
    try {
      ({ project: { id: projectId } } = await createProject(db, ownerId, { name: p.name, slug: p.slug }));
    } catch {
      const found = await ownedProjectBySlug(db, ownerId, p.slug);
      if (!found) throw new Error(`Demo project ${p.slug} exists but its owner is not ${ownerEmail}`);
      projectId = found;
    }
    accounts.push({ project: p.name, role: "owner", email: ownerEmail, password: DEMO_PASSWORD });
    await withTenant(db, projectId, (tx) => seedDemoKnowledge(tx, projectId, p.slug));
    const extra: [RoleKey, string, string][] = [
      ["admin", `admin@${p.prefix}.demo`, people.admin],
      ["manager", `manager@${p.prefix}.demo`, people.manager],
      ["manager", `manager2@${p.prefix}.demo`, "Никита Менеджер"],
      ["finance", `finance@${p.prefix}.demo`, people.finance],
      ["traffic", `traffic@${p.prefix}.demo`, people.traffic],
      ["tech", `tech@${p.prefix}.demo`, people.tech],
    ];
    // Leads go to the managers first; the owner and admin take them only after.
    const rotation: Record<string, number> = { [`manager@${p.prefix}.demo`]: 1, [`manager2@${p.prefix}.demo`]: 2, [`admin@${p.prefix}.demo`]: 3, [`manager@${demoProjects[0]!.prefix}.demo`]: 4 };
    let order = 10;
    await withTenant(db, projectId, (tx) => tx.update(memberships).set({ rotationOrder: 20 }).where(eq(memberships.userId, ownerId)));
    // One person in two projects, so that switching projects can be tried: the coffee shop's
    // manager also answers the clinic's clients.
    if (p !== demoProjects[0]) extra.push(["manager", `manager@${demoProjects[0]!.prefix}.demo`, people.manager]);
    for (const [key, email, name] of extra) {
      const userId = await ensureUser(db, email, name, passwordHash);
      await withTenant(db, projectId, async (tx) => {
        const [role] = await tx.select().from(roles).where(eq(roles.key, key));
        const [m] = await tx.select().from(memberships).where(and(eq(memberships.userId, userId), eq(memberships.projectId, projectId)));
        if (!m) await tx.insert(memberships).values({ projectId, userId, roleId: role!.id, rotationOrder: rotation[email] ?? order });
      });
      order++;
      accounts.push({ project: p.name, role: key, email, password: DEMO_PASSWORD });
    }
  }
  return accounts;
}

async function ownedProjectBySlug(db: Db, ownerId: string, slug: string): Promise<string | undefined> {
  return withUser(db, ownerId, async (tx) => {
    const [p] = await tx.select({ id: projects.id }).from(projects).where(eq(projects.slug, slug));
    return p?.id;
  });
}

/** The demo projects that exist, with their owners: for connecting the demo channels. */
export async function findDemoProjects(db: Db): Promise<{ id: string; slug: string; name: string; ownerUserId: string }[]> {
  const found = [];
  for (const p of demoProjects) {
    const owner = await findUserByEmail(db, `owner@${p.prefix}.demo`);
    const id = owner ? await ownedProjectBySlug(db, owner.id, p.slug) : undefined;
    if (owner && id) found.push({ id, slug: p.slug, name: p.name, ownerUserId: owner.id });
  }
  return found;
}
