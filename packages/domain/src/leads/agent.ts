import { randomUUID } from "node:crypto";
import { and, asc, desc, eq, gt, inArray } from "drizzle-orm";
import {
  analyzeMessage,
  classifyWithLlm,
  decideTurn,
  decideTurnWithLlm,
  detectSpam,
  silenceDeadline,
  timeoutTransition,
  type AgentReply,
  type Intent,
  type KnownContact,
  type LlmConfig,
  type LlmUsage,
  ORDER_TEXTS,
  type ProposalStatus,
  type ThreadMessage,
  type TurnDecision,
  type WonExample,
} from "@threadline/ai";
import { attachments, contacts, conversations, messages, orderProposals, releaseSnapshot, withTenant, wonExamples, type Db, type InTenant, type LeadStage, type Tx } from "@threadline/db";
import type { Logger } from "@threadline/config";
import { decryptSecret, type SecretKeyring } from "../crypto.ts";
import { archiveSpamByRule } from "../conversations/archive.ts";
import { assigneeOf } from "../conversations/thread.ts";
import type { Publish } from "../events.ts";
import type { AiJob, LeadTimeoutJob, MessageChangeJob, OutboundJob } from "../job-payloads.ts";
import { addDelta, deltaOf, deltaParams, messagePreview } from "../conversations/aggregates.ts";
import { PUBLIC_ENDPOINTS, type Endpoints } from "../endpoints.ts";
import { embedQuery, hasEmbeddedPassages } from "../knowledge/embeddings.ts";
import { agentCatalog, recordTrace, searchPassages, type FoundPassage } from "../knowledge/service.ts";
import { noteModelOutcome, type AgentHealth } from "./agent-health.ts";
import { recordUsage } from "./usage.ts";

export { recordUsage };
import { lockConversation } from "./lock.ts";
import { cancelProposal, confirmProposal, decidedProposalMessages, decodeProposalButton, latestProposal, proposalMessageKey, proposeOrder } from "../orders/proposals.ts";
import type { OrderEffects } from "../orders/service.ts";
import { agentOnFor, llmKeyFor, loadAgentConfig, type AgentConfig } from "./settings.ts";
import { handOver, moveLead, NOTIFICATION_TEXTS, type NotificationText, type PendingEvents } from "./stages.ts";

export type LeadDeps = {
  db: Db;
  publish: Publish;
  enqueueOutbound: (job: OutboundJob) => Promise<unknown>;
  /** Takes the buttons off a proposal's message once the proposal is decided. */
  enqueueMessageChange: (job: MessageChangeJob) => Promise<unknown>;
  scheduleLeadTimeout: (job: LeadTimeoutJob, at: Date) => Promise<unknown>;
  cancelLeadTimeout: (conversationId: string) => Promise<unknown>;
  /** Opens the project's model key; without it the agent works on its rules alone. */
  secretKey?: SecretKeyring;
  /** The operator's model API (OPENAI_BASE_URL); the provider's own when unset. */
  endpoints?: Readonly<Pick<Endpoints, "openaiBaseUrl">>;
  logger?: Logger;
  /** Where each model call's outcome is kept for the owner (admin's agent health). */
  health?: AgentHealth;
};

/** How long a thread the agent reads: the newest messages, far more than a first contact has. */
const THREAD_LIMIT = 1000;
/** Won dialogs the agent may pick its examples from. */
const EXAMPLES_LIMIT = 200;


type Loaded = {
  id: string;
  channelId: string;
  stage: LeadStage;
  aiEnabled: boolean;
  assigneeId: string | null;
  intent: string | null;
  contactId: string;
  phone: string | null;
  name: string;
  email: string | null;
};

async function loadConversation(tx: Tx, conversationId: string): Promise<Loaded | undefined> {
  const [row] = await tx
    .select({
      id: conversations.id,
      channelId: conversations.channelId,
      stage: conversations.stage,
      aiEnabled: conversations.aiEnabled,
      assigneeId: conversations.assigneeId,
      intent: conversations.intent,
      contactId: contacts.id,
      phone: contacts.phone,
      name: contacts.name,
      email: contacts.email,
    })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(eq(conversations.id, conversationId));
  return row;
}

/** The thread as the agent reads it, with the ids of the client messages it has not read yet. */
export type AgentThread = { messages: ThreadMessage[]; unread: number[] };

