import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, asc, eq, sql } from "drizzle-orm";
import { channels, contacts, conversations, leadEvents, memberships, messages, notifications, withTenant } from "@threadline/db";
import { TelegramAdapter, VkAdapter, vkRandomId } from "@threadline/channels";
import { TelegramBotApiSimulator, VkApiSimulator } from "@threadline/simulators/channels";
import { encryptSecret } from "../crypto.ts";
import { leadTimeoutJobId } from "@threadline/pipeline/jobs";
import { createTestEnv, startTestPipeline, type TestEnv } from "@threadline/testing";
import { processLeadMessage, processLeadTimeout } from "./agent.ts";
import { NOTIFICATION_TEXTS } from "./stages.ts";

// The lead pipeline on real parts: a Telegram bot (simulator) connected to the real webhook
// ingress, the BullMQ workers, Postgres and Redis. Each client writes through the simulator and
// the agent's replies come back through the outbound queue.
let env: TestEnv;
let pipeline: Awaited<ReturnType<typeof startTestPipeline>>;
const tg = new TelegramBotApiSimulator({ botRate: { limit: 1000, windowMs: 1000 }, chatRate: { limit: 1000, windowMs: 1000 } });
const vk = new VkApiSimulator();

type Tenant = Awaited<ReturnType<TestEnv["createTenant"]>>;
type Project = { T: Tenant; channelId: string; token: string; secret: string };

const FACTS = { hours: "ежедневно с 8:00 до 22:00", address: "Казань, ул. Баумана, 12" };
const FAQ = [{ q: ["сколько стоит доставка", "доставка платная?"], a: "Доставка бесплатная от 1000 ₽, иначе 150 ₽." }];

/** A project with its Telegram bot, the agent on with a coffee shop's script, rotation: manager, admin, owner. */
async function project(name: string, agent: { enabled?: boolean } = {}): Promise<Project> {
  const T = await env.createTenant(name);
  await withTenant(env.db, T.project.id, async (tx) => {
    await tx.update(memberships).set({ rotationOrder: 1 }).where(eq(memberships.id, T.manager.membershipId));
    await tx.update(memberships).set({ rotationOrder: 2 }).where(eq(memberships.id, T.admin.membershipId));
    await tx.update(memberships).set({ rotationOrder: 3 }).where(eq(memberships.id, T.owner.membershipId));
  });
  const bot = tg.addBot();
  const secret = `secret-${name}`;
  const [row] = await withTenant(env.db, T.project.id, (tx) =>
    tx
      .insert(channels)
      .values({ projectId: T.project.id, kind: "telegram", name: "Бот", externalId: String(bot.botId), tokenEnc: encryptSecret(bot.token, env.deps.secretKey), webhookSecret: secret })
      .returning(),
  );
  await new TelegramAdapter({ token: bot.token, apiRoot: tg.apiRoot }).registerWebhook({ url: `${pipeline.url}/webhooks/telegram/${row!.id}`, secret });
  await env.caller(T.owner.token).agent.update({
    projectId: T.project.id,
    enabled: agent.enabled ?? true,
    script: { facts: FACTS, faq: FAQ, handoffTopics: ["опт"], maxPhoneAsks: 2, timeoutMinutes: 60 },
  });
  return { T, channelId: row!.id, token: bot.token, secret };
}

let chat = 40_000;
const newChat = () => ++chat;

function say(p: Project, chatId: number, text: string) {
  tg.simulateClientMessage({ botToken: p.token, from: { id: chatId, first_name: "Ольга" }, text });
}

async function clientMessages(p: Project) {
  const [row] = await env.owner.select({ n: sql<number>`count(*)::int` }).from(messages).where(and(eq(messages.channelId, p.channelId), eq(messages.direction, "in")));
  return row!.n;
}

/** Until nothing is queued or running and no reply waits to be sent. */
async function settle() {
  let quiet = 0;
  await expect
    .poll(
      async () => {
        const busy = await env.queues.busy();
        const [pending] = await env.owner.select({ n: sql<number>`count(*)::int` }).from(messages).where(eq(messages.delivery, "pending"));
        quiet = busy === 0 && pending!.n === 0 ? quiet + 1 : 0;
        return quiet >= 3;
      },
      { timeout: 15_000, interval: 20 },
    )
    .toBe(true);
}

