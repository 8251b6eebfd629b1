import { describe, expect, it } from "vitest";
import type { MenuKeyboard } from "../types.ts";
import { normaliseVkEvent } from "./events.ts";
import { fitVkInline, isVkMenuScreen, vkMenuData, vkMenuKeyboard, vkSnackbarText } from "./menu.ts";

const b = (text: string) => ({ text, data: `t:1:${text}` });
const labels = (k: MenuKeyboard) => k.map((row) => row.map((x) => x.text));

describe("VK menu keyboard", () => {
  it("keeps a keyboard that fits VK's inline grid as it is", () => {
    const keyboard = [[b("Кофе")], [b("Выпечка")], [b("🛒")]];
    expect(fitVkInline(keyboard)).toEqual(keyboard);
  });

  it("pairs single-button rows while there are more than 6, keeping the order", () => {
    // A cappuccino: five options, «Добавить», «Назад», the cart — eight rows of one.
    const keyboard = ["о1", "о2", "о3", "о4", "о5", "Добавить", "Назад", "Корзина"].map((t) => [b(t)]);
    expect(labels(fitVkInline(keyboard))).toEqual([["о1", "о2"], ["о3", "о4"], ["о5"], ["Добавить"], ["Назад"], ["Корзина"]]);
  });

  it("past 10 buttons keeps the last row (the way back) and cuts the rows before it", () => {
    const keyboard = [[b("Оформить")], ...Array.from({ length: 12 }, (_, i) => [b(`✕ ${i}`)]), [b("Очистить"), b("← Меню")]];
    const fitted = fitVkInline(keyboard);
    expect(fitted.flat().length).toBeLessThanOrEqual(10);
    expect(fitted.length).toBeLessThanOrEqual(6);
    expect(labels(fitted).at(-1)).toEqual(["Очистить", "← Меню"]);
    expect(labels(fitted)[0]).toEqual(["Оформить", "✕ 0"]);
  });

  it("writes callback buttons with labels of at most 40 characters and the data in a JSON payload", () => {
    const json = JSON.parse(vkMenuKeyboard([[{ text: "✕ Капучино (овсяное, сироп ваниль, сироп карамель) ×2", data: "abc123:7:r:0" }]]));
    expect(json.inline).toBe(true);
    const action = json.buttons[0][0].action;
    expect(action.type).toBe("callback");
    expect(action.label.length).toBe(40);
    expect(action.label.endsWith("…")).toBe(true);
    expect(JSON.parse(action.payload)).toEqual({ menu: "abc123:7:r:0" });
  });

  it("reads the data back from a payload as text or object; anything else stays unrecognisable", () => {
    expect(vkMenuData('{"menu":"abc:1:h"}')).toBe("abc:1:h");
    expect(vkMenuData({ menu: "abc:1:h" })).toBe("abc:1:h");
    expect(vkMenuData('{"command":"start"}')).toBe('{"command":"start"}');
    expect(vkMenuData("not json")).toBe("not json");
    expect(vkMenuData({ menu: 5 })).toBe('{"menu":5}');
    expect(vkMenuData(undefined)).toBe("null");
  });

  it("cuts a snackbar to VK's 90 characters", () => {
    expect(vkSnackbarText("я".repeat(120))).toHaveLength(90);
    expect(vkSnackbarText("Готово")).toBe("Готово");
  });
});

describe("VK menu events", () => {
  const press = (object: Record<string, unknown>) => normaliseVkEvent({ type: "message_event", group_id: 1, event_id: "e1", v: "5.199", object });

  it("reads a press (message_event) as a button event named by the message's number in the dialog", () => {
    const parsed = press({ user_id: 501, peer_id: 501, event_id: "3f2a", payload: '{"menu":"abc:2:k"}', conversation_message_id: 14 });
    expect(parsed).toEqual({
      kind: "events",
      events: [expect.objectContaining({ type: "button", channel: "vk", chatId: "501", callbackId: "3f2a", data: "abc:2:k", externalMessageId: "14", dedupeId: "vk.press.3f2a" })],
    });
  });

  it("ignores presses in group chats and refuses a press without its ids", () => {
    expect(press({ user_id: 501, peer_id: 2_000_000_001, event_id: "x", payload: "{}" })).toMatchObject({ kind: "ignored" });
    expect(() => press({ peer_id: 501, event_id: "x", payload: "{}" })).toThrow(/user_id/);
  });

  it("keeps the menu's own screens (community messages with callback buttons) out of the thread", () => {
    const keyboard = { one_time: false, inline: true, buttons: [[{ action: { type: "callback", label: "Кофе", payload: '{"menu":"a"}' } }]] };
    const message = { id: 9, date: 1, peer_id: 501, from_id: -1, text: "Меню", out: 1, conversation_message_id: 3, attachments: [], keyboard };
    expect(isVkMenuScreen(message)).toBe(true);
    expect(normaliseVkEvent({ type: "message_reply", group_id: 1, event_id: "r", v: "5.199", object: message })).toMatchObject({ kind: "ignored" });
    expect(normaliseVkEvent({ type: "message_edit", group_id: 1, event_id: "r", v: "5.199", object: message })).toMatchObject({ kind: "ignored" });
    const { keyboard: _k, ...plain } = message;
    expect(normaliseVkEvent({ type: "message_reply", group_id: 1, event_id: "r", v: "5.199", object: plain })).toMatchObject({ kind: "events" });
  });
});
