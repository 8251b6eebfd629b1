import { randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { importRuns, withTenant, type Db } from "@threadline/db";
import { isChannelError, vkProfileUrl, VK_EXECUTE_LIMIT, VK_PAGE_LIMIT, VkAdapter } from "@threadline/channels";
import { BatchError, runBatch, type BatchCall, type CallResult, type DialogSummary } from "./vk-batch.ts";
import { RequestPacer, type BackoffReason } from "./pacer.ts";
import type { MediaJob } from "../jobs/index.ts";
import { progressPercent, type ImportRunState } from "./runs.ts";
import { pendingImportedAttachments, storeImportBatch, type ImportChannel, type ImportedContact, type ImportedDialogPage } from "./store.ts";

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

export interface VkDialogState {
  /** Messages in the dialog, once the first page told; null before. */
  total: number | null;
  /** Offsets (from the oldest message) of the pages not yet stored. */
  pages: number[];
  inRead: number;
  outRead: number;
  /** Found by the catch-up pass: not counted again in done dialogs. */
  again?: boolean;
  /**
   * The client as the list showed them, until the dialog's first page is stored: contact and
   * conversation are written then, once, with that page's counts.
   */
  client?: { name: string; canWrite: boolean };
}

export interface VkImportCursor {
  phase: "walk" | "catchup" | "done";
  /** Next getConversations offset of the current phase. */
  offset: number;
  totalDialogs: number | null;
  /** The newest message id when the walk began: anything newer is caught up at the end. */
  startMaxId: number;
  dialogs: Record<string, VkDialogState>;
  owner?: string;
}

export function emptyVkCursor(): VkImportCursor {
  return { phase: "walk", offset: 0, totalDialogs: null, startMaxId: 0, dialogs: {} };
}

export type RunOutcome = "done" | "paused" | "cancelled" | "failed" | "taken_over" | "not_runnable";

export type ImportProgress = {
  type: "import.progress";
  projectId: string;
  runId: string;
  channelId: string;
  state: ImportRunState;
  totalDialogs: number | null;
  doneDialogs: number;
  /** Percent of dialogs done, 0–100, as the run's view computes it. */
  percent: number;
  importedMessages: number;
  apiRequests: number;
  messagesPerSecond: number;
  etaSeconds: number | null;
};

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
  onLog?: (message: string, details?: Record<string, unknown>) => void;
}

/** Answers fetched but not yet committed, at most: the fetcher waits beyond this. */
const MAX_UNCOMMITTED = 40;
/** Executes' worth of dialogs listed ahead of their history: slow answers of the list do not starve the token. */
const LISTING_AHEAD = 24;
/** Answers committed together at most, when the writer has fallen behind. */
const MAX_MERGED = 40;

class TakenOver extends Error {}
class Fatal extends Error {}

function parseCursor(raw: Record<string, unknown>): VkImportCursor {
  const c = raw as Partial<VkImportCursor>;
  if (c.phase === undefined) return emptyVkCursor();
  return { phase: c.phase, offset: c.offset ?? 0, totalDialogs: c.totalDialogs ?? null, startMaxId: c.startMaxId ?? 0, dialogs: c.dialogs ?? {} };
}

function pagesAfterFirst(total: number): number[] {
  const pages: number[] = [];
  for (let offset = VK_PAGE_LIMIT; offset < total; offset += VK_PAGE_LIMIT) pages.push(offset);
  return pages;
}

/**
 * How a page of the dialog list moves the listing on: the dialogs to import and the next phase
 * and offset. Pure: the planner and the committer apply it alike.
 */
