import { describe, expect, it } from "vitest";
import { historyPage, message } from "./testing/fixtures.ts";
import { newestInboundId, oldestFirst } from "./thread-messages.ts";

describe("thread messages", () => {
  it("reads the newest-first pages oldest to newest", () => {
    const first = [message({ text: "1" }), message({ text: "2" })];
    const second = [message({ text: "3" }), message({ text: "4" }), message({ text: "5" })];
    expect(oldestFirst([historyPage(second), historyPage(first)]).map((m) => m.text)).toEqual(["1", "2", "3", "4", "5"]);
    expect(oldestFirst([])).toEqual([]);
  });

  it("finds the client's latest message, whatever was sent after it", () => {
    const fromClient = message();
    expect(newestInboundId([message(), fromClient, message({ direction: "out", author: "member" })])).toBe(fromClient.id);
    expect(newestInboundId([message({ direction: "out", author: "agent" })])).toBe(0);
  });
});
