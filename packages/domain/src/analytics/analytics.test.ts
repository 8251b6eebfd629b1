import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { contacts, conversations, usageRecords, withTenant } from "@threadline/db";
import { clientMessage, createTwoTenantEnv, projectToday, type TestEnv } from "@threadline/testing";

let env: TestEnv;
let A: Awaited<ReturnType<TestEnv["createTenant"]>>;
let B: Awaited<ReturnType<TestEnv["createTenant"]>>;

const day = (d: string, time = "12:00") => new Date(`${d}T${time}:00+03:00`);

async function usage(projectId: string, rows: { feature: string; provider: string; model: string; input: number; output?: number; cost: number; at: Date; conversationId?: string }[]) {
  await withTenant(env.db, projectId, (tx) =>
    tx.insert(usageRecords).values(
      rows.map((r) => ({ projectId, feature: r.feature, provider: r.provider, model: r.model, inputUnits: r.input, outputUnits: r.output ?? 0, costUsd: r.cost.toFixed(6), createdAt: r.at, conversationId: r.conversationId })),
    ),
  );
}

/** A live lead from a Telegram link with UTM tags, taken up by the lead pipeline (a stage event). */
async function lead(T: typeof A, chatId: string, utm: { source?: string; campaign?: string } | null, outcome?: "won" | "lost" | "spam", phone?: string) {
  const attribution = utm ? { via: "telegram_start" as const, raw: `src-${utm.source}`, utm: { source: utm.source, campaign: utm.campaign } } : undefined;
  const { conversationId } = await env.ingest(T.channel, clientMessage({ chatId, text: "Здравствуйте", attribution }));
  const owner = env.caller(T.owner.token);
  await owner.leads.setStage({ projectId: T.project.id, conversationId, stage: "assigned" });
  if (outcome) await owner.leads.setStage({ projectId: T.project.id, conversationId, stage: outcome });
  if (phone) {
    await withTenant(env.db, T.project.id, async (tx) => {
      const [c] = await tx.select({ contactId: conversations.contactId }).from(conversations).where(eq(conversations.id, conversationId));
      await tx.update(contacts).set({ phone }).where(eq(contacts.id, c!.contactId));
    });
  }
  return conversationId;
}

const today = projectToday();

beforeAll(async () => {
  ({ env, A, B } = await createTwoTenantEnv("Analytics", "Other"));
});
afterAll(async () => {
  await env?.close();
});

