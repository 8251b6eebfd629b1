import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { auditLog, conversations, leadEvents, memberships, messages, notifications, projects, usageRecords, withTenant, wonExamples } from "@threadline/db";
import { OpenAiSimulator } from "@threadline/simulators/ai";
import { DEFAULT_TEXTS } from "@threadline/ai";
import { clientMessage, createTestEnv, type TestEnv } from "@threadline/testing";
import { PUBLIC_ENDPOINTS } from "../endpoints.ts";
import { processLeadMessage, type LeadDeps } from "./agent.ts";

// The lead pipeline's services without the channel: settings, rotation, stage changes by hand,
// the example library, notifications, and the agent with the project's model.
let env: TestEnv;
let deps: LeadDeps;
type Tenant = Awaited<ReturnType<TestEnv["createTenant"]>>;

let chat = 1;
/** A client's message stored as the inbound worker stores it; the lead step is run by the test. */
async function clientWrites(T: Tenant, text: string, chatId = `c${++chat}`) {
  const r = await env.ingest(T.channel, clientMessage({ chatId, text }));
  return { projectId: T.project.id, conversationId: r.conversationId, messageId: r.messageId };
}

/** Puts the members given in the rotation (the owner is out by default), in this order. */
async function rotation(T: Tenant, order: Partial<Record<"manager" | "admin" | "owner", number>>) {
  await withTenant(env.db, T.project.id, async (tx) => {
    for (const [key, n] of Object.entries(order)) await tx.update(memberships).set({ rotationOrder: n, inRotation: true }).where(eq(memberships.id, T[key as "manager"].membershipId));
  });
}

async function conversation(id: string) {
  const [c] = await env.owner.select().from(conversations).where(eq(conversations.id, id));
  return c!;
}

beforeAll(async () => {
  env = await createTestEnv();
  deps = env.leadDeps;
});
afterAll(async () => env?.close());

// The embedding model the settings show when the owner has chosen none.
const EMBEDDING_VIEW = { embeddingModel: null, embeddingDefault: "text-embedding-3-small" };

