import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { and, eq } from "drizzle-orm";
import { createDb, messages, usageRecords, withTenant } from "@threadline/db";
import { SESSION_COOKIE } from "@threadline/domain/auth/sessions.ts";
import { OpenAiSimulator } from "@threadline/simulators/ai";
import { clientMessage, createTestEnv, projectToday, type TestEnv } from "@threadline/testing";
import { createCaller, createContextFactory } from "./index.ts";

// The manager's copilot through the API: the suggestion answers from the project's documents
// (with and without a model), reads voice notes by their transcript, stays in its tenant, is
// counted per member before any work, and its model calls land in the spend report.
let env: TestEnv;
const sim = new OpenAiSimulator();

beforeAll(async () => {
  env = await createTestEnv();
  await sim.start();
  env.useEndpoints({ openaiBaseUrl: sim.baseURL });
});
afterAll(async () => {
  await sim.stop();
  await env?.close();
});

type Tenant = Awaited<ReturnType<TestEnv["createTenant"]>>;

const PICKUP = "Самовывоз работает с понедельника по пятницу с 9 до 18 на Баумана 12.";

async function tenantWithDocument(name: string): Promise<Tenant> {
  const T = await env.createTenant(name);
  await env.caller(T.owner.token).knowledge.addText({ projectId: T.project.id, title: "Самовывоз", text: `${PICKUP}\n\nОплата картой или наличными при получении.` });
  return T;
}

/** A member's caller on given server dependencies, with the request's abort signal. */
function callerOn(deps: TestEnv["deps"], token: string, signal?: AbortSignal) {
  const makeContext = createContextFactory(deps);
  return createCaller(() => makeContext({ cookies: { [SESSION_COOKIE]: token }, ip: "10.0.0.1", setCookie: () => {} }), { signal });
}

let chat = 5000;
async function clientAsks(T: Tenant, text: string) {
  const result = await env.ingest(T.channel, clientMessage({ chatId: String(chat++), text }));
  return result;
}

