import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { conversations, leadEvents, memberships, messages, payments, projects, withTenant, type LeadStage } from "@threadline/db";
import { clientMessage, createTwoTenantEnv, type TestEnv } from "@threadline/testing";

let env: TestEnv;
let A: Awaited<ReturnType<TestEnv["createTenant"]>>;
let B: Awaited<ReturnType<TestEnv["createTenant"]>>;

const MIN = 60_000;
const at = (s: string) => new Date(`${s}:00+03:00`);
const shift = { from: "09:00", to: "18:00" };
const period = { from: "2026-11-02", to: "2026-11-08" };

type Line = { author: "client" | "member" | "agent"; by?: string; at: string; imported?: boolean };

/** A conversation with the given messages, created at `created`, and optionally a lead with an assignee and stage. */
async function conversation(T: typeof A, chatId: string, lines: Line[], lead?: { assignee: string; stage: LeadStage; created: string }) {
  const { conversationId } = await env.ingest(T.channel, clientMessage({ chatId, text: "Здравствуйте" }));
  await withTenant(env.db, T.project.id, async (tx) => {
    await tx.insert(messages).values(
      lines.map((l) => ({
        projectId: T.project.id,
        conversationId,
        channelId: T.channel.id,
        direction: l.author === "client" ? ("in" as const) : ("out" as const),
        author: l.author,
        authorMembershipId: l.by ?? null,
        text: "…",
        sentAt: at(l.at),
        delivery: l.author === "client" ? ("received" as const) : ("sent" as const),
        imported: l.imported ?? false,
      })),
    );
    if (lead) {
      await tx.update(conversations).set({ assigneeId: lead.assignee, stage: lead.stage, createdAt: at(lead.created) }).where(eq(conversations.id, conversationId));
      await tx.insert(leadEvents).values({ projectId: T.project.id, conversationId, toStage: lead.stage, actorKind: "system" });
    }
  });
  return conversationId;
}

beforeAll(async () => {
  ({ env, A, B } = await createTwoTenantEnv("Performance", "Other"));
  await withTenant(env.db, A.project.id, async (tx) => {
    // The manager works weekdays 09:00–18:00; the administrator has no hours of their own and
    // follows the project's: a night shift on Monday, 22:00–06:00.
    await tx.update(memberships).set({ workHours: { days: { "1": [shift], "2": [shift], "3": [shift], "4": [shift], "5": [shift] } } }).where(eq(memberships.id, A.manager.membershipId));
    await tx.update(projects).set({ settings: { timezone: "Europe/Moscow", workHours: { days: { "1": [{ from: "22:00", to: "06:00" }] } } } }).where(eq(projects.id, A.project.id));
  });
  const m = A.manager.membershipId;
  // Waits of 20 working minutes (17:50 → 09:10 next morning; the 17:55 message joins the same wait) and 5.
  await conversation(A, "p1", [
    { author: "client", at: "2026-11-02T17:50" },
    { author: "client", at: "2026-11-02T17:55" },
    { author: "member", by: m, at: "2026-11-03T09:10" },
    { author: "client", at: "2026-11-03T10:00" },
    { author: "member", by: m, at: "2026-11-03T10:05" },
  ], { assignee: m, stage: "won", created: "2026-11-02T17:50" });
  // The AI answers first (no one's response); the manager's next message answers nobody; then 30 minutes.
  await conversation(A, "p2", [
    { author: "client", at: "2026-11-04T11:00" },
    { author: "agent", at: "2026-11-04T11:01" },
    { author: "member", by: m, at: "2026-11-04T11:30" },
    { author: "client", at: "2026-11-04T12:00" },
    { author: "member", by: m, at: "2026-11-04T12:30" },
    // After the period: not counted.
    { author: "client", at: "2026-11-09T10:00" },
    { author: "member", by: m, at: "2026-11-09T11:00" },
  ], { assignee: m, stage: "lost", created: "2026-11-04T11:00" });
  // A wait begun before the period (Sunday night, off shift) answered Monday 09:30: 30 minutes.
  await conversation(A, "p3", [
    { author: "client", at: "2026-11-01T23:00" },
    { author: "member", by: m, at: "2026-11-02T09:30" },
  ], { assignee: m, stage: "assigned", created: "2026-10-30T12:00" });
  // The administrator on the project's night shift: Monday 21:00 → Tuesday 07:00 is 8 hours.
  await conversation(A, "p4", [
    { author: "client", at: "2026-11-02T21:00" },
    { author: "member", by: A.admin.membershipId, at: "2026-11-03T07:00" },
  ]);
  // Imported history is not work done here.
  await conversation(A, "p5", [
    { author: "client", at: "2026-11-05T10:00", imported: true },
    { author: "member", by: m, at: "2026-11-05T10:01", imported: true },
  ]);
  await conversation(B, "q1", [
    { author: "client", at: "2026-11-02T10:00" },
    { author: "member", by: B.manager.membershipId, at: "2026-11-02T10:01" },
  ], { assignee: B.manager.membershipId, stage: "won", created: "2026-11-02T10:00" });
});
afterAll(async () => {
  await env?.close();
});

