import type { MenuKeyboard } from "@threadline/channels";
import type { CatalogProductView, CatalogView } from "../catalog/types.ts";
import { formatMoney } from "../money.ts";
import { lineLabel } from "../orders/pricing.ts";

// The menu bot's screens as plain data: what the state is, how each screen looks (text and
// buttons), and how a button's payload is written and read. No I/O here.

export type Screen =
  | { kind: "home" }
  | { kind: "category"; categoryId: string | null }
  /** `unitMinor`: the price with the chosen options as shown; a press on «Добавить» compares it. */
  | { kind: "product"; productId: string; optionIds: string[]; unitMinor: number }
  | { kind: "cart" }
  | { kind: "ask"; field: "name" | "phone" | "time" | "address" }
  | { kind: "fulfilment" }
  | { kind: "confirm" }
  | { kind: "done"; number: number };

export type CartLine = { productId: string; name: string; optionIds: string[]; optionNames: string[]; unitPriceMinor: number; quantity: number };

export type Checkout = { name?: string; phone?: string; fulfilment?: "pickup" | "delivery"; pickupTime?: string; address?: string };

/** `photoShown`: the photo the live menu message carries (a product card's), so its next edit knows what it replaces. */
export type MenuState = { screen: Screen; cart: CartLine[]; checkout: Checkout; photoShown?: string | null };

export const emptyState = (): MenuState => ({ screen: { kind: "home" }, cart: [], checkout: {} });

/**
 * A button's payload: `<token>:<version>:<action>[:<arg>]`. The token names the menu session (a
 * press from another chat's or an older menu does not match), the version the screen it was on
 * (a second tap of the same button, or a tap on a screen already replaced, is refused). Ids are
 * UUIDs without dashes: 6 + 1 + ≤6 + 1 + 1 + 1 + 32 = 48 bytes at most, under Telegram's 64.
 */
export type MenuAction =
  | { action: "home" }
  | { action: "category"; id: string | null }
  | { action: "product"; id: string }
  | { action: "option"; id: string }
  | { action: "add" }
  | { action: "cart" }
  | { action: "remove"; index: number }
  | { action: "clear" }
  | { action: "checkout" }
  | { action: "fulfilment"; value: "pickup" | "delivery" }
  | { action: "confirm" };

const codes = { home: "h", category: "c", product: "p", option: "o", add: "a", cart: "k", remove: "r", clear: "x", checkout: "q", fulfilment: "f", confirm: "y" } as const;
const byCode = new Map<string, MenuAction["action"]>(Object.entries(codes).map(([k, v]) => [v, k as MenuAction["action"]]));

const shortId = (uuid: string) => uuid.replace(/-/g, "");
const UUID_HEX = /^[0-9a-f]{32}$/;
const longId = (hex: string) => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

export function encodeButton(token: string, version: number, a: MenuAction): string {
  const arg =
    a.action === "category" ? (a.id ? shortId(a.id) : "-")
    : a.action === "product" || a.action === "option" ? shortId(a.id)
    : a.action === "remove" ? String(a.index)
    : a.action === "fulfilment" ? (a.value === "pickup" ? "p" : "d")
    : undefined;
  return [token, version, codes[a.action], ...(arg !== undefined ? [arg] : [])].join(":");
}

/** The payload read back, or null for anything the bot did not write (a forged or broken press). */
export function decodeButton(data: string): { token: string; version: number; action: MenuAction } | null {
  const [token, version, code, arg, ...rest] = data.split(":");
  if (!token || !version || !/^\d{1,9}$/.test(version) || !code || rest.length) return null;
  const name = byCode.get(code);
  if (!name) return null;
  const id = (hex: string | undefined) => (hex && UUID_HEX.test(hex) ? longId(hex) : null);
  let action: MenuAction | null;
  switch (name) {
    case "category":
      action = arg === "-" ? { action: name, id: null } : id(arg) ? { action: name, id: id(arg)! } : null;
      break;
    case "product":
    case "option":
      action = id(arg) ? { action: name, id: id(arg)! } : null;
      break;
    case "remove":
      action = arg && /^\d{1,2}$/.test(arg) ? { action: name, index: Number(arg) } : null;
      break;
    case "fulfilment":
      action = arg === "p" || arg === "d" ? { action: name, value: arg === "p" ? "pickup" : "delivery" } : null;
      break;
    default:
      action = arg === undefined ? ({ action: name } as MenuAction) : null;
  }
  return action ? { token, version: Number(version), action } : null;
}

/** A screen: its text (a photo's caption when `photoKey` names the product's photo) and buttons. */
export type Rendered = { text: string; keyboard: MenuKeyboard; photoKey?: string };

/** The photo the state's screen shows: a product card's, when the product has one. */
export function screenPhoto(state: MenuState, catalog: CatalogView): string | undefined {
  const screen = state.screen;
  if (screen.kind !== "product") return undefined;
  return catalog.products.find((p) => p.id === screen.productId)?.photoKey ?? undefined;
}

/** The price of a product with the chosen options, per piece. */
export function unitPrice(product: CatalogProductView, optionIds: readonly string[]): number {
  return product.priceMinor + product.options.filter((o) => optionIds.includes(o.id)).reduce((sum, o) => sum + o.priceDeltaMinor, 0);
}

export const cartTotal = (cart: readonly CartLine[]) => cart.reduce((sum, l) => sum + l.unitPriceMinor * l.quantity, 0);

