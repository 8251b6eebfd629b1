import type { Redis } from "ioredis";
import type { Logger } from "@threadline/config";

// Nice levels order the job processes' own CPU, but an agent turn's or a send's database work runs
// in a Postgres backend at normal priority, and on a small machine it delays the inbound job's
// transaction. So the work that can wait watches how late inbound storing is, through one Redis
// key any number of processes share: the inbound workers raise it when a job finished later than
// the budget after it was queued, and the agent and delivery workers take fewer (or no) jobs
// while it is up. It falls by itself a moment after the last late job.

/** A client message stored and published later than this after the ingress queued it is late. */
export const INBOUND_LAG_BUDGET_MS = 100;
/** How long one late inbound job keeps the others yielding. */
export const INBOUND_PRESSURE_HOLD_MS = 1000;
/** How often the yielding workers read the signal. */
export const GOVERNOR_POLL_MS = 100;

export const inboundPressureKey = (prefix = "tl") => `${prefix}:inbound:pressure`;

/** The inbound workers' side: reports how late each job finished; raises the signal when late. */
export function inboundPressureReporter(redis: Pick<Redis, "set">, prefix = "tl", now = Date.now) {
  let raisedAt = -Infinity;
  return (lagMs: number) => {
    if (lagMs <= INBOUND_LAG_BUDGET_MS) return;
    // One write per fifth of the hold is enough to keep it up, however many jobs are late.
    if (now() - raisedAt < INBOUND_PRESSURE_HOLD_MS / 5) return;
    raisedAt = now();
    void redis.set(inboundPressureKey(prefix), String(Math.round(lagMs)), "PX", INBOUND_PRESSURE_HOLD_MS).catch(() => undefined);
  };
}

/**
 * The yielding side: `whenClear` resolves when inbound storing is on time, or after `maxWaitMs`
 * (work that waits too long runs anyway, so a steady flood slows the agent down but never stops
 * it). A job waits there before it starts; the queues keep their order, so the oldest work goes
 * first when the pressure falls. The signal is read every `pollMs`, once for all the callers.
 */
export function inboundPressure(redis: Pick<Redis, "exists">, options: { prefix?: string; logger?: Logger; pollMs?: number } = {}) {
  const key = inboundPressureKey(options.prefix);
  const pollMs = options.pollMs ?? GOVERNOR_POLL_MS;
  let up = false;
  let reading = false;
  let yielded = 0;
  const timer = setInterval(() => {
    if (reading) return;
    reading = true;
    redis
      .exists(key)
      .then((n) => void (up = n > 0))
      // Redis unreachable: no job can be taken either; keep the last state.
      .catch((err: unknown) => options.logger?.debug({ err }, "inbound pressure not read"))
      .finally(() => (reading = false));
  }, pollMs);
  timer.unref();
  return {
    get up() {
      return up;
    },
    /** How many jobs waited for inbound storing to catch up. */
    get yielded() {
      return yielded;
    },
    whenClear: async (maxWaitMs: number) => {
      if (!up) return;
      yielded++;
      const until = Date.now() + maxWaitMs;
      while (up && Date.now() < until) await new Promise((r) => setTimeout(r, pollMs / 2));
    },
    stop: () => clearInterval(timer),
  };
}

export type InboundPressure = ReturnType<typeof inboundPressure>;
