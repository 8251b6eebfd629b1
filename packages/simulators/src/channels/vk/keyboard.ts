import { VK_ERRORS, VkApiError } from "./params.ts";
import type { VkJson } from "./records.ts";

// Bot keyboards as VK checks them on messages.send / messages.edit: JSON of
// {inline?, one_time?, buttons: rows of {action: {type, label, payload}}}. An inline keyboard
// holds at most 6 rows, 5 buttons in a row and 10 buttons; a label is at most 40 characters and
// a payload JSON text of at most 255. A broken keyboard is error 911.

const LIMITS = { inline: { rows: 6, buttons: 10 }, plain: { rows: 10, buttons: 40 }, perRow: 5, label: 40, payload: 255 } as const;
const BUTTON_TYPES = new Set(["text", "callback", "open_link", "location", "vkpay", "open_app"]);

function invalid(why: string): VkApiError {
  return new VkApiError(VK_ERRORS.keyboard, `Keyboard format is invalid: ${why}`);
}

export type VkButton = { type: string; label: string; payload?: string };

/** The keyboard parameter read and checked; the object a message then carries. */
export function parseKeyboard(text: string): VkJson {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid("not a JSON object");
  }
  if (typeof value !== "object" || value === null || !Array.isArray((value as VkJson).buttons)) throw invalid("buttons is required");
  const keyboard = value as { inline?: unknown; one_time?: unknown; buttons: unknown[] };
  const inline = keyboard.inline === true;
  const limits = inline ? LIMITS.inline : LIMITS.plain;
  if (keyboard.buttons.length > limits.rows) throw invalid(`too many rows (${keyboard.buttons.length} > ${limits.rows})`);
  let count = 0;
  const rows = keyboard.buttons.map((row) => {
    if (!Array.isArray(row) || row.length === 0) throw invalid("a row must be a non-empty array");
    if (row.length > LIMITS.perRow) throw invalid(`too many buttons in a row (${row.length} > ${LIMITS.perRow})`);
    count += row.length;
    return row.map((button: unknown) => {
      const action = (button as { action?: Record<string, unknown> } | null)?.action;
      if (!action || typeof action.type !== "string" || !BUTTON_TYPES.has(action.type)) throw invalid("action.type is invalid");
      if ((action.type === "text" || action.type === "callback") && (typeof action.label !== "string" || action.label === "")) throw invalid("action.label is required");
      if (typeof action.label === "string" && action.label.length > LIMITS.label) throw invalid(`label is longer than ${LIMITS.label} characters`);
      if (action.payload !== undefined) {
        if (typeof action.payload !== "string") throw invalid("payload must be a JSON string");
        if (action.payload.length > LIMITS.payload) throw invalid(`payload is longer than ${LIMITS.payload} characters`);
        try {
          JSON.parse(action.payload);
        } catch {
          throw invalid("payload is not JSON");
        }
      }
      return { action: { type: action.type, ...(action.label !== undefined ? { label: action.label } : {}), ...(action.payload !== undefined ? { payload: action.payload } : {}) } };
    });
  });
  if (count > limits.buttons) throw invalid(`too many buttons (${count} > ${limits.buttons})`);
  return { one_time: keyboard.one_time === true, inline, buttons: rows, author_id: 0 };
}

/** The buttons of a message's keyboard, row after row. */
export function keyboardButtons(keyboard: VkJson | undefined): VkButton[] {
  const rows = (keyboard?.buttons ?? []) as { action: VkButton }[][];
  return rows.flat().map((b) => b.action);
}
