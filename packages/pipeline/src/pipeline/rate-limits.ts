import { createHash, randomBytes } from "node:crypto";
import type { Redis } from "ioredis";

// The platforms' limits are per token (a VK community token, a Telegram bot), whatever process
// sends: the live sends of every job process and a history import on the same token share them.
// Counted in Redis, atomically, as sliding windows (the simulators and the platforms count "in any
// second", not in fixed seconds): a request starts only when every rule it falls under has room.

/** At most `limit` requests in any `windowMs` under `key`. */
export type RateRule = { key: string; limit: number; windowMs: number };

/**
 * Requests travel and the platform counts their arrival: a window this much longer than the
 * platform's keeps two requests that left just over a window apart from arriving within one.
 */
export const RATE_MARGIN_MS = 50;

// KEYS: one sorted set per rule; ARGV: limit, window (ms) per rule, then the request's member.
// Returns 0 when the request was counted under every rule, or how many ms until it may be.
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = #KEYS
local wait = 0
for i = 1, n do
  local limit = tonumber(ARGV[2 * i - 1])
  local window = tonumber(ARGV[2 * i])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  local count = redis.call('ZCARD', KEYS[i])
  if count >= limit then
    local oldest = redis.call('ZRANGE', KEYS[i], count - limit, count - limit, 'WITHSCORES')
    local w = tonumber(oldest[2]) + window - now + 1
    if w > wait then wait = w end
  end
end
if wait > 0 then return wait end
for i = 1, n do
  redis.call('ZADD', KEYS[i], now, ARGV[2 * n + 1])
  redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[2 * i]) + 1000)
end
return 0
`;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A token's limits are kept under a digest of it: the token itself never reaches Redis. */
const tokenKey = (token: string) => createHash("sha256").update(token).digest("hex").slice(0, 24);

/**
 * VK: 20 requests per second per community token (sends, history reads, everything). VK answers
 * a request over the limit with error 6 and forgets it, so the window gets twice the margin.
 */
export function vkTokenRules(token: string): RateRule[] {
  return [{ key: `vk:${tokenKey(token)}`, limit: 20, windowMs: 1000 + 2 * RATE_MARGIN_MS }];
}

/**
 * Telegram: about 30 messages per second per bot, one per second in a private chat, 20 per minute
 * in a group (negative chat ids). A business account's chats are the account's, counted apart.
 */
export function telegramSendRules(token: string, chatId: string, businessConnectionId?: string): RateRule[] {
  const bot = tokenKey(token);
  const chat = `tg:${bot}:${businessConnectionId ?? ""}:${chatId}`;
  const group = chatId.startsWith("-");
  return [
    // A busy process may hold a request for tens of milliseconds between its slot and the
    // wire; the bot's budget keeps three margins for it (about 26 a second), as Telegram asks for
    // "about 30" and answers more with 429.
    { key: `tg:${bot}`, limit: 30, windowMs: 1000 + 3 * RATE_MARGIN_MS },
    group ? { key: chat, limit: 20, windowMs: 60_000 + RATE_MARGIN_MS } : { key: chat, limit: 1, windowMs: 1000 + RATE_MARGIN_MS },
  ];
}

/** The rules a send on a channel falls under. */
export function sendRules(channel: { kind: "vk" | "telegram"; token: string }, chatId: string, businessConnectionId?: string): RateRule[] {
  return channel.kind === "vk" ? vkTokenRules(channel.token) : telegramSendRules(channel.token, chatId, businessConnectionId);
}

/** Rate limits shared by every process on one Redis. */
export class SharedRateLimits {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = "tl",
  ) {}

  /** Counts one request under every rule if all have room; otherwise says how long until they may. */
  async tryTake(rules: RateRule[]): Promise<number> {
    if (!rules.length) return 0;
    const keys = rules.map((r) => `${this.prefix}:rate:${r.key}`);
    const args = rules.flatMap((r) => [r.limit, r.windowMs]);
    const wait = await this.redis.eval(TAKE, keys.length, ...keys, ...args, `${Date.now()}:${randomBytes(6).toString("hex")}`);
    return Number(wait);
  }

  /**
   * Waits until the request may start and counts it. A wait longer than `maxWaitMs` is not
   * waited: the caller gets it back (then nothing was counted) to come back later, e.g. as a
   * delayed job instead of holding a worker.
   */
  async take(rules: RateRule[], maxWaitMs = Infinity): Promise<{ ok: true } | { ok: false; waitMs: number }> {
    for (;;) {
      const wait = await this.tryTake(rules);
      if (wait === 0) return { ok: true };
      if (wait > maxWaitMs) return { ok: false, waitMs: wait };
      await sleep(wait);
    }
  }
}
