import type { Redis } from "ioredis";

// Failed sign-ins are counted per account and per IP in fixed windows. Past the limit the
// caller gets 429 with the seconds left, even with the right password, until the window ends.
export type LoginLimits = { perAccount: number; perIp: number; windowSeconds: number };
export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perAccount: 5, perIp: 30, windowSeconds: 15 * 60 };

export class LoginLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
    private readonly prefix = "tl:login",
  ) {}

  private keys(email: string, ip: string) {
    return [`${this.prefix}:acct:${email.toLowerCase()}`, `${this.prefix}:ip:${ip}`] as const;
  }

  /** Seconds until sign-in is allowed again, or 0 when it is allowed now. */
  async blockedFor(email: string, ip: string): Promise<number> {
    const [acct, ipKey] = this.keys(email, ip);
    const res = await this.redis.multi().get(acct).ttl(acct).get(ipKey).ttl(ipKey).exec();
    const v = (res ?? []).map(([, r]) => r as string | number | null);
    const acctFails = Number(v[0] ?? 0);
    const ipFails = Number(v[2] ?? 0);
    if (acctFails >= this.limits.perAccount) return Math.max(1, Number(v[1]));
    if (ipFails >= this.limits.perIp) return Math.max(1, Number(v[3]));
    return 0;
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    const m = this.redis.multi();
    for (const key of this.keys(email, ip)) m.incr(key).expire(key, this.limits.windowSeconds, "NX");
    await m.exec();
  }

  async recordSuccess(email: string, ip: string): Promise<void> {
    await this.redis.del(this.keys(email, ip)[0]);
  }
}
