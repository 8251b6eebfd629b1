import { Worker, type ConnectionOptions } from "bullmq";
import { VkAdapter } from "@threadline/channels";
import type { Db } from "@threadline/db";
import type { ChannelDirectory } from "../pipeline/channels.ts";
import type { Publish } from "@threadline/domain/events.ts";
import type { MediaJob } from "../jobs/index.ts";
import { IMPORT_QUEUE, type ImportJob } from "./queue.ts";
import { runVkImport, type RunOutcome } from "./vk-import.ts";
import { vkTokenRules, type SharedRateLimits } from "../pipeline/rate-limits.ts";

export interface ImportWorkerDeps {
  db: Db;
  channels: ChannelDirectory;
  publish: Publish;
  connection: ConnectionOptions;
  prefix?: string;
  requestsPerSecond?: number;
  /** The tokens' limits shared with the live sends of every process. */
  limits?: SharedRateLimits;
  /** Queues imported files for the media job. */
  enqueueMedia?: (job: MediaJob) => Promise<unknown>;
  logger?: { info: (obj: object, msg?: string) => void; warn: (obj: object, msg?: string) => void };
}

/** The channel's VK adapter, with its decrypted token. */
export async function vkAdapterOf(channels: ChannelDirectory, channelId: string): Promise<VkAdapter> {
  const found = await channels.adapter(channelId);
  if (!found) throw new Error("канал не найден");
  if (!(found.adapter instanceof VkAdapter)) throw new Error("история через API доступна только для VK");
  return found.adapter;
}

/** Counts one request on the channel's token in the limit shared by every process. */
async function takeVkSlot(channels: ChannelDirectory, limits: SharedRateLimits, channelId: string): Promise<void> {
  const found = await channels.adapter(channelId);
  if (found) await limits.take(vkTokenRules(found.config.token));
}

/** Runs import jobs. A short lock lets another worker take over a killed worker's run quickly. */
export function startImportWorker(deps: ImportWorkerDeps) {
  const worker = new Worker<ImportJob, RunOutcome>(
    IMPORT_QUEUE,
    async (job) => {
      const outcome = await runVkImport(
        {
          db: deps.db,
          adapter: (channelId) => vkAdapterOf(deps.channels, channelId),
          publish: deps.publish,
          enqueueMedia: deps.enqueueMedia,
          requestsPerSecond: deps.requestsPerSecond,
          sharedSlot: deps.limits ? (channelId) => takeVkSlot(deps.channels, deps.limits!, channelId) : undefined,
          onLog: (msg, details) => deps.logger?.warn({ projectId: job.data.projectId, runId: job.data.runId, ...details }, msg),
        },
        job.data,
      );
      deps.logger?.info({ projectId: job.data.projectId, runId: job.data.runId, outcome }, "import run stopped");
      return outcome;
    },
    { connection: deps.connection, prefix: deps.prefix ?? "tl", concurrency: 4, lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 100 },
  );
  return { worker, close: () => worker.close() };
}
