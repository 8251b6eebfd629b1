// The first-contact eval through the real pipeline: each case gets a fresh project (its managers
// in rotation order, its agent script), a simulated Telegram bot or VK community connected to the
// real webhook ingress, and a client who writes through the simulator. Every message goes
// ingress → inbound queue → worker → lead pipeline (agent) → outbound queue → simulator. No model
// is configured. `wait` turns move a virtual clock: the conversation's pending silence timeout is
// run with the advanced time instead of waiting for it.
import { randomBytes } from "node:crypto";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { checkCase, type AgentAction, type CaseOutcome, type CaseResult, type FirstContactCase, type LeadStage } from "@threadline/ai";
import { TelegramAdapter, VkAdapter } from "@threadline/channels";
import { TelegramBotApiSimulator, VkApiSimulator } from "@threadline/simulators/channels";
import { agentSettings, channels, contacts, conversations, memberships, messages, roles, users, withTenant } from "@threadline/db";
import { createProject, encryptSecret } from "@threadline/domain";
import { leadTimeoutJobId } from "@threadline/pipeline/jobs";
import { processLeadTimeout } from "@threadline/domain/leads";
import { createTestEnv, startTestPipeline, type TestEnv } from "@threadline/testing";

const MINUTE_MS = 60_000;
/** How long one client message may take through the whole pipeline before the eval gives up on it. */
const TURN_TIMEOUT_MS = 60_000;

type Pipeline = Awaited<ReturnType<typeof startTestPipeline>>;

export type EvalWorld = {
  env: TestEnv;
  pipeline: Pipeline;
  tg: TelegramBotApiSimulator;
  vk: VkApiSimulator;
  close: () => Promise<void>;
};

/** A fresh database, Redis prefix, ingress, workers and both platform simulators. */
export async function startEvalWorld(opts: { projectKeys?: boolean } = {}): Promise<EvalWorld> {
  const env = await createTestEnv();
  const pipeline = await startTestPipeline(env, opts);
  // The eval measures the agent, not the platforms' flood limits: generous send rates.
  const tg = new TelegramBotApiSimulator({ botRate: { limit: 1000, windowMs: 1000 }, chatRate: { limit: 1000, windowMs: 1000 } });
  const vk = new VkApiSimulator();
  await tg.start();
  await vk.start();
  env.useEndpoints({ telegramApiRoot: tg.apiRoot, vkApiBaseUrl: vk.apiBaseUrl });
  return {
    env,
    pipeline,
    tg,
    vk,
    async close() {
      await pipeline.close();
      await tg.stop();
      await vk.stop();
      await env.close();
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = TURN_TIMEOUT_MS): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(15);
  }
}

/** A project as the case describes it; its managers are the only members in the rotation. */
export async function buildProject(world: EvalWorld, c: Pick<FirstContactCase, "project">) {
  const { env } = world;
  const db = env.db;
  const owner = await env.createUser(`eval-owner-${randomBytes(3).toString("hex")}`);
  const slug = `eval-${randomBytes(5).toString("hex")}`;
  const { project, ownerMembershipId } = await createProject(db, owner.user.id, { name: c.project.name, slug });
  const managerIds = new Map<string, string>();
  for (const [i, handle] of c.project.managers.entries()) {
    const [user] = await db
      .insert(users)
      .values({ email: `${handle}-${randomBytes(4).toString("hex")}@eval.test`, name: handle, passwordHash: "-" })
      .returning({ id: users.id });
    await withTenant(db, project.id, async (tx) => {
      const [role] = await tx.select({ id: roles.id }).from(roles).where(eq(roles.key, "manager"));
      const [m] = await tx.insert(memberships).values({ projectId: project.id, userId: user!.id, roleId: role!.id, rotationOrder: i + 1 }).returning({ id: memberships.id });
      managerIds.set(m!.id, handle);
    });
  }
  await withTenant(db, project.id, async (tx) => {
    // The owner runs the project but takes no leads: the case's managers are the rotation.
    const [tech] = await tx.select({ id: roles.id }).from(roles).where(eq(roles.key, "tech"));
    await tx.update(memberships).set({ roleId: tech!.id }).where(eq(memberships.id, ownerMembershipId));
    await tx.insert(agentSettings).values({
      projectId: project.id,
      enabled: true,
      script: {
        facts: c.project.facts,
        faq: c.project.faq,
        handoffTopics: c.project.handoffTopics,
        ...(Number.isFinite(c.project.maxPhoneAsks) ? { maxPhoneAsks: c.project.maxPhoneAsks } : {}),
        ...(Number.isFinite(c.project.timeoutMinutes) ? { timeoutMinutes: c.project.timeoutMinutes } : {}),
      },
    });
  });
  return { projectId: project.id, managerIds };
}