/**
 * The whole thread as the agent reads it, oldest first, in the order messages were stored (an
 * agent reply is always stored after what it answers, though platforms date client messages to
 * the second). Client messages the agent has not read yet come last, in the order the client sent
 * them: one stored while the previous turn was running is still new to the next turn.
 */
export async function loadThread(tx: Tx, conversationId: string): Promise<AgentThread> {
  const rows = await tx
    .select({
      id: messages.id,
      author: messages.author,
      kind: messages.kind,
      text: messages.text,
      transcript: messages.transcript,
      action: messages.agentAction,
      sentAt: messages.sentAt,
      seen: messages.seenByAgent,
    })
    .from(messages)
    .where(eq(messages.conversationId, conversationId))
    .orderBy(desc(messages.id))
    .limit(THREAD_LIMIT);
  rows.reverse();
  const read: ThreadMessage[] = [];
  const fresh: (ThreadMessage & { id: number })[] = [];
  for (const r of rows) {
    if (r.author === "system") continue;
    // A voice note is read by its transcript; a PDF by its text (see the knowledge base).
    const text = [r.text, r.transcript ?? ""].filter((t) => t.trim() !== "").join("\n");
    const m: ThreadMessage = {
      author: r.author,
      text: text === "" ? null : text,
      kind: r.kind,
      action: (r.action as ThreadMessage["action"]) ?? null,
      sentAt: r.sentAt,
    };
    if (m.author === "client" && !r.seen) fresh.push({ ...m, id: r.id });
    else read.push(m);
  }
  fresh.sort((a, b) => new Date(a.sentAt).getTime() - new Date(b.sentAt).getTime() || a.id - b.id);
  return { messages: [...read, ...fresh.map(({ id: _id, ...m }) => m)], unread: fresh.map((m) => m.id) };
}

/** Whether the agent may still speak in the conversation, read under the conversation's row lock. */
async function agentStillOn(tx: Tx, conversationId: string): Promise<boolean> {
  const [row] = await tx.select({ aiEnabled: conversations.aiEnabled }).from(conversations).where(eq(conversations.id, conversationId)).for("no key update");
  return row?.aiEnabled === true;
}

/** Whether a decision writes what only an agent still in charge may: a reply, an order step, a stage. */
function actsOnConversation(decision: Pick<TurnDecision, "replies" | "transition" | "order">): boolean {
  return decision.replies.length > 0 || decision.transition !== null || decision.order !== undefined;
}

/** The client messages this turn has read: the next turn does not take them for new. */
async function markRead(tx: Tx, ids: readonly number[]) {
  if (ids.length) await tx.update(messages).set({ seenByAgent: true }).where(inArray(messages.id, [...ids]));
}

export function llmConfigOf(config: AgentConfig, secretKey: SecretKeyring | undefined, baseURL: string): LlmConfig | null {
  // A key saved for another model API is never sent to this one.
  const keyEnc = llmKeyFor(config, baseURL);
  if (!secretKey || !config.llm.model || !keyEnc) return null;
  return { apiKey: decryptSecret(keyEnc, secretKey), model: config.llm.model, baseURL, timeoutMs: 20_000, maxRetries: 1 };
}

export async function wonExamplesFor(tx: Tx): Promise<WonExample[]> {
  const rows = await tx.select({ id: wonExamples.id, messages: wonExamples.messages }).from(wonExamples).orderBy(desc(wonExamples.createdAt)).limit(EXAMPLES_LIMIT);
  return rows;
}

/** Stores the agent's replies as pending messages, in order, and updates the conversation's list fields. */
/** The agent's replies, stored to be sent; `proposalId`: the last one shows that proposal (its buttons are sent with it). */
/** Telegram's longest caption: a longer answer goes as text without the photo. */
const MAX_PHOTO_CAPTION = 1024;

