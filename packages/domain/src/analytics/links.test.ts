import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { decodeStartPayload, START_PAYLOAD_MAX_LENGTH } from "@threadline/channels";
import { conversations, projects } from "@threadline/db";
import { clientMessage, createTwoTenantEnv, type TestEnv } from "@threadline/testing";
import { buildTrackedLink } from "./links.ts";

let env: TestEnv;
let A: Awaited<ReturnType<TestEnv["createTenant"]>>;
let B: Awaited<ReturnType<TestEnv["createTenant"]>>;

beforeAll(async () => {
  ({ env, A, B } = await createTwoTenantEnv("Links", "Other"));
});
afterAll(async () => {
  await env?.close();
});

describe("building a tracked link", () => {
  it("Telegram: readable tags go into the start payload as they are and come back on arrival", () => {
    const link = buildTrackedLink({ name: "Весна", kind: "telegram", target: "@shop_bot", source: "vk_ads", medium: "cpc", campaign: "spring" });
    expect(link.url).toBe("https://t.me/shop_bot?start=u-vk_ads-cpc-spring");
    expect(decodeStartPayload(link.payload)).toEqual({ source: "vk_ads", medium: "cpc", campaign: "spring" });
  });

  it("Cyrillic tags are base64url in the payload, of the start alphabet, and decode to the same tags", () => {
    const tags = { source: "посевы", medium: "tg", campaign: "весна 1" };
    const link = buildTrackedLink({ name: "Посевы", kind: "telegram", target: "shop_bot", ...tags });
    expect(link.payload).toMatch(/^x-[A-Za-z0-9_-]+$/);
    expect(link.payload.length).toBeLessThanOrEqual(START_PAYLOAD_MAX_LENGTH);
    expect(decodeStartPayload(link.payload)).toEqual(tags);
  });

  it("refuses tags that do not fit 64 characters, and takes tags that fill them exactly", () => {
    expect(() => buildTrackedLink({ name: "x", kind: "telegram", target: "shop_bot", source: "a".repeat(40), campaign: "b".repeat(30) })).toThrow(
      expect.objectContaining({ code: "links.tooLong" }),
    );
    expect(() => buildTrackedLink({ name: "x", kind: "telegram", target: "shop_bot", source: "ж".repeat(30) })).toThrow(expect.objectContaining({ code: "links.tooLong" }));
    const full = buildTrackedLink({ name: "x", kind: "telegram", target: "shop_bot", source: "s".repeat(START_PAYLOAD_MAX_LENGTH - 2) });
    expect(full.payload).toHaveLength(START_PAYLOAD_MAX_LENGTH);
    expect(decodeStartPayload(full.payload)).toEqual({ source: "s".repeat(START_PAYLOAD_MAX_LENGTH - 2) });
  });

  it("VK: ref carries the tags, ref_source the placement; bad bot or community names and empty tags are refused", () => {
    const link = buildTrackedLink({ name: "Лента", kind: "vk", target: "club123", source: "vk_ads", campaign: "spring", refSource: "лента" });
    expect(link.url).toBe(`https://vk.me/club123?ref=u-vk_ads--spring&ref_source=${encodeURIComponent("лента")}`);
    expect(new URL(link.url).searchParams.get("ref_source")).toBe("лента");
    expect(() => buildTrackedLink({ name: "x", kind: "telegram", target: "бот", source: "a" })).toThrow(expect.objectContaining({ code: "links.badBot" }));
    expect(() => buildTrackedLink({ name: "x", kind: "vk", target: "club 1/../", source: "a" })).toThrow(expect.objectContaining({ code: "links.badCommunity" }));
    expect(() => buildTrackedLink({ name: "x", kind: "vk", target: "club1" })).toThrow(expect.objectContaining({ code: "links.tagsRequired" }));
  });
});

