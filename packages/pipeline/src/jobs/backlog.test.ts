import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { queueBacklog, redisWarnings } from "./index.ts";

const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: null });
const prefix = `tl:test:${randomBytes(4).toString("hex")}`;
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe("the agent's backlog", () => {
  it("counts waiting turns and tells how long the oldest has waited; the oldest is taken first", async () => {
    const queue = new Queue("ai", { connection: redis, prefix });
    await queue.add("turn", { n: 1 }, { jobId: "first" });
    await new Promise((r) => setTimeout(r, 300));
    await queue.add("turn", { n: 2 }, { jobId: "second" });
    await queue.add("turn", { n: 3 }, { jobId: "later", delay: 60_000 });
    const backlog = await queueBacklog(queue);
    expect(backlog).toMatchObject({ waiting: 2, active: 0, delayed: 1 });
    expect(backlog.oldestWaitingMs).toBeGreaterThanOrEqual(300);
    const taken: string[] = [];
    const worker = new Worker("ai", async (job) => void taken.push(job.id!), { connection: redis, prefix, concurrency: 1 });
    await expect.poll(() => taken.length, { timeout: 5000 }).toBe(2);
    expect(taken).toEqual(["first", "second"]);
    expect(await queueBacklog(queue)).toMatchObject({ waiting: 0, oldestWaitingMs: null });
    await worker.close();
    await queue.close();
  });
});

describe("start-up checks of the queues' Redis", () => {
  it("warns unless Redis never evicts, and when it cannot tell", async () => {
    expect(await redisWarnings({ config: async () => ["maxmemory-policy", "noeviction"] })).toEqual([]);
    expect(await redisWarnings({ config: async () => ["maxmemory-policy", "allkeys-lru"] })).toEqual([expect.stringMatching(/^Redis maxmemory-policy is allkeys-lru: set it to noeviction/)]);
    expect(await redisWarnings({ config: () => Promise.reject(new Error("unknown command")) })).toEqual([expect.stringMatching(/could not be read/)]);
  });
});
