import { randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { importRuns, withTenant, type Db } from "@threadline/db";
import { isChannelError, storedFailure, VK_EXECUTE_LIMIT, VkAdapter } from "@threadline/channels";
import { BatchError, runBatch, type CallResult } from "./vk-batch.ts";
import { RequestPacer, type BackoffReason } from "./pacer.ts";
import type { MediaJob } from "../jobs/index.ts";
import { pendingImportedAttachments, type ImportChannel } from "./store.ts";
import { OrderedCommits } from "./vk-commit-queue.ts";
import { advanceCursor, TakenOver, writeVkCommit } from "./vk-committer.ts";
import { isFinished, parseVkCursor } from "./vk-cursor.ts";
import { VkPlanner } from "./vk-planner.ts";
import { ImportProgressReporter, type ImportProgress } from "./vk-progress.ts";

// The VK history import. It lists the community's dialogs (getConversations, 200 per call) and
// reads each dialog's history oldest first (getHistory, 200 per call), packing up to 25 calls
// into one execute and keeping several executes in flight within the token's rate limit.
//
// Fetching and writing overlap: the fetcher keeps the token busy at its rate while the writer
// commits answers in the order their executes were sent; when the writer falls behind, the
// answers already in are committed together in one transaction (fewer, larger commits), and
// when it falls far behind the fetcher waits, so memory stays bounded. Each commit holds its
// rows and the run's cursor: the cursor says which dialogs are still pending and which of their
// pages are left. A worker killed at any moment resumes from the last commit: pages committed
// are never fetched again, pages fetched but not committed are fetched again, and the unique key
// of messages makes a page stored twice harmless anyway.
//
// Dialogs that move to the top of the list while it is being walked (a client wrote) could slip
// past the walk's offset: after the walk, a catch-up pass re-reads the top of the list and
// imports every dialog whose last message is newer than the walk's start.
//
// The parts: vk-cursor.ts (what a commit records), vk-planner.ts (what to ask next),
// vk-commit-queue.ts (commits in the order executes were sent), vk-committer.ts (a commit's rows
// and cursor in one transaction), vk-progress.ts (counts, rate and time left, published).

export type RunOutcome = "done" | "paused" | "cancelled" | "failed" | "taken_over" | "not_runnable";

export interface VkImportDeps {
  db: Db;
  /** The channel's adapter (the worker's ChannelDirectory gives it with the decrypted token). */
  adapter: (channelId: string) => Promise<VkAdapter>;
  publish?: (event: ImportProgress) => Promise<void>;
  /** Queues the download of an imported file (the media job, as for live messages). */
  enqueueMedia?: (job: MediaJob) => Promise<unknown>;
  /** Requests per second for the token; default 20. */
  requestsPerSecond?: number;
  /** Executes in flight at once. */
  concurrency?: number;
  /**
   * Waits for a request slot under the token's limit shared with every other process (live
   * sends and other workers on the same token); the run's own pacer still adapts to VK's answers.
   */
  sharedSlot?: (channelId: string) => Promise<void>;
  onLog?: (message: string, details?: Record<string, unknown>) => void;
}

/** Answers fetched but not yet committed, at most: the fetcher waits beyond this. */
const MAX_UNCOMMITTED = 40;

class Fatal extends Error {}

function backoffReason(error: unknown): BackoffReason | null {
  if (isChannelError(error)) {
    if (error.platformCode === 6) return "rate_limited";
    if (error.platformCode === 9) return "flood";
    if (error.retryable) return "unavailable";
    return null;
  }
  // Dropped connections, timeouts and 5xx surface as plain errors: worth another try.
  return "unavailable";
}

function errorText(error: unknown): string {
  if (isChannelError(error)) return storedFailure(error.reason);
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs (or resumes) one VK import run until it is done, paused, cancelled, failed, or taken over
 * by another worker. Safe to kill at any moment.
 */
export async function runVkImport(deps: VkImportDeps, input: { projectId: string; runId: string }): Promise<RunOutcome> {
  const { db } = deps;
  const me = randomBytes(8).toString("hex");
  const log = deps.onLog ?? (() => {});
  const claimed = await withTenant(db, input.projectId, async (tx) => {
    const [run] = await tx
      .update(importRuns)
      .set({
        state: "running",
        startedAt: sql`coalesce(${importRuns.startedAt}, now())`,
        cursor: sql`jsonb_set(${importRuns.cursor}, '{owner}', to_jsonb(${me}::text))`,
      })
      .where(and(eq(importRuns.id, input.runId), sql`${importRuns.state} in ('queued', 'running')`))
      .returning();
    return run;
  });
  if (!claimed) return "not_runnable";
  const channel: ImportChannel = { id: claimed.channelId, projectId: claimed.projectId, kind: "vk" };
  let adapter: VkAdapter;
  try {
    adapter = await deps.adapter(channel.id);
  } catch (error) {
    await finish(db, input, me, "failed", errorText(error));
    return "failed";
  }

  // What the database holds; the planner runs ahead of it.
  let committed = parseVkCursor(claimed.cursor);
  if (deps.enqueueMedia && claimed.apiRequests > 0) {
    // A worker killed between a commit and queueing its files left them pending: queue them
    // again (the media job's id is the attachment's, so queued ones are not doubled).
    const pending = await withTenant(db, input.projectId, (tx) => pendingImportedAttachments(tx, claimed.channelId));
    await queueMedia(deps, input.projectId, pending);
  }
  const progress = new ImportProgressReporter(
    { projectId: input.projectId, runId: input.runId, channelId: channel.id },
    { done: claimed.doneDialogs, messages: claimed.importedMessages, requests: claimed.apiRequests },
    () => committed.totalDialogs,
    deps.publish,
  );
  const planner = new VkPlanner(committed);
  const pacer = new RequestPacer({ limit: deps.requestsPerSecond ?? 20 });
  const concurrency = deps.concurrency ?? 8;
  const inflight = new Set<Promise<unknown>>();
  let stop: { outcome: RunOutcome; error?: string } | null = null;

  const noteFailure = (error: unknown) => {
    const reason = backoffReason(error);
    if (reason === null) {
      stop ??= { outcome: "failed", error: errorText(error) };
      return;
    }
    // VK gives no retry time with error 6 (the channel's 1 s is for sends): the pacer knows better.
    const hint = reason !== "rate_limited" && isChannelError(error) ? error.retryAfterMs : undefined;
    const wait = pacer.backOff(reason, hint);
    log("import request failed, backing off", { reason, waitMs: wait, error: errorText(error) });
  };

  const timing = { commits: 0, commitMs: 0, requests: 0, requestMs: 0, paceMs: 0, backpressureMs: 0 };
  const commit = async (results: CallResult[], executes: number) => {
    if (stop) return;
    const commitStart = Date.now();
    const change = advanceCursor(committed, results);
    const stored = await writeVkCommit(db, { ...input, owner: me }, channel, change, executes);
    await queueMedia(deps, input.projectId, stored.attachmentIds);
    committed = change.next;
    timing.commits += 1;
    timing.commitMs += Date.now() - commitStart;
    progress.record(change.completed, stored.inserted, executes);
    if (change.finished) stop = { outcome: "done" };
    await progress.publish(change.finished ? "done" : "running", change.finished);
  };
  const commits = new OrderedCommits(
    async (results, executes) => {
      try {
        await commit(results, executes);
      } catch (error) {
        if (error instanceof TakenOver) stop ??= { outcome: "taken_over" };
        else stop ??= { outcome: "failed", error: errorText(error) };
      }
    },
    () => stop !== null,
  );

  try {
    await progress.publish("running", true);
    if (isFinished(committed)) commits.add(Promise.resolve([]));
    while (!stop) {
      if (inflight.size >= concurrency) {
        await Promise.race(inflight);
        continue;
      }
      const waiting = inflight.size > 0;
      // A half-empty execute wastes a request: while answers are coming that bring more work, wait.
      const preview = planner.available;
      if (preview < VK_EXECUTE_LIMIT && waiting) {
        await Promise.race(inflight);
        continue;
      }
      if (preview === 0) {
        // Nothing to ask: either everything is committed, or commits are still running.
        await commits.idle();
        if (stop) break;
        if (planner.exhausted) {
          if (isFinished(committed)) break;
          // Planned work failed its commit and must be planned again from what is committed.
          throw new Fatal("the import lost track of its pending pages");
        }
        continue;
      }
      if (commits.size >= MAX_UNCOMMITTED) {
        // The writer is far behind: wait for it rather than hold ever more answers.
        const waitStart = Date.now();
        await Promise.race([commits.committedSome(), commits.idle()]);
        timing.backpressureMs += Date.now() - waitStart;
        continue;
      }
      const paceStart = Date.now();
      await pacer.acquire();
      if (deps.sharedSlot) await deps.sharedSlot(channel.id);
      timing.paceMs += Date.now() - paceStart;
      if (stop) break;
      const calls = planner.plan();
      if (calls.length === 0) continue;
      const requestStart = Date.now();
      const request = runBatch(adapter, calls).then(
        (results) => {
          timing.requests += 1;
          timing.requestMs += Date.now() - requestStart;
          const failure = planner.take(results);
          if (failure === undefined) pacer.succeeded();
          else noteFailure(failure);
          return results;
        },
        (error: unknown) => {
          planner.giveBack(calls);
          noteFailure(error instanceof BatchError ? error.reason : error);
          return null;
        },
      );
      commits.add(request);
      const tracked: Promise<unknown> = request.finally(() => inflight.delete(tracked));
      inflight.add(tracked);
    }
    await Promise.allSettled(inflight);
    await commits.idle();
  } catch (error) {
    stop ??= { outcome: "failed", error: errorText(error) };
    await Promise.allSettled(inflight);
    await commits.idle().catch(() => undefined);
  }
  const outcome: RunOutcome = stop?.outcome ?? "done";
  log("import session", { outcome, seconds: (Date.now() - progress.session.start) / 1000, ...timing });
  if (outcome === "failed") {
    await finish(db, input, me, "failed", stop?.error ?? "неизвестная ошибка");
    await progress.publish("failed", true);
  }
  if (outcome === "taken_over") {
    // Paused or cancelled by a person, or picked up by another worker: report what the row says.
    const [row] = await withTenant(db, input.projectId, (tx) => tx.select({ state: importRuns.state }).from(importRuns).where(eq(importRuns.id, input.runId)));
    if (row?.state === "paused" || row?.state === "cancelled") {
      await progress.publish(row.state, true);
      return row.state;
    }
  }
  return outcome;
}

async function queueMedia(deps: VkImportDeps, projectId: string, attachmentIds: string[]): Promise<void> {
  if (!deps.enqueueMedia) return;
  await Promise.all(attachmentIds.map((attachmentId) => deps.enqueueMedia!({ projectId, attachmentId })));
}

async function finish(db: Db, input: { projectId: string; runId: string }, me: string, state: "failed", lastError: string): Promise<void> {
  await withTenant(db, input.projectId, (tx) =>
    tx
      .update(importRuns)
      .set({ state, lastError, finishedAt: new Date() })
      .where(and(eq(importRuns.id, input.runId), eq(importRuns.state, "running"), sql`${importRuns.cursor}->>'owner' = ${me}`)),
  );
}
