/** A per-key sliding window: at most `limit` hits in any `windowMs`. */
export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();
  /** Hits refused since the last reset: what a test checks to see a client stayed within the limit. */
  rejected = 0;

  constructor(
    public limit: number,
    public windowMs: number,
  ) {}

  /** Records a hit if allowed; otherwise tells how long until the oldest hit leaves the window. */
  hit(key: string, now = Date.now()): { ok: true } | { ok: false; retryAfterMs: number } {
    const recent = (this.hits.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (recent.length >= this.limit) {
      this.hits.set(key, recent);
      this.rejected++;
      return { ok: false, retryAfterMs: this.windowMs - (now - recent[0]!) };
    }
    recent.push(now);
    this.hits.set(key, recent);
    return { ok: true };
  }

  reset(): void {
    this.hits.clear();
    this.rejected = 0;
  }
}
