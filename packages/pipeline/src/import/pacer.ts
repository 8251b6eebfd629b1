// Request pacing for one VK token: at most `limit` requests started in any window (VK: 20 per
// second for a community token), with adaptive back-off. VK counts requests as they arrive, and
// they travel (and wait on a busy event loop) for a varying time: a rate-limit answer (error 6)
// widens the margin added to the window, and several in a row lower the pace as well; successes
// narrow the margin and bring the pace back. Flood control (9), internal errors (10), 5xx and
// timeouts wait longer each time in a row.

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface PacerOptions {
  /** Requests per window; default 20. */
  limit?: number;
  windowMs?: number;
  /** Added to the window at first: requests travel, and the server counts their arrival. */
  marginMs?: number;
  /** The widest the margin grows after rate-limit answers. */
  maxMarginMs?: number;
}

/** How much one rate-limit answer widens the margin, and how many successes narrow it by 1 ms. */
const MARGIN_STEP_MS = 25;
const SUCCESSES_PER_MS = 10;

export type BackoffReason = "rate_limited" | "flood" | "unavailable";

export class RequestPacer {
  readonly limit: number;
  private readonly windowMs: number;
  private readonly baseMarginMs: number;
  private readonly maxMarginMs: number;
  private marginMs: number;
  private successes = 0;
  private rateLimitedInRow = 0;
  private widenedAt = 0;
  private readonly starts: number[] = [];
  private pace: number;
  private pausedUntil = 0;
  private failuresInRow = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(options: PacerOptions = {}) {
    this.limit = Math.max(1, options.limit ?? 20);
    this.windowMs = options.windowMs ?? 1000;
    this.baseMarginMs = options.marginMs ?? 30;
    this.maxMarginMs = Math.max(this.baseMarginMs, options.maxMarginMs ?? 300);
    this.marginMs = this.baseMarginMs;
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

  /** The margin now added to the window, in ms. */
  get currentMarginMs(): number {
    return this.marginMs;
  }

  succeeded(): void {
    this.failuresInRow = 0;
    this.rateLimitedInRow = 0;
    if (this.pace < this.limit) this.pace = Math.min(this.limit, this.pace + 0.25);
    this.successes += 1;
    if (this.successes >= SUCCESSES_PER_MS) {
      this.successes = 0;
      this.marginMs = Math.max(this.baseMarginMs, this.marginMs - 1);
    }
  }

  /** Slows down after a failed request; `retryAfterMs` is the platform's own hint. */
  backOff(reason: BackoffReason, retryAfterMs?: number): number {
    this.failuresInRow += 1;
    let wait: number;
    if (reason === "rate_limited") {
      // The rejected request did not count: a wider margin and one slot's wait usually do.
      this.rateLimitedInRow += 1;
      // Answers to requests of one burst come together: they widen the margin once.
      if (Date.now() - this.widenedAt > this.windowMs) {
        this.marginMs = Math.min(this.maxMarginMs, this.marginMs + MARGIN_STEP_MS);
        this.widenedAt = Date.now();
      }
      if (this.rateLimitedInRow > 2) this.pace = Math.max(1, this.pace * 0.8);
      wait = retryAfterMs ?? Math.ceil((this.windowMs / this.limit) * Math.min(this.rateLimitedInRow, 20));
    } else {
      wait = Math.min(30_000, (retryAfterMs ?? 500) * 2 ** Math.min(this.failuresInRow - 1, 6));
      if (reason === "flood") this.pace = Math.max(1, this.pace * 0.5);
    }
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + wait);
    return wait;
  }
}
