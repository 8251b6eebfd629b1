import { describe, expect, it } from "vitest";
import { i18next } from "@threadline/ui";
import { whyNoMessages, type RunCounters } from "./import-outcome.ts";

const t = i18next.getFixedT("ru");
const why = (run: RunCounters) => {
  const key = whyNoMessages(run);
  return key && t(key);
};

describe("an import run with no messages says why", () => {
  it("a channel with no conversations", () => {
    expect(why({ state: "done", doneDialogs: 0, importedMessages: 0 })).toBe("Переносить нечего: в канале нет ни одного диалога с клиентами.");
  });

  it("conversations whose messages were all already stored (webhook or an earlier import)", () => {
    expect(why({ state: "done", doneDialogs: 12, importedMessages: 0 })).toMatch(/^Новых сообщений нет: все сообщения этих диалогов уже есть в Threadline/);
    expect(why({ state: "cancelled", doneDialogs: 3, importedMessages: 0 })).toMatch(/^Новых сообщений нет/);
  });

  it("a run cancelled before its first conversation", () => {
    expect(why({ state: "cancelled", doneDialogs: 0, importedMessages: 0 })).toBe("Импорт отменили до того, как был перенесён первый диалог.");
  });

  it("says nothing while it runs, when it failed (its error says why), or when messages came", () => {
    for (const state of ["queued", "running", "paused", "failed"] as const) expect(whyNoMessages({ state, doneDialogs: 0, importedMessages: 0 })).toBeNull();
    expect(whyNoMessages({ state: "done", doneDialogs: 4, importedMessages: 120 })).toBeNull();
  });

  it("every reason has its English words", () => {
    const en = i18next.getFixedT("en");
    for (const key of ["import.whyNoDialogs", "import.whyNothingNew", "import.whyCancelledEarly"] as const) expect(en(key)).not.toBe(key);
  });
});
