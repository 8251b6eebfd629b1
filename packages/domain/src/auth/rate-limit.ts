import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { DomainError } from "../errors.ts";

// Password attempts (sign-in, and joining a project through an invitation) are counted in Redis
// atomically BEFORE the password is checked, so concurrent requests (a batch, many connections)
// cannot all slip through one check. Consecutive attempts on an account — and on an account from
// one IP — get a few free tries, then each further try must wait longer (back-off, not a hard
// block): the wait is taken before the password is checked, so even the right password waits,
// and a success clears the account's count. Each IP also has a generous budget of attempts.

export type Backoff = {
  /** Attempts allowed without any wait. */
  free: number;
  /** The wait after the first attempt past the free ones; it doubles with each further one. */
  baseSeconds: number;
  maxSeconds: number;
};
export type LoginLimits = {
  account: Backoff;
  accountIp: Backoff;
  /** Attempts from one IP in a window; successful ones are given back. */
  perIp: { points: number; windowSeconds: number };
  /** Consecutive attempts are forgotten this long after the first of them. */
  forgetAfterSeconds: number;
};

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  account: { free: 10, baseSeconds: 2, maxSeconds: 15 * 60 },
  accountIp: { free: 5, baseSeconds: 2, maxSeconds: 15 * 60 },
  perIp: { points: 200, windowSeconds: 15 * 60 },
  forgetAfterSeconds: 24 * 3600,
};

/** The wait before the next try once `past` attempts beyond the free ones were made. */
export function backoffSeconds(backoff: Backoff, past: number): number {
  if (past <= 0) return 0;
  return Math.min(backoff.maxSeconds, backoff.baseSeconds * 2 ** Math.min(past - 1, 30));
}

export function tooManyAttempts(waitSeconds: number): DomainError {
  const wait = Math.max(1, Math.ceil(waitSeconds));
  const when = wait < 60 ? `${wait} с` : `${Math.ceil(wait / 60)} мин.`;
  return new DomainError("TOO_MANY_REQUESTS", "auth.tooManyAttempts", `Слишком много неудачных попыток входа. Попробуйте через ${when}`, { seconds: wait }, wait);
}

/** One back-off: a counter of consecutive attempts and a gate that lets one attempt through per wait. */
class BackoffCounter {
  private readonly attempts: RateLimiterRedis;
  private readonly gate: RateLimiterRedis;

  constructor(redis: Redis, prefix: string, private readonly backoff: Backoff, forgetAfterSeconds: number) {
    this.attempts = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:n`, points: Number.MAX_SAFE_INTEGER, duration: forgetAfterSeconds });
    this.gate = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:wait`, points: 1, duration: 1 });
  }

  /** Counts an attempt; returns the seconds to wait (the attempt is then not counted), or 0. */
  async take(key: string): Promise<number> {
    const { consumedPoints } = await this.attempts.consume(key);
    const past = consumedPoints - this.backoff.free;
    if (past <= 0) return 0;
    try {
      // The first attempt after the previous wait passes and starts the next, longer wait at once,
      // before its password is checked; concurrent ones are refused.
      await this.gate.consume(key, 1, { customDuration: backoffSeconds(this.backoff, past) });
      return 0;
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      await this.attempts.reward(key);
      return e.msBeforeNext / 1000;
    }
  }

  async reset(key: string): Promise<void> {
    await Promise.all([this.attempts.delete(key), this.gate.delete(key)]);
  }
}

export class LoginLimiter {
  private readonly account: BackoffCounter;
  private readonly accountIp: BackoffCounter;
  private readonly perIp: RateLimiterRedis;

  constructor(redis: Redis, limits: LoginLimits = DEFAULT_LOGIN_LIMITS, prefix = "tl:login") {
    this.account = new BackoffCounter(redis, `${prefix}:acct`, limits.account, limits.forgetAfterSeconds);
    this.accountIp = new BackoffCounter(redis, `${prefix}:acctip`, limits.accountIp, limits.forgetAfterSeconds);
    this.perIp = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:ip`, points: limits.perIp.points, duration: limits.perIp.windowSeconds });
  }

  /**
   * Counts one password attempt on `email` from `ip` before the password is checked. Throws
   * TOO_MANY_REQUESTS (with the seconds to wait) when the attempt must wait.
   */
  async attempt(email: string, ip: string): Promise<void> {
    const account = email.trim().toLowerCase();
    try {
      await this.perIp.consume(ip);
    } catch (e) {
      if (e instanceof RateLimiterRes) throw tooManyAttempts(e.msBeforeNext / 1000);
      throw e;
    }
    const wait = (await this.accountIp.take(`${account}|${ip}`)) || (await this.account.take(account));
    if (wait > 0) throw tooManyAttempts(wait);
  }

  /** A right password: the account's count starts over and the IP gets its attempt back. */
  async succeeded(email: string, ip: string): Promise<void> {
    const account = email.trim().toLowerCase();
    await Promise.all([this.account.reset(account), this.accountIp.reset(`${account}|${ip}`), this.perIp.reward(ip)]);
  }
}