export type Client = {
  channelId: string;
  /** Sends one client message through the platform simulator. */
  say: (text: string) => void;
  /** Sends a voice note with these bytes through the platform simulator. */
  voice: (data: Buffer, durationSec: number) => void;
  /** What the platform delivered to the client, in order. */
  received: () => string[];
};

export async function connectChannel(world: EvalWorld, projectId: string, kind: "vk" | "telegram", clientId: number): Promise<Client> {
  const { env, pipeline, tg, vk } = world;
  const secretKey = env.deps.secretKey;
  const secret = `eval-${randomBytes(8).toString("hex")}`;
  if (kind === "telegram") {
    const bot = tg.addBot();
    const [row] = await withTenant(env.db, projectId, (tx) =>
      tx
        .insert(channels)
        .values({ projectId, kind, name: "Telegram", externalId: String(bot.botId), tokenEnc: encryptSecret(bot.token, secretKey), webhookSecret: secret })
        .returning({ id: channels.id }),
    );
    await new TelegramAdapter({ token: bot.token, apiRoot: tg.apiRoot }).registerWebhook({ url: `${pipeline.url}/webhooks/telegram/${row!.id}`, secret });
    return {
      channelId: row!.id,
      say: (text) => void tg.simulateClientMessage({ botToken: bot.token, from: { id: clientId, first_name: "Клиент" }, text }),
      voice: (data, durationSec) => void tg.simulateClientMessage({ botToken: bot.token, from: { id: clientId, first_name: "Клиент" }, voice: { data, durationSec } }),
      received: () => tg.sentMessages(clientId, { botToken: bot.token }).map((m) => m.text ?? ""),
    };
  }
  const community = vk.addCommunity({ name: "Сообщество" });
  const [row] = await withTenant(env.db, projectId, (tx) =>
    tx
      .insert(channels)
      .values({
        projectId,
        kind,
        name: "VK",
        externalId: String(community.groupId),
        tokenEnc: encryptSecret(community.token, secretKey),
        webhookSecret: secret,
        confirmation: community.confirmation,
      })
      .returning({ id: channels.id }),
  );
  await new VkAdapter({ groupId: community.groupId, token: community.token, apiBaseUrl: vk.apiBaseUrl }).registerWebhook({ url: `${pipeline.url}/webhooks/vk/${row!.id}`, secret });
  return {
    channelId: row!.id,
    say: (text) => void vk.simulateClientMessage({ groupId: community.groupId, userId: clientId, text }),
    voice: (data, durationSec) => void vk.simulateClientMessage({ groupId: community.groupId, userId: clientId, attachments: [{ type: "audio_message", durationSec, data }] }),
    received: () => vk.sentMessages(clientId, community.groupId).map((m) => m.text ?? ""),
  };
}

