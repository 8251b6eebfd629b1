import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import type { ChannelEvent } from "@threadline/channels";
import { createQueues, inboundJobId, type InboundBatchJob, type InboundJob } from "../jobs/index.ts";
import type { IngestResult } from "@threadline/domain/conversations/ingest.ts";
import type { RealtimeEvent } from "@threadline/domain/events.ts";
import { clientMessage } from "@threadline/testing";
import { processInboundJob, type InboundDeps } from "./inbound.ts";

const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: null });
// Queues of their own with no worker: the jobs stay where the ingress put them.
const queues = createQueues(redis, `tl:test:batch${randomBytes(3).toString("hex")}`);
afterAll(async () => {
  await queues.inbound.obliterate({ force: true });
  await queues.close();
  redis.disconnect();
});

const channel = { channelId: "6d0f1f9e-0000-4000-8000-000000000001", projectId: "6d0f1f9e-0000-4000-8000-0000000000aa", kind: "telegram" as const };
const item = (chatId: string, id: string): InboundJob => ({ ...channel, event: clientMessage({ chatId, id }) });

async function queuedJobs() {
  const jobs = await queues.inbound.getJobs(["wait", "delayed", "active", "completed"]);
  return jobs.map((j) => ({ id: j.id!, items: (j.data as InboundBatchJob).items }));
}

describe("the ingress queues events in batches under load", () => {
  it("a lone event gets a job of its own with the deterministic id; the same event again is queued once", async () => {
    const lone = item("501", "lone-1");
    await queues.enqueueInbound(lone);
    await queues.enqueueInbound(lone);
    const jobs = (await queuedJobs()).filter((j) => j.items.some((i) => i.event.dedupeId === lone.event.dedupeId));
    expect(jobs).toEqual([{ id: `${channel.channelId}_message_501_lone-1`, items: [lone] }]);
  });

  it("events that arrive together share jobs, each in exactly one, and the same batch again is queued once", async () => {
    const burst = Array.from({ length: 250 }, (_, i) => item("502", `burst-${i}`));
    await Promise.all(burst.map((b) => queues.enqueueInbound(b)));
    const jobs = (await queuedJobs()).filter((j) => j.items.some((i) => i.event.chatId === "502"));
    // At most 100 events a job; every event once.
    expect(jobs.length).toBeLessThan(burst.length);
    expect(jobs.every((j) => j.items.length <= 100)).toBe(true);
    expect(jobs.flatMap((j) => j.items.map((i) => i.event.dedupeId)).sort()).toEqual(burst.map((b) => b.event.dedupeId).sort());
    // A batch's id is its events': the same batch handed over again maps to the job already queued.
    const batch = jobs.find((j) => j.items.length > 1)!;
    expect(batch.id).toBe(inboundJobId(batch.items));
    await queues.inbound.add("events", { items: batch.items }, { jobId: inboundJobId(batch.items) });
    expect((await queuedJobs()).filter((j) => j.id === batch.id)).toHaveLength(1);
  });
});

describe("the inbound worker's job", () => {
  const stored = (conversationId: string, messageId: number): IngestResult => ({ kind: "message", created: true, conversationId, messageId, direction: "in", newConversation: false, assigneeId: null, attachmentIds: [] });

  function deps(failFor: Set<string>) {
    const published: RealtimeEvent[] = [];
    let next = 1;
    const d: InboundDeps = {
      db: null as never,
      ingest: async (_channel, event: ChannelEvent) => {
        if (failFor.has(event.dedupeId)) throw new Error(`cannot store ${event.dedupeId}`);
        return stored("c1", next++);
      },
      publish: async (e) => void published.push(e),
      enqueueMedia: async () => undefined,
    };
    return { d, published };
  }

  it("stores every event; when some fail, the retry carries only those, and the error is the first failure's", async () => {
    const items = [item("601", "a"), item("601", "b"), item("601", "c")];
    const { d, published } = deps(new Set([items[1]!.event.dedupeId]));
    const updates: InboundBatchJob[] = [];
    const job = { data: { items }, updateData: async (data: InboundBatchJob) => void updates.push(data) };
    await expect(processInboundJob(d, job)).rejects.toThrow(`cannot store ${items[1]!.event.dedupeId}`);
    expect(updates).toEqual([{ items: [items[1]] }]);
    expect(published).toHaveLength(2);
  });

  it("a job whose events all fail keeps them all for the retry", async () => {
    const items = [item("602", "a"), item("602", "b")];
    const { d } = deps(new Set(items.map((i) => i.event.dedupeId)));
    const updates: InboundBatchJob[] = [];
    await expect(processInboundJob(d, { data: { items }, updateData: async (data) => void updates.push(data) })).rejects.toThrow();
    expect(updates).toEqual([]);
  });

  it("a job of one event queued before batches existed is still stored", async () => {
    const { d, published } = deps(new Set());
    const old = item("603", "old");
    expect(await processInboundJob(d, { data: old, updateData: async () => undefined })).toEqual({ events: 1 });
    expect(published).toHaveLength(1);
  });
});
