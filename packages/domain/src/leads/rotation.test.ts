import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { conversations, memberships, projects, withTenant, type WorkHours } from "@threadline/db";
import { clientMessage, createTestEnv, type TestEnv } from "@threadline/testing";
import { loadMember } from "../access/load.ts";
import { assignQueuedLeads, createRotationRule, updateMemberRotation } from "../staff/rotation-settings.ts";
import { localTime, nextInRotation, onShift, validateWorkHours, type LeadOrigin } from "./rotation.ts";
import { handOver, NOTIFICATION_TEXTS } from "./stages.ts";

const every = (from: string, to: string): WorkHours => ({ days: Object.fromEntries(["0", "1", "2", "3", "4", "5", "6"].map((d) => [d, [{ from, to }]])) });

describe("shifts on the project's wall clock", () => {
  it("a day shift: on from its start, off at its end", () => {
    const nineToSix = every("09:00", "18:00");
    // Moscow is UTC+3 all year.
    expect(onShift(nineToSix, "Europe/Moscow", new Date("2026-12-07T05:59:00Z"))).toBe(false);
    expect(onShift(nineToSix, "Europe/Moscow", new Date("2026-12-07T06:00:00Z"))).toBe(true);
    expect(onShift(nineToSix, "Europe/Moscow", new Date("2026-12-07T14:59:00Z"))).toBe(true);
    expect(onShift(nineToSix, "Europe/Moscow", new Date("2026-12-07T15:00:00Z"))).toBe(false);
    expect(onShift(null, "Europe/Moscow", new Date("2026-12-07T03:00:00Z"))).toBe(true);
  });

  it("a night shift runs past midnight into the next day, even when the next day has no shift", () => {
    // Friday 22:00 – Saturday 06:00 only.
    const fridayNight: WorkHours = { days: { "5": [{ from: "22:00", to: "06:00" }] } };
    expect(localTime(new Date("2026-12-11T19:30:00Z"), "Europe/Moscow")).toEqual({ day: 5, minute: 22 * 60 + 30 });
    expect(onShift(fridayNight, "Europe/Moscow", new Date("2026-12-11T18:59:00Z"))).toBe(false); // Fri 21:59
    expect(onShift(fridayNight, "Europe/Moscow", new Date("2026-12-11T19:00:00Z"))).toBe(true); // Fri 22:00
    expect(onShift(fridayNight, "Europe/Moscow", new Date("2026-12-11T23:30:00Z"))).toBe(true); // Sat 02:30
    expect(onShift(fridayNight, "Europe/Moscow", new Date("2026-12-12T02:59:00Z"))).toBe(true); // Sat 05:59
    expect(onShift(fridayNight, "Europe/Moscow", new Date("2026-12-12T03:00:00Z"))).toBe(false); // Sat 06:00
    expect(onShift(fridayNight, "Europe/Moscow", new Date("2026-12-11T01:00:00Z"))).toBe(false); // Fri 04:00: Thursday had no shift
  });

  it("follows DST: 09:00 local is 07:00 UTC in summer and 08:00 UTC in winter (Berlin)", () => {
    const nineToSix = every("09:00", "18:00");
    // The last Sunday of March 2026 (29th) clocks go forward; of October (25th) back.
    expect(onShift(nineToSix, "Europe/Berlin", new Date("2026-03-27T07:30:00Z"))).toBe(false); // Fri 08:30 CET
    expect(onShift(nineToSix, "Europe/Berlin", new Date("2026-03-30T07:30:00Z"))).toBe(true); // Mon 09:30 CEST
    expect(onShift(nineToSix, "Europe/Berlin", new Date("2026-10-26T07:30:00Z"))).toBe(false); // Mon 08:30 CET
    // A night shift across the spring-forward night ends at 06:00 local all the same.
    const night = every("22:00", "06:00");
    expect(onShift(night, "Europe/Berlin", new Date("2026-03-29T03:59:00Z"))).toBe(true); // 05:59 CEST
    expect(onShift(night, "Europe/Berlin", new Date("2026-03-29T04:00:00Z"))).toBe(false); // 06:00 CEST
  });

  it("refuses hours that make no sense, with a clear error", () => {
    expect(() => validateWorkHours({ days: { "1": [{ from: "9:00", to: "18:00" }] } })).toThrow(/ЧЧ:ММ/);
    expect(() => validateWorkHours({ days: { "1": [{ from: "25:00", to: "18:00" }] } })).toThrow(/ЧЧ:ММ/);
    expect(() => validateWorkHours({ days: { "1": [{ from: "10:00", to: "10:00" }] } })).toThrow(/совпадают/);
    expect(() => validateWorkHours({ days: { "1": [{ from: "09:00", to: "14:00" }, { from: "13:00", to: "18:00" }] } })).toThrow(/пересекаются/);
    // A night shift overlapping a late-evening one of the same day.
    expect(() => validateWorkHours({ days: { "1": [{ from: "20:00", to: "23:00" }, { from: "22:00", to: "02:00" }] } })).toThrow(/пересекаются/);
    expect(validateWorkHours({ days: { "1": [{ from: "09:00", to: "13:00" }, { from: "14:00", to: "24:00" }], "2": [] } })).toEqual({ days: { "1": [{ from: "09:00", to: "13:00" }, { from: "14:00", to: "24:00" }] } });
  });
});

