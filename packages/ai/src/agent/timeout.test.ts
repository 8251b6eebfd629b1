import { describe, expect, it } from "vitest";
import { defaultScript } from "./script.ts";
import { isSilenceExpired, silenceDeadline, timeoutTransition } from "./timeout.ts";
import type { ThreadMessage } from "./types.ts";

const at = (minute: number) => new Date(Date.UTC(2025, 2, 3, 9, minute));
const thread: ThreadMessage[] = [
  { author: "client", text: "Где вы?", sentAt: at(0) },
  { author: "agent", text: "Здравствуйте!", action: "greet", sentAt: at(0) },
  { author: "agent", text: "Оставьте номер", action: "ask_phone", sentAt: at(1) },
];
const script = defaultScript("Кофейня", { timeoutMinutes: 60 });

describe("silence timeout on a virtual clock", () => {
  it("runs from the last message once the agent has asked", () => {
    expect(silenceDeadline(thread, 60)).toEqual(at(61));
    expect(silenceDeadline(thread.slice(0, 2), 60)).toBeNull();
    expect(silenceDeadline([], 60)).toBeNull();
  });

  it("moves on with every client message", () => {
    const later = [...thread, { author: "client" as const, text: "а доставка?", sentAt: at(30) }];
    expect(silenceDeadline(later, 60)).toEqual(at(90));
    expect(isSilenceExpired(later, 60, at(61))).toBe(false);
  });

  it("expires at the deadline, not before", () => {
    expect(isSilenceExpired(thread, 60, at(60))).toBe(false);
    expect(isSilenceExpired(thread, 60, at(61))).toBe(true);
  });

  it("turns a silent lead in bot into low_quality", () => {
    expect(timeoutTransition({ script, thread, stage: "bot", now: at(62) })).toEqual({ to: "low_quality", reason: "silence_timeout" });
    expect(timeoutTransition({ script, thread, stage: "bot", now: at(31) })).toBeNull();
    expect(timeoutTransition({ script, thread, stage: "assigned", now: at(200) })).toBeNull();
    expect(timeoutTransition({ script, thread, stage: "bot", known: { phone: "+79123456789" }, now: at(200) })).toBeNull();
  });

  it("hands a lead with the phone to a person when the client leaves a script field unanswered", () => {
    const asking = [...thread, { author: "agent" as const, text: "Как к вам обращаться?", action: "ask_field" as const, sentAt: at(2) }];
    expect(timeoutTransition({ script, thread: asking, stage: "bot", known: { phone: "+79123456789" }, now: at(63) })).toEqual({ to: "assigned", reason: "phone_known" });
    expect(timeoutTransition({ script, thread: asking, stage: "bot", known: { phone: "+79123456789" }, now: at(30) })).toBeNull();
  });
});
