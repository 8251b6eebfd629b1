// Request pacing for one VK token: at most `limit` requests started in any window (VK: 20 per
// second for a community token), with adaptive back-off. A rate-limit answer (error 6) lowers
// the pace and waits; flood control (9), internal errors (10), 5xx and timeouts wait longer
// each time in a row; successes bring the pace back up.

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface PacerOptions {
  /** Requests per window; default 20. */
  limit?: number;
  windowMs?: number;
  /** Added to the window: requests travel, and the server counts their arrival. */
  marginMs?: number;
}

export type BackoffReason = "rate_limited" | "flood" | "unavailable";

export class RequestPacer {
  readonly limit: number;
  private readonly windowMs: number;
  private readonly marginMs: number;
  private readonly starts: number[] = [];
  private pace: number;
  private pausedUntil = 0;
  private failuresInRow = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(options: PacerOptions = {}) {
    this.limit = Math.max(1, options.limit ?? 20);
    this.windowMs = options.windowMs ?? 1000;
    this.marginMs = options.marginMs ?? 30;
    this.pace = this.limit;
  }

  /** The current requests-per-window the pacer allows. */
  get currentPace(): number {
    return Math.floor(this.pace);
  }

  /** Resolves when one more request may start; callers are served in order. */
  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.waitTurn());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async waitTurn(): Promise<void> {
    for (;;) {
      const now = Date.now();
      if (now < this.pausedUntil) {
        await sleep(this.pausedUntil - now);
        continue;
      }
      const span = this.windowMs + this.marginMs;
      while (this.starts.length > 0 && now - this.starts[0]! >= span) this.starts.shift();
      const allowed = Math.max(1, Math.floor(this.pace));
      if (this.starts.length < allowed) {
        this.starts.push(now);
        return;
      }
      await sleep(Math.max(1, this.starts[this.starts.length - allowed]! + span - now));
    }
  }

  succeeded(): void {
    this.failuresInRow = 0;
    if (this.pace < this.limit) this.pace = Math.min(this.limit, this.pace + 0.25);
  }

  /** Slows down after a failed request; `retryAfterMs` is the platform's own hint. */
  backOff(reason: BackoffReason, retryAfterMs?: number): number {
    this.failuresInRow += 1;
    let wait: number;
    if (reason === "rate_limited") {
      this.pace = Math.max(1, this.pace * 0.8);
      wait = retryAfterMs ?? this.windowMs;
    } else {
      wait = Math.min(30_000, (retryAfterMs ?? 500) * 2 ** Math.min(this.failuresInRow - 1, 6));
      if (reason === "flood") this.pace = Math.max(1, this.pace * 0.5);
    }
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + wait);
    return wait;
  }
}