describe("performance report", () => {
  it("gives each member's first and median response in working time, conversations handled and leads", async () => {
    const report = await env.caller(A.owner.token).analytics.performance({ projectId: A.project.id, ...period });
    const manager = report.rows.find((r) => r.membershipId === A.manager.membershipId);
    // Responses 20, 5, 30, 30 minutes; first responses per conversation 20, 30, 30.
    expect(manager).toMatchObject({ responses: 4, responseMs: 25 * MIN, firstResponseMs: 30 * MIN, conversations: 3, leads: 2, won: 1, lost: 1, active: true });
    const admin = report.rows.find((r) => r.membershipId === A.admin.membershipId);
    expect(admin).toMatchObject({ responses: 1, responseMs: 8 * 60 * MIN, firstResponseMs: 8 * 60 * MIN, conversations: 1, leads: 0 });
    // Nobody from the other project; a member outside the inbox who did nothing is not listed,
    // an inbox member who did nothing is, with empty times.
    const ids = report.rows.map((r) => r.membershipId);
    expect(ids).not.toContain(B.manager.membershipId);
    expect(ids).not.toContain(A.finance.membershipId);
    expect(report.rows.find((r) => r.membershipId === A.owner.membershipId)).toMatchObject({ responses: 0, responseMs: null, firstResponseMs: null, conversations: 0 });
  });

  it("gives each member's revenue of the period: paid less refunded, with the manual «Оплачено»; none to a role with payments hidden", async () => {
    const m = A.manager.membershipId;
    const pay = (T: typeof A, by: string, amount: number, status: "pending" | "succeeded" | "canceled" | "refunded", created: string, extra: { refundedAmount?: number; provider?: "yookassa" | "manual" } = {}) =>
      withTenant(env.db, T.project.id, (tx) =>
        tx.insert(payments).values({ projectId: T.project.id, provider: extra.provider ?? "yookassa", amount, currency: "RUB", description: "Курс", status, createdBy: by, createdAt: new Date(`${created}:00+03:00`), refundedAmount: extra.refundedAmount ?? 0 }),
      );
    await pay(A, m, 150000, "succeeded", "2026-11-03T12:00");
    await pay(A, m, 100000, "refunded", "2026-11-04T12:00", { refundedAmount: 40000 });
    await pay(A, m, 30000, "succeeded", "2026-11-05T12:00", { provider: "manual" });
    await pay(A, m, 50000, "pending", "2026-11-05T13:00");
    await pay(A, m, 70000, "canceled", "2026-11-05T14:00");
    // Outside the period, and another project's manager: not counted.
    await pay(A, m, 990000, "succeeded", "2026-11-09T10:00");
    await pay(B, B.manager.membershipId, 880000, "succeeded", "2026-11-03T10:00");
    await pay(A, A.admin.membershipId, 20000, "succeeded", "2026-11-06T10:00");

    const report = await env.caller(A.owner.token).analytics.performance({ projectId: A.project.id, ...period });
    expect(report.rows.find((r) => r.membershipId === m)).toMatchObject({ revenue: 150000 + 60000 + 30000, won: 1 });
    expect(report.rows.find((r) => r.membershipId === A.admin.membershipId)?.revenue).toBe(20000);
    expect(report.rows.find((r) => r.membershipId === A.owner.membershipId)?.revenue).toBe(0);
    const other = await env.caller(B.owner.token).analytics.performance({ projectId: B.project.id, ...period });
    expect(other.rows.find((r) => r.membershipId === B.manager.membershipId)?.revenue).toBe(880000);

    // The administrator's role hides payments: the same report without sales or money.
    await env.caller(A.owner.token).roles.update({ projectId: A.project.id, roleId: A.admin.roleId, hiddenFields: ["payments"] });
    try {
      const hidden = await env.caller(A.admin.token).analytics.performance({ projectId: A.project.id, ...period });
      expect(hidden.rows.find((r) => r.membershipId === m)).toMatchObject({ revenue: null, won: null, leads: 2, lost: 1 });
      expect(hidden.rows.every((r) => r.revenue === null && r.won === null)).toBe(true);
    } finally {
      await env.caller(A.owner.token).roles.update({ projectId: A.project.id, roleId: A.admin.roleId, hiddenFields: [] });
    }
  });

  it("counts the member's own hours over the project's", async () => {
    await withTenant(env.db, A.project.id, (tx) => tx.update(memberships).set({ workHours: null }).where(eq(memberships.id, A.manager.membershipId)));
    try {
      const report = await env.caller(A.owner.token).analytics.performance({ projectId: A.project.id, ...period });
      const manager = report.rows.find((r) => r.membershipId === A.manager.membershipId)!;
      // On the project's Monday night shift only: 17:50 → Tuesday 09:10 holds 22:00–06:00 = 8 hours,
      // the other three waits are off shift (0): first responses 8 h, 0, 0; all 8 h, 0, 0, 0.
      expect(manager.responses).toBe(4);
      expect(manager.firstResponseMs).toBe(0);
      expect(manager.responseMs).toBe(0);
      await withTenant(env.db, A.project.id, (tx) => tx.update(projects).set({ settings: { timezone: "Europe/Moscow" } }).where(eq(projects.id, A.project.id)));
      // Neither the member's nor the project's hours: the whole wait counts.
      const aroundTheClock = await env.caller(A.owner.token).analytics.performance({ projectId: A.project.id, ...period });
      // 15 h 20 min, 5 min, 30 min, 10 h 30 min: median (30 + 630) / 2 minutes; first 920, 30, 630 → 630.
      expect(aroundTheClock.rows.find((r) => r.membershipId === A.manager.membershipId)).toMatchObject({ responseMs: 330 * MIN, firstResponseMs: 630 * MIN });
    } finally {
      await withTenant(env.db, A.project.id, (tx) => tx.update(projects).set({ settings: { timezone: "Europe/Moscow", workHours: { days: { "1": [{ from: "22:00", to: "06:00" }] } } } }).where(eq(projects.id, A.project.id)));
      await withTenant(env.db, A.project.id, (tx) =>
        tx.update(memberships).set({ workHours: { days: { "1": [shift], "2": [shift], "3": [shift], "4": [shift], "5": [shift] } } }).where(eq(memberships.id, A.manager.membershipId)),
      );
    }
  });

  it("takes the project's hours as set in «Распределение лидов»; bad hours are refused and lose nothing", async () => {
    const owner = env.caller(A.owner.token);
    const night = { days: { "1": [{ from: "22:00", to: "06:00" }] } };
    await expect(owner.rotation.projectHours({ projectId: A.project.id })).resolves.toEqual(night);
    await expect(owner.rotation.setProjectHours({ projectId: A.project.id, workHours: { days: { "2": [{ from: "25:00", to: "18:00" }] } } })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(owner.rotation.setProjectHours({ projectId: A.project.id, workHours: { days: { "2": [{ from: "09:00", to: "18:00" }, { from: "12:00", to: "20:00" }] } } })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(env.caller(A.manager.token).rotation.setProjectHours({ projectId: A.project.id, workHours: null })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(owner.rotation.projectHours({ projectId: A.project.id })).resolves.toEqual(night);

    // Cleared: the administrator (no own hours) now waits around the clock: Monday 21:00 → Tuesday 07:00 is 10 hours.
    await owner.rotation.setProjectHours({ projectId: A.project.id, workHours: null });
    try {
      await expect(owner.rotation.projectHours({ projectId: A.project.id })).resolves.toBeNull();
      const report = await owner.analytics.performance({ projectId: A.project.id, ...period });
      expect(report.rows.find((r) => r.membershipId === A.admin.membershipId)).toMatchObject({ responseMs: 10 * 60 * MIN });
    } finally {
      await owner.rotation.setProjectHours({ projectId: A.project.id, workHours: night });
    }
  });

  it("is for those who manage the staff, and a period of at most a year", async () => {
    await expect(env.caller(A.manager.token).analytics.performance({ projectId: A.project.id, ...period })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(env.caller(A.admin.token).analytics.performance({ projectId: A.project.id, ...period })).resolves.toBeTruthy();
    await expect(env.caller(A.owner.token).analytics.performance({ projectId: A.project.id, from: "2025-01-01", to: "2026-01-05" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