/** One client turn: the message through the webhook, then until the pipeline is idle. */
async function turn(p: Project, chatId: number, text: string) {
  const before = await clientMessages(p);
  say(p, chatId, text);
  await expect.poll(() => clientMessages(p), { timeout: 10_000, interval: 20 }).toBe(before + 1);
  await settle();
}

async function lead(p: Project, chatId: number) {
  const [row] = await env.owner
    .select({ id: conversations.id, stage: conversations.stage, assigneeId: conversations.assigneeId, aiEnabled: conversations.aiEnabled, phone: contacts.phone, contactName: contacts.name })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(eq(conversations.channelId, p.channelId), eq(conversations.externalChatId, String(chatId))));
  return row!;
}

async function agentSaid(conversationId: string) {
  return env.owner
    .select({ text: messages.text, action: messages.agentAction, delivery: messages.delivery })
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.author, "agent")))
    .orderBy(asc(messages.id));
}

async function stagesOf(conversationId: string) {
  const rows = await env.owner.select().from(leadEvents).where(eq(leadEvents.conversationId, conversationId)).orderBy(asc(leadEvents.createdAt));
  return rows.map((e) => `${e.fromStage}→${e.toStage}:${e.actorKind}:${e.reason}`);
}

beforeAll(async () => {
  env = await createTestEnv();
  pipeline = await startTestPipeline(env);
  await tg.start();
  await vk.start();
  env.useEndpoints({ telegramApiRoot: tg.apiRoot, vkApiBaseUrl: vk.apiBaseUrl });
});
afterAll(async () => {
  await pipeline?.close();
  await tg.stop();
  await vk.stop();
  await env?.close();
});