describe("the rotation on a virtual clock", () => {
  let env: TestEnv;
  type Tenant = Awaited<ReturnType<TestEnv["createTenant"]>>;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(async () => env?.close());

  const picks = async (T: Tenant, n: number, now: Date, origin?: LeadOrigin) => {
    const out: (string | null)[] = [];
    for (let i = 0; i < n; i++) out.push((await withTenant(env.db, T.project.id, (tx) => nextInRotation(tx, T.project.id, { now, origin })))?.membershipId ?? null);
    return out;
  };
  const set = (T: Tenant, membershipId: string, values: Partial<typeof memberships.$inferInsert>) =>
    withTenant(env.db, T.project.id, (tx) => tx.update(memberships).set(values).where(eq(memberships.id, membershipId)));
  const noon = new Date("2026-12-07T09:00:00Z"); // Monday 12:00 Moscow

  it("the owner is out by default; weights 2:1 share leads 2:1, spread out", async () => {
    const T = await env.createTenant("Weights");
    await set(T, T.manager.membershipId, { rotationWeight: 2, rotationOrder: 1 });
    await set(T, T.admin.membershipId, { rotationOrder: 2 });
    const got = await picks(T, 6, noon);
    expect(got).toEqual([T.manager.membershipId, T.admin.membershipId, T.manager.membershipId, T.manager.membershipId, T.admin.membershipId, T.manager.membershipId]);
    expect(got).not.toContain(T.owner.membershipId);
  });

  it("a member out of the rotation, paused, or off shift gets nothing; a pause ends by itself", async () => {
    const T = await env.createTenant("Pause");
    const actor = await loadMember(env.db, T.owner.user.id, T.project.id);
    await withTenant(env.db, T.project.id, async (tx) => {
      await updateMemberRotation(tx, actor, T.admin.membershipId, { pausedUntil: new Date("2026-12-10T00:00:00Z"), pauseReason: "vacation" }, noon);
      await updateMemberRotation(tx, actor, T.owner.membershipId, { inRotation: true, workHours: every("18:00", "23:00") }, noon);
    });
    expect(await picks(T, 3, noon)).toEqual([T.manager.membershipId, T.manager.membershipId, T.manager.membershipId]);
    // Thursday at noon the admin is back; at 19:00 the owner's evening shift counts too.
    const back = await picks(T, 2, new Date("2026-12-10T09:00:00Z"));
    expect(new Set(back)).toEqual(new Set([T.manager.membershipId, T.admin.membershipId]));
    const evening = await picks(T, 3, new Date("2026-12-10T16:00:00Z"));
    expect(new Set(evening)).toEqual(new Set([T.manager.membershipId, T.admin.membershipId, T.owner.membershipId]));
    // A pause that would end in the past is refused.
    await expect(withTenant(env.db, T.project.id, (tx) => updateMemberRotation(tx, actor, T.admin.membershipId, { pausedUntil: new Date("2026-12-01T00:00:00Z") }, noon))).rejects.toMatchObject({ code: "rotation.pauseInPast" });
  });

  it("nobody on shift: the lead waits in the queue and goes to the first member whose shift starts", async () => {
    const T = await env.createTenant("Queue");
    await set(T, T.manager.membershipId, { workHours: every("09:00", "18:00") });
    await set(T, T.admin.membershipId, { workHours: every("10:00", "19:00") });
    const night = new Date("2026-12-07T20:00:00Z"); // 23:00 Moscow
    const r = await env.ingest(T.channel, clientMessage({ chatId: "q1", text: "Здравствуйте, вы работаете?" }));
    const events: never[] = [];
    const to = await withTenant(env.db, T.project.id, (tx) => handOver(tx, { projectId: T.project.id, conversationId: r.conversationId, assigneeId: null, text: NOTIFICATION_TEXTS.conversation, now: night }, events));
    expect(to).toBeNull();
    const [queued] = await env.owner.select().from(conversations).where(eq(conversations.id, r.conversationId));
    expect(queued!.queuedAt).toBeInstanceOf(Date);
    expect(queued!.assigneeId).toBeNull();
    const published: unknown[] = [];
    const publish = async (e: unknown) => void published.push(e);
    // 08:59 Moscow: still nobody.
    expect(await assignQueuedLeads(env.db, publish, new Date("2026-12-08T05:59:00Z"))).toBe(0);
    // 09:00: the manager's shift starts and the lead is theirs, with a notification.
    expect(await assignQueuedLeads(env.db, publish, new Date("2026-12-08T06:00:00Z"))).toBe(1);
    const [given] = await env.owner.select().from(conversations).where(eq(conversations.id, r.conversationId));
    expect(given!.assigneeId).toBe(T.manager.membershipId);
    expect(given!.queuedAt).toBeNull();
    expect(published).toEqual(expect.arrayContaining([expect.objectContaining({ type: "notification", membershipId: T.manager.membershipId, conversationId: r.conversationId })]));
  });

  it("rules by channel or traffic source give the lead only to their members", async () => {
    const T = await env.createTenant("Rules");
    const actor = await loadMember(env.db, T.owner.user.id, T.project.id);
    await withTenant(env.db, T.project.id, (tx) => createRotationRule(tx, actor, { source: "VK_ADS", membershipIds: [T.admin.membershipId] }));
    expect(await picks(T, 2, noon, { channelId: T.channel.id, attribution: { utmSource: "vk_ads" } })).toEqual([T.admin.membershipId, T.admin.membershipId]);
    expect(new Set(await picks(T, 2, noon, { channelId: T.channel.id, attribution: null }))).toEqual(new Set([T.manager.membershipId, T.admin.membershipId]));
    // A channel rule, naming the owner (out of the rotation by default, so the rule has nobody): the lead waits.
    await withTenant(env.db, T.project.id, (tx) => createRotationRule(tx, actor, { channelId: T.channel.id, membershipIds: [T.owner.membershipId] }));
    expect(await picks(T, 1, noon, { channelId: T.channel.id })).toEqual([null]);
    await expect(withTenant(env.db, T.project.id, (tx) => createRotationRule(tx, actor, { membershipIds: [T.admin.membershipId] }))).rejects.toMatchObject({ code: "rotation.ruleEmpty" });
  });

  it("the project's time zone decides the shift", async () => {
    const T = await env.createTenant("Zone");
    await set(T, T.manager.membershipId, { workHours: every("09:00", "18:00") });
    await set(T, T.admin.membershipId, { inRotation: false });
    const at = new Date("2026-12-07T04:30:00Z"); // 07:30 Moscow, 09:30 Yekaterinburg
    expect(await picks(T, 1, at)).toEqual([null]);
    await withTenant(env.db, T.project.id, (tx) => tx.update(projects).set({ settings: { timezone: "Asia/Yekaterinburg" } }).where(eq(projects.id, T.project.id)));
    expect(await picks(T, 1, at)).toEqual([T.manager.membershipId]);
  });
});
