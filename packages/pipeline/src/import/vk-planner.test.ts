import type { MessageEvent } from "@threadline/channels";
import { describe, expect, it } from "vitest";
import type { CallResult, DialogSummary } from "./vk-batch.ts";
import { OrderedCommits } from "./vk-commit-queue.ts";
import { advanceCursor } from "./vk-committer.ts";
import { emptyVkCursor, type VkImportCursor } from "./vk-cursor.ts";
import { VkPlanner } from "./vk-planner.ts";

// The import's units without VK or a database; the run as a whole is tested in vk-import.test.ts.

const dialog = (peerId: number, over: Partial<DialogSummary> = {}): DialogSummary => ({ peerId, lastMessageId: peerId * 10, inRead: 0, outRead: 0, canWrite: true, name: `Клиент ${peerId}`, ...over });

function listed(offset: number, dialogs: DialogSummary[], total: number): CallResult {
  return { kind: "conversations", call: { kind: "conversations", offset, count: 200 }, total, dialogs, items: dialogs.length };
}

function historyPage(peerId: number, offset: number, total: number, ids: number[]): CallResult {
  const messages = ids.map((id) => ({ type: "message", externalMessageId: String(id), direction: "inbound", text: `#${id}`, attachments: [], sentAt: new Date(id * 1000).toISOString() }) as unknown as MessageEvent);
  return { kind: "history", call: { kind: "history", peerId, offset, count: 200 }, total, messages };
}

describe("VkPlanner", () => {
  it("lists dialogs first, then asks each dialog's first page, then the pages its first page announced", () => {
    const planner = new VkPlanner(emptyVkCursor());
    expect(planner.plan()).toEqual([{ kind: "conversations", offset: 0, count: 200 }]);
    expect(planner.available).toBe(0);
    expect(planner.exhausted).toBe(true);

    expect(planner.take([listed(0, [dialog(1), dialog(2)], 2)])).toBeUndefined();
    expect(planner.plan()).toEqual([
      { kind: "conversations", offset: 0, count: 200 },
      { kind: "history", peerId: 1, offset: 0, count: 200 },
      { kind: "history", peerId: 2, offset: 0, count: 200 },
    ]);
    planner.take([historyPage(1, 0, 450, [1])]);
    expect(planner.plan().filter((c) => c.kind === "history")).toEqual([
      { kind: "history", peerId: 1, offset: 200, count: 200 },
      { kind: "history", peerId: 1, offset: 400, count: 200 },
    ]);
  });

  it("resumes from the committed cursor: the pending pages of each dialog, the list where it stopped", () => {
    const cursor: VkImportCursor = {
      phase: "walk",
      offset: 400,
      totalDialogs: 900,
      startMaxId: 77,
      dialogs: { "5": { total: 600, pages: [400], inRead: 0, outRead: 0 }, "6": { total: null, pages: [0], inRead: 0, outRead: 0 } },
    };
    expect(new VkPlanner(cursor).plan()).toEqual([
      { kind: "conversations", offset: 400, count: 200 },
      { kind: "history", peerId: 5, offset: 400, count: 200 },
      { kind: "history", peerId: 6, offset: 0, count: 200 },
    ]);
  });

  it("asks again what got no answer and returns the first failure", () => {
    const planner = new VkPlanner(emptyVkCursor());
    planner.take([listed(0, [dialog(1)], 1)]);
    const calls = planner.plan();
    planner.giveBack(calls);
    expect(planner.plan()).toEqual(calls);
    const error = new Error("flood") as never;
    expect(planner.take([{ kind: "failed", call: calls[1]!, error }])).toBe(error);
    expect(planner.plan()).toEqual([calls[1]]);
  });
});

describe("advanceCursor", () => {
  it("adds listed dialogs, stores each one's client with its first page, and completes a dialog on its last page", () => {
    const listing = advanceCursor(emptyVkCursor(), [listed(0, [dialog(1, { inRead: 2, outRead: 3 }), dialog(2)], 2)]);
    expect(listing.next.phase).toBe("catchup");
    expect(listing.next.totalDialogs).toBe(2);
    expect(listing.next.dialogs["1"]).toEqual({ total: null, pages: [0], inRead: 2, outRead: 3, client: { name: "Клиент 1", canWrite: true } });
    expect(listing.batch).toEqual({ dialogs: [], pages: [] });

    const first = advanceCursor(listing.next, [historyPage(1, 0, 250, [1, 2, 3, 4])]);
    expect(first.batch.dialogs).toEqual([{ externalId: "1", chatId: "1", name: "Клиент 1", profileUrl: expect.stringContaining("1"), active: true }]);
    expect(first.batch.pages[0]!.messages.map((m) => [m.externalId, m.readByClient])).toEqual([["1", true], ["2", true], ["3", true], ["4", false]]);
    expect(first.batch.pages[0]!.readUpTo!("2")).toBe(true);
    expect(first.batch.pages[0]!.readUpTo!("3")).toBe(false);
    expect(first.next.dialogs["1"]).toEqual({ total: 250, pages: [200], inRead: 2, outRead: 3 });
    expect(first.completed).toBe(0);

    const last = advanceCursor(first.next, [historyPage(1, 200, 250, [5])]);
    expect(last.batch.dialogs).toEqual([]);
    expect(last.next.dialogs["1"]).toBeUndefined();
    expect(last.completed).toBe(1);
    expect(last.finished).toBe(false);
  });

  it("finishes once the catch-up pass is done and no dialog is pending; a caught-up dialog is not counted twice", () => {
    const walked: VkImportCursor = { phase: "catchup", offset: 0, totalDialogs: 1, startMaxId: 10, dialogs: {} };
    const caught = advanceCursor(walked, [listed(0, [dialog(3, { lastMessageId: 30 }), dialog(1, { lastMessageId: 10 })], 2)]);
    expect(caught.next.phase).toBe("done");
    expect(Object.keys(caught.next.dialogs)).toEqual(["3"]);
    const done = advanceCursor(caught.next, [historyPage(3, 0, 1, [31])]);
    expect(done.completed).toBe(0);
    expect(done.finished).toBe(true);
  });
});

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe("OrderedCommits", () => {
  it("commits answers in the order their executes were sent, merging those already in", async () => {
    const written: { results: CallResult[]; executes: number }[] = [];
    const commits = new OrderedCommits(async (results, executes) => void written.push({ results, executes }), () => false);
    const answers = [0, 1, 2].map(() => deferred<CallResult[] | null>());
    for (const a of answers) commits.add(a.promise);
    const [a, c] = [listed(0, [], 0), listed(400, [], 0)];
    answers[2]!.resolve([c]);
    answers[1]!.resolve(null);
    await Promise.resolve();
    expect(written).toEqual([]);
    answers[0]!.resolve([a]);
    await commits.idle();
    expect(written).toEqual([{ results: [a, c], executes: 2 }]);
    expect(commits.size).toBe(0);
  });

  it("commits nothing once the run has stopped", async () => {
    const written: CallResult[][] = [];
    const commits = new OrderedCommits(async (results) => void written.push(results), () => true);
    commits.add(Promise.resolve([listed(0, [], 0)]));
    await commits.idle();
    expect(written).toEqual([]);
  });
});
