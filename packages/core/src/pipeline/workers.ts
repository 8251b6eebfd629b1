import { DelayedError, Worker, type ConnectionOptions, type Job } from "bullmq";
import type { Logger } from "@threadline/config";
import { queueNames, type InboundJob, type MediaJob, type OutboundJob } from "../jobs/index.ts";
import { processInbound, type InboundDeps } from "./inbound.ts";
import { fetchAttachment, type MediaDeps } from "./media.ts";
import { RetryLater, sendOutbound, type OutboundDeps } from "./outbound.ts";

const isFinal = (job: Job) => job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
// Rate-limit waits do not count as failed attempts; this caps them all the same.
const MAX_RATE_LIMIT_WAITS = 30;

export type WorkerDeps = InboundDeps & OutboundDeps & MediaDeps & { connection: ConnectionOptions; prefix?: string; logger: Logger };

/** The BullMQ workers of this process: inbound events, outbound sends, media downloads. */
export function startWorkers(deps: WorkerDeps, concurrency = { inbound: 32, outbound: 8, media: 4 }) {
  const common = { connection: deps.connection, prefix: deps.prefix ?? "tl" };
  const inbound = new Worker<InboundJob>(queueNames.inbound, (job) => processInbound(deps, job.data), { ...common, concurrency: concurrency.inbound });
  const outbound = new Worker<OutboundJob & { waits?: number }>(
    queueNames.outbound,
    async (job, token) => {
      const waits = job.data.waits ?? 0;
      try {
        return await sendOutbound(deps, job.data, { finalAttempt: isFinal(job) || waits >= MAX_RATE_LIMIT_WAITS });
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
  const media = new Worker<MediaJob>(queueNames.media, (job) => fetchAttachment(deps, job.data, { finalAttempt: isFinal(job) }), { ...common, concurrency: concurrency.media });
  for (const w of [inbound, outbound, media]) {
    w.on("failed", (job, err) => deps.logger.warn({ queue: w.name, jobId: job?.id, err: err.message }, "job failed"));
    w.on("error", (err) => deps.logger.error({ queue: w.name, err }, "worker error"));
  }
  return { inbound, outbound, media, close: () => Promise.all([inbound.close(), outbound.close(), media.close()]).then(() => undefined) };
}
