import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { Member } from "../access/member.ts";
import { DomainError } from "../errors.ts";
import { CHANGE_WINDOW_HOURS } from "./message-change.ts";

// Edits of sent messages, counted in Redis atomically and BEFORE any work (as the copilot's
// calls are): every edit is a platform call under the bot's shared budget and a notice on the
// client's phone, so one member cannot rewrite a message over and over or flood the queue.

export type EditLimits = {
  /** Edits of one message, over the longest time a message can be edited at all. */
  perMessage: number;
  /** Edits by one member per minute, whatever the messages. */
  perMinute: number;
};

export const DEFAULT_EDIT_LIMITS: EditLimits = { perMessage: 5, perMinute: 20 };

const MESSAGE_WINDOW_SECONDS = Math.max(...Object.values(CHANGE_WINDOW_HOURS)) * 3600;

export class EditLimiter {
  private readonly message: RateLimiterRedis;
  private readonly member: RateLimiterRedis;

  constructor(redis: Redis, limits: EditLimits = DEFAULT_EDIT_LIMITS, prefix = "tl:edits") {
    this.message = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:message`, points: limits.perMessage, duration: MESSAGE_WINDOW_SECONDS });
    this.member = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:member`, points: limits.perMinute, duration: 60 });
  }

  /** Counts one edit of the message by the member; throws TOO_MANY_REQUESTS past either limit. */
  async take(member: Pick<Member, "projectId" | "membershipId">, messageId: number): Promise<void> {
    try {
      await this.member.consume(`${member.projectId}:${member.membershipId}`);
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      const seconds = Math.max(1, Math.ceil(e.msBeforeNext / 1000));
      throw new DomainError("TOO_MANY_REQUESTS", "messageChange.tooManyEdits", `Слишком много исправлений подряд. Попробуйте через ${seconds} с`, { seconds }, seconds);
    }
    try {
      await this.message.consume(`${member.projectId}:${messageId}`);
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      throw new DomainError("TOO_MANY_REQUESTS", "messageChange.editLimit", `Это сообщение уже исправляли ${this.message.points} раз — больше нельзя. Удалите его и напишите заново`, { max: this.message.points });
    }
  }
}
