import { Redis, type RedisOptions } from "ioredis";
import type { RedisConnectionOptions } from "@threadline/config";

/**
 * A Redis connection made the one way every process makes them: from the environment's
 * connection options (REDIS_URL, or the Sentinels: see @threadline/config's redis.ts), with this
 * connection's own behaviour on top (e.g. `maxRetriesPerRequest: null` for BullMQ). A URL is
 * accepted for the tests and tools that have nothing else.
 */
export function connectRedis(connection: RedisConnectionOptions | string, options: RedisOptions = {}): Redis {
  return typeof connection === "string" ? new Redis(connection, options) : new Redis({ ...connection, ...options });
}
