import { ConfigError } from "./parse.ts";

/**
 * How a process reaches Redis, as ioredis takes it: one address from REDIS_URL, or, with
 * REDIS_SENTINELS, the Sentinels that name the current primary of REDIS_SENTINEL_NAME (ioredis
 * asks them again after a failover). Every connection of every process is made from this —
 * BullMQ's, the pub/sub subscribers', the rate limits' — so none stays on a demoted primary.
 */
export type RedisConnectionOptions = {
  host?: string;
  port?: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: Record<string, never>;
  sentinels?: { host: string; port: number }[];
  name?: string;
  sentinelPassword?: string;
  /** With Sentinels, TLS to the Sentinels too when the data nodes speak it. */
  enableTLSForSentinelMode?: boolean;
};

export type RedisSettings = { REDIS_URL: string; REDIS_SENTINELS?: string; REDIS_SENTINEL_NAME?: string; REDIS_SENTINEL_PASSWORD?: string };

const DEFAULT_SENTINEL_PORT = 26379;

/** REDIS_SENTINELS: `host:port` pairs separated by commas (the port 26379 when left out; IPv6 in brackets). */
export function parseSentinels(value: string): { host: string; port: number }[] {
  const out: { host: string; port: number }[] = [];
  for (const part of value.split(",").map((s) => s.trim()).filter(Boolean)) {
    const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s\[\]]+))(?::(\d{1,5}))?$/.exec(part);
    const port = m?.[3] === undefined ? DEFAULT_SENTINEL_PORT : Number(m[3]);
    if (!m || port < 1 || port > 65535) throw new ConfigError(`REDIS_SENTINELS: "${part}" is not host:port (e.g. sentinel-1:26379,sentinel-2:26379)`);
    out.push({ host: m[1] ?? m[2]!, port });
  }
  if (!out.length) throw new ConfigError("REDIS_SENTINELS is set but names no Sentinel (e.g. sentinel-1:26379,sentinel-2:26379)");
  return out;
}

/**
 * The ioredis options for the given settings. REDIS_URL always gives the credentials, the
 * database number and TLS (`rediss://`) of the data nodes; with REDIS_SENTINELS its host is not
 * used, and REDIS_SENTINEL_NAME (the `sentinel monitor` name) is required.
 */
export function redisConnectionOptions(settings: RedisSettings): RedisConnectionOptions {
  let url: URL;
  try {
    url = new URL(settings.REDIS_URL);
  } catch {
    throw new ConfigError(`REDIS_URL: "${settings.REDIS_URL}" is not a URL such as redis://:password@host:6379/0`);
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") throw new ConfigError(`REDIS_URL must start with redis:// or rediss://, not ${url.protocol}//`);
  const dbPath = url.pathname.replace(/^\//, "");
  if (dbPath && !/^\d+$/.test(dbPath)) throw new ConfigError(`REDIS_URL: the database "${dbPath}" is not a number`);
  const options: RedisConnectionOptions = {
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(dbPath ? { db: Number(dbPath) } : {}),
    ...(url.protocol === "rediss:" ? { tls: {} } : {}),
  };
  const sentinels = settings.REDIS_SENTINELS?.trim();
  if (!sentinels) {
    if (settings.REDIS_SENTINEL_NAME) throw new ConfigError("REDIS_SENTINEL_NAME is set without REDIS_SENTINELS: list the Sentinels (host:port,…) or remove the name");
    return { ...options, host: url.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1", port: url.port ? Number(url.port) : 6379 };
  }
  if (!settings.REDIS_SENTINEL_NAME) throw new ConfigError("REDIS_SENTINELS is set: REDIS_SENTINEL_NAME must name the primary the Sentinels monitor (e.g. mymaster)");
  return {
    ...options,
    sentinels: parseSentinels(sentinels),
    name: settings.REDIS_SENTINEL_NAME,
    ...(settings.REDIS_SENTINEL_PASSWORD ? { sentinelPassword: settings.REDIS_SENTINEL_PASSWORD } : {}),
    ...(options.tls ? { enableTLSForSentinelMode: true } : {}),
  };
}