describe("tracked links with their leads, sales and revenue", () => {
  it("counts first-touch leads, paid leads and revenue per link; another project's leads and other links' leads do not count", async () => {
    const traffic = env.caller(A.traffic.token);
    const owner = env.caller(A.owner.token);
    const tg = await traffic.analytics.createLink({ projectId: A.project.id, name: "Посевы весна", kind: "telegram", target: "shop_bot", source: "посевы", campaign: "весна" });
    const vk = await traffic.analytics.createLink({ projectId: A.project.id, name: "VK лента", kind: "vk", target: "club123", source: "vk_ads", refSource: "feed" });
    await expect(traffic.analytics.createLink({ projectId: A.project.id, name: "Снова", kind: "telegram", target: "shop_bot", source: "посевы", campaign: "весна" })).rejects.toMatchObject({
      code: "CONFLICT",
    });

    const arrive = async (T: typeof A, chatId: string, attribution: Parameters<typeof clientMessage>[0]["attribution"]) => {
      const { conversationId } = await env.ingest(T.channel, clientMessage({ chatId, text: "Здравствуйте", attribution }));
      await env.caller(T.owner.token).leads.setStage({ projectId: T.project.id, conversationId, stage: "assigned" });
      return conversationId;
    };
    const start = (payload: string) => ({ via: "telegram_start" as const, raw: payload, utm: decodeStartPayload(payload) });
    const c1 = await arrive(A, "l1", start(tg.payload));
    const c2 = await arrive(A, "l2", start(tg.payload));
    await arrive(A, "l3", start(tg.payload));
    const c4 = await arrive(A, "l4", { via: "vk_ref", raw: vk.payload, refSource: "feed", utm: decodeStartPayload(vk.payload) });
    // The same ref placed elsewhere is another link; another project's lead with the same payload is not ours.
    await arrive(A, "l5", { via: "vk_ref", raw: vk.payload, refSource: "stories", utm: decodeStartPayload(vk.payload) });
    await arrive(B, "b1", start(tg.payload));
    await owner.payments.markPaid({ projectId: A.project.id, conversationId: c1, amount: 250000, method: "cash" });
    await owner.payments.markPaid({ projectId: A.project.id, conversationId: c2, amount: 50000, method: "transfer" });
    await owner.payments.markPaid({ projectId: A.project.id, conversationId: c4, amount: 70000, method: "cash" });

    const { links, seesPayments } = await traffic.analytics.links({ projectId: A.project.id });
    expect(seesPayments).toBe(true);
    const byId = Object.fromEntries(links.map((l) => [l.id, l]));
    expect(byId[tg.id]).toMatchObject({ name: "Посевы весна", leads: 3, sales: 2, revenue: 300000, url: `https://t.me/shop_bot?start=${tg.payload}` });
    expect(byId[vk.id]).toMatchObject({ leads: 1, sales: 1, revenue: 70000 });
    expect((await env.caller(B.traffic.token).analytics.links({ projectId: B.project.id })).links).toEqual([]);
    await expect(env.caller(B.traffic.token).analytics.deleteLink({ projectId: B.project.id, linkId: tg.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(env.caller(B.traffic.token).analytics.links({ projectId: A.project.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("counts within a period only the leads that came in it, with what they paid; revenue comes in the project's currency", async () => {
    const traffic = env.caller(A.traffic.token);
    const owner = env.caller(A.owner.token);
    const link = await traffic.analytics.createLink({ projectId: A.project.id, name: "Осень", kind: "telegram", target: "shop_bot", source: "осень" });
    const arrive = async (chatId: string) => {
      const { conversationId } = await env.ingest(A.channel, clientMessage({ chatId, text: "Добрый день", attribution: { via: "telegram_start", raw: link.payload, utm: decodeStartPayload(link.payload) } }));
      await owner.leads.setStage({ projectId: A.project.id, conversationId, stage: "assigned" });
      return conversationId;
    };
    const recent = await arrive("p1");
    const old = await arrive("p2");
    await owner.payments.markPaid({ projectId: A.project.id, conversationId: recent, amount: 120000, method: "cash" });
    await owner.payments.markPaid({ projectId: A.project.id, conversationId: old, amount: 30000, method: "cash" });
    // The old lead came forty days ago.
    await env.owner.update(conversations).set({ createdAt: sql`now() - interval '40 days'` }).where(eq(conversations.id, old));
    await env.owner.update(projects).set({ currency: "EUR" }).where(eq(projects.id, A.project.id));
    try {
      const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
      const all = await traffic.analytics.links({ projectId: A.project.id });
      expect(all.currency).toBe("EUR");
      expect(all.links.find((l) => l.id === link.id)).toMatchObject({ leads: 2, sales: 2, revenue: 150000 });
      const month = await traffic.analytics.links({ projectId: A.project.id, period: { from: day(29), to: day(-1) } });
      expect(month.links.find((l) => l.id === link.id)).toMatchObject({ leads: 1, sales: 1, revenue: 120000 });
      const before = await traffic.analytics.links({ projectId: A.project.id, period: { from: day(60), to: day(35) } });
      expect(before.links.find((l) => l.id === link.id)).toMatchObject({ leads: 1, sales: 1, revenue: 30000 });
      await expect(traffic.analytics.links({ projectId: A.project.id, period: { from: day(1), to: day(5) } })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    } finally {
      await env.owner.update(projects).set({ currency: "RUB" }).where(eq(projects.id, A.project.id));
    }
  });

  it("hides sales and revenue from a role with payments hidden, and refuses a manager", async () => {
    const owner = env.caller(A.owner.token);
    const roles = await owner.roles.list({ projectId: A.project.id });
    const traffic = roles.find((r) => r.key === "traffic")!;
    await owner.roles.update({ projectId: A.project.id, roleId: traffic.id, hiddenFields: [...traffic.hiddenFields, "payments"] });
    try {
      const { links, seesPayments } = await env.caller(A.traffic.token).analytics.links({ projectId: A.project.id });
      expect(seesPayments).toBe(false);
      expect(links.length).toBeGreaterThan(0);
      for (const l of links) expect(l).toMatchObject({ sales: null, revenue: null });
    } finally {
      await owner.roles.update({ projectId: A.project.id, roleId: traffic.id, hiddenFields: traffic.hiddenFields });
    }
    await expect(env.caller(A.manager.token).analytics.links({ projectId: A.project.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("deletes a link; a bad name is refused and nothing is stored", async () => {
    const traffic = env.caller(A.traffic.token);
    const before = (await traffic.analytics.links({ projectId: A.project.id })).links;
    await expect(traffic.analytics.createLink({ projectId: A.project.id, name: "x", kind: "telegram", target: "no", source: "a" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect((await traffic.analytics.links({ projectId: A.project.id })).links).toHaveLength(before.length);
    await traffic.analytics.deleteLink({ projectId: A.project.id, linkId: before[0]!.id });
    expect((await traffic.analytics.links({ projectId: A.project.id })).links).toHaveLength(before.length - 1);
  });
});
