import { isObject } from "../payload.ts";
import type { MenuButton, MenuKeyboard } from "../types.ts";

// The menu bot's keyboard in VK's terms: an inline keyboard of `callback` buttons under the menu
// message. A press comes back as a `message_event` with the button's payload; the payload is
// JSON of at most 255 characters and the label at most 40. VK allows an inline keyboard at most
// 6 rows, 5 buttons in a row and 10 buttons in all.

export const VK_INLINE_LIMITS = { rows: 6, perRow: 5, buttons: 10, label: 40, payload: 255 } as const;

/** The key of our payload object: `{"menu": "<the menu's button data>"}`. */
const MENU_KEY = "menu";

const label = (text: string) => (text.length > VK_INLINE_LIMITS.label ? `${text.slice(0, VK_INLINE_LIMITS.label - 1)}…` : text);

/**
 * Fits a menu keyboard into VK's inline grid, keeping the order: single-button rows are paired
 * while there are more than 6 rows; if more than 10 buttons remain, the last row (the way back)
 * is kept and the rows before it are cut where the count runs out.
 */
export function fitVkInline(keyboard: MenuKeyboard): MenuKeyboard {
  let rows = keyboard.filter((row) => row.length > 0).map((row) => row.slice(0, VK_INLINE_LIMITS.perRow));
  for (let i = 0; rows.length > VK_INLINE_LIMITS.rows && i < rows.length - 1; ) {
    if (rows[i]!.length === 1 && rows[i + 1]!.length === 1) rows = [...rows.slice(0, i), [rows[i]![0]!, rows[i + 1]![0]!], ...rows.slice(i + 2)];
    i++;
  }
  const count = (rs: MenuButton[][]) => rs.reduce((n, r) => n + r.length, 0);
  if (rows.length <= VK_INLINE_LIMITS.rows && count(rows) <= VK_INLINE_LIMITS.buttons) return rows;
  const last = rows.at(-1)!;
  const kept: MenuButton[][] = [];
  for (const row of rows.slice(0, -1)) {
    if (kept.length + 2 > VK_INLINE_LIMITS.rows || count(kept) + row.length + last.length > VK_INLINE_LIMITS.buttons) break;
    kept.push(row);
  }
  return [...kept, last];
}

/** The `keyboard` parameter of messages.send / messages.edit for a menu. */
export function vkMenuKeyboard(keyboard: MenuKeyboard): string {
  const buttons = fitVkInline(keyboard).map((row) =>
    row.map((b) => ({ action: { type: "callback", label: label(b.text), payload: JSON.stringify({ [MENU_KEY]: b.data }) } })),
  );
  return JSON.stringify({ inline: true, buttons });
}

/**
 * The menu's data from a message_event's payload (VK sends it as JSON text or as the object):
 * anything else is returned as its text, which the menu refuses as a button it did not write.
 */
export function vkMenuData(payload: unknown): string {
  let value = payload;
  if (typeof payload === "string") {
    try {
      value = JSON.parse(payload);
    } catch {
      return payload;
    }
  }
  if (isObject(value) && typeof value[MENU_KEY] === "string") return value[MENU_KEY];
  return typeof payload === "string" ? payload : JSON.stringify(payload ?? null);
}

/** Whether a community message carries a menu keyboard: VK's echo of a menu screen, not a reply. */
export function isVkMenuScreen(message: Record<string, unknown>): boolean {
  const keyboard = message.keyboard;
  if (!isObject(keyboard) || !Array.isArray(keyboard.buttons)) return false;
  return keyboard.buttons.some((row) => Array.isArray(row) && row.some((b) => isObject(b) && isObject(b.action) && b.action.type === "callback"));
}

/** A snackbar's text: VK shows at most 90 characters. */
export const vkSnackbarText = (text: string) => (text.length > 90 ? `${text.slice(0, 89)}…` : text);