async function storeReplies(tx: Tx, projectId: string, conversation: Pick<Loaded, "id" | "channelId">, replies: readonly AgentReply[], proposalId?: string): Promise<{ messages: ThreadMessage[]; ids: number[] }> {
  if (replies.length === 0) return { messages: [], ids: [] };
  const base = Date.now();
  // A product's photo goes as the message's photo with the text as its caption (within
  // Telegram's caption limit); the send reads it from the catalog's storage like any attachment.
  const photoOf = (r: AgentReply) => (r.photoKey && r.text.length <= MAX_PHOTO_CAPTION ? r.photoKey : null);
  const rows = replies.map((r, i) => ({
    projectId,
    conversationId: conversation.id,
    channelId: conversation.channelId,
    clientKey: proposalId && i === replies.length - 1 ? proposalMessageKey(proposalId) : randomUUID(),
    direction: "out" as const,
    author: "agent" as const,
    kind: photoOf(r) ? ("photo" as const) : ("text" as const),
    text: r.text,
    agentAction: r.action,
    sentAt: new Date(base + i),
    delivery: "pending" as const,
  }));
  const stored = await tx.insert(messages).values(rows).returning({ id: messages.id, sentAt: messages.sentAt });
  const photos = stored.flatMap((s, i) => {
    const key = photoOf(replies[i]!);
    return key ? [{ projectId, messageId: s.id, kind: "photo" as const, fileName: "photo", storageKey: key, state: "ready" as const }] : [];
  });
  if (photos.length) await tx.insert(attachments).values(photos);
  const delta = deltaOf(
    stored
      .map((s, i) => ({ id: s.id, sentAt: s.sentAt, direction: "out" as const, author: "agent" as const, authorId: null, preview: messagePreview(rows[i]!.text, rows[i]!.kind) }))
      .sort((a, b) => a.id - b.id),
  );
  await tx.update(conversations).set(addDelta(deltaParams(delta!))).where(eq(conversations.id, conversation.id));
  return {
    messages: rows.map((r) => ({ author: "agent", text: r.text, action: r.agentAction, kind: r.kind, sentAt: r.sentAt })),
    ids: stored.map((s) => s.id),
  };
}

/** The intent of the client's fresh messages when the agent does not answer them. */
async function readIntent(tx: Tx, deps: Pick<LeadDeps, "secretKey" | "endpoints" | "logger" | "health">, projectId: string, config: AgentConfig, thread: readonly ThreadMessage[], routing: boolean): Promise<{ intent: Intent; usage: readonly LlmUsage[] }> {
  const llm = routing ? llmConfigOf(config, deps.secretKey, (deps.endpoints ?? PUBLIC_ENDPOINTS).openaiBaseUrl) : null;
  if (!llm) return { intent: analyzeMessage(freshClientText(thread)).intent, usage: [] };
  await releaseSnapshot(tx);
  const read = await classifyWithLlm(thread, llm);
  if (read.llmError) deps.logger?.warn({ err: read.llmError }, "intent model failed, rules read the message");
  await noteModelOutcome(deps, projectId, read.llmError);
  return { intent: read.intent, usage: read.usage };
}

/** The client's messages since the agent last spoke: what the knowledge search looks for. */
function freshClientText(thread: readonly ThreadMessage[]): string {
  const out: string[] = [];
  for (let i = thread.length - 1; i >= 0 && thread[i]?.author === "client"; i--) out.unshift(thread[i]?.text ?? "");
  return out.join("\n").trim();
}

/** What the client told the agent, onto the contact: a valid phone, and a name or e-mail it lacked. */
async function applyEntities(tx: Tx, conversation: Loaded, entities: TurnDecision["entities"], collected?: TurnDecision["collected"]): Promise<boolean> {
  const patch: Partial<typeof contacts.$inferInsert> = {};
  if (entities.phone && !conversation.phone) patch.phone = entities.phone;
  if (entities.name && !conversation.name.trim()) patch.name = entities.name;
  // A name the client gave when the agent asked for it is their own: it replaces the platform's profile name.
  if (collected?.name && collected.name !== conversation.name) patch.name = collected.name;
  if (entities.email && !conversation.email) patch.email = entities.email;
  if (Object.keys(patch).length === 0) return false;
  await tx.update(contacts).set(patch).where(eq(contacts.id, conversation.contactId));
  if (patch.phone) conversation.phone = patch.phone;
  return true;
}


export type LeadTurnOutcome = {
  kind: "gone" | "routed" | "turn" | "idle";
  stage: LeadStage;
  replies: AgentReply[];
  transition: TurnDecision["transition"];
  silentReason: TurnDecision["silentReason"];
  mode?: "llm" | "fallback" | "rules";
};

type Effects = {
  events: PendingEvents;
  /** Whether there are agent messages to send. */
  send: boolean;
  /** undefined: leave the timeout as it is; null: cancel it; a date: replace it. */
  timeout: Date | null | undefined;
  updated: boolean;
  /** Orders the client confirmed this turn: their messages to send, the board's events. */
  orders: (OrderEffects & { number: number })[];
  /** Sent messages of proposals decided this turn (confirmed, cancelled, replaced): their buttons go. */
  clearButtons?: number[];
};

type Route = { to: LeadStage; reason: string; notify: NotificationText | null };

