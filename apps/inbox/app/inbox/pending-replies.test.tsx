import { describe, expect, it } from "vitest";
import { pendingReply, withoutPending, withPending } from "./pending-replies.ts";
import { historyPage, message } from "./testing/fixtures.ts";
import { oldestFirst } from "./thread-messages.ts";

const older = [message({ text: "Первое" }), message({ text: "Второе" })];
const newer = [message({ text: "Третье" }), message({ direction: "out", author: "member", authorName: "Анна", text: "Четвёртое" })];
const cursor = { sentAt: new Date("2025-11-27T11:00:00"), id: older[1]!.id };
// Newest page first, as the history query holds it.
const history = () => ({ pages: [historyPage(newer, cursor), historyPage(older)], pageParams: [undefined, cursor] });
const texts = (data: ReturnType<typeof history> | undefined) => oldestFirst(data?.pages ?? []).map((m) => m.text);

describe("pending replies", () => {
  it("a pending reply goes at the bottom of the thread under an id no stored message has", () => {
    const pending = pendingReply("  Уже едем ", undefined, "Анна", "Голосовое сообщение");
    expect(pending).toMatchObject({ direction: "out", author: "member", authorName: "Анна", kind: "text", text: "Уже едем", delivery: "pending" });
    expect(pending.id).toBeLessThan(0);
    expect(pendingReply("ещё", undefined, "Анна", "").id).not.toBe(pending.id);
    expect(texts(withPending(history(), pending))).toEqual(["Первое", "Второе", "Третье", "Четвёртое", "Уже едем"]);
  });

  it("a file without text shows by its name, a voice message as one", () => {
    expect(pendingReply("", { fileName: "счёт.pdf", mime: "application/pdf" }, "Анна", "Голосовое сообщение")).toMatchObject({ kind: "document", text: "📎 счёт.pdf" });
    expect(pendingReply("", { fileName: "voice.ogg", mime: "audio/ogg" }, "Анна", "Голосовое сообщение").text).toBe("🎤 Голосовое сообщение");
    expect(pendingReply("Подпись", { fileName: "voice.ogg", mime: "audio/ogg" }, "Анна", "Голосовое сообщение").text).toBe("Подпись");
  });

  it("a refused reply leaves the thread as it was; the stored messages stay", () => {
    const pending = pendingReply("Уже едем", undefined, "Анна", "");
    const other = pendingReply("Второй ответ", undefined, "Анна", "");
    const shown = withPending(withPending(history(), pending), other);
    expect(texts(withoutPending(shown, pending.id))).toEqual(["Первое", "Второе", "Третье", "Четвёртое", "Второй ответ"]);
    expect(withoutPending(shown, pending.id).pages.map((p) => p.nextCursor)).toEqual(history().pages.map((p) => p.nextCursor));
  });

  it("nothing is added to a history not loaded yet", () => {
    expect(withPending(undefined, pendingReply("Уже едем", undefined, "Анна", ""))).toBeUndefined();
    expect(withoutPending(undefined, -1)).toBeUndefined();
  });
});
