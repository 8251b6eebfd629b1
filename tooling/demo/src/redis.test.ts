import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { groupAlive } from "./processes.ts";
import { REDIS_NOT_FOUND_MESSAGE, RedisNotFoundError, findExecutable, pingRedis, requireRedisServer, startRedis } from "./redis.ts";

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "threadline-redis-"));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

const hasRedis = findExecutable("redis-server") !== undefined;

describe("Redis launcher", () => {
  it.skipIf(!hasRedis)("starts redis-server on a free port, answers PING, and stops it", async () => {
    const redis = await startRedis({ logFile: join(root, "redis.log") });
    expect(redis.started).toBe(true);
    expect(redis.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    await pingRedis(redis.url, 2_000);
    expect(groupAlive(redis.pid!)).toBe(true);
    await redis.stop();
    await expect(pingRedis(redis.url, 1_000)).rejects.toThrow();
    expect(groupAlive(redis.pid!)).toBe(false);
  });

  it.skipIf(!hasRedis)("uses the server at REDIS_URL instead of starting one", async () => {
    const own = await startRedis({ logFile: join(root, "redis.log") });
    try {
      const given = await startRedis({ redisUrl: own.url, logFile: join(root, "unused.log") });
      expect(given.started).toBe(false);
      expect(given.url).toBe(own.url);
    } finally {
      await own.stop();
    }
  });

  it("names what to install when redis-server is not on PATH", async () => {
    const emptyPath = mkdtempSync(join(root, "bin-"));
    await expect(startRedis({ logFile: join(root, "redis.log"), searchPath: emptyPath })).rejects.toBeInstanceOf(RedisNotFoundError);
    expect(() => requireRedisServer({ searchPath: emptyPath })).toThrow(REDIS_NOT_FOUND_MESSAGE);
    expect(REDIS_NOT_FOUND_MESSAGE).toContain("redis-server не найден. Установите Redis (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) или укажите REDIS_URL.");
    expect(REDIS_NOT_FOUND_MESSAGE).toContain("redis-server was not found");
    // With REDIS_URL there is nothing to start, so nothing to find.
    expect(() => requireRedisServer({ redisUrl: "redis://127.0.0.1:6379", searchPath: emptyPath })).not.toThrow();
  });

  it("makes `npm run demo` exit with that message, before starting anything, when PATH lacks redis-server", async () => {
    const emptyPath = mkdtempSync(join(root, "bin-"));
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: emptyPath, DEMO_DATA_DIR: join(root, "demo-data") };
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
    const demo = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./demo.ts", import.meta.url))], {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    demo.stdout.on("data", (c: Buffer) => (output += c.toString()));
    demo.stderr.on("data", (c: Buffer) => (output += c.toString()));
    const code = await new Promise<number | null>((resolve) => demo.once("exit", resolve));
    expect(code).toBe(1);
    expect(output).toContain(REDIS_NOT_FOUND_MESSAGE);
    expect(output).not.toContain("Postgres:");
  });
});
