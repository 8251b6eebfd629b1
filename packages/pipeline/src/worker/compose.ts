import type { Redis } from "ioredis";
import type { Logger } from "@threadline/config";
import type { Db } from "@threadline/db";
import { EVENTS_CHANNEL, parseChannelMessage, type Publish } from "@threadline/domain/events.ts";
import type { FileStorage } from "@threadline/domain/storage.ts";
import type { SecretKeyring } from "@threadline/domain/crypto.ts";
import { PUBLIC_ENDPOINTS, type Endpoints } from "@threadline/domain/endpoints.ts";
import { createQueues, type Queues } from "../jobs/index.ts";
import { ChannelDirectory } from "../pipeline/channels.ts";
import { webhookRouter } from "../pipeline/ingress.ts";
import { startPollers } from "../pipeline/polling.ts";
import { startWorkers, DEFAULT_CONCURRENCY, type WorkerQueue } from "../pipeline/workers.ts";
import { startImportWorker } from "../import/worker.ts";
import { SharedRateLimits } from "../pipeline/rate-limits.ts";

// The one place the worker is wired: apps/worker's two processes, the benchmarks' server process
// and the tests' pipeline all start their parts here, so they run the same queues, workers and
// routes. The hops the jobs run are named in hops.ts.

/**
 * `ingress`: webhook routes and long-polling loops that queue events. The queue workers, by how
 * urgent their work is: `inbound` stores client messages and publishes them to the inbox (a
 * manager waits for it); `agent` runs the first-contact agent's turns and silence timeouts (it may
 * fall behind); `delivery` sends replies, fetches files, runs history imports and housekeeping.
 * `jobs` is all three in one process.
 */
export type WorkerRole = "ingress" | "inbound" | "agent" | "delivery" | "jobs";

/** The queue workers each job role runs. */
export const roleQueues: Record<Exclude<WorkerRole, "ingress">, readonly WorkerQueue[]> = {
  inbound: ["inbound"],
  agent: ["ai", "leadTimeout"],
  delivery: ["outbound", "media", "maintenance", "payments"],
  jobs: ["inbound", "ai", "leadTimeout", "outbound", "media", "maintenance", "payments"],
};
/** Which role runs history imports. */
const importsRun = (roles: WorkerRole[]) => roles.includes("jobs") || roles.includes("delivery");

export type WorkerParts = {
  db: Db;
  /** One connection for the queues, the workers and the pollers' leases. */
  redis: Redis;
  /** Queue and lease prefix; "tl" unless given. */
  prefix?: string;
  /** Decrypts the channels' tokens. */
  secretKey: SecretKeyring;
  /** The operator's platform and provider addresses; the platforms' own when unset. */
  endpoints?: Readonly<Endpoints>;
  logger: Logger;
  /** Queues the caller already holds (and closes); otherwise they are created and closed here. */
  queues?: Queues;
  /** Long-polling loops for channels without a public address (ingress; on unless false). */
  polling?: boolean;
  /** Where files are kept (jobs). */
  storage?: FileStorage;
  /** Where events for the inbox go (jobs). */
  publish?: Publish;
  /** Opens the projects' model keys for the agent; without it the agent works on its rules alone. */
  agentSecretKey?: SecretKeyring;
  /** The queue workers' concurrency; startWorkers' own defaults unless given. */
  concurrency?: Parameters<typeof startWorkers>[1];
  /** Staff alerts to Telegram (jobs): the inbox's public address for the links in them. */
  staffAlerts?: { inboxUrl: string };
};

/**
 * Starts the given roles of the worker on shared parts. The ingress comes back as an express
 * router for the caller's server (it decides port and health routes); `close` stops what was
 * started here, the caller's own database and Redis connection aside.
 */
export function composeWorker({ roles, deps }: { roles: WorkerRole[]; deps: WorkerParts }) {
  const { db, redis, logger } = deps;
  const queues = deps.queues ?? createQueues(redis, deps.prefix);
  const channels = new ChannelDirectory(db, deps.secretKey, { endpoints: deps.endpoints });
  const closers: (() => Promise<unknown>)[] = [];
  // The platforms' per-token limits, counted in Redis for every process that sends or imports.
  const limits = new SharedRateLimits(redis, deps.prefix);

  let router: ReturnType<typeof webhookRouter> | undefined;
  if (roles.includes("ingress")) {
    router = webhookRouter({
      channels,
      enqueueInbound: queues.enqueueInbound,
      logger,
      payments: { db, secretKey: deps.secretKey, endpoints: deps.endpoints ?? PUBLIC_ENDPOINTS, enqueuePayment: queues.enqueuePayment },
      staffBots: { db, secretKey: deps.secretKey, endpoints: deps.endpoints ?? PUBLIC_ENDPOINTS },
    });
    if (deps.polling !== false) {
      const pollers = startPollers({ db, channels, redis, enqueueInbound: queues.enqueueInbound, logger, prefix: deps.prefix });
      closers.push(() => pollers.close());
    }
  }

  let workers: ReturnType<typeof startWorkers> | undefined;
  let imports: ReturnType<typeof startImportWorker> | undefined;
  const jobQueues = [...new Set(roles.flatMap((r) => (r === "ingress" ? [] : roleQueues[r])))];
  if (jobQueues.length) {
    if (!deps.storage || !deps.publish) throw new Error("the job roles need storage and publish");
    const { storage, publish } = deps;
    const jobDeps = { db, publish, channels, storage, limits, connection: redis, prefix: deps.prefix, logger, enqueueMedia: queues.enqueueMedia, secretKey: deps.agentSecretKey, endpoints: deps.endpoints, staffAlerts: deps.staffAlerts };
    workers = startWorkers(jobDeps, deps.concurrency ?? DEFAULT_CONCURRENCY, jobQueues);
    closers.push(() => workers!.close());
  }
  if (jobQueues.includes("maintenance") && deps.staffAlerts) {
    // Every notification, whichever process wrote it (the API, the agent, the rotation job),
    // is published on the events channel: each becomes a staff-alert job, queued once by its id.
    const events = redis.duplicate();
    void events.subscribe(EVENTS_CHANNEL);
    events.on("message", (_channel: string, raw: string) => {
      const event = parseChannelMessage(raw)?.event;
      if (event?.type !== "notification" || !event.projectId || !event.notificationId) return;
      queues.enqueueStaffAlert({ projectId: event.projectId, notificationId: event.notificationId }).catch((err: unknown) => logger.warn({ err }, "staff alert not queued"));
    });
    closers.push(async () => events.disconnect());
  }
  if (importsRun(roles)) {
    if (!deps.publish) throw new Error("the import worker needs publish");
    // History imports: one run at a time per job, resumed from the run's cursor after any crash.
    imports = startImportWorker({ db, channels, publish: deps.publish, limits, connection: redis, prefix: deps.prefix, logger, enqueueMedia: queues.enqueueMedia });
    closers.push(() => imports!.close());
  }

  return {
    queues,
    channels,
    /** The webhook routes (ingress role). */
    router,
    /** The queue workers (job roles); `workers.leads` is what the lead pipeline runs on. */
    workers,
    /** The history-import worker (jobs or delivery role). */
    imports,
    close: async () => {
      await Promise.all(closers.map((close) => close()));
      if (!deps.queues) await queues.close();
    },
  };
}

export type ComposedWorker = ReturnType<typeof composeWorker>;
