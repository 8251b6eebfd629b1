import type { VkPeerState, VkSimMessage } from "./records.ts";

// A community's mailbox as the API reads it: dialogs ordered by their last message, and each
// dialog's history by position. History comes from two places: a seeded past, generated on
// demand from a seed (a community of 200k dialogs and millions of messages costs a few arrays),
// and live messages added since (sends, clients writing), held as objects. Listing a page of
// dialogs and reading a page of history cost the page, not the mailbox.

/** A generated history: dialogs with consecutive message ids, in the order they were written. */
export interface SeededHistory {
  readonly dialogs: number;
  /** Peer id of the dialog at an index; dialogs are seeded in ascending last-message order. */
  peerOf(index: number): number;
  /** Index of a seeded peer, or -1. */
  indexOf(peerId: number): number;
  length(index: number): number;
  /** Id of the dialog's first message; the others follow it one by one. */
  firstId(index: number): number;
  /** The dialog's message at a position (0 = oldest), made fresh on every call. */
  message(index: number, position: number): VkSimMessage;
  /** The dialog's state when the seed was written. */
  state(index: number): Omit<VkPeerState, "nextConversationMessageId">;
  /** Every message id below this belongs to the seed. */
  readonly nextId: number;
}

export class VkMailbox {
  /** Live messages in the order they were added. */
  readonly live: VkSimMessage[] = [];
  private readonly liveByPeer = new Map<number, VkSimMessage[]>();
  /** Peers whose last message is live, in ascending order of that message (Map keeps insertion order). */
  private readonly recent = new Map<number, number>();
  private recentNewestFirst: number[] | null = null;
  /** Seeded dialog indices that have a live message since, ascending. */
  private readonly moved: number[] = [];
  /** Seeded messages someone changed (edits): kept, so the change sticks. */
  private readonly changed = new Map<number, VkSimMessage>();
  private liveById: Map<number, VkSimMessage> | null = null;

  constructor(public seeded?: SeededHistory) {}

  add(message: VkSimMessage): void {
    this.live.push(message);
    this.liveById?.set(message.id, message);
    let list = this.liveByPeer.get(message.peerId);
    if (!list) this.liveByPeer.set(message.peerId, (list = []));
    list.push(message);
    this.recent.delete(message.peerId);
    this.recent.set(message.peerId, message.id);
    this.recentNewestFirst = null;
    const index = this.seeded ? this.seeded.indexOf(message.peerId) : -1;
    if (index >= 0) {
      const at = lowerBound(this.moved, index);
      if (this.moved[at] !== index) this.moved.splice(at, 0, index);
    }
  }

  private seededLength(peerId: number): { index: number; length: number } {
    const index = this.seeded ? this.seeded.indexOf(peerId) : -1;
    return { index, length: index >= 0 ? this.seeded!.length(index) : 0 };
  }

  historyLength(peerId: number): number {
    return this.seededLength(peerId).length + (this.liveByPeer.get(peerId)?.length ?? 0);
  }

  /** The dialog's message at a position, oldest first. */
  historyAt(peerId: number, position: number): VkSimMessage | undefined {
    const { index, length } = this.seededLength(peerId);
    if (position < length) {
      const id = this.seeded!.firstId(index) + position;
      return this.changed.get(id) ?? this.seeded!.message(index, position);
    }
    return this.liveByPeer.get(peerId)?.[position - length];
  }

  /** Positions [from, to) of the dialog, oldest first. */
  historySlice(peerId: number, from: number, to: number): VkSimMessage[] {
    const end = Math.min(to, this.historyLength(peerId));
    const out: VkSimMessage[] = [];
    for (let p = Math.max(0, from); p < end; p += 1) out.push(this.historyAt(peerId, p)!);
    return out;
  }

  lastMessage(peerId: number): VkSimMessage | undefined {
    const n = this.historyLength(peerId);
    return n > 0 ? this.historyAt(peerId, n - 1) : undefined;
  }

  /** Inbound messages after the given id, counted from the newest back. */
  unreadAfter(peerId: number, inRead: number): number {
    let unread = 0;
    for (let p = this.historyLength(peerId) - 1; p >= 0; p -= 1) {
      const m = this.historyAt(peerId, p)!;
      if (m.id <= inRead) break;
      if (m.out === 0) unread += 1;
    }
    return unread;
  }

  dialogCount(): number {
    return (this.seeded?.dialogs ?? 0) - this.moved.length + this.recent.size;
  }

  /** Peers of dialogs ordered by their last message, newest first: [offset, offset + count). */
  dialogsByRecency(offset: number, count: number): number[] {
    this.recentNewestFirst ??= [...this.recent.keys()].reverse();
    const live = this.recentNewestFirst;
    const out: number[] = [];
    for (let i = offset; i < live.length && out.length < count; i += 1) out.push(live[i]!);
    if (!this.seeded || out.length === count) return out;
    // Seeded dialogs newest first are indices dialogs-1 … 0 minus those that moved: find the
    // first one of the page by stepping over moved ones above it, then walk down.
    let position = this.seeded.dialogs - 1 - Math.max(0, offset - live.length);
    let m = this.moved.length - 1;
    while (m >= 0 && this.moved[m]! >= position) {
      position -= 1;
      m -= 1;
    }
    while (out.length < count && position >= 0) {
      if (m >= 0 && this.moved[m] === position) m -= 1;
      else out.push(this.seeded.peerOf(position));
      position -= 1;
    }
    return out;
  }

  /** A message by id, for edits and reads; a seeded one is kept from now on. */
  message(id: number): VkSimMessage | undefined {
    if (this.seeded && id < this.seeded.nextId) {
      const kept = this.changed.get(id);
      if (kept) return kept;
      const index = upperBoundBy(this.seeded.dialogs, (i) => this.seeded!.firstId(i), id) - 1;
      if (index < 0 || id - this.seeded.firstId(index) >= this.seeded.length(index)) return undefined;
      const message = this.seeded.message(index, id - this.seeded.firstId(index));
      this.changed.set(id, message);
      return message;
    }
    this.liveById ??= new Map(this.live.map((m) => [m.id, m]));
    return this.liveById.get(id);
  }

  /** Every peer with a dialog (seeded or live). */
  *peers(): Generator<number> {
    for (let i = 0; i < (this.seeded?.dialogs ?? 0); i += 1) yield this.seeded!.peerOf(i);
    for (const peerId of this.liveByPeer.keys()) if (!this.seeded || this.seeded.indexOf(peerId) < 0) yield peerId;
  }
}

function lowerBound(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in [0, n) whose key is above the value (keys ascending). */
function upperBoundBy(n: number, key: (i: number) => number, value: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key(mid) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
