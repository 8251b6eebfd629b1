import { createHash } from "node:crypto";
import { Queue, type ConnectionOptions, type JobsOptions } from "bullmq";
import { Coalescer } from "@threadline/domain/coalescer.ts";

import type { AiJob, InboundBatchJob, InboundJob, LeadTimeoutJob, MediaJob, MessageChangeJob, OutboundJob, PaymentJob } from "@threadline/domain/job-payloads.ts";

// One queue factory: every queue, its payload type and its retry policy are declared here, so
// the ingress, the API and the workers agree on names and shapes. The payloads are plain data
// the domain hands over, so they are declared beside it (job-payloads.ts).
export type { AiJob, InboundBatchJob, InboundJob, LeadTimeoutJob, MediaJob, MessageChangeJob, OutboundJob, PaymentJob };

export const queueNames = { inbound: "inbound", outbound: "outbound", media: "media", ai: "ai", leadTimeout: "lead-timeout", maintenance: "maintenance", payments: "payments" } as const;

const defaults: Record<keyof typeof queueNames, JobsOptions> = {
  inbound: { attempts: 10, backoff: { type: "exponential", delay: 200 }, removeOnComplete: 10_000, removeOnFail: 50_000 },
  // Rate limits are retried with the platform's own delay by the worker (see outbound worker).
  outbound: { attempts: 8, backoff: { type: "exponential", delay: 1000 }, removeOnComplete: 10_000, removeOnFail: 50_000 },
  media: { attempts: 5, backoff: { type: "exponential", delay: 2000 }, removeOnComplete: 10_000, removeOnFail: 50_000 },
  ai: { attempts: 5, backoff: { type: "exponential", delay: 500 }, removeOnComplete: 10_000, removeOnFail: 50_000 },
  // Finished timeout jobs are removed at once: the next one of the conversation reuses the id.
  leadTimeout: { attempts: 5, backoff: { type: "exponential", delay: 5000 }, removeOnComplete: true, removeOnFail: true },
  // Housekeeping that runs on a schedule: a failed run is simply done again at the next one.
  maintenance: { attempts: 1, removeOnComplete: 100, removeOnFail: 100 },
  // A refund that arrives before its payment's completion waits for it: about four minutes in all.
  payments: { attempts: 8, backoff: { type: "exponential", delay: 1000 }, removeOnComplete: 10_000, removeOnFail: 50_000 },
};

/** How often the worker removes uploads that no reply took. */
export const UPLOAD_SWEEP_EVERY_MS = 3600_000;

export type MaintenanceJob = { projectId?: string; notificationId?: string };

/** How often waiting leads are offered to members whose shift has started, and reminders checked. */
export const STAFF_DAY_EVERY_MS = 60_000;
/** How often new messages' words join their projects' search lexicons (typo correction, decision 063). */
export const SEARCH_LEXICON_EVERY_MS = 20_000;

/** Most events in one inbound job. */
export const INBOUND_BATCH_MAX = 100;

/**
 * A deterministic job id: a redelivered webhook maps to the job already queued. A batch's id is
 * its events' ids hashed, so the same batch given twice is queued once.
 */
export function inboundJobId(items: InboundJob[]): string {
  const ids = items.map((i) => `${i.channelId}:${i.event.dedupeId}`);
  if (ids.length === 1) return ids[0]!.replace(/:/g, "_");
  return `batch_${createHash("sha1").update(ids.join("\n")).digest("hex")}`;
}

/** The id of a conversation's silence timeout: at most one is pending per conversation. */
export const leadTimeoutJobId = (conversationId: string) => `timeout_${conversationId}`;

/**
 * A payment notification's job id: the account and the provider's news (its event id, or the
 * payment and the status it reached), so a notification delivered again is queued once.
 */
export function paymentJobId(job: PaymentJob): string {
  return `pay_${createHash("sha1").update(`${job.accountId}\n${job.update.ref.kind}:${job.update.ref.id}\n${job.update.dedupeKey}`).digest("hex")}`;
}