/** A new lead's first stop: the agent when it works on this channel, else a person at once. */
function planRoute(c: Loaded, config: AgentConfig, thread: readonly ThreadMessage[]): Route {
  const humanSpoke = thread.some((m) => m.author === "member");
  if (agentOnFor(config, c.channelId) && c.aiEnabled && !c.phone && !humanSpoke) return { to: "bot", reason: "agent", notify: null };
  // Routing before the card: spam never reaches a person.
  const clientText = thread.filter((m) => m.author === "client").map((m) => m.text ?? "").join("\n");
  if (!c.phone && detectSpam(clientText).spam) return { to: "spam", reason: "spam", notify: null };
  return c.phone
    ? { to: "assigned", reason: "phone_known", notify: NOTIFICATION_TEXTS.withContact }
    : { to: "assigned", reason: "rotation", notify: NOTIFICATION_TEXTS.conversation };
}

export type AgentTurn = { decision: TurnDecision & { mode?: LeadTurnOutcome["mode"] }; usage: readonly LlmUsage[]; retrieved: FoundPassage[]; query: string };

/**
 * How a turn reads the project: the pipeline's turn in its own transaction, which holds the
 * conversation's lock and lets go of its snapshot before each wait on the model (decision 059);
 * the sandbox in short transactions of its own, none open while the model answers.
 */
export type TurnReads = { read: InTenant; beforeWait: () => Promise<void> };

/** Reads in one open transaction, its snapshot let go before each wait. */
export const readsIn = (tx: Tx): TurnReads => ({ read: (fn) => fn(tx), beforeWait: () => releaseSnapshot(tx) });

/**
 * One agent turn on a thread, read-only: the passages found for what the client just wrote, the
 * catalog, then the model (or the rules alone without a model key). The pipeline stores what it
 * decides; the admin's sandbox only shows it.
 */
export async function agentTurn(
  reads: TurnReads,
  deps: Pick<LeadDeps, "secretKey" | "endpoints" | "logger" | "health">,
  config: AgentConfig,
  turn: { projectId: string; thread: readonly ThreadMessage[]; known: KnownContact; stage: "bot" | "low_quality"; conversationId: string | null; proposal?: { status: ProposalStatus } | null },
): Promise<AgentTurn> {
  const { read } = reads;
  // What the agent knows beyond its script: the catalog, and the passages found for what the client just wrote.
  const query = freshClientText(turn.thread);
  // By meaning too when the project's passages are embedded: the question once, its cost with the turn's.
  const embeds = !!query && (await read((tx) => hasEmbeddedPassages(tx, config)));
  if (embeds) await reads.beforeWait();
  const meaning = embeds ? await embedQuery(deps, config, turn.projectId, query) : null;
  const retrieved = query ? await read((tx) => searchPassages(tx, query, undefined, meaning?.query)) : [];
  const searchUsage = meaning ? [meaning.usage] : [];
  const catalog = await read(agentCatalog);
  const input = { script: config.script, thread: turn.thread, known: turn.known, stage: turn.stage, catalog, passages: retrieved, ...(turn.proposal ? { proposal: turn.proposal } : {}) };
  const llm = llmConfigOf(config, deps.secretKey, (deps.endpoints ?? PUBLIC_ENDPOINTS).openaiBaseUrl);
  if (!llm) return { decision: { ...decideTurn(input), mode: "rules" }, usage: searchUsage, retrieved, query };
  const examples = await read(wonExamplesFor);
  await reads.beforeWait();
  const withLlm = await decideTurnWithLlm(input, { llm, examples });
  if (withLlm.llmError) deps.logger?.warn({ conversationId: turn.conversationId, err: withLlm.llmError }, "agent model failed, rules answered");
  await noteModelOutcome(deps, turn.projectId, withLlm.llmError);
  return { decision: withLlm, usage: [...searchUsage, ...withLlm.usage], retrieved, query };
}

/**
 * The lead pipeline's step for one client message, run by the `ai` job: a new lead is routed
 * (agent or rotation), then in `bot` the agent reads the whole thread and answers, the contact
 * learns what the client said, and the lead moves on when the agent decides so. One conversation
 * is handled by one job at a time (an advisory lock), so messages arriving together get one
 * greeting between them. Everything is read and decided before the first write, and the writes
 * take their row locks in the inbound writer's order (contact, then conversation): a client
 * message arriving meanwhile is never blocked by the agent thinking, nor deadlocked with it.
 */
