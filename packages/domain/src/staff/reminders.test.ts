import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { conversations, notifications, projects, withTenant } from "@threadline/db";
import { clientMessage, createTestEnv, type TestEnv } from "@threadline/testing";
import type { RealtimeEvent } from "../events.ts";
import { remindOverdue } from "./rotation-settings.ts";

// A client who waits longer than the project's response target: the assignee is reminded once
// per unanswered client message, and whoever holds the conversation when it is due is the one.
let env: TestEnv;
type Tenant = Awaited<ReturnType<TestEnv["createTenant"]>>;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => env?.close());

const MINUTE = 60_000;
let chat = 9100;

async function waitingClient(T: Tenant, assigneeId: string, targetMinutes: number) {
  await env.owner.update(projects).set({ settings: sql`${projects.settings} || ${JSON.stringify({ responseTargetMinutes: targetMinutes })}::jsonb` }).where(eq(projects.id, T.project.id));
  const { conversationId } = await env.ingest(T.channel, clientMessage({ chatId: `r${++chat}`, text: "Здравствуйте, сколько стоит?" }));
  await withTenant(env.db, T.project.id, (tx) => tx.update(conversations).set({ assigneeId, stage: "assigned" }).where(eq(conversations.id, conversationId)));
  return conversationId;
}

async function overdueNotes(projectId: string, conversationId: string) {
  return env.owner
    .select({ membershipId: notifications.membershipId })
    .from(notifications)
    .where(and(eq(notifications.projectId, projectId), eq(notifications.conversationId, conversationId), eq(notifications.kind, "reply.overdue")));
}

describe("reminders of clients waiting past the response target", () => {
  it("reminds the assignee once the target has passed, once per client message, and publishes it", async () => {
    const T = await env.createTenant("Remind-once");
    const id = await waitingClient(T, T.manager.membershipId, 15);
    const published: RealtimeEvent[] = [];
    const publish = async (e: RealtimeEvent) => void published.push(e);

    await remindOverdue(env.db, publish, new Date(Date.now() + 10 * MINUTE));
    expect(await overdueNotes(T.project.id, id)).toEqual([]);

    await remindOverdue(env.db, publish, new Date(Date.now() + 16 * MINUTE));
    await remindOverdue(env.db, publish, new Date(Date.now() + 30 * MINUTE));
    expect(await overdueNotes(T.project.id, id)).toEqual([{ membershipId: T.manager.membershipId }]);
    expect(published.filter((e) => e.type === "notification" && e.conversationId === id)).toHaveLength(1);
  });

  it("does not remind about an answered client or a closed lead", async () => {
    const T = await env.createTenant("Remind-answered");
    const answered = await waitingClient(T, T.manager.membershipId, 15);
    await withTenant(env.db, T.project.id, (tx) => tx.update(conversations).set({ lastMessageDirection: "out" }).where(eq(conversations.id, answered)));
    const won = await waitingClient(T, T.manager.membershipId, 15);
    await withTenant(env.db, T.project.id, (tx) => tx.update(conversations).set({ stage: "won" }).where(eq(conversations.id, won)));
    await remindOverdue(env.db, async () => {}, new Date(Date.now() + 60 * MINUTE));
    expect(await overdueNotes(T.project.id, answered)).toEqual([]);
    expect(await overdueNotes(T.project.id, won)).toEqual([]);
  });

  it("a reminder goes to whoever holds the conversation: a fired manager's client reminds the new assignee", async () => {
    const T = await env.createTenant("Remind-fired");
    const id = await waitingClient(T, T.manager.membershipId, 15);
    await remindOverdue(env.db, async () => {}, new Date(Date.now() + 20 * MINUTE));
    await env.caller(T.owner.token).staff.deactivate({ projectId: T.project.id, membershipId: T.manager.membershipId });
    const [after] = await env.owner.select({ assigneeId: conversations.assigneeId }).from(conversations).where(eq(conversations.id, id));
    expect(after!.assigneeId).toBe(T.admin.membershipId);
    await remindOverdue(env.db, async () => {}, new Date(Date.now() + 25 * MINUTE));
    const notes = (await overdueNotes(T.project.id, id)).map((n) => n.membershipId);
    expect(notes.sort()).toEqual([T.manager.membershipId, T.admin.membershipId].sort());
  });
});
