import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { Member } from "../access/member.ts";
import { DomainError } from "../errors.ts";

// What a person may ask of the model by hand (the manager's copilot and summary, the owner's
// sandbox and key checks): counted per member in Redis, atomically and BEFORE any work, so a batch or many
// tabs cannot slip past one check, and a refused call costs neither a search nor a model call.

export type AiFeature = "copilot" | "sandbox" | "keyCheck";

/** Calls per member in a window. */
export type AiLimits = Record<AiFeature, { points: number; windowSeconds: number }>;

export const DEFAULT_AI_LIMITS: AiLimits = {
  // A suggestion and a summary per client message, for a manager answering briskly.
  copilot: { points: 30, windowSeconds: 60 },
  // An owner typing to their agent: a message every few seconds.
  sandbox: { points: 20, windowSeconds: 60 },
  // An owner saving a model key or model: each save asks the provider once.
  keyCheck: { points: 10, windowSeconds: 60 },
};

export function tooManyAiRequests(waitSeconds: number): DomainError {
  const seconds = Math.max(1, Math.ceil(waitSeconds));
  return new DomainError("TOO_MANY_REQUESTS", "ai.tooManyRequests", `Слишком много запросов к ИИ подряд. Попробуйте через ${seconds} с`, { seconds }, seconds);
}

export class AiLimiter {
  private readonly limiters: Record<AiFeature, RateLimiterRedis>;

  constructor(redis: Redis, limits: AiLimits = DEFAULT_AI_LIMITS, prefix = "tl:ai") {
    const make = (feature: AiFeature) =>
      new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:${feature}`, points: limits[feature].points, duration: limits[feature].windowSeconds });
    this.limiters = { copilot: make("copilot"), sandbox: make("sandbox"), keyCheck: make("keyCheck") };
  }

  /** Counts one call of the member's; throws TOO_MANY_REQUESTS (with the wait) past the limit. */
  async take(feature: AiFeature, member: Pick<Member, "projectId" | "membershipId">): Promise<void> {
    try {
      await this.limiters[feature].consume(`${member.projectId}:${member.membershipId}`);
    } catch (e) {
      if (e instanceof RateLimiterRes) throw tooManyAiRequests(e.msBeforeNext / 1000);
      throw e;
    }
  }
}
