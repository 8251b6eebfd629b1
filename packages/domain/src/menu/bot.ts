import { randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { channels, conversations, menuSessions, type Tx } from "@threadline/db";
import type { MenuKeyboard } from "@threadline/channels";
import { loadCatalog } from "../catalog/read.ts";
import type { CatalogView } from "../catalog/types.ts";
import { DomainError } from "../errors.ts";
import { createOrder, normalizeOrderPhone, type OrderEffects } from "../orders/service.ts";
import { formatMoney } from "../money.ts";
import { priceLines } from "../orders/pricing.ts";
import { menuBotOn } from "./settings.ts";
import { decodeButton, emptyState, encodeButton, render, screenPhoto, unitPrice, type MenuAction, type MenuState } from "./screens.ts";

// The menu bot of a channel in menu mode: /start or «Меню» opens a button menu (categories →
// products → options → cart → checkout); the client's answers to the checkout's questions come
// as text. One menu message is live per conversation and is edited in place; every press is
// checked against the session's token, live message and screen version before anything changes.

/** How long a menu stays usable after its last use. */
export const MENU_TTL_MS = 24 * 60 * 60 * 1000;
const MAX_NAME = 100;
const MAX_FIELD = 200;

/** What the channel must do: answer the press, edit the live menu or send a new one. */
export type MenuReply = {
  answer?: { text?: string; alert?: boolean };
  /**
   * Edit the live message (`edit`) or send a new menu message (`send`), then record its id. A
   * product card carries the product's photo (`photoKey`, the text its caption); `shownPhoto` is the
   * photo of the message being edited, since a platform may not turn text into a photo in place.
   */
  show?: { mode: "edit" | "send"; text: string; keyboard: MenuKeyboard; messageId?: string; photoKey?: string; shownPhoto?: string | null };
  token?: string;
  /** An order was taken: its message to send and events to publish. */
  order?: OrderEffects;
};

type Session = typeof menuSessions.$inferSelect;

const MENU_WORDS = /^\s*(\/start(?:@\w+)?|\/menu|меню)\s*$/iu;

/** Whether a text opens the menu (/start, /menu, «Меню»). */
export const opensMenu = (text: string) => MENU_WORDS.test(text);

async function sessionOf(tx: Tx, conversationId: string): Promise<Session | undefined> {
  const [row] = await tx.select().from(menuSessions).where(eq(menuSessions.conversationId, conversationId)).for("update");
  return row;
}

function stateOf(session: Session): MenuState {
  const s = session.state as Partial<MenuState>;
  return { ...emptyState(), ...s };
}

async function save(tx: Tx, session: Session, state: MenuState, patch: Partial<Pick<Session, "token" | "menuMessageId">> = {}): Promise<Session> {
  const [row] = await tx
    .update(menuSessions)
    .set({ state: state as unknown as Record<string, unknown>, version: sql`${menuSessions.version} + 1`, updatedAt: new Date(), ...patch })
    .where(eq(menuSessions.conversationId, session.conversationId))
    .returning();
  return row!;
}

function show(session: Session, state: MenuState, catalog: CatalogView, mode: "edit" | "send", shownPhoto: string | null = null): MenuReply["show"] {
  const drawn = render(state, catalog, (a) => encodeButton(session.token, session.version, a));
  return { mode, ...drawn, ...(mode === "edit" && session.menuMessageId ? { messageId: session.menuMessageId, shownPhoto } : {}) };
}

/** Notes in the state the photo of the screen about to be shown; returns the photo of the one shown now. */
function notePhoto(state: MenuState, catalog: CatalogView): string | null {
  const shown = state.photoShown ?? null;
  state.photoShown = screenPhoto(state, catalog) ?? null;
  return shown;
}

/** Whether the conversation's channel is in menu mode. */
export async function menuModeOf(tx: Tx, conversationId: string): Promise<boolean> {
  const [row] = await tx.select({ settings: channels.settings }).from(conversations).innerJoin(channels, eq(channels.id, conversations.channelId)).where(eq(conversations.id, conversationId));
  return !!row && menuBotOn(row.settings);
}

/**
 * A client's text in a menu-mode channel: /start or «Меню» opens a new menu (the old one
 * expires); an answer to the checkout's question moves the checkout on. Anything else is not the
 * menu's (null): it goes to the agent or a manager as usual.
 */
export async function handleMenuText(tx: Tx, input: { projectId: string; conversationId: string; text: string }): Promise<MenuReply | null> {
  if (!(await menuModeOf(tx, input.conversationId))) return null;
  const session = await sessionOf(tx, input.conversationId);
  if (opensMenu(input.text)) {
    const token = randomBytes(4).toString("base64url").slice(0, 6);
    const state: MenuState = { ...(session ? stateOf(session) : emptyState()), screen: { kind: "home" }, photoShown: null };
    const [row] = await tx
      .insert(menuSessions)
      .values({ conversationId: input.conversationId, projectId: input.projectId, token, version: 1, state: state as unknown as Record<string, unknown>, menuMessageId: null })
      .onConflictDoUpdate({ target: menuSessions.conversationId, set: { token, version: sql`${menuSessions.version} + 1`, state: state as unknown as Record<string, unknown>, menuMessageId: null, updatedAt: new Date() } })
      .returning();
    return { show: show(row!, state, await loadCatalog(tx), "send"), token };
  }
  if (!session || expired(session)) return null;
  const state = stateOf(session);
  if (state.screen.kind !== "ask") return null;
  const text = input.text.trim();
  const field = state.screen.field;
  // A wrong answer keeps the question; the answer moves the checkout on.
  let problem: string | null = null;
  if (field === "name") {
    if (!text || text.length > MAX_NAME) problem = "Имя — от 1 до 100 символов.";
    else {
      state.checkout.name = text;
      state.screen = { kind: "ask", field: "phone" };
    }
  } else if (field === "phone") {
    try {
      state.checkout.phone = normalizeOrderPhone(text);
      state.screen = { kind: "fulfilment" };
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      problem = "Не похоже на номер телефона.";
    }
  } else if (!text || text.length > MAX_FIELD) {
    problem = "Напишите до 200 символов.";
  } else {
    if (field === "time") state.checkout.pickupTime = text;
    else state.checkout.address = text;
    state.screen = { kind: "confirm" };
  }
  // The reply is a new message below the client's: it becomes the live menu.
  const catalog = await loadCatalog(tx);
  notePhoto(state, catalog);
  const saved = await save(tx, session, state, { menuMessageId: null });
  const drawn = show(saved, state, catalog, "send")!;
  return { show: problem ? { ...drawn, text: `${problem}\n${drawn.text}` } : drawn, token: saved.token };
}

const expired = (session: Session) => Date.now() - session.updatedAt.getTime() > MENU_TTL_MS;

export const MENU_ANSWERS = {
  foreign: "Эта кнопка не из этого чата.",
  expired: "Это меню устарело. Напишите «Меню», чтобы открыть новое.",
  stale: "Меню уже обновилось — смотрите последнее сообщение.",
  broken: "Кнопка не распознана. Напишите «Меню».",
} as const;

/**
 * A press on a menu button. Refused without a change: a payload the bot did not write, another
 * menu's token (another chat, or a menu replaced by /start), a message that is not the live menu,
 * a menu unused for a day, a screen version already gone (a double tap adds once). Otherwise
 * the screen changes, checked against the catalog as it is now.
 */
export async function handleMenuButton(
  tx: Tx,
  input: { projectId: string; conversationId: string; data: string; externalMessageId?: string },
): Promise<MenuReply> {
  const decoded = decodeButton(input.data);
  if (!decoded) return { answer: { text: MENU_ANSWERS.broken, alert: true } };
  const session = await sessionOf(tx, input.conversationId);
  const live = !!session?.menuMessageId && session.menuMessageId === input.externalMessageId;
  // Only the message showing the current screen carries the session's token with its current
  // version. Pressed before its id was recorded (a menu just sent, or a screen sent anew where
  // the platform could not edit), the press names it, and it becomes the live menu.
  const unrecorded = !live && !!session && !!input.externalMessageId && session.token === decoded.token && session.version === decoded.version;
  // A button on any other message is an old menu's; on the live menu, another token is a payload
  // copied from another chat's menu.
  if (!session || expired(session) || !(live || unrecorded)) return { answer: { text: MENU_ANSWERS.expired, alert: true } };
  if (session.token !== decoded.token) return { answer: { text: MENU_ANSWERS.foreign, alert: true } };
  if (decoded.version !== session.version) return { answer: { text: MENU_ANSWERS.stale } };
  const catalog = await loadCatalog(tx);
  const state = stateOf(session);
  const outcome = await apply(tx, input, state, catalog, decoded.action);
  const shownPhoto = notePhoto(state, catalog);
  const saved = await save(tx, session, state, unrecorded ? { menuMessageId: input.externalMessageId! } : {});
  return { answer: outcome.answer ?? {}, show: show(saved, state, catalog, "edit", shownPhoto), token: saved.token, ...(outcome.order ? { order: outcome.order } : {}) };
}

type Outcome = { answer?: { text?: string; alert?: boolean }; order?: OrderEffects };

/** The press's change to the state (in place), checked against the catalog as it is now. */
async function apply(tx: Tx, input: { projectId: string; conversationId: string }, state: MenuState, catalog: CatalogView, a: MenuAction): Promise<Outcome> {
  const money = (minor: number) => formatMoney(minor, catalog.currency);
  const product = (id: string) => catalog.products.find((p) => p.id === id);
  switch (a.action) {
    case "home":
      if (state.screen.kind === "done") state.checkout = {};
      state.screen = { kind: "home" };
      return {};
    case "category":
      state.screen = { kind: "category", categoryId: a.id && catalog.categories.some((c) => c.id === a.id) ? a.id : null };
      if (a.id && state.screen.categoryId === null) state.screen = { kind: "home" };
      return {};
    case "cart":
      state.screen = { kind: "cart" };
      return {};
    case "product": {
      const p = product(a.id);
      if (!p) {
        state.screen = { kind: "home" };
        return { answer: { text: "Этого товара больше нет в меню.", alert: true } };
      }
      if (!p.available) return { answer: { text: `«${p.name}» сейчас нет в наличии.`, alert: true } };
      state.screen = { kind: "product", productId: p.id, optionIds: [], unitMinor: p.priceMinor };
      return {};
    }
    case "option": {
      const screen = state.screen;
      if (screen.kind !== "product") return {};
      const p = product(screen.productId);
      if (!p || !p.available) {
        state.screen = { kind: "home" };
        return { answer: { text: "Этого товара сейчас нет.", alert: true } };
      }
      const option = p.options.find((o) => o.id === a.id && o.available);
      if (!option) {
        screen.optionIds = screen.optionIds.filter((id) => p.options.some((o) => o.id === id && o.available));
        screen.unitMinor = unitPrice(p, screen.optionIds);
        return { answer: { text: "Этой добавки больше нет.", alert: true } };
      }
      const on = screen.optionIds.includes(option.id);
      // One option of a group (one milk); add-ons without a group are independent.
      screen.optionIds = screen.optionIds.filter((id) => id !== option.id && (!option.group || p.options.find((o) => o.id === id)?.group !== option.group));
      if (!on) screen.optionIds.push(option.id);
      screen.unitMinor = unitPrice(p, screen.optionIds);
      return {};
    }
    case "add": {
      const screen = state.screen;
      if (screen.kind !== "product") return {};
      const p = product(screen.productId);
      if (!p) {
        state.screen = { kind: "home" };
        return { answer: { text: "Этого товара больше нет в меню.", alert: true } };
      }
      if (!p.available) {
        state.screen = { kind: "category", categoryId: p.categoryId };
        return { answer: { text: `«${p.name}» только что закончился.`, alert: true } };
      }
      const optionIds = screen.optionIds.filter((id) => p.options.some((o) => o.id === id && o.available));
      const now = unitPrice(p, optionIds);
      if (now !== screen.unitMinor || optionIds.length !== screen.optionIds.length) {
        screen.optionIds = optionIds;
        screen.unitMinor = now;
        return { answer: { text: `Цена изменилась: теперь ${money(now)}. Проверьте и нажмите „Добавить“ ещё раз.`, alert: true } };
      }
      const same = state.cart.find((l) => l.productId === p.id && l.optionIds.join() === optionIds.join());
      if (same) same.quantity = Math.min(same.quantity + 1, 99);
      else state.cart.push({ productId: p.id, name: p.name, optionIds, optionNames: p.options.filter((o) => optionIds.includes(o.id)).map((o) => o.name), unitPriceMinor: now, quantity: 1 });
      state.screen = { kind: "category", categoryId: p.categoryId };
      return { answer: { text: `«${p.name}» в корзине` } };
    }
    case "remove":
      state.cart.splice(a.index, 1);
      state.screen = { kind: "cart" };
      return {};
    case "clear":
      state.cart = [];
      state.screen = { kind: "home" };
      return {};
    case "checkout": {
      const problem = checkCart(state, catalog, money);
      if (problem) return problem;
      state.screen = state.checkout.name ? (state.checkout.phone ? { kind: "fulfilment" } : { kind: "ask", field: "phone" }) : { kind: "ask", field: "name" };
      return {};
    }
    case "fulfilment":
      if (state.screen.kind !== "fulfilment") return {};
      state.checkout.fulfilment = a.value;
      state.screen = { kind: "ask", field: a.value === "pickup" ? "time" : "address" };
      return {};
    case "confirm": {
      if (state.screen.kind !== "confirm") return {};
      const problem = checkCart(state, catalog, money);
      if (problem) return problem;
      const c = state.checkout;
      const order = await createOrder(tx, input.projectId, {
        conversationId: input.conversationId,
        source: "menu",
        actor: { kind: "client" },
        lines: state.cart.map((l) => ({ productId: l.productId, optionIds: l.optionIds, quantity: l.quantity, name: l.name })),
        customerName: c.name,
        phone: c.phone ?? null,
        fulfilment: c.fulfilment ?? "pickup",
        pickupTime: c.fulfilment === "delivery" ? null : (c.pickupTime ?? null),
        address: c.fulfilment === "delivery" ? (c.address ?? null) : null,
      });
      state.cart = [];
      state.screen = { kind: "done", number: order.number };
      return { answer: { text: `Заказ №${order.number} оформлен` }, order };
    }
  }
}

/**
 * The cart against the catalog as it is now. A product gone or on the stop-list, or an option
 * gone, is named and the client goes back to the cart; a price that changed updates the cart and
 * asks the client to look again. Null: the cart is as the client saw it.
 */
function checkCart(state: MenuState, catalog: CatalogView, money: (minor: number) => string): Outcome | null {
  for (const line of state.cart) {
    try {
      priceLines(catalog, [{ productId: line.productId, optionIds: line.optionIds, quantity: line.quantity, name: line.name }]);
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      state.screen = { kind: "cart" };
      const why = e.code === "order.productUnavailable" ? "сейчас нет в наличии" : e.code === "order.optionUnknown" ? "больше не готовим с этой добавкой" : "больше нет в меню";
      return { answer: { text: `«${line.name}» ${why}. Уберите его из корзины (✕) и оформите заказ снова.`, alert: true } };
    }
  }
  let changed = false;
  for (const line of state.cart) {
    const p = catalog.products.find((x) => x.id === line.productId)!;
    const now = unitPrice(p, line.optionIds);
    if (now !== line.unitPriceMinor) {
      line.unitPriceMinor = now;
      changed = true;
    }
  }
  if (changed) {
    state.screen = { kind: "cart" };
    const total = state.cart.reduce((sum, l) => sum + l.unitPriceMinor * l.quantity, 0);
    return { answer: { text: `Цены изменились, новая сумма — ${money(total)}. Проверьте корзину и оформите заказ снова.`, alert: true } };
  }
  return null;
}

/** Records the id of the menu message just sent: it becomes the live one (older menus expire). */
export async function recordMenuMessage(tx: Tx, conversationId: string, token: string, externalMessageId: string): Promise<void> {
  await tx.update(menuSessions).set({ menuMessageId: externalMessageId }).where(and(eq(menuSessions.conversationId, conversationId), eq(menuSessions.token, token)));
}
