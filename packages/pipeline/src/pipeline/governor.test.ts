import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { INBOUND_LAG_BUDGET_MS, INBOUND_PRESSURE_HOLD_MS, inboundPressure, inboundPressureKey, inboundPressureReporter } from "./governor.ts";

const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: null });
const prefix = `tl-governor-${randomBytes(4).toString("hex")}`;
afterAll(async () => {
  await redis.del(inboundPressureKey(prefix));
  redis.disconnect();
});

describe("yielding to inbound storing", () => {
  it("an inbound job late past the budget holds agent turns back until it falls, at most their wait, shared through Redis", async () => {
    const report = inboundPressureReporter(redis, prefix);
    const agent = inboundPressure(redis, { prefix, pollMs: 20 });
    try {
      // On time: nothing is raised, a turn starts at once.
      report(INBOUND_LAG_BUDGET_MS);
      await new Promise((r) => setTimeout(r, 60));
      expect(await redis.exists(inboundPressureKey(prefix))).toBe(0);
      let t = performance.now();
      await agent.whenClear(5000);
      expect(performance.now() - t).toBeLessThan(50);

      // Late: the other process sees it within a poll and waits until the hold runs out.
      report(INBOUND_LAG_BUDGET_MS + 400);
      await expect.poll(() => agent.up, { timeout: 1000, interval: 10 }).toBe(true);
      t = performance.now();
      await agent.whenClear(5000);
      const waited = performance.now() - t;
      expect(waited).toBeGreaterThan(INBOUND_PRESSURE_HOLD_MS / 2);
      expect(waited).toBeLessThan(INBOUND_PRESSURE_HOLD_MS + 500);
      expect(agent.yielded).toBe(1);

      // A steady flood of late jobs: work that can wait still runs after its longest wait.
      const flood = setInterval(() => report(INBOUND_LAG_BUDGET_MS * 10), 50);
      try {
        await expect.poll(() => agent.up, { timeout: 1000, interval: 10 }).toBe(true);
        t = performance.now();
        await agent.whenClear(300);
        expect(performance.now() - t).toBeGreaterThanOrEqual(290);
        expect(performance.now() - t).toBeLessThan(800);
      } finally {
        clearInterval(flood);
      }
    } finally {
      agent.stop();
    }
  }, 20_000);
});