export async function processLeadMessage(deps: LeadDeps, job: AiJob): Promise<LeadTurnOutcome> {
  const { projectId, conversationId } = job;
  const effects: Effects = { events: [], send: false, timeout: undefined, updated: false, orders: [] };
  const outcome = await withTenant(deps.db, projectId, async (tx): Promise<LeadTurnOutcome> => {
    await lockConversation(tx, conversationId);
    const c = await loadConversation(tx, conversationId);
    if (!c) return { kind: "gone", stage: "new", replies: [], transition: null, silentReason: null };
    const config = await loadAgentConfig(tx, projectId);
    const { messages: thread, unread } = await loadThread(tx, conversationId);
    const before = { stage: c.stage, assigneeId: c.assigneeId };
    const agentOn = agentOnFor(config, c.channelId);

    // Decide.
    const route = c.stage === "new" ? planRoute(c, config, thread) : null;
    let stage = route?.to ?? c.stage;
    // The agent was switched off for this channel while the lead waited for it: a person takes it.
    const agentGone = stage === "bot" && !agentOn;
    const agentWorks = (stage === "bot" || stage === "low_quality") && c.aiEnabled && agentOn;
    let decision: (TurnDecision & { mode?: LeadTurnOutcome["mode"] }) | null = null;
    let usage: readonly LlmUsage[] = [];
    let retrieved: FoundPassage[] = [];
    let query = "";
    if (agentWorks) {
      ({ decision, usage, retrieved, query } = await agentTurn(readsIn(tx), deps, config, {
        projectId,
        thread,
        known: { phone: c.phone, name: c.name || null, email: c.email },
        stage: stage as "bot" | "low_quality",
        conversationId,
        proposal: await latestProposal(tx, conversationId),
      }));
    }

    // What the client wants, read on every client turn: the agent's reading when it answered (the
    // model's with a key), otherwise the rules on what the client just wrote, or the model's when
    // a new lead is routed. Known before the handover below, so routing rules by intent apply.
    let intent: Intent = decision?.intent ?? "other";
    if (!decision && unread.length) ({ intent, usage } = await readIntent(tx, deps, projectId, config, thread, c.stage === "new"));

    // Write: the contact first, then the conversation.
    if (decision && (await applyEntities(tx, c, decision.entities, decision.collected))) effects.updated = true;
    // "other" (thanks, a sticker) keeps what the conversation was about.
    if (intent !== "other" && intent !== c.intent) {
      await tx.update(conversations).set({ intent }).where(eq(conversations.id, conversationId));
      effects.updated = true;
    }
    // What the model cost is kept whether or not its answer goes out.
    await recordUsage(tx, projectId, conversationId, usage);
    if (route) {
      if (route.notify) c.assigneeId = await handOver(tx, { projectId, conversationId, assigneeId: c.assigneeId, text: route.notify }, effects.events);
      await moveLead(tx, { projectId, conversationId, from: c.stage, to: route.to, actor: { kind: "system" }, reason: route.reason });
    }
    // «Спам → в архив»: spam is kept, out of the list (decision 067).
    if ((stage === "spam" || intent === "spam") && (await archiveSpamByRule(tx, c))) effects.updated = true;
    if (agentGone) {
      c.assigneeId = await handOver(tx, { projectId, conversationId, assigneeId: c.assigneeId, text: NOTIFICATION_TEXTS.conversation }, effects.events);
      await moveLead(tx, { projectId, conversationId, from: stage, to: "assigned", actor: { kind: "system" }, reason: "agent_off" });
      stage = "assigned";
    }
    // A manager who replied (or switched the agent off) while the agent was deciding has the
    // conversation: the agent's reply, order step or stage change does not follow theirs. The row
    // lock orders the two: a reply committed first is seen here, one coming later waits for this
    // turn and goes after it. It is the lock an update of the row takes (a client message being
    // stored, with its foreign key's share lock, does not wait for it), and it is taken last and
    // only by a turn that acts: the agent's process runs at the lowest CPU priority, and the
    // inbound writer must not wait long behind a lock it holds.
    if (decision && actsOnConversation(decision) && !(await agentStillOn(tx, conversationId))) {
      decision = null;
      effects.updated = true;
    }
    if (decision) {
      const ordered = decision.order ? await applyOrder(tx, projectId, conversationId, decision, effects) : null;
      if (ordered) decision = { ...decision, replies: ordered.replies };
      const sent = await storeReplies(tx, projectId, c, decision.replies, ordered?.proposalId);
      if (query) await recordTrace(tx, projectId, { conversationId, query, retrieved, used: decision.used, replyIds: sent.ids });
      // An order placed this turn is a person's work now: the lead goes to a manager.
      if (effects.orders.length) stage = await handOverOrder(tx, projectId, c, stage, effects);
      const t = decision.transition;
      if (t && t.to !== stage) {
        if (t.to === "assigned" || t.to === "needs_human") {
          const text = t.to === "assigned" ? NOTIFICATION_TEXTS.withContact : NOTIFICATION_TEXTS.needsHuman;
          c.assigneeId = await handOver(tx, { projectId, conversationId, assigneeId: c.assigneeId, text }, effects.events);
        }
        await moveLead(tx, { projectId, conversationId, from: stage, to: t.to, actor: { kind: "agent" }, reason: t.reason });
        stage = t.to;
      }
      // The client's silence counts from the agent's last ask; any client message moves it on.
      effects.timeout = stage === "bot" ? silenceDeadline([...thread, ...sent.messages], config.script.timeoutMinutes) : null;
    } else {
      // A person has the conversation (or the agent is switched off in it): the agent stays out.
      effects.timeout = null;
    }
    // Read, whether the agent answered or a person has the conversation: a lead given back to the
    // agent later is new to it only from the next client message.
    await markRead(tx, unread);
    // Replies waiting to be sent, new or left over (e.g. a send job that was lost): sending resumes.
    effects.send = await hasPendingAgentMessages(tx, conversationId);
    if (stage !== before.stage || c.assigneeId !== before.assigneeId) effects.updated = true;
    return {
      kind: decision ? "turn" : route ? "routed" : "idle",
      stage,
      replies: decision?.replies ?? [],
      transition: decision?.transition ?? null,
      silentReason: decision?.silentReason ?? null,
      mode: decision?.mode,
    };
  });
  await applyEffects(deps, projectId, conversationId, effects);
  return outcome;
}