describe("copilot suggestion", () => {
  it("without a model: the passage that answers the client's question, with what it is based on", async () => {
    const T = await tenantWithDocument("Копилот");
    const { conversationId } = await clientAsks(T, "Добрый день! По какому адресу самовывоз?");
    const s = await env.caller(T.manager.token).copilot.suggest({ projectId: T.project.id, conversationId });
    expect(s.mode).toBe("rules");
    expect(s.text).toContain("Баумана 12");
    expect(s.sources).toContainEqual(expect.objectContaining({ kind: "passage", title: "Самовывоз" }));
    expect(s.passages[0]!.text).toContain("Баумана 12");
    // Nothing is stored and nothing is sent.
    const stored = await withTenant(env.db, T.project.id, (tx) => tx.select().from(messages).where(eq(messages.conversationId, conversationId)));
    expect(stored.map((m) => m.author)).toEqual(["client"]);
  });

  it("a voice note is read by its transcript", async () => {
    const T = await tenantWithDocument("Голос");
    const { conversationId, messageId } = await clientAsks(T, "");
    await withTenant(env.db, T.project.id, (tx) => tx.update(messages).set({ kind: "voice", transcript: "Подскажите, как оплатить при получении?" }).where(eq(messages.id, messageId)));
    const s = await env.caller(T.manager.token).copilot.suggest({ projectId: T.project.id, conversationId });
    expect(s.text).toContain("картой или наличными");
  });

  it("with the project's model: the prompt carries the passage, the reply answers from it, and the call is spend", async () => {
    const T = await tenantWithDocument("КопилотLLM");
    await env.caller(T.owner.token).agent.update({ projectId: T.project.id, llm: { model: "gpt-4o-mini", apiKey: sim.apiKey } });
    const { conversationId } = await clientAsks(T, "Здравствуйте, где забрать заказ самовывозом?");
    const before = sim.completions.length;
    const s = await env.caller(T.manager.token).copilot.suggest({ projectId: T.project.id, conversationId });
    expect(s.mode).toBe("llm");
    expect(s.text).toContain("Баумана 12");
    const calls = sim.completions.slice(before);
    expect(calls).toHaveLength(1);
    expect(JSON.stringify(calls[0]!.body)).toContain("Баумана 12");
    const usage = await env.owner.select().from(usageRecords).where(and(eq(usageRecords.projectId, T.project.id), eq(usageRecords.feature, "copilot")));
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ conversationId, model: "gpt-4o-mini" });
    expect(Number(usage[0]!.costUsd)).toBeGreaterThan(0);
    const today = projectToday();
    const report = await env.caller(T.owner.token).analytics.spend({ projectId: T.project.id, from: today, to: today });
    expect(report.lines.map((l) => l.feature)).toContain("copilot");
  });

  it("with the project's key, the passage that says it in other words reaches the prompt, the question's embedding is spend", async () => {
    const T = await env.createTenant("КопилотСмысл");
    await env.caller(T.owner.token).agent.update({ projectId: T.project.id, llm: { model: "gpt-4o-mini", apiKey: sim.apiKey } });
    await env.caller(T.owner.token).knowledge.addText({ projectId: T.project.id, title: "Условия", text: "Курьер доставит заказ по городу за один день." });
    // No word in common with the passage: only its meaning.
    const { conversationId } = await clientAsks(T, "Привезёте в Казань?");
    const before = sim.completions.length;
    await env.caller(T.manager.token).copilot.suggest({ projectId: T.project.id, conversationId });
    expect(JSON.stringify(sim.completions.slice(before)[0]!.body)).toContain("Курьер доставит заказ");
    const usage = await env.owner.select().from(usageRecords).where(and(eq(usageRecords.projectId, T.project.id), eq(usageRecords.conversationId, conversationId)));
    expect(usage.map((u) => u.feature).sort()).toEqual(["copilot", "knowledge_embeddings"]);
  });

  it("the copilot and the sandbox hold no database connection while the model answers: on a pool of one, another query runs meanwhile", async () => {
    const T = await tenantWithDocument("КопилотПул");
    await env.caller(T.owner.token).agent.update({ projectId: T.project.id, llm: { model: "gpt-4o-mini", apiKey: sim.apiKey } });
    const { conversationId } = await clientAsks(T, "Здравствуйте, где забрать заказ самовывозом?");
    const pool = createDb(env.database.appUrl, { max: 1 });
    const manager = callerOn({ ...env.deps, db: pool }, T.manager.token);
    const owner = callerOn({ ...env.deps, db: pool }, T.owner.token);
    const delayMs = 3000;
    sim.responseDelayMs = delayMs;
    try {
      const calls = [
        () => manager.copilot.suggest({ projectId: T.project.id, conversationId }),
        () => manager.copilot.summary({ projectId: T.project.id, conversationId }),
        // The owner's «Проверить агента» runs the agent's turn the same way.
        () => owner.agent.sandbox({ projectId: T.project.id, messages: [{ author: "client", text: "Где забрать заказ самовывозом?" }] }),
      ];
      for (const call of calls) {
        const before = sim.completions.length;
        const answer = call();
        await vi.waitFor(() => expect(sim.completions.length).toBe(before + 1), { timeout: 20_000, interval: 20 });
        const asked = sim.completions[before]!.at.getTime();
        // The one connection is free while the simulator holds its answer back: had the request's
        // transaction stayed open, this query would wait until after the answer.
        const rows = await withTenant(pool, T.project.id, (tx) => tx.select({ id: messages.id }).from(messages).where(eq(messages.conversationId, conversationId)));
        expect(rows).toHaveLength(1);
        expect(Date.now()).toBeLessThan(asked + delayMs);
        expect((await answer).mode).toBe("llm");
      }
      // Spend is still recorded, in a transaction after the call: the passages' embedding when the
      // key was saved, the question's with the suggestion and with the sandbox's turn.
      const usage = await env.owner.select({ feature: usageRecords.feature }).from(usageRecords).where(eq(usageRecords.projectId, T.project.id));
      expect(usage.map((u) => u.feature).sort()).toEqual(["agent_intent", "agent_reply", "copilot", "copilot_summary", "knowledge_embeddings", "knowledge_embeddings", "knowledge_embeddings"]);
    } finally {
      sim.responseDelayMs = 0;
      await pool.$close();
    }
  });

  it("a manager who leaves stops the model call: the request's signal aborts it, and the rules' suggestion stands", async () => {
    const T = await tenantWithDocument("КопилотОтмена");
    await env.caller(T.owner.token).agent.update({ projectId: T.project.id, llm: { model: "gpt-4o-mini", apiKey: sim.apiKey } });
    const { conversationId } = await clientAsks(T, "По какому адресу самовывоз?");
    sim.responseDelayMs = 5000;
    try {
      const controller = new AbortController();
      const before = sim.completions.length;
      const answer = callerOn(env.deps, T.manager.token, controller.signal).copilot.suggest({ projectId: T.project.id, conversationId });
      await vi.waitFor(() => expect(sim.completions.length).toBe(before + 1), { timeout: 20_000, interval: 20 });
      // Counted from the model's call: the question's embedding before it waits on the simulator too.
      const started = sim.completions[before]!.at.getTime();
      controller.abort();
      const s = await answer;
      // Not the model's answer (it never came), and not after the simulator's delay.
      expect(s.mode).toBe("fallback");
      expect(s.text).toContain("Баумана 12");
      expect(Date.now() - started).toBeLessThan(5000);
      expect(sim.completions.length).toBe(before + 1);
    } finally {
      sim.responseDelayMs = 0;
    }
  });

  it("another tenant's conversation is not found, and nothing of it is read", async () => {
    const A = await tenantWithDocument("КопилотА");
    const B = await tenantWithDocument("КопилотБ");
    const owner = env.caller(A.owner.token).copilot;
    await expect(owner.suggest({ projectId: A.project.id, conversationId: B.conversationId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(owner.summary({ projectId: A.project.id, conversationId: B.conversationId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(owner.suggest({ projectId: B.project.id, conversationId: B.conversationId })).rejects.toMatchObject({ code: expect.stringMatching(/^(NOT_FOUND|FORBIDDEN)$/) });
  });

  it("is counted per member before any work: past the limit a clear Russian error, another member still served", async () => {
    const T = await tenantWithDocument("КопилотЛимит");
    const { conversationId } = await clientAsks(T, "По какому адресу самовывоз?");
    const manager = env.caller(T.manager.token).copilot;
    for (let i = 0; i < 30; i++) await manager.suggest({ projectId: T.project.id, conversationId });
    // Refused before the conversation is even looked up: an id that does not exist gets the same answer.
    await expect(manager.suggest({ projectId: T.project.id, conversationId: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
    await expect(manager.suggest({ projectId: T.project.id, conversationId })).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
      message: expect.stringContaining("Слишком много запросов к ИИ подряд"),
    });
    await expect(manager.summary({ projectId: T.project.id, conversationId })).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
    expect((await env.caller(T.owner.token).copilot.suggest({ projectId: T.project.id, conversationId })).text).toContain("Баумана 12");
  });
});

describe("conversation summary", () => {
  it("what the client wants, budget, date, objections and phone, from the client's words", async () => {
    const T = await env.createTenant("Сводка");
    const chatId = String(chat++);
    const { conversationId } = await env.ingest(T.channel, clientMessage({ chatId, text: "Здравствуйте! Хочу заказать торт на день рождения" }));
    await env.ingest(T.channel, clientMessage({ chatId, text: "Бюджет до 5000 руб, нужно к субботе" }));
    await env.ingest(T.channel, clientMessage({ chatId, text: "Дороговато, подумаю. Мой номер +7 912 345-67-89" }));
    const s = await env.caller(T.manager.token).copilot.summary({ projectId: T.project.id, conversationId });
    expect(s.wants).toContain("торт");
    expect(s.budget).toContain("5000");
    expect(s.date).toContain("суббот");
    expect(s.objections).toContain("Дорого");
    expect(s.phone).toBe("+79123456789");
  });

  it("with the project's model the summary is worded by it and recorded as spend", async () => {
    const T = await env.createTenant("СводкаLLM");
    await env.caller(T.owner.token).agent.update({ projectId: T.project.id, llm: { model: "gpt-4o-mini", apiKey: sim.apiKey } });
    const { conversationId } = await clientAsks(T, "Хочу заказать букет роз, бюджет до 3000 руб");
    const s = await env.caller(T.manager.token).copilot.summary({ projectId: T.project.id, conversationId });
    expect(s.mode).toBe("llm");
    expect(s.wants).toContain("букет");
    const usage = await env.owner.select().from(usageRecords).where(and(eq(usageRecords.projectId, T.project.id), eq(usageRecords.feature, "copilot_summary")));
    expect(usage).toHaveLength(1);
  });
});

describe("sandbox limit", () => {
  it("the owner's sandbox is counted per member before the turn, with a clear Russian error", async () => {
    const T = await env.createTenant("ПесочницаЛимит");
    const agent = env.caller(T.owner.token).agent;
    const turn = { projectId: T.project.id, messages: [{ author: "client" as const, text: "Здравствуйте" }] };
    for (let i = 0; i < 20; i++) await agent.sandbox(turn);
    await expect(agent.sandbox(turn)).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS", message: expect.stringMatching(/^Слишком много запросов к ИИ подряд\. Попробуйте через \d+ с$/) });
    // Another owner-level member of the project has their own count.
    expect((await env.caller(T.admin.token).agent.sandbox(turn)).replies.length).toBeGreaterThan(0);
  });
});