describe("agent settings", () => {
  let T: Tenant;
  beforeAll(async () => {
    T = await env.createTenant("Settings");
  });

  it("a new project has the agent on with the Russian defaults; members without agent.manage cannot see them", async () => {
    const s = await env.caller(T.tech.token).agent.get({ projectId: T.project.id });
    expect(s.enabled).toBe(true);
    expect(s.script).toMatchObject({ greeting: DEFAULT_TEXTS.greeting, askPhone: DEFAULT_TEXTS.askPhone, handoff: DEFAULT_TEXTS.handoff, maxPhoneAsks: 2, timeoutMinutes: 60, faq: [], facts: {} });
    expect(s.channels).toEqual([expect.objectContaining({ id: T.channel.id, override: null, agentOn: true })]);
    expect(s.llm).toEqual({ model: null, hasKey: false, keyStale: false, ...EMBEDDING_VIEW });
    await expect(env.caller(T.manager.token).agent.get({ projectId: T.project.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(env.caller(T.manager.token).agent.update({ projectId: T.project.id, enabled: false })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("saves the script, keeps what was left out, restores a default from an empty text, and writes the audit log", async () => {
    const caller = env.caller(T.owner.token);
    await caller.agent.update({
      projectId: T.project.id,
      script: {
        greeting: "Добрый день! Это кофейня «Зерно».",
        facts: { hours: "ежедневно с 8:00 до 22:00", " address ": " Казань, ул. Баумана, 12 " },
        faq: [{ q: ["сколько стоит доставка", " "], a: "Доставка 150 ₽." }],
        handoffTopics: ["Опт", "опт", "скидк"],
        timeoutMinutes: 90,
      },
    });
    let s = await caller.agent.update({ projectId: T.project.id, script: { maxPhoneAsks: 3 } });
    expect(s.script).toMatchObject({
      greeting: "Добрый день! Это кофейня «Зерно».",
      facts: { hours: "ежедневно с 8:00 до 22:00", address: "Казань, ул. Баумана, 12" },
      faq: [{ q: ["сколько стоит доставка"], a: "Доставка 150 ₽." }],
      handoffTopics: ["опт", "скидк"],
      maxPhoneAsks: 3,
      timeoutMinutes: 90,
    });
    s = await caller.agent.update({ projectId: T.project.id, script: { greeting: "" } });
    expect(s.script.greeting).toBe(DEFAULT_TEXTS.greeting);
    const entries = await env.owner.select().from(auditLog).where(and(eq(auditLog.projectId, T.project.id), eq(auditLog.action, "agent.updated")));
    expect(entries).toHaveLength(3);
  });

  it("refuses what makes no sense, with a message a person can act on", async () => {
    const caller = env.caller(T.owner.token);
    await expect(caller.agent.update({ projectId: T.project.id, script: { maxPhoneAsks: 0 } })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(caller.agent.update({ projectId: T.project.id, script: { timeoutMinutes: 0 } })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(caller.agent.update({ projectId: T.project.id, script: { faq: [{ q: ["вопрос"], a: " " }] } })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("Напишите ответ") });
    await expect(caller.agent.update({ projectId: T.project.id, script: { greeting: "я".repeat(1001) } })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    // The model API's address is the operator's: a project cannot send its key elsewhere.
    const sneaky = await env.http("agent.update", { token: T.owner.token, input: { projectId: T.project.id, llm: { baseUrl: "http://127.0.0.1:9/v1", apiKey: "sk-x" } } });
    expect(sneaky.status).toBe(400);
    expect(sneaky.body.error?.json?.message).toContain("baseUrl");
    expect((await caller.agent.get({ projectId: T.project.id })).llm.hasKey).toBe(false);
  });

  it("the model key is stored encrypted and never returned", async () => {
    const provider = new OpenAiSimulator({ apiKeys: ["sk-very-secret"] });
    await provider.start();
    env.useEndpoints({ openaiBaseUrl: provider.baseURL });
    const s = await env.caller(T.owner.token).agent.update({ projectId: T.project.id, llm: { model: "gpt-4o-mini", apiKey: "sk-very-secret" } }).finally(async () => {
      env.useEndpoints({ openaiBaseUrl: PUBLIC_ENDPOINTS.openaiBaseUrl });
      await provider.stop();
    });
    expect(s.llm).toEqual({ model: "gpt-4o-mini", hasKey: true, keyStale: false, ...EMBEDDING_VIEW });
    expect(JSON.stringify(s)).not.toContain("sk-very-secret");
    const [p] = await env.owner.select({ key: projects.openaiKeyEnc }).from(projects).where(eq(projects.id, T.project.id));
    expect(p!.key).toBeTruthy();
    expect(p!.key).not.toContain("sk-very-secret");
    const cleared = await env.caller(T.owner.token).agent.update({ projectId: T.project.id, llm: { model: null, apiKey: null } });
    expect(cleared.llm).toEqual({ model: null, hasKey: false, keyStale: false, ...EMBEDDING_VIEW });
  });
});

describe("rotation", () => {
  it("goes round the active inbox members in their order, skipping those who left, from where it stopped", async () => {
    const T = await env.createTenant("Rotation");
    await env.caller(T.owner.token).agent.update({ projectId: T.project.id, enabled: false });
    await rotation(T, { manager: 1, admin: 2, owner: 3 });
    const assignees: (string | null)[] = [];
    for (let i = 0; i < 4; i++) {
      const job = await clientWrites(T, "Здравствуйте");
      await processLeadMessage(deps, job);
      assignees.push((await conversation(job.conversationId)).assigneeId);
    }
    expect(assignees).toEqual([T.manager.membershipId, T.admin.membershipId, T.owner.membershipId, T.manager.membershipId]);
    // The admin leaves the rotation: after the manager comes the owner.
    await env.caller(T.owner.token).staff.deactivate({ projectId: T.project.id, membershipId: T.admin.membershipId });
    const job = await clientWrites(T, "Здравствуйте");
    await processLeadMessage(deps, job);
    expect((await conversation(job.conversationId)).assigneeId).toBe(T.owner.membershipId);
    // Finance, traffic and tech do not work in the inbox and never get leads.
    const got = await env.owner.select({ a: conversations.assigneeId }).from(conversations).where(eq(conversations.projectId, T.project.id));
    expect(got.map((g) => g.a)).not.toContain(T.finance.membershipId);
  });

  it("leads arriving together are shared out evenly: the pointer is locked while a member is chosen", async () => {
    const T = await env.createTenant("Together");
    await env.caller(T.owner.token).agent.update({ projectId: T.project.id, enabled: false });
    await rotation(T, { manager: 1, admin: 2, owner: 3 });
    const jobs = [];
    for (let i = 0; i < 9; i++) jobs.push(await clientWrites(T, "Добрый день"));
    await Promise.all(jobs.map((j) => processLeadMessage(deps, j)));
    const rows = await env.owner.select({ a: conversations.assigneeId }).from(conversations).where(and(eq(conversations.projectId, T.project.id), eq(conversations.stage, "assigned")));
    const counts = new Map<string | null, number>();
    for (const r of rows) counts.set(r.a, (counts.get(r.a) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual({ [T.manager.membershipId]: 3, [T.admin.membershipId]: 3, [T.owner.membershipId]: 3 });
  });
});

describe("stages by hand, history and the example library", () => {
  let T: Tenant;
  beforeAll(async () => {
    T = await env.createTenant("Won");
  });

  it("a member with conversations.assign marks a lead won: recorded with their name, kept as an example, visible and removable in admin", async () => {
    const job = await clientWrites(T, "Здравствуйте! Хочу торт на субботу");
    await processLeadMessage(deps, job);
    await env.caller(T.manager.token).conversations.reply({ projectId: T.project.id, conversationId: job.conversationId, text: "Торт от 1 800 ₽ за килограмм, оформим?" });
    await env.ingest(T.channel, clientMessage({ chatId: `c${chat}`, text: "Да, давайте" }));

    await expect(env.caller(T.finance.token).leads.setStage({ projectId: T.project.id, conversationId: job.conversationId, stage: "won" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const r = await env.caller(T.manager.token).leads.setStage({ projectId: T.project.id, conversationId: job.conversationId, stage: "won" });
    expect(r).toEqual({ stage: "won", changed: true });
    expect((await conversation(job.conversationId)).stage).toBe("won");

    const events = await env.caller(T.manager.token).leads.events({ projectId: T.project.id, conversationId: job.conversationId });
    // The manager's answer took the lead from the agent; the sale is theirs too.
    expect(events.map((e) => [e.fromStage, e.toStage, e.actorKind, e.actorName, e.reason])).toEqual([
      ["new", "bot", "system", null, "agent"],
      ["bot", "assigned", "member", T.manager.user.name, "took_over"],
      ["assigned", "won", "member", T.manager.user.name, "manual"],
    ]);

    const examples = await env.caller(T.owner.token).agent.examples({ projectId: T.project.id });
    expect(examples).toHaveLength(1);
    expect(examples[0]).toMatchObject({ conversationId: job.conversationId, addedByName: T.manager.user.name, messageCount: 5 });
    expect(examples[0]!.text).toContain("Клиент: Здравствуйте! Хочу торт на субботу");
    expect(examples[0]!.text).toContain("Менеджер: Торт от 1 800 ₽");
    expect(examples[0]!.text).toContain("ИИ-агент: ");

    await env.caller(T.owner.token).agent.removeExample({ projectId: T.project.id, exampleId: examples[0]!.id });
    expect(await env.caller(T.owner.token).agent.examples({ projectId: T.project.id })).toEqual([]);
    await expect(env.caller(T.owner.token).agent.removeExample({ projectId: T.project.id, exampleId: examples[0]!.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const audit = await env.owner.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.projectId, T.project.id));
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["conversation.stage_changed", "agent.example_removed"]));
  });

  it("every stage can be set by hand and each change is recorded; `bot` gives the lead back to the agent", async () => {
    const job = await clientWrites(T, "Добрый день");
    await processLeadMessage(deps, job);
    await env.caller(T.manager.token).conversations.setAi({ projectId: T.project.id, conversationId: job.conversationId, enabled: false });
    const caller = env.caller(T.manager.token);
    for (const stage of ["needs_human", "assigned", "low_quality", "spam", "lost", "bot"] as const) {
      await caller.leads.setStage({ projectId: T.project.id, conversationId: job.conversationId, stage });
    }
    const c = await conversation(job.conversationId);
    expect(c).toMatchObject({ stage: "bot", aiEnabled: true, assigneeId: T.manager.membershipId });
    const rows = await env.owner.select().from(leadEvents).where(eq(leadEvents.conversationId, job.conversationId)).orderBy(leadEvents.createdAt);
    expect(rows.map((e) => e.toStage)).toEqual(["bot", "needs_human", "assigned", "low_quality", "spam", "lost", "bot"]);
    // The same stage again changes nothing.
    expect(await caller.leads.setStage({ projectId: T.project.id, conversationId: job.conversationId, stage: "bot" })).toEqual({ stage: "bot", changed: false });
  });
});

describe("the agent's turn", () => {
  it("a client message stored while a turn runs is answered by the next turn, not taken for read", async () => {
    const T = await env.createTenant("Race");
    await env.caller(T.owner.token).agent.update({ projectId: T.project.id, script: { facts: { hours: "ежедневно с 8:00 до 22:00" } } });
    const first = await clientWrites(T, "Здравствуйте!");
    // The second message gets its id now but is committed only after the first turn has run.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let secondId = 0;
    const storing = withTenant(env.db, T.project.id, async (tx) => {
      const [row] = await tx
        .insert(messages)
        .values({ projectId: T.project.id, conversationId: first.conversationId, channelId: T.channel.id, externalId: "late-1", direction: "in", author: "client", text: "До скольки вы работаете?", sentAt: new Date() })
        .returning({ id: messages.id });
      secondId = row!.id;
      await gate;
    });
    await expect.poll(() => secondId).toBeGreaterThan(0);
    const one = await processLeadMessage(deps, first);
    expect(one.replies.map((r) => r.action)).toEqual(["greet", "ask_phone"]);
    release();
    await storing;
    const two = await processLeadMessage(deps, { ...first, messageId: secondId });
    expect(two.replies.map((r) => r.text).join(" ")).toContain("22:00");
    expect(two.replies.some((r) => r.action === "greet")).toBe(false);
    // Run again (a redelivered job), nothing is new.
    expect((await processLeadMessage(deps, { ...first, messageId: secondId })).replies).toEqual([]);
  });
});

describe("notifications", () => {
  it("a member lists and reads only their own", async () => {
    const T = await env.createTenant("Notes");
    await env.caller(T.owner.token).agent.update({ projectId: T.project.id, enabled: false });
    await rotation(T, { manager: 1, admin: 2, owner: 3 });
    const a = await clientWrites(T, "Здравствуйте");
    await processLeadMessage(deps, a);
    const b = await clientWrites(T, "Добрый день");
    await processLeadMessage(deps, b);
    const mine = env.caller(T.manager.token).notifications;
    const list = await mine.list({ projectId: T.project.id });
    expect(list).toEqual([
      {
        id: expect.any(String),
        ids: [list[0]!.id],
        repeats: 1,
        text: "Вам назначен новый диалог",
        conversationId: a.conversationId,
        clientName: "Анна Петрова",
        channelKind: "telegram",
        channelName: expect.any(String),
        createdAt: expect.any(Date),
        readAt: null,
      },
    ]);
    expect(await mine.unreadCount({ projectId: T.project.id })).toBe(1);
    const adminList = await env.caller(T.admin.token).notifications.list({ projectId: T.project.id });
    expect(adminList.map((n) => n.conversationId)).toEqual([b.conversationId]);
    // Someone else's notification cannot be marked read.
    await expect(mine.markRead({ projectId: T.project.id, ids: [adminList[0]!.id] })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await mine.markRead({ projectId: T.project.id, ids: [list[0]!.id] });
    expect((await mine.list({ projectId: T.project.id }))[0]!.readAt).toBeInstanceOf(Date);
    expect(await mine.list({ projectId: T.project.id, unreadOnly: true })).toEqual([]);
    await env.caller(T.admin.token).notifications.markRead({ projectId: T.project.id });
    expect(await env.caller(T.admin.token).notifications.unreadCount({ projectId: T.project.id })).toBe(0);
  });
});

describe("repeated notifications", () => {
  it("about one lead are one entry, counted once, read together", async () => {
    const T = await env.createTenant("Repeats");
    await env.caller(T.owner.token).agent.update({ projectId: T.project.id, enabled: false });
    await rotation(T, { manager: 1, admin: 2, owner: 3 });
    const a = await clientWrites(T, "Здравствуйте");
    await processLeadMessage(deps, a);
    const b = await clientWrites(T, "Добрый день");
    await processLeadMessage(deps, b);
    const [first] = await env.owner.select().from(notifications).where(eq(notifications.conversationId, a.conversationId));
    // The same alert about lead a twice more, and one about lead b (the admin's) for the manager too.
    const { id: _id, createdAt: _at, ...again } = first!;
    await env.owner.insert(notifications).values([again, again, { ...again, conversationId: b.conversationId }]);
    const mine = env.caller(T.manager.token).notifications;
    const list = await mine.list({ projectId: T.project.id });
    expect(list.map((n) => [n.conversationId, n.repeats]).sort()).toEqual(
      [
        [a.conversationId, 3],
        [b.conversationId, 1],
      ].sort(),
    );
    expect(await mine.unreadCount({ projectId: T.project.id })).toBe(2);
    const aboutA = list.find((n) => n.conversationId === a.conversationId)!;
    await mine.markRead({ projectId: T.project.id, ids: aboutA.ids });
    expect(await mine.unreadCount({ projectId: T.project.id })).toBe(1);
    expect((await mine.list({ projectId: T.project.id })).find((n) => n.conversationId === a.conversationId)!.readAt).toBeInstanceOf(Date);
  });
});

describe("with the project's model", () => {
  const sim = new OpenAiSimulator();
  beforeAll(async () => {
    await sim.start();
    env.useEndpoints({ openaiBaseUrl: sim.baseURL });
  });
  afterAll(() => sim.stop());

  it("words the replies with won dialogs as context, and stores every call's tokens and cost", async () => {
    const T = await env.createTenant("Model");
    await env.caller(T.owner.token).agent.update({
      projectId: T.project.id,
      script: { faq: [{ q: ["сколько стоит доставка"], a: "Доставка 150 ₽." }] },
      llm: { model: "gpt-4o-mini", apiKey: sim.apiKey },
    });
    const won = await clientWrites(T, "Сколько стоит доставка до дома на Баумана?");
    await env.caller(T.manager.token).conversations.reply({ projectId: T.project.id, conversationId: won.conversationId, text: "Привезём за час, оформляем заказ?" });
    await env.caller(T.manager.token).leads.setStage({ projectId: T.project.id, conversationId: won.conversationId, stage: "won" });
    expect(await env.owner.select().from(wonExamples).where(eq(wonExamples.projectId, T.project.id))).toHaveLength(1);

    const job = await clientWrites(T, "Здравствуйте! Сколько стоит доставка?");
    const before = sim.completions.length;
    const outcome = await processLeadMessage(deps, job);
    expect(outcome.mode).toBe("llm");
    expect(outcome.replies.map((r) => r.action)).toEqual(["greet", "answer", "ask_phone"]);
    const calls = sim.completions.slice(before);
    expect(calls.length).toBe(2);
    expect(calls.some((c) => JSON.stringify(c.body).includes("Привезём за час"))).toBe(true);
    const usage = await env.owner.select().from(usageRecords).where(eq(usageRecords.projectId, T.project.id));
    expect(usage.map((u) => u.feature).sort()).toEqual(["agent_intent", "agent_reply"]);
    for (const u of usage) {
      expect(u).toMatchObject({ provider: "openai", model: "gpt-4o-mini", conversationId: job.conversationId });
      expect(u.inputUnits).toBeGreaterThan(0);
      expect(Number(u.costUsd)).toBeGreaterThan(0);
    }
  });

  it("while the model answers, the turn's transaction has written nothing and keeps no snapshot (decision 059)", async () => {
    const T = await env.createTenant("ModelWait");
    await env.caller(T.owner.token).agent.update({ projectId: T.project.id, llm: { model: "gpt-4o-mini", apiKey: sim.apiKey } });
    const job = await clientWrites(T, "Здравствуйте! Сколько стоит доставка?");
    sim.responseDelayMs = 1500;
    try {
      const calls = sim.completions.length;
      const turn = processLeadMessage(deps, job);
      await expect.poll(() => sim.completions.length, { timeout: 5000 }).toBeGreaterThan(calls);
      // The backend holding the conversation's advisory lock is the turn's, waiting for the answer.
      const [waiting] = await env.owner.execute<{ state: string; xid: string | null; xmin: string | null }>(sql`
        select a.state, a.backend_xid::text as xid, a.backend_xmin::text as xmin
        from pg_locks l join pg_stat_activity a on a.pid = l.pid
        where l.locktype = 'advisory' and l.granted and a.datname = current_database()`);
      expect(waiting).toEqual({ state: "idle in transaction", xid: null, xmin: null });
      expect((await turn).mode).toBe("llm");
    } finally {
      sim.responseDelayMs = 0;
    }
  });

  it("a key saved for one model API is not sent after the operator's URL changes: it must be entered again", async () => {
    const T = await env.createTenant("ModelMoved");
    await env.caller(T.owner.token).agent.update({ projectId: T.project.id, llm: { model: "gpt-4o-mini", apiKey: sim.apiKey } });
    const other = new OpenAiSimulator({ apiKeys: [sim.apiKey] });
    await other.start();
    try {
      env.useEndpoints({ openaiBaseUrl: other.baseURL });
      const view = await env.caller(T.owner.token).agent.get({ projectId: T.project.id });
      expect(view.llm).toEqual({ model: "gpt-4o-mini", hasKey: false, keyStale: true, ...EMBEDDING_VIEW });
      const outcome = await processLeadMessage(deps, await clientWrites(T, "Здравствуйте!"));
      expect(outcome.mode).toBe("rules");
      expect(other.completions).toEqual([]);
      // Entered again, it is saved for the new address and used there.
      await env.caller(T.owner.token).agent.update({ projectId: T.project.id, llm: { apiKey: sim.apiKey } });
      expect((await env.caller(T.owner.token).agent.get({ projectId: T.project.id })).llm).toMatchObject({ hasKey: true, keyStale: false });
      expect((await processLeadMessage(deps, await clientWrites(T, "Сколько стоит доставка?"))).mode).toBe("llm");
      expect(other.completions.length).toBeGreaterThan(0);
    } finally {
      env.useEndpoints({ openaiBaseUrl: sim.baseURL });
      await other.stop();
    }
  });

  it("a model that fails leaves the rules' reply, and the owner sees why in the agent's health", async () => {
    const T = await env.createTenant("ModelDown");
    const owner = env.caller(T.owner.token);
    // A provider that took the key when it was saved, then revoked it.
    const revoking = new OpenAiSimulator({ apiKeys: [sim.apiKey] });
    await revoking.start();
    try {
      env.useEndpoints({ openaiBaseUrl: revoking.baseURL });
      await owner.agent.update({ projectId: T.project.id, llm: { model: "gpt-4o-mini", apiKey: sim.apiKey } });
      expect(await owner.agent.health({ projectId: T.project.id })).toMatchObject({ state: "unknown", lastOkAt: null, lastError: null });
      revoking.failNext({ status: 401, times: 1000 });
      const job = await clientWrites(T, "Здравствуйте!");
      const outcome = await processLeadMessage(deps, job);
      expect(outcome.mode).toBe("fallback");
      expect(outcome.replies.map((r) => r.action)).toEqual(["greet", "ask_phone"]);
      const [n] = await env.owner.select({ n: sql<number>`count(*)::int` }).from(usageRecords).where(eq(usageRecords.projectId, T.project.id));
      expect(n!.n).toBe(0);
      const failing = await owner.agent.health({ projectId: T.project.id });
      expect(failing).toMatchObject({ state: "failing", lastError: { kind: "auth" } });
    } finally {
      env.useEndpoints({ openaiBaseUrl: sim.baseURL });
      await revoking.stop();
    }
    // A new key starts clean, and the next answer shows the model working.
    await owner.agent.update({ projectId: T.project.id, llm: { apiKey: sim.apiKey } });
    expect((await owner.agent.health({ projectId: T.project.id })).state).toBe("unknown");
    expect((await processLeadMessage(deps, await clientWrites(T, "Сколько стоит доставка?"))).mode).toBe("llm");
    const healthy = await owner.agent.health({ projectId: T.project.id });
    expect(healthy.state).toBe("ok");
    expect(healthy.lastOkAt).not.toBeNull();
  });

  it("a key or model that does not work is refused when saved, and nothing is saved", async () => {
    const T = await env.createTenant("ModelCheck");
    const owner = env.caller(T.owner.token);
    await expect(owner.agent.update({ projectId: T.project.id, llm: { model: "gpt-4o-mini", apiKey: "sk-wrong" } })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("не принял ключ"),
    });
    expect((await owner.agent.get({ projectId: T.project.id })).llm).toEqual({ model: null, hasKey: false, keyStale: false, ...EMBEDDING_VIEW });
    // A model the key cannot use.
    await expect(owner.agent.update({ projectId: T.project.id, llm: { model: "gpt-9-imaginary", apiKey: sim.apiKey } })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("gpt-9-imaginary"),
    });
    await owner.agent.update({ projectId: T.project.id, llm: { model: "gpt-4o-mini", apiKey: sim.apiKey } });
    // Another model with the saved key is checked too; the saved one stays when it is refused.
    await expect(owner.agent.update({ projectId: T.project.id, llm: { model: "gpt-9-imaginary" } })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect((await owner.agent.get({ projectId: T.project.id })).llm).toEqual({ model: "gpt-4o-mini", hasKey: true, keyStale: false, ...EMBEDDING_VIEW });
    // Saving the rest of the form with the same model asks the provider nothing.
    const before = sim.requests.length;
    await owner.agent.update({ projectId: T.project.id, llm: { model: "gpt-4o-mini" }, script: { greeting: "Здравствуйте!" } });
    expect(sim.requests.length).toBe(before);
    // A provider that does not answer: the key is not saved, and the owner is told so.
    env.useEndpoints({ openaiBaseUrl: "http://127.0.0.1:9/v1" });
    try {
      await expect(owner.agent.update({ projectId: T.project.id, llm: { apiKey: "sk-another" } })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("не ответил") });
    } finally {
      env.useEndpoints({ openaiBaseUrl: sim.baseURL });
    }
    expect((await owner.agent.get({ projectId: T.project.id })).llm.hasKey).toBe(true);
  });

  it("key checks are counted per member before the provider is asked", async () => {
    const T = await env.createTenant("ModelCheckLimit");
    const owner = env.caller(T.owner.token);
    const before = sim.requests.length;
    const tries = await Promise.allSettled(Array.from({ length: 14 }, () => owner.agent.update({ projectId: T.project.id, llm: { apiKey: "sk-wrong" } })));
    const limited = tries.filter((t) => t.status === "rejected" && (t.reason as { code?: string }).code === "TOO_MANY_REQUESTS");
    expect(limited).toHaveLength(4);
    expect(sim.requests.length - before).toBe(10);
  });
});
