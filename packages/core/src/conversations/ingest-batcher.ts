import type { Db } from "@threadline/db";
import type { ChannelEvent } from "@threadline/channels";
import { ingestEvent, type ChannelRef, type IngestResult } from "./ingest.ts";
import { ingestBatch, type IngestItem } from "./ingest-batch.ts";

type Waiting = IngestItem & { resolve: (r: IngestResult) => void; reject: (err: unknown) => void };
type ProjectQueue = { pending: Waiting[] };

export type IngestBatcherOptions = {
  /** Most events stored in one transaction. */
  maxBatch?: number;
  /** A batch failed and its events are being stored one by one. */
  onFallback?: (err: unknown, size: number) => void;
};

/**
 * Group commit for the inbound worker: concurrent jobs hand their events here and each gets its
 * own result. Per project, one transaction is in flight; whatever arrives meanwhile goes into the
 * next one, so a quiet project stores at once and a busy one in batches. If a batch fails, its
 * events are stored one by one, so one poisoned event fails only its own job.
 */
export class IngestBatcher {
  private readonly queues = new Map<string, ProjectQueue>();
  private readonly maxBatch: number;

  constructor(
    private readonly db: Db,
    private readonly options: IngestBatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 100;
  }

  ingest = (channel: ChannelRef, event: ChannelEvent): Promise<IngestResult> =>
    new Promise((resolve, reject) => {
      const queued = this.queues.get(channel.projectId);
      if (queued) return void queued.pending.push({ channel, event, resolve, reject });
      const queue: ProjectQueue = { pending: [{ channel, event, resolve, reject }] };
      this.queues.set(channel.projectId, queue);
      // Events handed over in the same turn of the event loop share the first transaction.
      setImmediate(() => void this.drain(channel.projectId, queue));
    });

  private async drain(projectId: string, queue: ProjectQueue) {
    while (queue.pending.length) await this.store(projectId, queue.pending.splice(0, this.maxBatch));
    this.queues.delete(projectId);
  }

  private async store(projectId: string, batch: Waiting[]) {
    try {
      const results = await ingestBatch(this.db, projectId, batch);
      batch.forEach((w, i) => w.resolve(results[i]!));
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err);
      this.options.onFallback?.(err, batch.length);
      // In order, each in its own transaction: the neighbours of a poisoned event are stored.
      for (const w of batch) await ingestEvent(this.db, w.channel, w.event).then(w.resolve, w.reject);
    }
  }
}
