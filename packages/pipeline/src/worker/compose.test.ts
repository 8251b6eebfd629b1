import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { Redis } from "ioredis";
import { channels, importRuns, messages, withTenant } from "@threadline/db";
import { VkApiSimulator } from "@threadline/simulators/channels";
import { encryptSecret } from "@threadline/domain/crypto.ts";
import { createTestEnv, startTestPipeline, type TestEnv } from "@threadline/testing";
import { createImportQueue } from "../import/queue.ts";
import { createImportRun } from "../import/runs.ts";
import { communityMessages, seedVkCommunity } from "../import/testing/community.ts";

// The tests' pipeline is composed as apps/worker's jobs process is, so it runs every hop the
// product runs: here, a history import queued the way the API queues it.
let env: TestEnv;
const vk = new VkApiSimulator();

beforeAll(async () => {
  env = await createTestEnv();
  await vk.start();
  // The operator's VK address, as the worker reads it from the environment.
  env.useEndpoints({ vkApiBaseUrl: vk.apiBaseUrl });
});
afterAll(async () => {
  await vk.stop();
  await env?.close();
});

describe("composeWorker", () => {
  it("runs a history import from the import queue in the composed jobs", async () => {
    const T = await env.createTenant("Composed worker");
    const community = seedVkCommunity(vk, { dialogs: 4, messagesPerDialog: 2, seed: 7, firstUserId: 700_000 });
    const [channel] = await withTenant(env.db, T.project.id, (tx) =>
      tx
        .insert(channels)
        .values({ projectId: T.project.id, kind: "vk", name: "Сообщество", externalId: String(community.groupId), tokenEnc: encryptSecret(community.token, env.deps.secretKey), webhookSecret: "composed-secret", confirmation: community.confirmation })
        .returning(),
    );
    const run = await withTenant(env.db, T.project.id, (tx) => createImportRun(tx, { projectId: T.project.id, channelId: channel!.id, source: "vk_api" }));
    const pipeline = await startTestPipeline(env);
    const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: null });
    const queue = createImportQueue(redis, env.queues.prefix);
    try {
      await queue.enqueue({ projectId: T.project.id, runId: run.id });
      await expect.poll(async () => (await env.owner.select({ state: importRuns.state }).from(importRuns).where(eq(importRuns.id, run.id)))[0]!.state, { timeout: 20_000, interval: 100 }).toBe("done");
      const stored = await env.owner.select({ id: messages.id }).from(messages).where(eq(messages.channelId, channel!.id));
      expect(stored).toHaveLength([...communityMessages(community.community)].length);
    } finally {
      await queue.close();
      await pipeline.close();
      redis.disconnect();
    }
  }, 60_000);
});