export function applyListing(
  cursor: Pick<VkImportCursor, "phase" | "offset" | "startMaxId" | "totalDialogs">,
  result: Extract<CallResult, { kind: "conversations" }>,
): { phase: VkImportCursor["phase"]; offset: number; startMaxId: number; totalDialogs: number | null; dialogs: DialogSummary[]; again: boolean } {
  if (cursor.phase === "walk") {
    const startMaxId = result.call.offset === 0 && cursor.startMaxId === 0 ? Math.max(0, ...result.dialogs.map((d) => d.lastMessageId)) : cursor.startMaxId;
    const offset = result.call.offset + result.items;
    const finished = result.items === 0 || offset >= result.total;
    return { phase: finished ? "catchup" : "walk", offset: finished ? 0 : offset, startMaxId, totalDialogs: cursor.totalDialogs ?? result.total, dialogs: result.dialogs, again: false };
  }
  const fresh = result.dialogs.filter((d) => d.lastMessageId > cursor.startMaxId);
  const finished = result.items === 0 || fresh.length < result.dialogs.length || result.call.offset + result.items >= result.total;
  return { phase: finished ? "done" : "catchup", offset: result.call.offset + result.items, startMaxId: cursor.startMaxId, totalDialogs: cursor.totalDialogs, dialogs: fresh, again: true };
}

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
  if (isChannelError(error)) return error.reasonRu ?? error.message;
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

  // ---- committed state (what the database holds) and counters ----
  let committed = parseCursor(claimed.cursor);
  if (deps.enqueueMedia && claimed.apiRequests > 0) {
    // A worker killed between a commit and queueing its files left them pending: queue them
    // again (the media job's id is the attachment's, so queued ones are not doubled).
    const pending = await withTenant(db, input.projectId, (tx) => pendingImportedAttachments(tx, claimed.channelId));
    await queueMedia(deps, input.projectId, pending);
  }
  const counts = { done: claimed.doneDialogs, messages: claimed.importedMessages, requests: claimed.apiRequests };
  const session = { start: Date.now(), messages: 0, dialogs: 0 };

  // ---- planner state (ahead of commits) ----
  const ready: Extract<BatchCall, { kind: "history" }>[] = [];
  for (const [peer, d] of Object.entries(committed.dialogs)) {
    const pages = d.total === null ? [0] : d.pages;
    for (const offset of pages) ready.push({ kind: "history", peerId: Number(peer), offset, count: VK_PAGE_LIMIT });
  }
  const listing = { phase: committed.phase, offset: committed.offset, startMaxId: committed.startMaxId, totalDialogs: committed.totalDialogs, busy: false };

  const pacer = new RequestPacer({ limit: deps.requestsPerSecond ?? 20 });
  const concurrency = deps.concurrency ?? 8;
  const inflight = new Set<Promise<unknown>>();
  let stop: { outcome: RunOutcome; error?: string } | null = null;
  let lastPublish = 0;

  const plan = (): BatchCall[] => {
    const calls: BatchCall[] = [];
    if (listing.phase !== "done" && !listing.busy && ready.length < VK_EXECUTE_LIMIT * LISTING_AHEAD) {
      calls.push({ kind: "conversations", offset: listing.offset, count: VK_PAGE_LIMIT });
      listing.busy = true;
    }
    while (calls.length < VK_EXECUTE_LIMIT && ready.length > 0) calls.push(ready.shift()!);
    return calls;
  };

  const onResults = (results: CallResult[]) => {
    let failure: unknown;
    for (const r of results) {
      if (r.kind === "failed") {
        failure ??= r.error;
        if (r.call.kind === "conversations") listing.busy = false;
        else ready.unshift(r.call);
        continue;
      }
      if (r.kind === "conversations") {
        const next = applyListing(listing, r);
        Object.assign(listing, { phase: next.phase, offset: next.offset, startMaxId: next.startMaxId, totalDialogs: next.totalDialogs, busy: false });
        for (const d of next.dialogs) ready.push({ kind: "history", peerId: d.peerId, offset: 0, count: VK_PAGE_LIMIT });
      } else if (r.call.offset === 0) {
        for (const offset of pagesAfterFirst(r.total)) ready.push({ kind: "history", peerId: r.call.peerId, offset, count: VK_PAGE_LIMIT });
      }
    }
    if (failure === undefined) pacer.succeeded();
    else noteFailure(failure);
  };

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
  const commit = async (results: CallResult[] | null, executes: number) => {
    if (stop) return;
    const commitStart = Date.now();
    const next: VkImportCursor = { ...committed, dialogs: { ...committed.dialogs } };
    let completed = 0;
    const pages: ImportedDialogPage[] = [];
    const listed: ImportedContact[] = [];
    for (const r of results ?? []) {
      if (r.kind === "conversations") {
        const moved = applyListing(next, r);
        Object.assign(next, { phase: moved.phase, offset: moved.offset, startMaxId: moved.startMaxId, totalDialogs: moved.totalDialogs });
        for (const d of moved.dialogs) {
          next.dialogs[String(d.peerId)] = {
            total: null,
            pages: [0],
            inRead: d.inRead,
            outRead: d.outRead,
            client: { name: d.name, canWrite: d.canWrite },
            ...(moved.again ? { again: true } : {}),
          };
        }
      }
    }
    for (const r of results ?? []) {
      if (r.kind !== "history") continue;
      const key = String(r.call.peerId);
      const dialog = next.dialogs[key];
      if (!dialog) continue;
      const { client, ...state }: VkDialogState = { ...dialog };
      if (client) listed.push({ externalId: key, chatId: key, name: client.name, profileUrl: vkProfileUrl(r.call.peerId), active: client.canWrite });
      if (state.total === null) {
        state.total = r.total;
        state.pages = pagesAfterFirst(r.total);
      } else {
        state.pages = state.pages.filter((p) => p !== r.call.offset);
      }
      const inRead = state.inRead;
      const outRead = state.outRead;
      pages.push({
        chatId: key,
        messages: r.messages.map((m) => ({
          chatId: key,
          externalId: m.externalMessageId,
          direction: m.direction === "inbound" ? "in" : "out",
          text: m.text,
          sentAt: new Date(m.sentAt),
          attachments: m.attachments,
          readByClient: Number(m.externalMessageId) <= outRead,
        })),
        readUpTo: (externalId) => Number(externalId) <= inRead,
      });
      if (state.pages.length === 0) {
        delete next.dialogs[key];
        if (!state.again) completed += 1;
      } else {
        next.dialogs[key] = state;
      }
    }
    const finished = next.phase === "done" && Object.keys(next.dialogs).length === 0;
    const stored = await withTenant(db, input.projectId, async (tx) => {
      const batch = await storeImportBatch(tx, channel, { dialogs: listed, pages });
      const n = batch.inserted;
      const [row] = await tx
        .update(importRuns)
        .set({
          cursor: { ...next, owner: me } as unknown as Record<string, unknown>,
          totalDialogs: next.totalDialogs,
          doneDialogs: sql`${importRuns.doneDialogs} + ${completed}`,
          importedMessages: sql`${importRuns.importedMessages} + ${n}`,
          apiRequests: sql`${importRuns.apiRequests} + ${executes}`,
          ...(finished ? { state: "done" as const, finishedAt: new Date(), lastError: null } : {}),
        })
        .where(and(eq(importRuns.id, input.runId), eq(importRuns.state, "running"), sql`${importRuns.cursor}->>'owner' = ${me}`))
        .returning({ id: importRuns.id });
      if (!row) throw new TakenOver();
      return batch;
    });
    const inserted = stored.inserted;
    await queueMedia(deps, input.projectId, stored.attachmentIds);
    committed = next;
    timing.commits += 1;
    timing.commitMs += Date.now() - commitStart;
    counts.done += completed;
    counts.messages += inserted;
    counts.requests += executes;
    session.messages += inserted;
    session.dialogs += completed;
    if (finished) stop = { outcome: "done" };
    await progress(finished ? "done" : "running", finished);
  };

  const progress = async (state: ImportRunState, force = false) => {
    if (!deps.publish) return;
    const now = Date.now();
    if (!force && now - lastPublish < 1000) return;
    lastPublish = now;
    const elapsed = Math.max(0.001, (now - session.start) / 1000);
    const dialogsRate = session.dialogs / elapsed;
    const total = committed.totalDialogs;
    const left = counts.done < (total ?? 0) ? (total ?? 0) - counts.done : 0;
    await deps
      .publish({
        type: "import.progress",
        projectId: input.projectId,
        runId: input.runId,
        channelId: channel.id,
        state,
        totalDialogs: total,
        doneDialogs: counts.done,
        percent: progressPercent(state, counts.done, total),
        importedMessages: counts.messages,
        apiRequests: counts.requests,
        messagesPerSecond: Math.round(session.messages / elapsed),
        etaSeconds: dialogsRate > 0 ? Math.round(left / dialogsRate) : null,
      })
      .catch(() => undefined);
  };

  // Answers are committed in the order their executes were sent. When commits fall behind,
  // the answers already in are committed together in one transaction.
  type Pending = { settled: boolean; results: CallResult[] | null };
  const pendingCommits: Pending[] = [];
  let commitChain: Promise<void> = Promise.resolve();
  let commitWaiters: (() => void)[] = [];
  const committedSome = () => new Promise<void>((resolve) => commitWaiters.push(resolve));
  const drainOnce = async () => {
    while (pendingCommits[0]?.settled && !stop) {
      let n = 0;
      const merged: CallResult[] = [];
      let executes = 0;
      while (n < pendingCommits.length && pendingCommits[n]!.settled && n < MAX_MERGED) {
        const p = pendingCommits[n]!;
        if (p.results) {
          merged.push(...p.results);
          executes += 1;
        }
        n += 1;
      }
      pendingCommits.splice(0, n);
      try {
        await commit(merged, executes);
      } catch (error) {
        if (error instanceof TakenOver) stop ??= { outcome: "taken_over" };
        else stop ??= { outcome: "failed", error: errorText(error) };
      }
      const waiters = commitWaiters;
      commitWaiters = [];
      for (const wake of waiters) wake();
    }
  };
  const chainCommit = (results: Promise<CallResult[] | null>) => {
    const entry: Pending = { settled: false, results: null };
    pendingCommits.push(entry);
    void results.then((r) => {
      entry.results = r;
      entry.settled = true;
      commitChain = commitChain.then(drainOnce);
    });
    // Waiting on the chain waits for this answer's commit too.
    const waitFor = results.then(() => undefined);
    commitChain = commitChain.then(() => waitFor).then(drainOnce);
  };

  try {
    await progress("running", true);
    if (committed.phase === "done" && Object.keys(committed.dialogs).length === 0) {
      chainCommit(Promise.resolve([]));
    }
    while (!stop) {
      if (inflight.size >= concurrency) {
        await Promise.race(inflight);
        continue;
      }
      const waiting = inflight.size > 0;
      // A half-empty execute wastes a request: while answers are coming that bring more work, wait.
      const preview = ready.length + (listing.phase !== "done" && !listing.busy ? 1 : 0);
      if (preview < VK_EXECUTE_LIMIT && waiting) {
        await Promise.race(inflight);
        continue;
      }
      if (preview === 0) {
        // Nothing to ask: either everything is committed, or commits are still running.
        await commitChain;
        if (stop) break;
        if (ready.length === 0 && (listing.phase === "done" || listing.busy)) {
          if (committed.phase === "done" && Object.keys(committed.dialogs).length === 0) break;
          // Planned work failed its commit and must be planned again from what is committed.
          throw new Fatal("the import lost track of its pending pages");
        }
        continue;
      }
      if (pendingCommits.length >= MAX_UNCOMMITTED) {
        // The writer is far behind: wait for it rather than hold ever more answers.
        const waitStart = Date.now();
        await Promise.race([committedSome(), commitChain]);
        timing.backpressureMs += Date.now() - waitStart;
        continue;
      }
      const paceStart = Date.now();
      await pacer.acquire();
      timing.paceMs += Date.now() - paceStart;
      if (stop) break;
      const calls = plan();
      if (calls.length === 0) continue;
      const requestStart = Date.now();
      const request = runBatch(adapter, calls).then(
        (results) => {
          timing.requests += 1;
          timing.requestMs += Date.now() - requestStart;
          onResults(results);
          return results;
        },
        (error: unknown) => {
          const cause = error instanceof BatchError ? error.reason : error;
          for (const call of calls) {
            if (call.kind === "conversations") listing.busy = false;
            else ready.unshift(call);
          }
          noteFailure(cause);
          return null;
        },
      );
      chainCommit(request);
      const tracked: Promise<unknown> = request.finally(() => inflight.delete(tracked));
      inflight.add(tracked);
    }
    await Promise.allSettled(inflight);
    await commitChain;
  } catch (error) {
    stop ??= { outcome: "failed", error: errorText(error) };
    await Promise.allSettled(inflight);
    await commitChain.catch(() => undefined);
  }
  const outcome: RunOutcome = stop?.outcome ?? "done";
  log("import session", { outcome, seconds: (Date.now() - session.start) / 1000, ...timing });
  if (outcome === "failed") {
    await finish(db, input, me, "failed", stop?.error ?? "неизвестная ошибка");
    await progress("failed", true);
  }
  if (outcome === "taken_over") {
    // Paused or cancelled by a person, or picked up by another worker: report what the row says.
    const [row] = await withTenant(db, input.projectId, (tx) => tx.select({ state: importRuns.state }).from(importRuns).where(eq(importRuns.id, input.runId)));
    if (row?.state === "paused" || row?.state === "cancelled") {
      await progress(row.state, true);
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
