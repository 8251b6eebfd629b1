import { describe, expect, it } from "vitest";
import { eventJobId } from "./dedupe.ts";

describe("event job ids", () => {
  it("prefix the channel and keep colons out", () => {
    expect(eventJobId("ch_1", { dedupeId: "vk.message.42" })).toBe("ch_1.vk.message.42");
    expect(eventJobId("a:b", { dedupeId: "tg.bmessage.1.2.conn:x" })).toBe("a_b.tg.bmessage.1.2.conn_x");
  });
});
