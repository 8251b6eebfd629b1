import { VK_PAGE_LIMIT } from "@threadline/channels";
import type { CallResult, DialogSummary } from "./vk-batch.ts";

// The VK import's cursor: what a run has committed, stored on the run's row with each commit.
// It says which phase the dialog list is in, where its listing goes on, and which dialogs are
// still pending with which of their pages left.

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

/** The cursor as the run's row holds it (a new run holds none yet). */
export function parseVkCursor(raw: Record<string, unknown>): VkImportCursor {
  const c = raw as Partial<VkImportCursor>;
  if (c.phase === undefined) return emptyVkCursor();
  return { phase: c.phase, offset: c.offset ?? 0, totalDialogs: c.totalDialogs ?? null, startMaxId: c.startMaxId ?? 0, dialogs: c.dialogs ?? {} };
}

/** The offsets of a dialog's history pages after the first, for a dialog of `total` messages. */
export function pagesAfterFirst(total: number): number[] {
  const pages: number[] = [];
  for (let offset = VK_PAGE_LIMIT; offset < total; offset += VK_PAGE_LIMIT) pages.push(offset);
  return pages;
}

export function isFinished(cursor: VkImportCursor): boolean {
  return cursor.phase === "done" && Object.keys(cursor.dialogs).length === 0;
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