describe("a new lead with the agent on", () => {
  let p: Project;
  beforeAll(async () => {
    p = await project("Zerno");
  });

  it("goes to `bot` with no manager; the agent greets, answers and asks for the phone, in order, through the channel", async () => {
    const chatId = newChat();
    await turn(p, chatId, "Здравствуйте! До скольки вы работаете?");
    const l = await lead(p, chatId);
    expect(l).toMatchObject({ stage: "bot", assigneeId: null, aiEnabled: true });
    const said = await agentSaid(l.id);
    expect(said.map((m) => m.action)).toEqual(["greet", "answer", "ask_phone"]);
    expect(said[1]!.text).toContain("22:00");
    expect(said.every((m) => m.delivery === "sent")).toBe(true);
    expect(tg.sentMessages(chatId, { botToken: p.token }).map((m) => m.text)).toEqual(said.map((m) => m.text));
    expect(await stagesOf(l.id)).toEqual(["new→bot:system:agent"]);
    // The inbox list names the agent as the one who wrote last.
    const row = (await env.caller(p.T.owner.token).conversations.list({ projectId: p.T.project.id, limit: 50 })).items.find((r) => r.id === l.id);
    expect(row).toMatchObject({ lastBy: "agent", preview: said.at(-1)!.text });
  });

  it("a valid phone: stored in E.164, assigned to the first in rotation, who is notified; then the agent is silent", async () => {
    const chatId = newChat();
    await turn(p, chatId, "Добрый день! Сколько стоит доставка?");
    await turn(p, chatId, "8 (912) 345-67-89");
    const l = await lead(p, chatId);
    expect(l).toMatchObject({ stage: "assigned", phone: "+79123456789", assigneeId: p.T.manager.membershipId });
    const said = await agentSaid(l.id);
    expect(said.map((m) => m.action)).toEqual(["greet", "answer", "ask_phone", "confirm", "handoff"]);
    expect(await stagesOf(l.id)).toEqual(["new→bot:system:agent", "bot→assigned:agent:phone_captured"]);
    const notes = await env.owner.select().from(notifications).where(eq(notifications.conversationId, l.id));
    expect(notes).toEqual([expect.objectContaining({ membershipId: p.T.manager.membershipId, text: NOTIFICATION_TEXTS.withContact, readAt: null })]);
    expect(env.published).toContainEqual(
      expect.objectContaining({ type: "notification", projectId: p.T.project.id, membershipId: p.T.manager.membershipId, conversationId: l.id, text: "Вам назначен новый лид с контактом" }),
    );
    // The manager sees it in their notification list and marks it read.
    const mine = await env.caller(p.T.manager.token).notifications.list({ projectId: p.T.project.id });
    expect(mine[0]).toMatchObject({ text: "Вам назначен новый лид с контактом", conversationId: l.id, readAt: null });
    expect(await env.caller(p.T.admin.token).notifications.list({ projectId: p.T.project.id })).toEqual([]);

    await turn(p, chatId, "А торт можно заказать?");
    expect(await agentSaid(l.id)).toHaveLength(5);
  });

  it("a handoff topic: `needs_human`, a manager by rotation is notified, the agent says the handoff line and stops", async () => {
    const chatId = newChat();
    await turn(p, chatId, "Здравствуйте, интересует опт, от 50 кг зерна");
    const l = await lead(p, chatId);
    expect(l.stage).toBe("needs_human");
    expect(l.assigneeId).not.toBeNull();
    const said = await agentSaid(l.id);
    expect(said.map((m) => m.action)).toEqual(["greet", "handoff"]);
    expect(await stagesOf(l.id)).toEqual(["new→bot:system:agent", "bot→needs_human:agent:handoff_topic"]);
    const [note] = await env.owner.select().from(notifications).where(eq(notifications.conversationId, l.id));
    expect(note).toMatchObject({ membershipId: l.assigneeId, text: NOTIFICATION_TEXTS.needsHuman });
    await turn(p, chatId, "Алло?");
    expect(await agentSaid(l.id)).toHaveLength(2);
  });

  it("refusing the phone after the last ask: `low_quality`, nobody assigned", async () => {
    const chatId = newChat();
    await turn(p, chatId, "Сколько стоит доставка?");
    await turn(p, chatId, "Не хочу оставлять номер");
    await turn(p, chatId, "нет, номер не дам");
    const l = await lead(p, chatId);
    expect(l).toMatchObject({ stage: "low_quality", assigneeId: null, phone: null });
    expect((await agentSaid(l.id)).at(-1)!.action).toBe("decline");
    expect(await stagesOf(l.id)).toEqual(["new→bot:system:agent", "bot→low_quality:agent:phone_refused"]);
    // A valid number later still makes it a lead with a contact.
    await turn(p, chatId, "ладно, +7 921 000-11-22");
    expect(await lead(p, chatId)).toMatchObject({ stage: "assigned", phone: "+79210001122" });
  });

  it("spam never reaches a manager: stage `spam`, no assignee, no notification, no reply", async () => {
    const chatId = newChat();
    await turn(p, chatId, "Заработок от 5000 в день без вложений! Переходи по ссылке bit.ly/xxx, казино бонус");
    const l = await lead(p, chatId);
    expect(l).toMatchObject({ stage: "spam", assigneeId: null });
    expect(await agentSaid(l.id)).toEqual([]);
    expect(await env.owner.select().from(notifications).where(eq(notifications.conversationId, l.id))).toEqual([]);
  });

  it("two messages at once get one greeting", async () => {
    const chatId = newChat();
    const before = await clientMessages(p);
    say(p, chatId, "Здравствуйте!");
    say(p, chatId, "До скольки вы работаете?");
    await expect.poll(() => clientMessages(p), { timeout: 10_000 }).toBe(before + 2);
    await settle();
    const said = await agentSaid((await lead(p, chatId)).id);
    expect(said.filter((m) => m.action === "greet")).toHaveLength(1);
    // Answered together in one turn (the agent waits a moment for the rest of a burst); never
    // more asks than the script allows, and the question is answered either way.
    expect(said.filter((m) => m.action === "ask_phone").length).toBeLessThanOrEqual(2);
    expect(said.map((m) => m.text).join(" ")).toContain("22:00");
  });

  /** Agent turns run for the conversation, as the ai queue recorded them. */
  async function turnsFor(conversationId: string, states: ("completed" | "active")[] = ["completed"]) {
    const jobs = await env.queues.ai.getJobs(states);
    return jobs.filter((j) => j.data.conversationId === conversationId).length;
  }

  it("a burst of messages waits for its last one and is answered in one turn", async () => {
    const chatId = newChat();
    const before = await clientMessages(p);
    for (const text of ["Здравствуйте!", "Подскажите", "До скольки вы работаете?", "И сколько стоит доставка?"]) {
      say(p, chatId, text);
      await new Promise((r) => setTimeout(r, 250));
    }
    await expect.poll(() => clientMessages(p), { timeout: 10_000 }).toBe(before + 4);
    await settle();
    const { id } = await lead(p, chatId);
    expect(await turnsFor(id)).toBe(1);
    const said = (await agentSaid(id)).map((m) => m.text).join(" ");
    expect(said).toContain("22:00");
    expect(said).toContain("150 ₽");
  });

  it("a message that comes while a turn runs gets one more turn after it", async () => {
    const chatId = newChat();
    await turn(p, chatId, "Здравствуйте!");
    const { id } = await lead(p, chatId);
    expect(await turnsFor(id)).toBe(1);
    // The next turn is held on the conversation's lock, as behind a slow model.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const locked = env.owner.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`lead:${id}`}, 0))`);
      await held;
    });
    say(p, chatId, "До скольки вы работаете?");
    await expect.poll(() => turnsFor(id, ["active"]), { timeout: 10_000, interval: 20 }).toBe(1);
    say(p, chatId, "А доставка платная?");
    await expect.poll(async () => (await env.owner.select().from(messages).where(and(eq(messages.conversationId, id), eq(messages.direction, "in")))).length, { timeout: 10_000 }).toBe(3);
    release();
    await locked;
    await settle();
    expect(await turnsFor(id)).toBe(3);
    const said = (await agentSaid(id)).map((m) => m.text).join(" ");
    expect(said).toContain("22:00");
    expect(said).toContain("150 ₽");
  });

  it("never asks again for what it knows, across a long thread", async () => {
    const chatId = newChat();
    const lines = [
      "Добрый день!",
      "Где вы находитесь?",
      "А доставка платная?",
      "Спасибо",
      "до скольки работаете?",
      "ок",
      "👍",
      "понятно",
      "запишите 89161234567",
      "а торт на заказ делаете?",
      "спасибо большое",
      "и еще вопрос про доставку",
    ];
    for (const line of lines) await turn(p, chatId, line);
    const l = await lead(p, chatId);
    expect(l).toMatchObject({ stage: "assigned", phone: "+79161234567" });
    const said = await agentSaid(l.id);
    const asks = said.filter((m) => m.action === "ask_phone");
    expect(asks.length).toBeLessThanOrEqual(2);
    const confirmAt = said.findIndex((m) => m.action === "confirm");
    expect(confirmAt).toBeGreaterThan(0);
    expect(said.slice(confirmAt).some((m) => m.action === "ask_phone")).toBe(false);
    expect(said.filter((m) => m.action === "greet")).toHaveLength(1);
  });
});

