import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { channels, importRuns, type Tx } from "@threadline/db";
import type { Member } from "@threadline/domain/access/member.ts";
import { recordAudit } from "@threadline/domain/audit/service.ts";
import { conflict, notFound } from "@threadline/domain/errors.ts";

// Import runs: one row per run with its state, cursor, totals and counts. One unfinished run per
// channel (queued, running or paused); a person starts, pauses, resumes and cancels it.

export type ImportRunState = "queued" | "running" | "paused" | "done" | "failed" | "cancelled";
const UNFINISHED: ImportRunState[] = ["queued", "running", "paused"];

export type ImportRunView = {
  id: string;
  channelId: string;
  channelName: string;
  channelKind: "vk" | "telegram";
  source: "vk_api" | "telegram_export";
  state: ImportRunState;
  totalDialogs: number | null;
  doneDialogs: number;
  importedMessages: number;
  apiRequests: number;
  /** Percent of dialogs done, 0–100. */
  percent: number;
  messagesPerSecond: number;
  etaSeconds: number | null;
  lastError: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  createdAt: Date;
};

/** Percent of dialogs done, 0–100; a finished run is 100 whatever the counts say. */
export function progressPercent(state: string, done: number, total: number | null): number {
  return state === "done" ? 100 : total ? Math.min(100, Math.floor((done / total) * 100)) : 0;
}

export function viewRun(row: typeof importRuns.$inferSelect, channel: { name: string; kind: "vk" | "telegram" }, now = new Date()): ImportRunView {
  const total = row.totalDialogs;
  const done = Math.min(row.doneDialogs, total ?? row.doneDialogs);
  const percent = progressPercent(row.state, done, total);
  const end = row.finishedAt ?? now;
  const elapsed = row.startedAt ? Math.max(1, (end.getTime() - row.startedAt.getTime()) / 1000) : 0;
  const rate = elapsed > 0 ? row.importedMessages / elapsed : 0;
  const dialogRate = elapsed > 0 ? done / elapsed : 0;
  const eta = row.state === "running" && total && dialogRate > 0 ? Math.round((total - done) / dialogRate) : null;
  return {
    id: row.id,
    channelId: row.channelId,
    channelName: channel.name,
    channelKind: channel.kind,
    source: row.source,
    state: row.state,
    totalDialogs: total,
    doneDialogs: done,
    importedMessages: row.importedMessages,
    apiRequests: row.apiRequests,
    percent,
    messagesPerSecond: Math.round(rate),
    etaSeconds: eta,
    lastError: row.lastError,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    createdAt: row.createdAt,
  };
}

export async function listImportRuns(tx: Tx, limit = 50): Promise<ImportRunView[]> {
  const rows = await tx
    .select({ run: importRuns, name: channels.name, kind: channels.kind })
    .from(importRuns)
    .innerJoin(channels, eq(channels.id, importRuns.channelId))
    .orderBy(desc(importRuns.createdAt))
    .limit(limit);
  return rows.map((r) => viewRun(r.run, { name: r.name, kind: r.kind }));
}

export async function getImportRun(tx: Tx, runId: string): Promise<ImportRunView> {
  const [r] = await tx
    .select({ run: importRuns, name: channels.name, kind: channels.kind })
    .from(importRuns)
    .innerJoin(channels, eq(channels.id, importRuns.channelId))
    .where(eq(importRuns.id, runId));
  if (!r) throw notFound("importRun");
  return viewRun(r.run, { name: r.name, kind: r.kind });
}

/** Creates a queued run, refusing a second unfinished one on the same channel. */
export async function createImportRun(tx: Tx, input: { projectId: string; channelId: string; source: "vk_api" | "telegram_export"; actor?: Member }) {
  // Serialises starts on one channel: the check and the insert see the same world.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`import:${input.channelId}`}))`);
  const [channel] = await tx.select().from(channels).where(eq(channels.id, input.channelId));
  if (!channel) throw notFound("channel");
  const [open] = await tx
    .select({ id: importRuns.id })
    .from(importRuns)
    .where(and(eq(importRuns.channelId, input.channelId), inArray(importRuns.state, UNFINISHED)));
  if (open) throw conflict("imports.running", "По этому каналу уже идёт импорт: дождитесь его окончания или отмените его");
  const [run] = await tx.insert(importRuns).values({ projectId: input.projectId, channelId: input.channelId, source: input.source, state: "queued" }).returning();
  if (input.actor) {
    await recordAudit(tx, { projectId: input.projectId, actorUserId: input.actor.userId, action: "import.start", targetType: "import_run", targetId: run!.id, details: { channelId: input.channelId, source: input.source } });
  }
  return run!;
}

async function transition(tx: Tx, runId: string, from: ImportRunState[], to: ImportRunState, actor: Member | undefined, action: string) {
  const [row] = await tx
    .update(importRuns)
    .set({ state: to, ...(to === "cancelled" ? { finishedAt: new Date() } : {}) })
    .where(and(eq(importRuns.id, runId), inArray(importRuns.state, from)))
    .returning();
  if (!row) {
    const [current] = await tx.select({ state: importRuns.state }).from(importRuns).where(eq(importRuns.id, runId));
    if (!current) throw notFound("importRun");
    throw conflict("imports.wrongState", `Импорт сейчас в состоянии «${current.state}»: это действие недоступно`, { state: current.state });
  }
  if (actor) await recordAudit(tx, { projectId: row.projectId, actorUserId: actor.userId, action, targetType: "import_run", targetId: runId });
  return row;
}

export const pauseImportRun = (tx: Tx, runId: string, actor?: Member) => transition(tx, runId, ["queued", "running"], "paused", actor, "import.pause");
/** Back to queued: the caller enqueues the job once the transaction is committed. */
export const resumeImportRun = (tx: Tx, runId: string, actor?: Member) => transition(tx, runId, ["paused", "failed"], "queued", actor, "import.resume");
export const cancelImportRun = (tx: Tx, runId: string, actor?: Member) => transition(tx, runId, ["queued", "running", "paused"], "cancelled", actor, "import.cancel");
