import type { Db } from "@threadline/db";
import type { ChannelEvent } from "@threadline/channels";
import { Coalescer, type Outcome } from "../coalescer.ts";
import { ingestEvent, type ChannelRef, type IngestResult } from "./ingest.ts";
import { ingestBatch, type IngestItem } from "./ingest-batch.ts";

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
  private readonly coalescer: Coalescer<IngestItem, IngestResult>;

  constructor(
    private readonly db: Db,
    private readonly options: IngestBatcherOptions = {},
  ) {
    this.coalescer = new Coalescer((projectId, items) => this.store(projectId, items), options.maxBatch ?? 100);
  }

  ingest = (channel: ChannelRef, event: ChannelEvent): Promise<IngestResult> => this.coalescer.add(channel.projectId, { channel, event });

  private async store(projectId: string, batch: IngestItem[]): Promise<Outcome<IngestResult>[]> {
    try {
      const results = await ingestBatch(this.db, projectId, batch);
      return results.map((value) => ({ ok: true, value }));
    } catch (err) {
      if (batch.length === 1) return [{ ok: false, error: err }];
      this.options.onFallback?.(err, batch.length);
      // In order, each in its own transaction: the neighbours of a poisoned event are stored.
      const outcomes: Outcome<IngestResult>[] = [];
      for (const { channel, event } of batch) {
        outcomes.push(await ingestEvent(this.db, channel, event).then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error })));
      }
      return outcomes;
    }
  }
}
