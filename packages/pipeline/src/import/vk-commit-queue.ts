import type { CallResult } from "./vk-batch.ts";

/** Answers committed together at most, when the writer has fallen behind. */
const MAX_MERGED = 40;

type Pending = { settled: boolean; results: CallResult[] | null };

/**
 * Commits answers in the order their executes were sent, whatever order they arrive in. When
 * commits fall behind, the answers already in are committed together in one transaction. An
 * execute that failed (null) commits nothing but still takes its turn.
 */
export class OrderedCommits {
  private readonly pending: Pending[] = [];
  private chain: Promise<void> = Promise.resolve();
  private waiters: (() => void)[] = [];

  constructor(
    /** Writes merged answers and the number of executes they came from; must not throw. */
    private readonly commit: (results: CallResult[], executes: number) => Promise<void>,
    /** Once the run stops, nothing more is committed. */
    private readonly stopped: () => boolean,
  ) {}

  /** Answers (or executes) waiting for their commit. */
  get size(): number {
    return this.pending.length;
  }

  /** Queues an execute's answer for its turn. */
  add(results: Promise<CallResult[] | null>): void {
    const entry: Pending = { settled: false, results: null };
    this.pending.push(entry);
    void results.then((r) => {
      entry.results = r;
      entry.settled = true;
      this.chain = this.chain.then(() => this.drain());
    });
    // Waiting on the chain waits for this answer's commit too.
    const answered = results.then(() => undefined);
    this.chain = this.chain.then(() => answered).then(() => this.drain());
  }

  /** Settles when every answer queued so far is committed. */
  idle(): Promise<void> {
    return this.chain;
  }

  /** Settles after the next commit. */
  committedSome(): Promise<void> {
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  private async drain(): Promise<void> {
    while (this.pending[0]?.settled && !this.stopped()) {
      let n = 0;
      const merged: CallResult[] = [];
      let executes = 0;
      while (n < this.pending.length && this.pending[n]!.settled && n < MAX_MERGED) {
        const p = this.pending[n]!;
        if (p.results) {
          merged.push(...p.results);
          executes += 1;
        }
        n += 1;
      }
      this.pending.splice(0, n);
      await this.commit(merged, executes);
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    }
  }
}