/** Jobs of this project still queued or running on the way from the client to the agent and back. */
async function projectJobs(world: EvalWorld, projectId: string): Promise<string[]> {
  const { queues } = world.env;
  const found: string[] = [];
  for (const queue of [queues.inbound, queues.ai, queues.outbound]) {
    for (const state of ["wait", "active", "delayed", "prioritized", "waiting-children", "paused"] as const) {
      const jobs = await queue.getJobs([state]);
      for (const j of jobs) {
        if ((j?.data as { projectId?: string } | undefined)?.projectId !== projectId) continue;
        found.push(`${queue.name}:${state}:${j.id}${j.failedReason ? ` after "${j.failedReason}"` : ""}`);
      }
    }
  }
  return found;
}

/**
 * Waits until the case's project has nothing left to do: no job of its queued or running, no reply
 * unsent. Judged per project, so a case that failed does not hold up the next one.
 */
export async function settle(world: EvalWorld, projectId: string) {
  const { env } = world;
  let quiet = 0;
  let waitingFor: string[] = [];
  await until("the pipeline to be idle", async () => {
    waitingFor = (await env.queues.busy()) === 0 ? [] : await projectJobs(world, projectId);
    if (waitingFor.length === 0) {
      const [pending] = await withTenant(env.db, projectId, (tx) => tx.select({ n: sql<number>`count(*)::int` }).from(messages).where(eq(messages.delivery, "pending")));
      if (pending!.n > 0) waitingFor = [`${pending!.n} unsent message(s)`];
    }
    quiet = waitingFor.length === 0 ? quiet + 1 : 0;
    return quiet >= 3;
  }).catch((error: Error) => {
    throw new Error(`${error.message} (still waiting for ${waitingFor.join(", ") || "nothing"})`);
  });
}

export async function clientMessageCount(world: EvalWorld, projectId: string, channelId: string): Promise<number> {
  const [row] = await withTenant(world.env.db, projectId, (tx) =>
    tx.select({ n: sql<number>`count(*)::int` }).from(messages).where(and(eq(messages.channelId, channelId), eq(messages.direction, "in"))),
  );
  return row!.n;
}

export async function conversationOf(world: EvalWorld, projectId: string, channelId: string) {
  const [row] = await withTenant(world.env.db, projectId, (tx) =>
    tx
      .select({ id: conversations.id, stage: conversations.stage, assigneeId: conversations.assigneeId, phone: contacts.phone })
      .from(conversations)
      .innerJoin(contacts, eq(contacts.id, conversations.contactId))
      .where(eq(conversations.channelId, channelId)),
  );
  return row;
}

export async function agentMessages(world: EvalWorld, projectId: string, channelId: string) {
  return withTenant(world.env.db, projectId, (tx) =>
    tx
      .select({ id: messages.id, text: messages.text, action: messages.agentAction, delivery: messages.delivery })
      .from(messages)
      .where(and(eq(messages.channelId, channelId), eq(messages.author, "agent")))
      .orderBy(asc(messages.id)),
  );
}

/**
 * The client's silence on the virtual clock: the conversation's pending timeout job, when it is
 * due by `now`, runs as the worker would run it then.
 */
export async function passTime(world: EvalWorld, projectId: string, conversationId: string, now: Date) {
  const job = await world.env.queues.leadTimeout.getJob(leadTimeoutJobId(conversationId));
  if (!job) return;
  const due = job.timestamp + (job.opts.delay ?? 0);
  if (due > now.getTime()) return;
  const outcome = await processLeadTimeout(world.pipeline.workers.leads, { projectId, conversationId }, now);
  if (outcome.kind !== "not_yet") await world.env.queues.cancelLeadTimeout(conversationId);
}

/**
 * Plays the client's turns: a message is sent by `send` (text or voice), waited for until stored,
 * and the pipeline settled; a `wait` moves the virtual clock by its minutes of silence. Counts the
 * asks for the phone made after the contact had one, and notes messages that never arrived.
 */