describe("silence", () => {
  let p: Project;
  beforeAll(async () => {
    p = await project("Silence");
  });

  it("the timeout is scheduled from the agent's ask, replaced by each client message, and on the virtual clock makes the lead `low_quality`", async () => {
    const chatId = newChat();
    await turn(p, chatId, "Здравствуйте!");
    const l = await lead(p, chatId);
    const job = await env.queues.leadTimeout.getJob(leadTimeoutJobId(l.id));
    expect(job).toBeTruthy();
    const due = job!.timestamp + (job!.opts.delay ?? 0);
    expect(due - Date.now()).toBeGreaterThan(59 * 60_000);
    expect(due - Date.now()).toBeLessThanOrEqual(60 * 60_000);
    const deps = pipeline.workers.leads;

    // Half an hour on: not yet.
    expect(await processLeadTimeout(deps, { projectId: p.T.project.id, conversationId: l.id }, new Date(Date.now() + 30 * 60_000))).toMatchObject({ kind: "not_yet" });
    expect((await lead(p, chatId)).stage).toBe("bot");

    // The client writes: the timeout is replaced by one counted from the new messages.
    await new Promise((r) => setTimeout(r, 50));
    await turn(p, chatId, "А где вы находитесь?");
    const replaced = await env.queues.leadTimeout.getJob(leadTimeoutJobId(l.id));
    expect(replaced!.timestamp + (replaced!.opts.delay ?? 0)).toBeGreaterThan(due);
    expect(await replaced!.getState()).toBe("delayed");

    // 61 minutes of silence on the virtual clock.
    const outcome = await processLeadTimeout(deps, { projectId: p.T.project.id, conversationId: l.id }, new Date(Date.now() + 61 * 60_000));
    expect(outcome).toEqual({ kind: "moved", stage: "low_quality" });
    expect(await lead(p, chatId)).toMatchObject({ stage: "low_quality", assigneeId: null });
    expect(await stagesOf(l.id)).toEqual(["new→bot:system:agent", "bot→low_quality:system:silence_timeout"]);
  });

  it("no timeout before the agent has asked, and none once the lead has a phone", async () => {
    const chatId = newChat();
    await turn(p, chatId, "Здравствуйте, мой номер 8 912 345 67 00");
    const l = await lead(p, chatId);
    expect(l.stage).toBe("assigned");
    expect(await env.queues.leadTimeout.getJob(leadTimeoutJobId(l.id))).toBeFalsy();
    expect(await processLeadTimeout(pipeline.workers.leads, { projectId: p.T.project.id, conversationId: l.id }, new Date(Date.now() + 600 * 60_000))).toEqual({ kind: "none" });
  });
});

