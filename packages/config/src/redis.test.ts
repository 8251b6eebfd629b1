import { describe, expect, it } from "vitest";
import { ConfigError, loadEnv, parseSentinels, redisConnectionOptions } from "./index.ts";

describe("redisConnectionOptions", () => {
  it("takes host, port, credentials, database and TLS from REDIS_URL", () => {
    expect(redisConnectionOptions({ REDIS_URL: "redis://127.0.0.1:6379" })).toEqual({ host: "127.0.0.1", port: 6379 });
    expect(redisConnectionOptions({ REDIS_URL: "rediss://app:p%40ss@cache.internal:6380/2" })).toEqual({ host: "cache.internal", port: 6380, username: "app", password: "p@ss", db: 2, tls: {} });
    expect(redisConnectionOptions({ REDIS_URL: "redis://:only-password@[::1]" })).toEqual({ host: "::1", port: 6379, password: "only-password" });
  });

  it("asks the Sentinels for the named primary, keeping REDIS_URL's password, database and TLS", () => {
    expect(redisConnectionOptions({ REDIS_URL: "redis://:data-pass@ignored:6379/1", REDIS_SENTINELS: "sentinel-1:26379, sentinel-2:26380,10.0.0.3,[fd00::4]:26381", REDIS_SENTINEL_NAME: "threadline", REDIS_SENTINEL_PASSWORD: "sentinel-pass" })).toEqual({
      password: "data-pass",
      db: 1,
      sentinels: [
        { host: "sentinel-1", port: 26379 },
        { host: "sentinel-2", port: 26380 },
        { host: "10.0.0.3", port: 26379 },
        { host: "fd00::4", port: 26381 },
      ],
      name: "threadline",
      sentinelPassword: "sentinel-pass",
    });
    expect(redisConnectionOptions({ REDIS_URL: "rediss://h", REDIS_SENTINELS: "s:26379", REDIS_SENTINEL_NAME: "m" })).toMatchObject({ tls: {}, enableTLSForSentinelMode: true });
  });

  it("refuses Sentinels without the primary's name, a name without Sentinels, and addresses that are not host:port", () => {
    expect(() => redisConnectionOptions({ REDIS_URL: "redis://h", REDIS_SENTINELS: "s:26379" })).toThrow(/REDIS_SENTINEL_NAME must name the primary/);
    expect(() => redisConnectionOptions({ REDIS_URL: "redis://h", REDIS_SENTINEL_NAME: "m" })).toThrow(/without REDIS_SENTINELS/);
    expect(() => parseSentinels("s:99999")).toThrow(ConfigError);
    expect(() => parseSentinels("s:port")).toThrow(/"s:port" is not host:port/);
    expect(() => parseSentinels(" , ")).toThrow(/names no Sentinel/);
    expect(() => redisConnectionOptions({ REDIS_URL: "http://h:6379" })).toThrow(/redis:\/\/ or rediss:\/\//);
    expect(() => redisConnectionOptions({ REDIS_URL: "redis://h:6379/cache" })).toThrow(/not a number/);
  });

  it("is part of the process's settings, and a bad value stops the start", () => {
    expect(loadEnv({ NODE_ENV: "test", REDIS_SENTINELS: "a:1,b:2", REDIS_SENTINEL_NAME: "m" }).redis).toEqual({ sentinels: [{ host: "a", port: 1 }, { host: "b", port: 2 }], name: "m" });
    expect(() => loadEnv({ NODE_ENV: "test", REDIS_SENTINELS: "a:1" })).toThrow(ConfigError);
  });
});