export async function playTurns<T extends { wait: number } | object>(
  world: EvalWorld,
  projectId: string,
  client: Client,
  turns: T[],
  send: (turn: Exclude<T, { wait: number }>) => string,
): Promise<{ reasks: number; extra: string[] }> {
  let sent = 0;
  let reasks = 0;
  let seenAgent = 0;
  // Minutes of silence since the last client message, on the virtual clock.
  let silentMinutes = 0;
  const extra: string[] = [];
  for (const turn of turns) {
    if ("wait" in turn && typeof turn.wait === "number") {
      silentMinutes += turn.wait;
      const conversation = await conversationOf(world, projectId, client.channelId);
      if (conversation) await passTime(world, projectId, conversation.id, new Date(Date.now() + silentMinutes * MINUTE_MS));
      continue;
    }
    silentMinutes = 0;
    const what = send(turn as Exclude<T, { wait: number }>);
    sent++;
    const stored = await until("the client's message to be stored", async () => (await clientMessageCount(world, projectId, client.channelId)) >= sent, 30_000).catch(() => false);
    if (!stored) {
      // A platform that drops the message (e.g. an empty one) leaves nothing for the pipeline.
      sent = await clientMessageCount(world, projectId, client.channelId);
      extra.push(`message ${JSON.stringify(what.slice(0, 40))} never reached the inbox`);
      continue;
    }
    await settle(world, projectId);
    const conversation = await conversationOf(world, projectId, client.channelId);
    const all = await agentMessages(world, projectId, client.channelId);
    const fresh = all.slice(seenAgent);
    seenAgent = all.length;
    // An ask in a turn that ends with the phone on file asked for what the client already gave.
    if (conversation?.phone) reasks += fresh.filter((m) => m.action === "ask_phone").length;
  }
  return { reasks, extra };
}

/**
 * What the agent said, as stored, and whether the client received exactly what the business sent
 * (the agent's messages and the system's, such as an order's «принят»), in order.
 */
export async function agentOutcome(world: EvalWorld, projectId: string, client: Client, extra: string[]) {
  const conversation = await conversationOf(world, projectId, client.channelId);
  const stored = await agentMessages(world, projectId, client.channelId);
  const sent = await withTenant(world.env.db, projectId, (tx) =>
    tx
      .select({ text: messages.text })
      .from(messages)
      .where(and(eq(messages.channelId, client.channelId), inArray(messages.author, ["agent", "system"]), eq(messages.direction, "out")))
      .orderBy(asc(messages.id)),
  );
  const received = client.received();
  if (JSON.stringify(received) !== JSON.stringify(sent.map((m) => m.text))) {
    extra.push(`the client received ${received.length} message(s) of ${sent.length} the agent and the system sent, or in another order`);
  }
  return { conversation, stored };
}

let nextClientId = 700_000;

/** Plays one case through the pipeline and checks it. */
export async function runCase(world: EvalWorld, c: FirstContactCase): Promise<CaseResult> {
  const { projectId, managerIds } = await buildProject(world, c);
  const client = await connectChannel(world, projectId, c.channel, nextClientId++);
  const { reasks, extra } = await playTurns(world, projectId, client, c.client, (turn) => {
    client.say(turn.say);
    return turn.say;
  });
  const { conversation, stored } = await agentOutcome(world, projectId, client, extra);
  const outcome: CaseOutcome = {
    // A conversation the pipeline never routed shows as "new" and fails the stage check.
    stage: (conversation?.stage ?? "bot") as LeadStage,
    phone: conversation?.phone ?? null,
    assignedTo: conversation?.assigneeId ? (managerIds.get(conversation.assigneeId) ?? `member ${conversation.assigneeId}`) : null,
    agentMessages: stored.map((m) => ({ text: m.text, action: (m.action as AgentAction | null) ?? null })),
    reasks,
  };
  const result = checkCase(c, outcome);
  if (extra.length) return { ...result, passed: false, failures: [...result.failures, ...extra] };
  return result;
}