/**
 * The turn's order decision, stored: a proposal kept for «да», a dropped one, or a confirmed one
 * made an order. Returns the replies to send, which a confirm may change (a new price, a
 * proposal that expired or can no longer be ordered), and the proposal the last of them shows.
 */
async function applyOrder(tx: Tx, projectId: string, conversationId: string, decision: Pick<TurnDecision, "order" | "replies">, effects: Effects): Promise<{ replies: AgentReply[]; proposalId?: string }> {
  // The proposal that waited, if any: whatever this step does to it, its buttons go once it is decided.
  const waiting = await latestProposal(tx, conversationId);
  const result = await decideOrder(tx, projectId, conversationId, decision, effects);
  if (waiting) effects.clearButtons = [...(effects.clearButtons ?? []), ...(await decidedProposalMessages(tx, waiting.id))];
  return result;
}

async function decideOrder(tx: Tx, projectId: string, conversationId: string, decision: Pick<TurnDecision, "order" | "replies">, effects: Effects): Promise<{ replies: AgentReply[]; proposalId?: string }> {
  const order = decision.order!;
  if (order.kind === "propose") {
    const proposalId = await proposeOrder(tx, projectId, conversationId, order.lines);
    return { replies: decision.replies, ...(decision.replies.length ? { proposalId } : {}) };
  }
  if (order.kind === "cancel") {
    await cancelProposal(tx, conversationId);
    return { replies: decision.replies };
  }
  const outcome = await confirmProposal(tx, projectId, conversationId);
  switch (outcome.kind) {
    case "placed":
      effects.orders.push(outcome);
      return { replies: decision.replies };
    case "already":
      return { replies: [...decision.replies, { action: "answer", text: ORDER_TEXTS.alreadyPlaced }] };
    case "expired":
      return { replies: [...decision.replies, { action: "answer", text: ORDER_TEXTS.stale }] };
    case "repriced":
      return { replies: [...decision.replies, { action: "answer", text: outcome.text }], proposalId: outcome.proposalId };
    case "unavailable":
      return { replies: [...decision.replies, { action: "answer", text: outcome.text }] };
    case "none":
      return { replies: decision.replies };
  }
}

/** Stages a lead is in while no person has taken it: an order placed there hands it to one. */
const BEFORE_A_PERSON: readonly LeadStage[] = ["new", "bot", "low_quality", "needs_human"];

/**
 * The client placed an order with the agent: the conversation goes to a manager as a lead with a
 * phone does (rotation, a notification, the stage `assigned` by the agent, reason `order_placed`),
 * instead of staying with the agent until the order moves past «Новый». Returns the stage now.
 */