const cartLabel = (l: CartLine) => lineLabel({ name: l.name, options: l.optionNames.map((name) => ({ group: "", name, priceDeltaMinor: 0 })), quantity: l.quantity });

/** Draws the state's screen; `button` writes a payload for the screen's version. */
export function render(state: MenuState, catalog: CatalogView, button: (a: MenuAction) => string): Rendered {
  const money = (minor: number) => formatMoney(minor, catalog.currency);
  const b = (text: string, a: MenuAction) => ({ text, data: button(a) });
  const cartRow = state.cart.length ? [[b(`🛒 Корзина · ${state.cart.reduce((n, l) => n + l.quantity, 0)} · ${money(cartTotal(state.cart))}`, { action: "cart" })]] : [];
  const toMenu = [b("← Меню", { action: "home" })];
  const screen = state.screen;
  switch (screen.kind) {
    case "home": {
      const rows = catalog.categories.filter((c) => catalog.products.some((p) => p.categoryId === c.id)).map((c) => [b(c.name, { action: "category", id: c.id })]);
      if (catalog.products.some((p) => !p.categoryId)) rows.push([b("Другое", { action: "category", id: null })]);
      return { text: rows.length ? "Меню. Выберите раздел:" : "Меню пока пусто. Напишите нам, и мы ответим.", keyboard: [...rows, ...cartRow] };
    }
    case "category": {
      const name = catalog.categories.find((c) => c.id === screen.categoryId)?.name ?? "Другое";
      const products = catalog.products.filter((p) => p.categoryId === screen.categoryId);
      const rows = products.map((p) => [b(p.available ? `${p.name} · ${money(p.priceMinor)}` : `${p.name} · нет в наличии`, { action: "product", id: p.id })]);
      return { text: `${name}. Выберите:`, keyboard: [...rows, ...cartRow, toMenu] };
    }
    case "product": {
      const p = catalog.products.find((x) => x.id === screen.productId)!;
      const chosen = p.options.filter((o) => screen.optionIds.includes(o.id));
      const text = [
        `${p.name} — ${money(p.priceMinor)}`,
        p.description,
        p.options.length ? (chosen.length ? `Выбрано: ${chosen.map((o) => o.name).join(", ")}` : "Выберите добавки или сразу добавьте в корзину.") : "",
        `Итого: ${money(screen.unitMinor)}`,
      ].filter(Boolean).join("\n");
      const optionRows = p.options.filter((o) => o.available).map((o) => [b(`${screen.optionIds.includes(o.id) ? "✓ " : ""}${o.name}${o.priceDeltaMinor ? ` +${money(o.priceDeltaMinor)}` : ""}`, { action: "option", id: o.id })]);
      return {
        text,
        ...(p.photoKey ? { photoKey: p.photoKey } : {}),
        keyboard: [...optionRows, [b(`Добавить в корзину · ${money(screen.unitMinor)}`, { action: "add" })], [b("← Назад", { action: "category", id: p.categoryId })], ...cartRow],
      };
    }
    case "cart": {
      if (!state.cart.length) return { text: "Корзина пуста.", keyboard: [toMenu] };
      const lines = state.cart.map((l, i) => `${i + 1}. ${cartLabel(l)} — ${money(l.unitPriceMinor * l.quantity)}`);
      return {
        text: ["Ваш заказ:", ...lines, `Итого: ${money(cartTotal(state.cart))}`].join("\n"),
        keyboard: [
          [b("Оформить заказ", { action: "checkout" })],
          ...state.cart.map((l, i) => [b(`✕ ${cartLabel(l)}`, { action: "remove", index: i })]),
          [b("Очистить", { action: "clear" }), ...toMenu],
        ],
      };
    }
    case "ask": {
      const question = {
        name: "Как вас зовут? Напишите имя в ответ.",
        phone: "Ваш телефон для связи? Например: +7 912 345-67-89",
        time: "К какому времени приготовить? Например: 12:30 или «через 15 минут».",
        address: "Куда доставить? Напишите адрес: улица, дом, квартира.",
      }[screen.field];
      return { text: question, keyboard: [[b("← Корзина", { action: "cart" })]] };
    }
    case "fulfilment":
      return { text: "Самовывоз или доставка?", keyboard: [[b("Самовывоз", { action: "fulfilment", value: "pickup" }), b("Доставка", { action: "fulfilment", value: "delivery" })], [b("← Корзина", { action: "cart" })]] };
    case "confirm": {
      const c = state.checkout;
      const text = [
        "Проверьте заказ:",
        ...state.cart.map((l) => `• ${cartLabel(l)} — ${money(l.unitPriceMinor * l.quantity)}`),
        `Итого: ${money(cartTotal(state.cart))}`,
        `Имя: ${c.name ?? ""}`,
        `Телефон: ${c.phone ?? ""}`,
        c.fulfilment === "delivery" ? `Доставка: ${c.address ?? ""}` : `Самовывоз: ${c.pickupTime ?? ""}`,
      ].join("\n");
      return { text, keyboard: [[b("Подтвердить заказ", { action: "confirm" })], [b("← Корзина", { action: "cart" })]] };
    }
    case "done":
      return { text: `Спасибо! Заказ №${screen.number} оформлен. Мы напишем, когда он будет готов.`, keyboard: [[b("Новый заказ", { action: "home" })]] };
  }
}