describe("taking over", () => {
  let p: Project;
  beforeAll(async () => {
    p = await project("Takeover");
  });

  it("with the AI switch off, a client message gets no agent reply", async () => {
    const chatId = newChat();
    await turn(p, chatId, "Здравствуйте!");
    const l = await lead(p, chatId);
    const before = (await agentSaid(l.id)).length;
    await env.caller(p.T.manager.token).conversations.setAi({ projectId: p.T.project.id, conversationId: l.id, enabled: false });
    await turn(p, chatId, "Сколько стоит доставка?");
    expect(await agentSaid(l.id)).toHaveLength(before);
    expect(await env.queues.leadTimeout.getJob(leadTimeoutJobId(l.id))).toBeFalsy();
    // Switched on again, the agent answers the next message.
    await env.caller(p.T.manager.token).conversations.setAi({ projectId: p.T.project.id, conversationId: l.id, enabled: true });
    await turn(p, chatId, "Где вы находитесь?");
    expect((await agentSaid(l.id)).map((m) => m.text).join(" ")).toContain("Баумана");
  });

  it("a manager's own reply pauses the agent in that conversation", async () => {
    const chatId = newChat();
    await turn(p, chatId, "Здравствуйте!");
    const l = await lead(p, chatId);
    const before = (await agentSaid(l.id)).length;
    await env.caller(p.T.manager.token).conversations.reply({ projectId: p.T.project.id, conversationId: l.id, text: "Добрый день! Я менеджер, чем помочь?" });
    await settle();
    await turn(p, chatId, "Сколько стоит доставка?");
    expect(await agentSaid(l.id)).toHaveLength(before);
    expect((await lead(p, chatId)).aiEnabled).toBe(false);
  });

  it("a manager who steps in while the agent decides has the conversation: the agent's reply is not sent after theirs", async () => {
    const chatId = newChat();
    await turn(p, chatId, "Здравствуйте!");
    await turn(p, chatId, "Сколько стоит доставка?");
    const l = await lead(p, chatId);
    const before = await agentSaid(l.id);
    // The client's last message is new to the agent again; this test runs that turn itself.
    const [last] = await env.owner.select({ id: messages.id }).from(messages).where(and(eq(messages.conversationId, l.id), eq(messages.direction, "in"))).orderBy(sql`${messages.id} desc`).limit(1);
    await env.owner.update(messages).set({ seenByAgent: false }).where(eq(messages.id, last!.id));
    let agentTurn: ReturnType<typeof processLeadMessage> | undefined;
    // The manager's step-in holds the conversation's row while the agent's turn reaches it.
    await env.owner.transaction(async (tx) => {
      await tx.select({ id: conversations.id }).from(conversations).where(eq(conversations.id, l.id)).for("update");
      const pid = (await tx.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`))[0]!.pid;
      agentTurn = processLeadMessage(pipeline.workers.leads, { projectId: p.T.project.id, conversationId: l.id, messageId: last!.id });
      const blocked = async () => (await env.owner.execute<{ n: number }>(sql`select count(*)::int as n from pg_stat_activity where ${pid}::int = any(pg_blocking_pids(pid))`))[0]!.n;
      await expect.poll(blocked, { timeout: 10_000, interval: 20 }).toBeGreaterThan(0);
      await tx.update(conversations).set({ aiEnabled: false }).where(eq(conversations.id, l.id));
    });
    expect(await agentTurn).toMatchObject({ replies: [] });
    await settle();
    expect(await agentSaid(l.id)).toEqual(before);
  });

  it("a turn with nothing to say does not wait for the conversation's row: the inbound writer is never held behind it", async () => {
    const chatId = newChat();
    await turn(p, chatId, "Здравствуйте!");
    const l = await lead(p, chatId);
    const before = await agentSaid(l.id);
    // «спасибо» is small talk: the agent stays silent. Its turn runs while another transaction
    // holds the row as an update would, and must finish without it.
    await turn(p, chatId, "спасибо");
    const [last] = await env.owner.select({ id: messages.id }).from(messages).where(and(eq(messages.conversationId, l.id), eq(messages.direction, "in"))).orderBy(sql`${messages.id} desc`).limit(1);
    await env.owner.update(messages).set({ seenByAgent: false }).where(eq(messages.id, last!.id));
    let agentTurn: ReturnType<typeof processLeadMessage> | undefined;
    const finished = await env.owner.transaction(async (tx) => {
      await tx.select({ id: conversations.id }).from(conversations).where(eq(conversations.id, l.id)).for("no key update");
      agentTurn = processLeadMessage(pipeline.workers.leads, { projectId: p.T.project.id, conversationId: l.id, messageId: last!.id });
      return Promise.race([agentTurn.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), 5_000))]);
    });
    expect(finished).toBe(true);
    expect(await agentTurn).toMatchObject({ kind: "turn", replies: [], silentReason: "small_talk" });
    expect(await agentSaid(l.id)).toEqual(before);
  });

  it("the agent off for the project: a new conversation is assigned by rotation at once, with no agent reply", async () => {
    const off = await project("Off", { enabled: false });
    const first = newChat();
    const second = newChat();
    await turn(off, first, "Здравствуйте! Сколько стоит доставка?");
    await turn(off, second, "Добрый день");
    const a = await lead(off, first);
    const b = await lead(off, second);
    expect(a).toMatchObject({ stage: "assigned", assigneeId: off.T.manager.membershipId });
    expect(b).toMatchObject({ stage: "assigned", assigneeId: off.T.admin.membershipId });
    expect(await agentSaid(a.id)).toEqual([]);
    expect(await stagesOf(a.id)).toEqual(["new→assigned:system:rotation"]);
    const [note] = await env.owner.select().from(notifications).where(eq(notifications.conversationId, a.id));
    expect(note).toMatchObject({ membershipId: off.T.manager.membershipId, text: NOTIFICATION_TEXTS.conversation });
    // Spam is routed before the card even without the agent.
    const third = newChat();
    await turn(off, third, "Казино онлайн! Бонус 500% за регистрацию, переходи по ссылке bit.ly/win");
    expect(await lead(off, third)).toMatchObject({ stage: "spam", assigneeId: null });
  });

  it("the agent switched off for one channel only: that channel's new leads go to people", async () => {
    const q = await project("Channel");
    await env.caller(q.T.owner.token).agent.update({ projectId: q.T.project.id, channels: { [q.channelId]: false } });
    const chatId = newChat();
    await turn(q, chatId, "Здравствуйте!");
    expect(await lead(q, chatId)).toMatchObject({ stage: "assigned", assigneeId: q.T.manager.membershipId });
    // A lead already waiting for the agent when the switch goes off is handed to a person.
    await env.caller(q.T.owner.token).agent.update({ projectId: q.T.project.id, channels: { [q.channelId]: null } });
    const waiting = newChat();
    await turn(q, waiting, "Здравствуйте!");
    expect((await lead(q, waiting)).stage).toBe("bot");
    await env.caller(q.T.owner.token).agent.update({ projectId: q.T.project.id, channels: { [q.channelId]: false } });
    await turn(q, waiting, "Алло");
    expect(await lead(q, waiting)).toMatchObject({ stage: "assigned", assigneeId: q.T.admin.membershipId });
  });
});

describe("bad input", () => {
  let p: Project;
  beforeAll(async () => {
    p = await project("Bad");
  });

  async function webhook(chatId: number, message: Record<string, unknown>) {
    const update = { update_id: Math.floor(Math.random() * 1e9), message: { message_id: Math.floor(Math.random() * 1e9), date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: "private", first_name: "Ольга" }, from: { id: chatId, is_bot: false, first_name: "Ольга" }, ...message } };
    const res = await fetch(`${pipeline.url}/webhooks/telegram/${p.channelId}`, { method: "POST", headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": p.secret }, body: JSON.stringify(update) });
    expect(res.status).toBe(200);
  }

  it("only emoji, then a sticker: a greeting and an ask, no crash, every message stored", async () => {
    const chatId = newChat();
    await turn(p, chatId, "😊😊😊");
    const l = await lead(p, chatId);
    expect((await agentSaid(l.id)).map((m) => m.action)).toEqual(["greet", "ask_phone"]);
    await webhook(chatId, { sticker: { file_id: "sticker-1", file_unique_id: "s1", width: 512, height: 512, is_animated: false, is_video: false, type: "regular", emoji: "👍" } });
    await expect.poll(async () => (await env.owner.select().from(messages).where(and(eq(messages.conversationId, l.id), eq(messages.kind, "sticker")))).length, { timeout: 10_000 }).toBe(1);
    await expect.poll(async () => (await agentSaid(l.id)).every((m) => m.delivery === "sent"), { timeout: 10_000 }).toBe(true);
    expect((await lead(p, chatId)).stage).toBe("bot");
    // An emoji after the ask adds nothing; the agent does not repeat itself.
    expect((await agentSaid(l.id)).filter((m) => m.action === "greet")).toHaveLength(1);
  });

  it("a 5,000-character message, «12345» and a card number: sensible replies, no phone stored", async () => {
    const chatId = newChat();
    await turn(p, chatId, `Здравствуйте! ${"Расскажите подробнее про ваши десерты и кофе. ".repeat(110)}`.slice(0, 5000));
    const l = await lead(p, chatId);
    expect((await agentSaid(l.id)).length).toBeGreaterThan(0);
    await turn(p, chatId, "12345");
    let said = await agentSaid(l.id);
    expect(said.at(-1)!.action).toBe("ask_phone");
    await turn(p, chatId, "4276 1600 1234 5678");
    said = await agentSaid(l.id);
    expect(said.at(-1)!.text).toMatch(/карт/);
    expect(await lead(p, chatId)).toMatchObject({ stage: "bot", phone: null });
    // Everything the client wrote is stored, and everything the agent wrote was sent.
    const stored = await env.owner.select().from(messages).where(and(eq(messages.conversationId, l.id), eq(messages.direction, "in"))).orderBy(asc(messages.id));
    expect(stored).toHaveLength(3);
    expect(stored[0]!.text.length).toBe(5000);
    expect(said.every((m) => m.delivery === "sent")).toBe(true);
  });

  it("a message the platform delivers empty is stored and answered without a crash", async () => {
    const chatId = newChat();
    await webhook(chatId, { text: "" });
    await expect.poll(async () => (await env.owner.select().from(conversations).where(and(eq(conversations.channelId, p.channelId), eq(conversations.externalChatId, String(chatId))))).length, { timeout: 10_000 }).toBe(1);
    await settle();
    const l = await lead(p, chatId);
    expect(["bot", "new"]).toContain(l.stage);
    await turn(p, chatId, "Здравствуйте, сколько стоит доставка?");
    expect((await agentSaid(l.id)).map((m) => m.text).join(" ")).toContain("150 ₽");
  });

  it("a script change while a conversation is in `bot` applies from the next message", async () => {
    const chatId = newChat();
    await turn(p, chatId, "Здравствуйте!");
    await env.caller(p.T.owner.token).agent.update({
      projectId: p.T.project.id,
      script: { faq: [...FAQ, { q: ["есть ли парковка", "где припарковаться"], a: "Парковка во дворе, бесплатно." }], maxPhoneAsks: 3 },
    });
    await turn(p, chatId, "А где припарковаться?");
    const l = await lead(p, chatId);
    expect(l.stage).toBe("bot");
    expect((await agentSaid(l.id)).map((m) => m.text).join(" ")).toContain("Парковка во дворе");
  });
});

describe("VK", () => {
  let T: Tenant;
  let channelId: string;
  let groupId: number;
  beforeAll(async () => {
    T = await env.createTenant("Vk");
    const community = vk.addCommunity({ name: "Кофейня" });
    groupId = community.groupId;
    const secret = "vk-agent-secret";
    const [row] = await withTenant(env.db, T.project.id, (tx) =>
      tx
        .insert(channels)
        .values({ projectId: T.project.id, kind: "vk", name: "VK", externalId: String(groupId), tokenEnc: encryptSecret(community.token, env.deps.secretKey), webhookSecret: secret, confirmation: community.confirmation })
        .returning(),
    );
    channelId = row!.id;
    await new VkAdapter({ groupId, token: community.token, apiBaseUrl: vk.apiBaseUrl }).registerWebhook({ url: `${pipeline.url}/webhooks/vk/${channelId}`, secret });
    await env.caller(T.owner.token).agent.update({ projectId: T.project.id, script: { facts: FACTS, faq: FAQ } });
  });

  async function outMessages(conversationId: string) {
    return env.owner.select({ author: messages.author, text: messages.text, delivery: messages.delivery }).from(messages).where(and(eq(messages.conversationId, conversationId), eq(messages.direction, "out"))).orderBy(asc(messages.id));
  }

  it("the agent's replies reach the client once; VK's echoes of them are not new messages", async () => {
    const userId = 880_001;
    for (const text of ["Здравствуйте! До скольки работаете?", "А где вы находитесь?", "89123456789"]) {
      vk.simulateClientMessage({ groupId, userId, text });
      await vk.deliveriesIdle();
      await settle();
      await vk.deliveriesIdle();
      await settle();
    }
    const [c] = await env.owner.select().from(conversations).where(and(eq(conversations.channelId, channelId), eq(conversations.externalChatId, String(userId))));
    expect(c!.stage).toBe("assigned");
    const out = await outMessages(c!.id);
    expect(out.every((m) => m.author === "agent" && m.delivery === "sent")).toBe(true);
    expect(vk.sentMessages(userId, groupId).map((m) => m.text)).toEqual(out.map((m) => m.text));
  });

  it("an echo that arrives before the send is recorded is the message that was sent", async () => {
    const chatId = "880002";
    const channel = { id: channelId, projectId: T.project.id, kind: "vk" as const };
    const first = await env.ingest(channel, { ...clientMessageVk(chatId, "Здравствуйте"), direction: "inbound" });
    const { processLeadMessage } = await import("./agent.ts");
    await processLeadMessage(pipeline.workers.leads, { projectId: T.project.id, conversationId: first.conversationId, messageId: first.messageId });
    const [pending] = await env.owner.select().from(messages).where(and(eq(messages.conversationId, first.conversationId), eq(messages.author, "agent"))).orderBy(asc(messages.id));
    const echo = await env.ingest(channel, { ...clientMessageVk(chatId, pending!.text), direction: "outbound", externalMessageId: "990001", vkRandomId: vkRandomId(pending!.clientKey!) });
    expect(echo).toMatchObject({ created: false, messageId: pending!.id });
    const [row] = await env.owner.select().from(messages).where(eq(messages.id, pending!.id));
    expect(row!.externalId).toBe("990001");
    expect((await outMessages(first.conversationId)).filter((m) => m.author !== "agent")).toEqual([]);
  });
});

function clientMessageVk(chatId: string, text: string) {
  const at = new Date().toISOString();
  const id = String(Math.floor(Math.random() * 1e9));
  return {
    type: "message" as const,
    channel: "vk" as const,
    dedupeId: `message:${chatId}:${id}`,
    chatId,
    client: { externalUserId: chatId, name: "Ольга" },
    occurredAt: at,
    externalMessageId: id,
    direction: "inbound" as const,
    text,
    attachments: [],
    sentAt: at,
  };
}