async function handOverOrder(tx: Tx, projectId: string, c: Loaded, stage: LeadStage, effects: Effects): Promise<LeadStage> {
  if (!BEFORE_A_PERSON.includes(stage)) return stage;
  c.assigneeId = await handOver(tx, { projectId, conversationId: c.id, assigneeId: c.assigneeId, text: NOTIFICATION_TEXTS.orderPlaced }, effects.events);
  await moveLead(tx, { projectId, conversationId: c.id, from: stage, to: "assigned", actor: { kind: "agent" }, reason: "order_placed" });
  effects.updated = true;
  effects.timeout = null;
  return "assigned";
}

/** What a press on a proposal's button is answered with on the platform. */
export const PROPOSAL_PRESS_ANSWERS = {
  broken: "Кнопка не распознана. Напишите, что хотите заказать.",
  foreign: "Эта кнопка не из этого чата.",
  stale: "Это предложение заказа устарело. Напишите ещё раз, что хотите заказать.",
  cancelled: "Заказ отменён",
  seeChat: "Ответ — в чате.",
} as const;

/**
 * A press on «Подтвердить» or «Отменить» under the agent's proposal: the same as the client's «да»
 * or «нет» (the same order step, under the conversation's lead lock), but only for the
 * conversation's latest proposal while it waits. A payload the bot did not write, a proposal of
 * another chat, a replaced, expired or decided one is answered and changes nothing; a second
 * press of «Подтвердить» finds the order placed.
 */
export async function pressProposalButton(deps: LeadDeps, input: { projectId: string; conversationId: string; data: string }): Promise<{ text: string; alert?: boolean }> {
  const press = decodeProposalButton(input.data);
  if (!press) return { text: PROPOSAL_PRESS_ANSWERS.broken, alert: true };
  const { projectId, conversationId } = input;
  const effects: Effects = { events: [], send: false, timeout: undefined, updated: false, orders: [] };
  const answer = await withTenant(deps.db, projectId, async (tx) => {
    await lockConversation(tx, conversationId);
    const [pressed] = await tx.select({ conversationId: orderProposals.conversationId }).from(orderProposals).where(eq(orderProposals.id, press.proposalId));
    if (!pressed || pressed.conversationId !== conversationId) return { text: PROPOSAL_PRESS_ANSWERS.foreign, alert: true };
    const latest = await latestProposal(tx, conversationId);
    if (latest?.id !== press.proposalId) return { text: PROPOSAL_PRESS_ANSWERS.stale, alert: true };
    if (latest.status === "confirmed") return { text: ORDER_TEXTS.alreadyPlaced };
    if (latest.status !== "pending") return { text: PROPOSAL_PRESS_ANSWERS.stale, alert: true };
    const c = await loadConversation(tx, conversationId);
    if (!c) return { text: PROPOSAL_PRESS_ANSWERS.foreign, alert: true };
    const said: AgentReply[] = press.answer === "cancel" ? [{ action: "answer", text: ORDER_TEXTS.cancelled }] : [];
    const { replies, proposalId } = await applyOrder(tx, projectId, conversationId, { order: { kind: press.answer }, replies: said }, effects);
    await storeReplies(tx, projectId, c, replies, proposalId);
    effects.send = await hasPendingAgentMessages(tx, conversationId);
    if (effects.orders.length) await handOverOrder(tx, projectId, c, c.stage, effects);
    const placed = effects.orders[0];
    if (placed) return { text: `Заказ №${placed.number} оформлен` };
    return { text: press.answer === "cancel" ? PROPOSAL_PRESS_ANSWERS.cancelled : PROPOSAL_PRESS_ANSWERS.seeChat };
  });
  await applyEffects(deps, projectId, conversationId, effects);
  return answer;
}

async function hasPendingAgentMessages(tx: Tx, conversationId: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: messages.id })
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.author, "agent"), eq(messages.delivery, "pending")))
    .limit(1);
  return !!row;
}

/** The oldest agent message of the conversation still waiting to be sent. */
async function oldestPendingAgentMessage(db: Db, projectId: string, conversationId: string, afterId = 0): Promise<number | null> {
  const [row] = await withTenant(db, projectId, (tx) =>
    tx
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.conversationId, conversationId), eq(messages.author, "agent"), eq(messages.delivery, "pending"), gt(messages.id, afterId)))
      .orderBy(asc(messages.id))
      .limit(1),
  );
  return row?.id ?? null;
}

