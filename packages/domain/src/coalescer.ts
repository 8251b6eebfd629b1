type Waiting<T, R> = { item: T; resolve: (r: R) => void; reject: (err: unknown) => void };

/** What a run gives back: one outcome per item, in order. */
export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

/**
 * Work handed in concurrently, done in batches: per key, one run is in flight, and whatever
 * arrives meanwhile goes into the next run. A quiet key runs at once (after the current turn of the
 * event loop, so items handed in together share it); a busy one runs in batches as large as the
 * backlog, up to `maxBatch`. Each caller gets its own item's outcome.
 */
export class Coalescer<T, R> {
  private readonly queues = new Map<string, Waiting<T, R>[]>();

  constructor(
    private readonly run: (key: string, items: T[]) => Promise<Outcome<R>[]>,
    private readonly maxBatch = 100,
  ) {}

  add = (key: string, item: T): Promise<R> =>
    new Promise((resolve, reject) => {
      const queued = this.queues.get(key);
      if (queued) return void queued.push({ item, resolve, reject });
      const pending = [{ item, resolve, reject }];
      this.queues.set(key, pending);
      setImmediate(() => void this.drain(key, pending));
    });

  private async drain(key: string, pending: Waiting<T, R>[]) {
    while (pending.length) {
      const batch = pending.splice(0, this.maxBatch);
      try {
        const outcomes = await this.run(
          key,
          batch.map((w) => w.item),
        );
        batch.forEach((w, i) => {
          const o = outcomes[i]!;
          if (o.ok) w.resolve(o.value);
          else w.reject(o.error);
        });
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    this.queues.delete(key);
  }
}
