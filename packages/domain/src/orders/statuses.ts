import type { OrderStatus } from "@threadline/db";

// The way an order goes: new → confirmed → preparing → ready → done, forward only (a step may be
// skipped: a barista may mark a confirmed order ready at once), or cancelled before it is done.

const flow: readonly OrderStatus[] = ["new", "confirmed", "preparing", "ready", "done"];

export function canMoveOrder(from: OrderStatus, to: OrderStatus): boolean {
  if (from === "done" || from === "cancelled" || from === to) return false;
  if (to === "cancelled") return true;
  return flow.indexOf(to) > flow.indexOf(from);
}

export const ORDER_STATUS_RU: Record<OrderStatus, string> = {
  new: "новый",
  confirmed: "подтверждён",
  preparing: "готовится",
  ready: "готов",
  done: "выдан",
  cancelled: "отменён",
};

/** What the client is told on each status, unless the project wrote its own text. */
export const DEFAULT_ORDER_TEMPLATES: Record<OrderStatus, string> = {
  new: "Заказ №{number} принят: {items}. Сумма {total}. Скоро подтвердим!",
  confirmed: "Заказ №{number} подтверждён. Сумма {total}.",
  preparing: "Готовим ваш заказ №{number}.",
  ready: "Заказ №{number} готов! Можно забирать.",
  done: "Заказ №{number} выдан. Спасибо, что выбрали нас!",
  cancelled: "Заказ №{number} отменён. Если это ошибка, напишите нам.",
};

export const MAX_TEMPLATE_LENGTH = 1000;

export type TemplateValues = { number: number; total: string; items: string; name: string };

export function renderOrderTemplate(template: string, values: TemplateValues): string {
  return template.replace(/\{(number|total|items|name)\}/g, (_, key: keyof TemplateValues) => String(values[key]));
}