/**
 * The agent's messages go out one after another, in the order it wrote them: the send job of one
 * queues the next when it is done. Queuing an id already queued does nothing.
 */
export async function continueAgentReplies(deps: Pick<LeadDeps, "db" | "enqueueOutbound">, job: OutboundJob): Promise<void> {
  const [row] = await withTenant(deps.db, job.projectId, (tx) =>
    tx.select({ conversationId: messages.conversationId, author: messages.author }).from(messages).where(eq(messages.id, job.messageId)),
  );
  if (!row) return;
  const next = await oldestPendingAgentMessage(deps.db, job.projectId, row.conversationId, row.author === "agent" ? job.messageId : 0);
  if (next) await deps.enqueueOutbound({ projectId: job.projectId, messageId: next });
}

async function applyEffects(deps: LeadDeps, projectId: string, conversationId: string, effects: Effects) {
  for (const messageId of effects.clearButtons ?? []) await deps.enqueueMessageChange({ projectId, messageId, change: { kind: "dropButtons" }, requestedBy: "agent" });
  if (effects.send) {
    const first = await oldestPendingAgentMessage(deps.db, projectId, conversationId);
    if (first) await deps.enqueueOutbound({ projectId, messageId: first });
  }
  if (effects.timeout === null) await deps.cancelLeadTimeout(conversationId);
  else if (effects.timeout) await deps.scheduleLeadTimeout({ projectId, conversationId }, effects.timeout);
  if (effects.send || effects.updated) {
    const [c] = await withTenant(deps.db, projectId, (tx) => tx.select({ assigneeId: conversations.assigneeId }).from(conversations).where(eq(conversations.id, conversationId)));
    if (effects.send) await deps.publish({ type: "conversation.message", projectId, conversationId, direction: "out", assigneeId: c?.assigneeId ?? null });
    if (effects.updated) await deps.publish({ type: "conversation.updated", projectId, conversationId, assigneeId: c?.assigneeId ?? null });
  }
  for (const event of effects.events) await deps.publish(event);
  for (const order of effects.orders) {
    for (const messageId of order.outboundMessageIds) await deps.enqueueOutbound({ projectId, messageId });
    for (const event of order.events) await deps.publish(event);
  }
}

export type TimeoutOutcome = { kind: "moved"; stage: LeadStage } | { kind: "not_yet"; at: Date } | { kind: "none" };

/**
 * A conversation's silence timeout fired: a lead still in `bot` without a phone whose client has
 * been silent since the agent's ask for the whole timeout becomes `low_quality`. A deadline that
 * moved on (the client wrote meanwhile) comes back as `not_yet`. `now` is the clock to judge by.
 */
export async function processLeadTimeout(deps: LeadDeps, job: LeadTimeoutJob, now: Date = new Date()): Promise<TimeoutOutcome> {
  const { projectId, conversationId } = job;
  const events: PendingEvents = [];
  const outcome = await withTenant(deps.db, projectId, async (tx): Promise<TimeoutOutcome> => {
    await lockConversation(tx, conversationId);
    const c = await loadConversation(tx, conversationId);
    if (!c || c.stage !== "bot" || !c.aiEnabled) return { kind: "none" };
    const config = await loadAgentConfig(tx, projectId);
    if (!agentOnFor(config, c.channelId)) return { kind: "none" };
    const { messages: thread } = await loadThread(tx, conversationId);
    const transition = timeoutTransition({ script: config.script, thread, stage: c.stage, known: { phone: c.phone }, now });
    if (transition) {
      // A lead with the phone whose client left the script's other questions unanswered goes to a person as it is.
      if (transition.to === "assigned") await handOver(tx, { projectId, conversationId, assigneeId: c.assigneeId, text: NOTIFICATION_TEXTS.withContact }, events);
      await moveLead(tx, { projectId, conversationId, from: c.stage, to: transition.to, actor: { kind: "system" }, reason: transition.reason });
      return { kind: "moved", stage: transition.to };
    }
    const deadline = silenceDeadline(thread, config.script.timeoutMinutes);
    return deadline && deadline.getTime() > now.getTime() ? { kind: "not_yet", at: deadline } : { kind: "none" };
  });
  if (outcome.kind === "moved") await deps.publish({ type: "conversation.updated", projectId, conversationId, assigneeId: await withTenant(deps.db, projectId, (tx) => assigneeOf(tx, conversationId)) });
  for (const event of events) await deps.publish(event);
  return outcome;
}
