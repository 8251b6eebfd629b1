import { VK_EXECUTE_LIMIT, VK_PAGE_LIMIT } from "@threadline/channels";
import type { BatchCall, CallResult } from "./vk-batch.ts";
import { applyListing, pagesAfterFirst, type VkImportCursor } from "./vk-cursor.ts";

/** Executes' worth of dialogs listed ahead of their history: slow answers of the list do not starve the token. */
const LISTING_AHEAD = 24;

type HistoryCall = Extract<BatchCall, { kind: "history" }>;

/**
 * What to ask VK next, running ahead of the commits: the pages of the dialogs already known, and
 * the next page of the dialog list while not too many pages wait. It starts from what the run
 * has committed, so a resumed run asks again for everything not yet stored.
 */
export class VkPlanner {
  private readonly ready: HistoryCall[] = [];
  private readonly listing: Pick<VkImportCursor, "phase" | "offset" | "startMaxId" | "totalDialogs"> & { busy: boolean };

  constructor(committed: VkImportCursor) {
    for (const [peer, d] of Object.entries(committed.dialogs)) {
      const pages = d.total === null ? [0] : d.pages;
      for (const offset of pages) this.ready.push(history(Number(peer), offset));
    }
    this.listing = { phase: committed.phase, offset: committed.offset, startMaxId: committed.startMaxId, totalDialogs: committed.totalDialogs, busy: false };
  }

  /** Calls that could go out now: the pages ready and a page of the list if one may be asked. */
  get available(): number {
    return this.ready.length + (this.listing.phase !== "done" && !this.listing.busy ? 1 : 0);
  }

  /** Nothing left to ask, and no answer of the list outstanding that could bring more. */
  get exhausted(): boolean {
    return this.ready.length === 0 && (this.listing.phase === "done" || this.listing.busy);
  }

  /** The calls of the next execute (at most VK_EXECUTE_LIMIT). */
  plan(): BatchCall[] {
    const calls: BatchCall[] = [];
    if (this.listing.phase !== "done" && !this.listing.busy && this.ready.length < VK_EXECUTE_LIMIT * LISTING_AHEAD) {
      calls.push({ kind: "conversations", offset: this.listing.offset, count: VK_PAGE_LIMIT });
      this.listing.busy = true;
    }
    while (calls.length < VK_EXECUTE_LIMIT && this.ready.length > 0) calls.push(this.ready.shift()!);
    return calls;
  }

  /**
   * Takes an execute's answers: a page of the list brings its dialogs' first pages, a dialog's
   * first page brings its other pages, a failed call is asked again. Returns the first failure.
   */
  take(results: CallResult[]): unknown {
    let failure: unknown;
    for (const r of results) {
      if (r.kind === "failed") {
        failure ??= r.error;
        this.giveBack([r.call]);
        continue;
      }
      if (r.kind === "conversations") {
        const next = applyListing(this.listing, r);
        Object.assign(this.listing, { phase: next.phase, offset: next.offset, startMaxId: next.startMaxId, totalDialogs: next.totalDialogs, busy: false });
        for (const d of next.dialogs) this.ready.push(history(d.peerId, 0));
      } else if (r.call.offset === 0) {
        for (const offset of pagesAfterFirst(r.total)) this.ready.push(history(r.call.peerId, offset));
      }
    }
    return failure;
  }

  /** Calls that got no answer go out again: pages first, the list when it is next asked. */
  giveBack(calls: BatchCall[]): void {
    for (const call of calls) {
      if (call.kind === "conversations") this.listing.busy = false;
      else this.ready.unshift(call);
    }
  }
}

function history(peerId: number, offset: number): HistoryCall {
  return { kind: "history", peerId, offset, count: VK_PAGE_LIMIT };
}
