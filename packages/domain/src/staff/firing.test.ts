import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, inArray } from "drizzle-orm";
import { auditLog, conversations, memberships, notifications, staffLinks, withTenant } from "@threadline/db";
import { loadMember } from "../access/load.ts";
import { deactivateMember } from "./members.ts";
import { clientMessage, createTestEnv, type TestEnv } from "@threadline/testing";

// Firing without orphans: a deactivated member keeps no conversation.
let env: TestEnv;
type Tenant = Awaited<ReturnType<TestEnv["createTenant"]>>;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => env?.close());

let chat = 5000;
/** `n` conversations assigned to the member. */
async function giveConversations(T: Tenant, membershipId: string, n: number) {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await env.ingest(T.channel, clientMessage({ chatId: `f${++chat}`, text: "Здравствуйте" }));
    ids.push(r.conversationId);
  }
  await withTenant(env.db, T.project.id, (tx) => tx.update(conversations).set({ assigneeId: membershipId, stage: "assigned" }).where(inArray(conversations.id, ids)));
  return ids;
}

async function assigneesOf(ids: string[]) {
  const rows = await env.owner.select({ id: conversations.id, a: conversations.assigneeId, q: conversations.queuedAt }).from(conversations).where(inArray(conversations.id, ids));
  return new Map(rows.map((r) => [r.id, r]));
}

async function inactiveAssignees(projectId: string) {
  return env.owner
    .select({ id: conversations.id })
    .from(conversations)
    .innerJoin(memberships, eq(memberships.id, conversations.assigneeId))
    .where(and(eq(conversations.projectId, projectId), eq(memberships.active, false)));
}

