import { and, eq, sql } from "drizzle-orm";
import { importRuns, withTenant, type Db } from "@threadline/db";
import { vkProfileUrl } from "@threadline/channels";
import type { CallResult } from "./vk-batch.ts";
import { applyListing, isFinished, pagesAfterFirst, type VkDialogState, type VkImportCursor } from "./vk-cursor.ts";
import { storeImportBatch, type ImportBatch, type ImportChannel, type ImportedContact, type ImportedDialogPage, type StoredBatch } from "./store.ts";

/** The run's row is no longer this worker's: paused, cancelled, or claimed by another worker. */
export class TakenOver extends Error {}

/** What committing a set of answers writes: the rows, and the cursor and counts that go with them. */
export type VkCommit = {
  next: VkImportCursor;
  batch: ImportBatch;
  /** Dialogs whose last page is in this commit (catch-up dialogs are not counted again). */
  completed: number;
  finished: boolean;
};

/**
 * How answers move the committed cursor on: pages of the list add their dialogs, history pages
 * become rows and leave their dialog's pending pages. Pure: nothing is written here.
 */
export function advanceCursor(committed: VkImportCursor, results: CallResult[]): VkCommit {
  const next: VkImportCursor = { ...committed, dialogs: { ...committed.dialogs } };
  let completed = 0;
  const pages: ImportedDialogPage[] = [];
  const listed: ImportedContact[] = [];
  for (const r of results) {
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
  for (const r of results) {
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
  return { next, batch: { dialogs: listed, pages }, completed, finished: isFinished(next) };
}

/**
 * Writes a commit in one transaction: its rows, the run's cursor and counters, and the run's end
 * when it finishes. Only while the run is running and still this worker's (TakenOver otherwise),
 * so a worker that lost the run writes nothing.
 */
export async function writeVkCommit(
  db: Db,
  run: { projectId: string; runId: string; owner: string },
  channel: ImportChannel,
  commit: VkCommit,
  executes: number,
): Promise<StoredBatch> {
  const { next, completed, finished } = commit;
  return withTenant(db, run.projectId, async (tx) => {
    const batch = await storeImportBatch(tx, channel, commit.batch);
    const n = batch.inserted;
    const [row] = await tx
      .update(importRuns)
      .set({
        cursor: { ...next, owner: run.owner } as unknown as Record<string, unknown>,
        totalDialogs: next.totalDialogs,
        doneDialogs: sql`${importRuns.doneDialogs} + ${completed}`,
        importedMessages: sql`${importRuns.importedMessages} + ${n}`,
        apiRequests: sql`${importRuns.apiRequests} + ${executes}`,
        ...(finished ? { state: "done" as const, finishedAt: new Date(), lastError: null } : {}),
      })
      .where(and(eq(importRuns.id, run.runId), eq(importRuns.state, "running"), sql`${importRuns.cursor}->>'owner' = ${run.owner}`))
      .returning({ id: importRuns.id });
    if (!row) throw new TakenOver();
    return batch;
  });
}
