// Webhook delivery as the platforms do it: one target at a time in order, retried with
// back-off while the receiver fails, then dropped (and counted) like an undelivered update.

export interface DeliveryAttempt {
  url: string;
  status: number | null;
  responseText: string;
  error?: string;
  at: number;
}

export interface DeliveryOptions {
  /** Waits between attempts; its length + 1 is the number of attempts. */
  retryDelaysMs: number[];
  timeoutMs: number;
}

export interface DeliveryJob {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Whether the receiver's answer counts as delivered. */
  accepted(status: number, text: string): boolean;
  /** Checked before each attempt: a job no longer wanted is dropped silently. */
  skip?(): boolean;
  onDone?(delivered: boolean, last: DeliveryAttempt): void;
}

export class DeliveryQueue {
  readonly attempts: DeliveryAttempt[] = [];
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;
  private pending = 0;
  private readonly abort = new AbortController();

  constructor(private readonly options: DeliveryOptions) {}

  get pendingCount(): number {
    return this.pending;
  }

  enqueue(job: DeliveryJob): void {
    this.pending += 1;
    this.chain = this.chain.then(() => this.run(job)).finally(() => {
      this.pending -= 1;
    });
  }

  /** Resolves once everything queued so far was delivered or given up. */
  idle(): Promise<void> {
    return this.chain;
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
  }

  private async run(job: DeliveryJob): Promise<void> {
    let last: DeliveryAttempt | undefined;
    for (let attempt = 0; attempt <= this.options.retryDelaysMs.length && !this.stopped; attempt += 1) {
      if (attempt > 0) await sleep(this.options.retryDelaysMs[attempt - 1]!, this.abort.signal);
      if (this.stopped || job.skip?.()) return;
      last = await this.post(job);
      this.attempts.push(last);
      if (last.status !== null && job.accepted(last.status, last.responseText)) {
        job.onDone?.(true, last);
        return;
      }
    }
    if (last) job.onDone?.(false, last);
  }

  private async post(job: DeliveryJob): Promise<DeliveryAttempt> {
    const at = Date.now();
    try {
      const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.options.timeoutMs)]);
      const response = await fetch(job.url, { method: "POST", headers: job.headers, body: job.body, signal });
      return { url: job.url, status: response.status, responseText: await response.text(), at };
    } catch (error) {
      return { url: job.url, status: null, responseText: "", error: String(error), at };
    }
  }
}

/** Waits ms, or less if the signal aborts; never rejects. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