describe("spend report", () => {
  it("sums the project's AI and voice spend per provider, feature and model, and per day on the project's clock", async () => {
    await usage(A.project.id, [
      { feature: "agent_reply", provider: "openai", model: "gpt-4o-mini", input: 1200, output: 300, cost: 0.00036, at: day("2026-11-02", "09:00"), conversationId: A.conversationId },
      { feature: "agent_reply", provider: "openai", model: "gpt-4o-mini", input: 800, output: 200, cost: 0.00024, at: day("2026-11-03", "23:30") },
      { feature: "reply_voice", provider: "elevenlabs", model: "eleven_multilingual_v2", input: 500, cost: 0.15, at: day("2026-11-03", "10:00"), conversationId: A.conversationId },
      // Outside the period: 00:30 on the 5th in Moscow is still the 4th in UTC.
      { feature: "reply_voice", provider: "elevenlabs", model: "eleven_multilingual_v2", input: 999, cost: 9, at: day("2026-11-05", "00:30") },
    ]);
    await usage(B.project.id, [{ feature: "reply_voice", provider: "elevenlabs", model: "eleven_multilingual_v2", input: 100, cost: 5, at: day("2026-11-03") }]);

    const report = await env.caller(A.finance.token).analytics.spend({ projectId: A.project.id, from: "2026-11-01", to: "2026-11-04" });
    expect(report.totalUsd).toBeCloseTo(0.1506, 6);
    expect(report.requests).toBe(3);
    expect(report.lines).toEqual([
      { provider: "elevenlabs", feature: "reply_voice", model: "eleven_multilingual_v2", requests: 1, inputUnits: 500, outputUnits: 0, conversations: 1, costUsd: 0.15 },
      { provider: "openai", feature: "agent_reply", model: "gpt-4o-mini", requests: 2, inputUnits: 2000, outputUnits: 500, conversations: 1, costUsd: 0.0006 },
    ]);
    expect(report.days).toEqual([
      { day: "2026-11-02", feature: "agent_reply", costUsd: 0.00036 },
      { day: "2026-11-03", feature: "agent_reply", costUsd: 0.00024 },
      { day: "2026-11-03", feature: "reply_voice", costUsd: 0.15 },
    ]);
  });

  it("is for roles with the spend report only, and never shows another project's spend", async () => {
    await expect(env.caller(A.manager.token).analytics.spend({ projectId: A.project.id, from: "2026-11-01", to: "2026-11-04" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(env.caller(A.finance.token).analytics.spend({ projectId: B.project.id, from: "2026-11-01", to: "2026-11-04" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses a reversed or overlong period with a clear message", async () => {
    await expect(env.caller(A.finance.token).analytics.spend({ projectId: A.project.id, from: "2026-11-04", to: "2026-11-01" })).rejects.toThrow(/Начало периода позже конца/);
    await expect(env.caller(A.finance.token).analytics.spend({ projectId: A.project.id, from: "2024-01-01", to: "2026-11-01" })).rejects.toThrow(/не длиннее 366 дней/);
  });
});

describe("traffic report", () => {
  it("counts the period's leads by source and campaign, with phones, sales, refusals and junk; imported history is no lead", async () => {
    await lead(A, "t1", { source: "vk_ads", campaign: "black_friday" }, "won", "+79120000001");
    await lead(A, "t2", { source: "vk_ads", campaign: "black_friday" }, "lost", "+79120000002");
    await lead(A, "t3", { source: "vk_ads", campaign: "black_friday" });
    await lead(A, "t4", { source: "yandex", campaign: "brand" }, "won", "+79120000004");
    await lead(A, "t5", null, "spam");
    // A conversation from history: stored, but the lead pipeline never took it up.
    await env.ingest(A.channel, clientMessage({ chatId: "t6", text: "Старая переписка", attribution: { via: "telegram_start", raw: "x", utm: { source: "vk_ads", campaign: "black_friday" } } }));
    await lead(B, "b1", { source: "vk_ads", campaign: "black_friday" }, "won");

    const report = await env.caller(A.traffic.token).analytics.traffic({ projectId: A.project.id, from: today, to: today });
    const bySource = Object.fromEntries(report.rows.map((r) => [`${r.source}/${r.campaign}`, r]));
    expect(bySource["vk_ads/black_friday"]).toMatchObject({ source: "vk_ads", campaign: "black_friday", leads: 3, withPhone: 2, won: 1, lost: 1, junk: 0, paid: 0, revenue: 0 });
    expect(bySource["yandex/brand"]).toMatchObject({ leads: 1, withPhone: 1, won: 1 });
    // The tenant's own first conversation (createTenant) and the spam lead have no tags.
    expect(bySource["/"]).toMatchObject({ junk: 1 });
    expect(report.totals.won).toBe(2);
    expect(report.totals.leads).toBe(report.rows.reduce((n, r) => n + r.leads, 0));
  });

  it("revenue per campaign: paid leads, revenue less refunds, average check, conversion, AI spend per lead and per sale; none of the money for a role with payments hidden", async () => {
    const c1 = await lead(A, "r1", { source: "tg_ads", campaign: "spring" });
    const c2 = await lead(A, "r2", { source: "tg_ads", campaign: "spring" });
    await lead(A, "r3", { source: "tg_ads", campaign: "spring" });
    const owner = env.caller(A.owner.token);
    await owner.payments.markPaid({ projectId: A.project.id, conversationId: c1, amount: 300000, method: "cash" });
    await owner.payments.markPaid({ projectId: A.project.id, conversationId: c2, amount: 100000, method: "transfer" });
    await usage(A.project.id, [
      { feature: "agent_reply", provider: "openai", model: "gpt-4o-mini", input: 1000, cost: 0.3, at: new Date(), conversationId: c1 },
      { feature: "voice_reply", provider: "elevenlabs", model: "eleven_multilingual_v2", input: 100, cost: 0.3, at: new Date(), conversationId: c2 },
    ]);
    const report = await env.caller(A.traffic.token).analytics.traffic({ projectId: A.project.id, from: today, to: today });
    const row = report.rows.find((r) => r.source === "tg_ads" && r.campaign === "spring")!;
    expect(row).toMatchObject({ leads: 3, paid: 2, revenue: 400000, averageCheck: 200000, conversion: 0.6667, spendUsd: 0.6, spendPerLeadUsd: 0.2, spendPerSaleUsd: 0.3 });
    expect(report.totals.revenue).toBe(report.rows.reduce((n, r) => n + (r.revenue ?? 0), 0));

    const roles = await owner.roles.list({ projectId: A.project.id });
    const traffic = roles.find((r) => r.key === "traffic")!;
    await owner.roles.update({ projectId: A.project.id, roleId: traffic.id, hiddenFields: [...traffic.hiddenFields, "payments"] });
    try {
      const hiddenReport = await env.caller(A.traffic.token).analytics.traffic({ projectId: A.project.id, from: today, to: today });
      const hiddenRow = hiddenReport.rows.find((r) => r.source === "tg_ads")!;
      expect(hiddenRow).toMatchObject({ leads: 3, paid: null, revenue: null, averageCheck: null, conversion: null, spendPerSaleUsd: null });
      expect(hiddenReport.totals.revenue).toBeNull();
    } finally {
      await owner.roles.update({ projectId: A.project.id, roleId: traffic.id, hiddenFields: traffic.hiddenFields });
    }
  });

  it("is refused to a role that may not see traffic sources, even when it was given the report", async () => {
    const owner = env.caller(A.owner.token);
    const roles = await owner.roles.list({ projectId: A.project.id });
    const finance = roles.find((r) => r.key === "finance")!;
    await owner.roles.update({ projectId: A.project.id, roleId: finance.id, permissions: [...finance.permissions, "analytics.traffic"] });
    await expect(env.caller(A.finance.token).analytics.traffic({ projectId: A.project.id, from: today, to: today })).rejects.toThrow(/не видит источники трафика/);
    await expect(env.caller(A.manager.token).analytics.traffic({ projectId: A.project.id, from: today, to: today })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
