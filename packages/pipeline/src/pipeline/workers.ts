import { DelayedError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "@threadline/config";
import { createQueues, queueNames, type MaintenanceJob, type AiJob, type InboundBatchJob, type InboundJob, type LeadTimeoutJob, type MediaJob, type MessageChangeJob, type OutboundJob, type PaymentJob } from "../jobs/index.ts";
import { applyPaymentUpdate } from "@threadline/domain/payments/service.ts";
import { continueAgentReplies, processLeadMessage, processLeadTimeout } from "@threadline/domain/leads/agent.ts";
import { AgentHealth } from "@threadline/domain/leads/agent-health.ts";
import type { Endpoints } from "@threadline/domain/endpoints.ts";
import { IngestBatcher } from "@threadline/domain/conversations/ingest-batcher.ts";
import { sweepUploads } from "@threadline/domain/conversations/uploads.ts";
import { extendSearchLexicon } from "@threadline/domain/conversations/search.ts";
import { assignQueuedLeads, remindOverdue } from "@threadline/domain/staff/rotation-settings.ts";
import { sendStaffAlert } from "@threadline/domain/staff/alerts.ts";
import { PUBLIC_ENDPOINTS } from "@threadline/domain/endpoints.ts";
import { processInboundJob, type InboundDeps } from "./inbound.ts";
import { processMenuButton, processMenuText, type MenuDeps } from "./menu.ts";
import { leadDepsOn } from "./lead-deps.ts";
import { fetchAttachment, type MediaDeps } from "./media.ts";
import { readIncomingFiles } from "./transcribe.ts";
import { inboundPressure, inboundPressureReporter } from "./governor.ts";
import { RetryLater, sendOutbound, type OutboundDeps } from "./outbound.ts";
import { changeMessage } from "./message-change.ts";
import type { SecretKeyring } from "@threadline/domain/crypto.ts";

const isFinal = (job: Job) => job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
// Rate-limit waits do not count as failed attempts; this caps them all the same.
const MAX_RATE_LIMIT_WAITS = 30;

export type WorkerDeps = Omit<InboundDeps, "ingest"> &
  Omit<OutboundDeps, "enqueueMessageChange"> &
  MediaDeps & {
    /** The queues' Redis: BullMQ's connection and the inbound pressure signal. */
    connection: Redis;
    prefix?: string;
    logger: Logger;
    /** Opens the projects' model keys for the agent; without it the agent works on its rules alone. */
    secretKey?: SecretKeyring;
    /** The operator's provider addresses (OPENAI_BASE_URL…); the providers' own when unset. */
    endpoints?: Readonly<Endpoints>;
    /** How long the agent waits after a client message, so that a burst of messages gets one answer. */
    agentDelayMs?: number;
    /** Staff alerts to Telegram: the inbox's public address for links; off when unset. */
    staffAlerts?: { inboxUrl: string };
  };

/** A client who sends a greeting and a question in two quick messages gets one answer to both. */
export const AGENT_DELAY_MS = 700;

/**
 * Inbound jobs wait on the database together: the more of them in flight, the larger each group
 * commit and the less each event costs Postgres (a batch of ~50 costs a fifth of one of ~6).
 */
export const INBOUND_CONCURRENCY = 256;

/**
 * Longest a job that can wait holds back while inbound storing is late (see governor.ts): an
 * agent turn, a send, a file download. Past it the job runs anyway, so a steady flood slows them
 * (at most a concurrency's worth of jobs per wait) but never stops them.
 */
export const YIELD_MAX_MS = { ai: 3000, outbound: 1000, media: 5000 } as const;

/** The queue workers a process can run; a process runs some or all of them (see composeWorker's roles). */
export type WorkerQueue = "inbound" | "outbound" | "media" | "ai" | "leadTimeout" | "maintenance" | "payments";
export const ALL_WORKER_QUEUES: readonly WorkerQueue[] = ["inbound", "outbound", "media", "ai", "leadTimeout", "maintenance", "payments"];

export const DEFAULT_CONCURRENCY = { inbound: INBOUND_CONCURRENCY, outbound: 8, media: 4, ai: 8, leadTimeout: 4 };

/** The BullMQ workers of this process: inbound events, outbound sends, media downloads, the lead pipeline (`only` picks some). */
export function startWorkers(deps: WorkerDeps, concurrency = DEFAULT_CONCURRENCY, only: readonly WorkerQueue[] = ALL_WORKER_QUEUES) {
  const runs = (q: WorkerQueue) => only.includes(q);
  const common = { connection: deps.connection, prefix: deps.prefix ?? "tl" };
  // The lead pipeline queues its own follow-up work: agent turns, sends, silence timeouts.
  const queues = createQueues(deps.connection, common.prefix);
  const leads = leadDepsOn(queues, { db: deps.db, publish: deps.publish, secretKey: deps.secretKey, endpoints: deps.endpoints, logger: deps.logger, health: new AgentHealth(deps.connection, common.prefix) });
  const batcher = new IngestBatcher(deps.db, { onFallback: (err, size) => deps.logger.warn({ err, size }, "inbound batch failed, storing its events one by one") });
  const menu: MenuDeps = { db: deps.db, channels: deps.channels, publish: deps.publish, enqueueOutbound: (job) => queues.enqueueOutbound(job), limits: deps.limits, logger: deps.logger, leads, storage: deps.storage };
  const inboundDeps: InboundDeps = {
    ...deps,
    ingest: batcher.ingest,
    onButton: deps.onButton ?? ((job) => processMenuButton(menu, job)),
    onClientMessage:
      deps.onClientMessage ??
      (async (job, result) => {
        // In a menu-mode channel /start, «Меню» and the checkout's answers are the menu bot's.
        if (await processMenuText(menu, job, result.conversationId)) return;
        await queues.enqueueAi({ projectId: job.projectId, conversationId: result.conversationId, messageId: result.messageId }, { delayMs: deps.agentDelayMs ?? AGENT_DELAY_MS });
      }),
  };
  const inbound = runs("inbound") ? new Worker<InboundBatchJob | InboundJob>(queueNames.inbound, (job) => processInboundJob(inboundDeps, job), { ...common, concurrency: concurrency.inbound }) : undefined;
  if (inbound) {
    // How late each job's client messages reached the inbox, from when the ingress queued them.
    const report = inboundPressureReporter(deps.connection, common.prefix);
    inbound.on("completed", (job) => report(Date.now() - job.timestamp));
  }
  // Work that can wait holds back while client messages are late (read only where it runs).
  const pressure = only.some((q) => q in YIELD_MAX_MS) ? inboundPressure(deps.connection, { prefix: common.prefix, logger: deps.logger }) : undefined;
  const yieldFor = (q: keyof typeof YIELD_MAX_MS) => pressure?.whenClear(YIELD_MAX_MS[q]);
  const outboundDeps = { ...deps, enqueueMessageChange: queues.enqueueMessageChange };
  const outbound = !runs("outbound") ? undefined : new Worker<(OutboundJob | MessageChangeJob) & { waits?: number }>(
    queueNames.outbound,
    async (job, token) => {
      const waits = job.data.waits ?? 0;
      await yieldFor("outbound");
      try {
        const finalAttempt = isFinal(job) || waits >= MAX_RATE_LIMIT_WAITS;
        if ("change" in job.data) return await changeMessage(outboundDeps, job.data, { finalAttempt });
        const outcome = await sendOutbound(outboundDeps, job.data, { finalAttempt });
        // The agent's next reply in this conversation goes out after this one.
        await continueAgentReplies(leads, job.data);
        return outcome;
      } catch (err) {
        if (!(err instanceof RetryLater)) throw err;
        // The platform's own delay (retry_after, VK error 6/9), not our backoff.
        await job.updateData({ ...job.data, waits: waits + 1 });
        await job.moveToDelayed(Date.now() + err.delayMs, token);
        throw new DelayedError();
      }
    },
    { ...common, concurrency: concurrency.outbound },
  );
  const media = !runs("media")
    ? undefined
    : new Worker<MediaJob>(
        queueNames.media,
        async (job) => {
          await yieldFor("media");
          return fetchAttachment(deps, job.data, { finalAttempt: isFinal(job) });
        },
        { ...common, concurrency: concurrency.media },
      );
  const ai = !runs("ai")
    ? undefined
    : new Worker<AiJob>(
        queueNames.ai,
        async (job) => {
          // The manager sees the client's messages first.
          await yieldFor("ai");
          // Voice notes and PDFs are read as text before the agent's turn.
          await readIncomingFiles({ ...deps, secretKey: deps.secretKey, endpoints: deps.endpoints, logger: deps.logger }, job.data);
          return processLeadMessage(leads, job.data);
        },
        { ...common, concurrency: concurrency.ai },
      );
  const leadTimeout = !runs("leadTimeout") ? undefined : new Worker<LeadTimeoutJob>(
    queueNames.leadTimeout,
    async (job, token) => {
      const outcome = await processLeadTimeout(leads, job.data);
      if (outcome.kind !== "not_yet") return outcome;
      // The client wrote meanwhile: the same job waits for the new deadline.
      await job.moveToDelayed(outcome.at.getTime(), token);
      throw new DelayedError();
    },
    { ...common, concurrency: concurrency.leadTimeout },
  );
  const maintenance = !runs("maintenance") ? undefined : new Worker<MaintenanceJob>(
    queueNames.maintenance,
    async (job) => {
      if (job.name === "staff-day") {
        const handed = await assignQueuedLeads(deps.db, deps.publish);
        const reminded = await remindOverdue(deps.db, deps.publish);
        if (handed || reminded) deps.logger.info({ handed, reminded }, "waiting leads handed over, members reminded");
        return;
      }
      if (job.name === "staff-alert") {
        const { projectId, notificationId } = job.data;
        if (!projectId || !notificationId || !deps.staffAlerts || !deps.secretKey) return;
        const outcome = await sendStaffAlert(deps.db, { projectId, notificationId }, { secretKey: deps.secretKey, endpoints: deps.endpoints ?? PUBLIC_ENDPOINTS, inboxUrl: deps.staffAlerts.inboxUrl });
        if (outcome === "blocked") deps.logger.info({ projectId, notificationId }, "a member blocked the staff bot; their link is marked");
        return;
      }
      if (job.name === "search-lexicon") {
        const read = await extendSearchLexicon(deps.db);
        if (read) deps.logger.debug({ read }, "search lexicon extended");
        return;
      }
      if (job.name !== "sweep-uploads") return;
      const removed = await sweepUploads(deps.db, deps.storage);
      if (removed) deps.logger.info({ removed }, "unsent uploads removed");
    },
    { ...common, concurrency: 1 },
  );
  // Verified payment news: applied once (the payment's event key), statuses only forward; a
  // refund that came before its payment's completion is tried again (PaymentNotYetKnown).
  const payments = !runs("payments") ? undefined : new Worker<PaymentJob>(
    queueNames.payments,
    async (job) => {
      const outcome = await applyPaymentUpdate(deps.db, job.data);
      if (outcome.kind === "applied") for (const event of outcome.events) await deps.publish(event);
      else if (outcome.kind === "mismatch") deps.logger.warn({ paymentId: outcome.paymentId, update: job.data.update }, "payment notification refused: amount or currency differs from the bill");
      else if (outcome.kind === "unknown") deps.logger.warn({ accountId: job.data.accountId, ref: job.data.update.ref }, "payment notification for a payment this project never billed");
      return outcome.kind;
    },
    { ...common, concurrency: 4 },
  );
  if (maintenance) void queues.scheduleMaintenance().catch((err: unknown) => deps.logger.error({ err }, "housekeeping schedule failed"));
  const byQueue = { inbound, outbound, media, ai, leadTimeout, maintenance, payments };
  const all = Object.values(byQueue).filter((w) => w !== undefined);
  for (const w of all) {
    w.on("failed", (job, err) => deps.logger.warn({ queue: w.name, jobId: job?.id, err: err.message }, "job failed"));
    w.on("error", (err) => deps.logger.error({ queue: w.name, err }, "worker error"));
  }
  return {
    ...byQueue,
    /** What the lead pipeline runs on: for a clock other than real time (the first-contact eval). */
    leads,
    /** The inbound pressure as the yielding workers of this process see it. */
    pressure,
    close: () =>
      Promise.all(all.map((w) => w.close()))
        .then(() => pressure?.stop())
        .then(() => queues.close())
        .then(() => undefined),
  };
}
