import { z } from "zod";
import type { Redis } from "ioredis";
import { badRequest, notFound } from "@threadline/domain/errors.ts";
import { createImportQueue, type ImportQueue } from "@threadline/pipeline/import/queue.ts";
import { cancelImportRun, createImportRun, getImportRun, listImportRuns, pauseImportRun, resumeImportRun } from "@threadline/pipeline/import/runs.ts";
import { listChannels } from "@threadline/domain/channels/service.ts";
import { projectProcedure, router } from "../init.ts";

const manage = projectProcedure("import.manage");
const runInput = z.object({ runId: z.string().uuid() });

// One import queue per Redis connection and key prefix, made on first use.
const queues = new WeakMap<Redis, Map<string, ImportQueue>>();
function importQueue(redis: Redis, prefix: string): ImportQueue {
  let byPrefix = queues.get(redis);
  if (!byPrefix) queues.set(redis, (byPrefix = new Map()));
  let queue = byPrefix.get(prefix);
  if (!queue) byPrefix.set(prefix, (queue = createImportQueue(redis, prefix)));
  return queue;
}
const prefixOf = (jobs: unknown) => (jobs as { prefix?: string }).prefix ?? "tl";

export const importsRouter = router({
  list: manage.query(({ ctx }) => listImportRuns(ctx.tx)),

  /** The channels an import can read from: what the import page offers, with no channel settings. */
  channels: manage.query(async ({ ctx }) => (await listChannels(ctx.tx)).map((c) => ({ id: c.id, name: c.name, kind: c.kind }))),

  get: manage.input(runInput).query(({ ctx, input }) => getImportRun(ctx.tx, input.runId)),

  /** Starts importing a VK community's history through the API. */
  startVk: manage.input(z.object({ channelId: z.string().uuid() })).mutation(async ({ ctx, input }) => {
    const channel = (await listChannels(ctx.tx)).find((c) => c.id === input.channelId);
    if (!channel) throw notFound("channel");
    if (channel.kind !== "vk") throw badRequest("imports.vkOnly", "История через API доступна только для VK; для Telegram загрузите экспорт");
    const run = await createImportRun(ctx.tx, { projectId: ctx.member.projectId, channelId: input.channelId, source: "vk_api", actor: ctx.member });
    const job = { projectId: ctx.member.projectId, runId: run.id };
    ctx.afterCommit(() => importQueue(ctx.redis, prefixOf(ctx.jobs)).enqueue(job));
    return { runId: run.id };
  }),

  pause: manage.input(runInput).mutation(async ({ ctx, input }) => {
    await pauseImportRun(ctx.tx, input.runId, ctx.member);
    return { ok: true };
  }),

  resume: manage.input(runInput).mutation(async ({ ctx, input }) => {
    const run = await resumeImportRun(ctx.tx, input.runId, ctx.member);
    if (run.source === "vk_api") {
      const job = { projectId: ctx.member.projectId, runId: run.id };
      ctx.afterCommit(() => importQueue(ctx.redis, prefixOf(ctx.jobs)).enqueue(job));
    }
    return { ok: true };
  }),

  cancel: manage.input(runInput).mutation(async ({ ctx, input }) => {
    await cancelImportRun(ctx.tx, input.runId, ctx.member);
    return { ok: true };
  }),
});