export function createQueues(connection: ConnectionOptions, prefix = "tl") {
  const make = <T>(name: keyof typeof queueNames) => new Queue<T>(queueNames[name], { connection, prefix, defaultJobOptions: defaults[name] });
  const inbound = make<InboundBatchJob>("inbound");
  // Each queue command is a round trip and a script in Redis: under load, events that arrive
  // while one add is on its way go together in the next, so the cost per event falls as the rate
  // rises; a quiet ingress still adds each event at once.
  const inboundBatches = new Coalescer<InboundJob, void>(async (_key, items) => {
    await inbound.add("events", { items }, { jobId: inboundJobId(items) });
    return items.map(() => ({ ok: true, value: undefined }));
  }, INBOUND_BATCH_MAX);
  // Sends, and edits and deletes of sent messages: one queue on the same shared rate limits.
  const outbound = make<OutboundJob | MessageChangeJob>("outbound");
  const media = make<MediaJob>("media");
  const ai = make<AiJob>("ai");
  const leadTimeout = make<LeadTimeoutJob>("leadTimeout");
  // Housekeeping on a schedule, and staff alerts (one job per notification, its id the notification's).
  const maintenance = make<MaintenanceJob>("maintenance");
  const payments = make<PaymentJob>("payments");

  /** Removes the conversation's pending timeout; one that is running right now finishes on its own. */
  async function cancelLeadTimeout(conversationId: string): Promise<void> {
    const job = await leadTimeout.getJob(leadTimeoutJobId(conversationId));
    if (job) await job.remove().catch(() => undefined);
  }

  return {
    prefix,
    inbound,
    outbound,
    media,
    ai,
    leadTimeout,
    maintenance,
    payments,
    /** One schedule per kind of housekeeping, however many workers start: the id is the schedule. */
    scheduleMaintenance: () =>
      Promise.all([
        maintenance.upsertJobScheduler("sweep-uploads", { every: UPLOAD_SWEEP_EVERY_MS }, { name: "sweep-uploads", data: {} }),
        maintenance.upsertJobScheduler("staff-day", { every: STAFF_DAY_EVERY_MS }, { name: "staff-day", data: {} }),
        maintenance.upsertJobScheduler("search-lexicon", { every: SEARCH_LEXICON_EVERY_MS }, { name: "search-lexicon", data: {} }),
      ]),
    /** A notification goes to its member's Telegram: once, however many workers heard of it. */
    enqueueStaffAlert: (job: { projectId: string; notificationId: string }) =>
      maintenance.add("staff-alert", job, { jobId: `alert_${job.notificationId}`, attempts: 3, backoff: { type: "exponential", delay: 2000 } }),
    /** Resolves once the event is in Redis, in a job of its own or with events that came with it. */
    enqueueInbound: (job: InboundJob) => inboundBatches.add("", job),
    enqueueOutbound: (job: OutboundJob) => outbound.add("send", job, { jobId: `msg_${job.messageId}` }),
    /** A member's edit or delete of a sent message (each request is its own job). */
    enqueueMessageChange: (job: MessageChangeJob) => outbound.add("change", job),
    enqueuePayment: (job: PaymentJob) => payments.add("update", job, { jobId: paymentJobId(job) }),
    enqueueMedia: (job: MediaJob) => media.add("fetch", job, { jobId: `att_${job.attachmentId}` }),
    /**
     * An agent turn for the conversation's new client messages. The turn reads the whole thread,
     * so one turn per conversation waits at a time: a message that comes while it waits joins it
     * and, during `delayMs`, starts the wait again (a burst is answered once, after its last
     * message); one that comes while a turn runs gets one more turn after it.
     */
    enqueueAi: (job: AiJob, opts: { delayMs?: number } = {}) =>
      ai.add("turn", job, { jobId: `ai_${job.messageId}`, delay: opts.delayMs || undefined, deduplication: { id: job.conversationId, replace: true, keepLastIfActive: true } }),
    /** Replaces the conversation's silence timeout with one due at `at`. */
    scheduleLeadTimeout: async (job: LeadTimeoutJob, at: Date) => {
      await cancelLeadTimeout(job.conversationId);
      await leadTimeout.add("timeout", job, { jobId: leadTimeoutJobId(job.conversationId), delay: Math.max(0, at.getTime() - Date.now()) });
    },
    cancelLeadTimeout,
    /** How far behind the first-contact agent is (all projects' turns: they share its workers). */
    agentBacklog: () => queueBacklog(ai),
    /**
     * Messages still on their way: inbound events, agent turns and sends queued or running (file
     * downloads and silence timeouts aside). Zero when every conversation is where it will stay.
     */
    busy: async () => {
      let n = 0;
      for (const q of [inbound, ai, outbound]) {
        const counts = await q.getJobCounts("wait", "active", "delayed", "prioritized", "waiting-children", "paused");
        n += Object.values(counts).reduce((a, b) => a + b, 0);
      }
      return n;
    },
    close: () => Promise.all([inbound.close(), outbound.close(), media.close(), ai.close(), leadTimeout.close(), maintenance.close(), payments.close()]).then(() => undefined),
  };
}

export type Queues = ReturnType<typeof createQueues>;

export type Backlog = { waiting: number; active: number; delayed: number; oldestWaitingMs: number | null };

/**
 * How far a queue's workers are behind: jobs due and waiting (oldest first is the order they are
 * taken in), running, not yet due, and how long the oldest due job has waited since it became due.
 */
export async function queueBacklog(queue: Queue, now = Date.now()): Promise<Backlog> {
  const counts = await queue.getJobCounts("wait", "prioritized", "active", "delayed");
  const oldest = (await queue.getJobs(["wait", "prioritized"], 0, 0, true)).filter((j) => j !== undefined);
  const due = oldest.map((j) => j.timestamp + (j.opts.delay ?? 0));
  return {
    waiting: (counts.wait ?? 0) + (counts.prioritized ?? 0),
    active: counts.active ?? 0,
    delayed: counts.delayed ?? 0,
    oldestWaitingMs: due.length ? Math.max(0, now - Math.min(...due)) : null,
  };
}

/**
 * What is wrong with the Redis the queues use, for the start-up log: BullMQ needs
 * `maxmemory-policy noeviction` (an evicted key is a lost job or a broken queue). A Redis that
 * does not let us read its configuration (some managed ones) is reported as unknown.
 */
export async function redisWarnings(redis: { config: (op: "GET", key: string) => Promise<unknown> }): Promise<string[]> {
  try {
    const reply = (await redis.config("GET", "maxmemory-policy")) as string[];
    const policy = reply[1];
    if (policy && policy !== "noeviction") return [`Redis maxmemory-policy is ${policy}: set it to noeviction, or queued jobs can be evicted and lost when Redis fills up.`];
    return [];
  } catch {
    return ["Redis maxmemory-policy could not be read (CONFIG GET refused): make sure it is noeviction, or queued jobs can be evicted and lost."];
  }
}