describe("deactivating a member", () => {
  it("hands each open conversation on by the rotation, notifies the new assignees and writes each move to the audit log", async () => {
    const T = await env.createTenant("Fire-rotation");
    const mine = await giveConversations(T, T.manager.membershipId, 4);
    await withTenant(env.db, T.project.id, (tx) => tx.insert(staffLinks).values({ projectId: T.project.id, membershipId: T.manager.membershipId, chatId: "777", linkedAt: new Date() }));
    const result = await env.caller(T.owner.token).staff.deactivate({ projectId: T.project.id, membershipId: T.manager.membershipId });
    expect(result.reassigned).toHaveLength(4);
    const after = await assigneesOf(mine);
    // The owner is out of the rotation by default: the admin (the only other inbox member) takes all.
    for (const id of mine) expect(after.get(id)!.a).toBe(T.admin.membershipId);
    expect(await inactiveAssignees(T.project.id)).toEqual([]);
    const notes = await env.owner.select().from(notifications).where(and(eq(notifications.membershipId, T.admin.membershipId), eq(notifications.kind, "conversation.reassigned")));
    expect(notes.map((n) => n.conversationId).sort()).toEqual([...mine].sort());
    const log = await env.owner.select().from(auditLog).where(eq(auditLog.projectId, T.project.id));
    const moves = log.filter((l) => l.action === "conversation.assigned" && (l.details as { reason?: string }).reason === "member.deactivated");
    expect(moves.map((m) => m.targetId).sort()).toEqual([...mine].sort());
    expect(log.find((l) => l.action === "member.deactivated")?.details).toMatchObject({ reassignedTo: "rotation", reassigned: 4, queued: 0 });
    // Their Telegram link is gone with their access: no staff alert reaches them.
    expect(await env.owner.select().from(staffLinks).where(eq(staffLinks.membershipId, T.manager.membershipId))).toEqual([]);
    // The realtime events name the new assignee and the one the conversation was taken from.
    expect(env.published).toEqual(expect.arrayContaining([expect.objectContaining({ type: "conversation.updated", conversationId: mine[0], assigneeId: T.admin.membershipId, previousAssigneeId: T.manager.membershipId })]));
  });

  it("shares them out by weight among the members in the rotation", async () => {
    const T = await env.createTenant("Fire-weights");
    const hers = await giveConversations(T, T.admin.membershipId, 8);
    const second = await env.createUser("second-manager");
    await withTenant(env.db, T.project.id, async (tx) => {
      await tx.insert(memberships).values({ projectId: T.project.id, userId: second.user.id, roleId: T.manager.roleId, rotationWeight: 2 });
      await tx.update(memberships).set({ inRotation: true }).where(eq(memberships.id, T.owner.membershipId));
    });
    await env.caller(T.owner.token).staff.deactivate({ projectId: T.project.id, membershipId: T.admin.membershipId });
    const counts = new Map<string, number>();
    for (const r of (await assigneesOf(hers)).values()) counts.set(r.a!, (counts.get(r.a!) ?? 0) + 1);
    const [secondMembership] = await env.owner.select().from(memberships).where(eq(memberships.userId, second.user.id));
    expect(Object.fromEntries(counts)).toEqual({ [T.owner.membershipId]: 2, [T.manager.membershipId]: 2, [secondMembership!.id]: 4 });
  });

  it("gives them all to the member chosen in the same dialog", async () => {
    const T = await env.createTenant("Fire-chosen");
    const mine = await giveConversations(T, T.manager.membershipId, 3);
    await env.caller(T.owner.token).staff.deactivate({ projectId: T.project.id, membershipId: T.manager.membershipId, reassignTo: T.owner.membershipId });
    for (const r of (await assigneesOf(mine)).values()) expect(r.a).toBe(T.owner.membershipId);
  });

  it("refuses a target that is fired, the member themselves, another project's or not an inbox member — and changes nothing", async () => {
    const T = await env.createTenant("Fire-bad");
    const Other = await env.createTenant("Fire-other");
    const mine = await giveConversations(T, T.manager.membershipId, 2);
    await env.caller(T.owner.token).staff.deactivate({ projectId: T.project.id, membershipId: T.tech.membershipId });
    const owner = env.caller(T.owner.token);
    for (const reassignTo of [T.manager.membershipId, T.tech.membershipId, T.finance.membershipId, Other.admin.membershipId]) {
      await expect(owner.staff.deactivate({ projectId: T.project.id, membershipId: T.manager.membershipId, reassignTo })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("активному сотруднику") });
    }
    const [m] = await env.owner.select().from(memberships).where(eq(memberships.id, T.manager.membershipId));
    expect(m!.active).toBe(true);
    for (const r of (await assigneesOf(mine)).values()) expect(r.a).toBe(T.manager.membershipId);
  });

  it("asks for a member when nobody else is in the rotation", async () => {
    const T = await env.createTenant("Fire-nobody");
    const mine = await giveConversations(T, T.manager.membershipId, 2);
    await env.caller(T.owner.token).staff.deactivate({ projectId: T.project.id, membershipId: T.admin.membershipId });
    await expect(env.caller(T.owner.token).staff.deactivate({ projectId: T.project.id, membershipId: T.manager.membershipId })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("Выберите сотрудника") });
    for (const r of (await assigneesOf(mine)).values()) expect(r.a).toBe(T.manager.membershipId);
  });

  it("puts a conversation in the queue when the rotation has nobody on shift now", async () => {
    const T = await env.createTenant("Fire-queue");
    const mine = await giveConversations(T, T.manager.membershipId, 2);
    // The admin works at night only; the test fires at noon (Moscow).
    await withTenant(env.db, T.project.id, (tx) =>
      tx.update(memberships).set({ workHours: { days: Object.fromEntries(["0", "1", "2", "3", "4", "5", "6"].map((d) => [d, [{ from: "22:00", to: "06:00" }]])) } }).where(eq(memberships.id, T.admin.membershipId)),
    );
    const actor = await loadMember(env.db, T.owner.user.id, T.project.id);
    await withTenant(env.db, T.project.id, (tx) => deactivateMember(tx, actor, T.manager.membershipId, { mode: "rotation" }, new Date("2026-12-07T09:00:00Z")));
    for (const r of (await assigneesOf(mine)).values()) {
      expect(r.a).toBeNull();
      expect(r.q).toBeInstanceOf(Date);
    }
    expect(await inactiveAssignees(T.project.id)).toEqual([]);
  });

  it("refuses to disable the last active member", async () => {
    const T = await env.createTenant("Fire-last");
    for (const key of ["admin", "manager", "finance", "traffic", "tech"] as const) {
      await env.caller(T.owner.token).staff.deactivate({ projectId: T.project.id, membershipId: T[key].membershipId });
    }
    await expect(env.caller(T.owner.token).staff.deactivate({ projectId: T.project.id, membershipId: T.owner.membershipId })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "Нельзя отключить последнего активного сотрудника проекта",
    });
  });
});
