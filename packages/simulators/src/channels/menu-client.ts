import { sleep } from "./delivery.ts";
import type { TelegramBotApiSimulator, TgClient } from "./telegram/simulator.ts";
import type { TgSentMessage } from "./telegram/world.ts";
import type { VkApiSimulator } from "./vk/simulator.ts";

// A scripted client that orders through a bot's inline-button menu: it writes «Меню», presses
// buttons by their text and answers the checkout's questions, waiting for the bot as a person
// would (the press answered, the menu edited or a new one sent).

export type MenuOrderLine = { category: string; product: string | RegExp; options?: (string | RegExp)[] };
export type MenuCheckout = { name: string; phone: string; pickupTime?: string; address?: string };

export class TelegramMenuClient {
  readonly chatId: number;

  constructor(
    private readonly sim: TelegramBotApiSimulator,
    private readonly botToken: string,
    readonly client: TgClient,
    private readonly timeoutMs = 10_000,
  ) {
    this.chatId = typeof client === "number" ? client : client.id;
  }

  /** The menu the client sees: the bot's newest message with buttons. */
  menu(): TgSentMessage | undefined {
    return this.sim.lastKeyboardMessage(this.chatId, this.botToken);
  }

  private snapshot() {
    const m = this.menu();
    return m ? `${m.messageId}:${m.edits ?? 0}` : "";
  }

  private async until(check: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`menu client ${this.chatId}: timed out waiting for ${what}; menu: ${this.menu()?.text ?? "none"}`);
      await sleep(40);
    }
  }

  /** Writes text (e.g. «Меню», a name, a phone) and waits for the bot's next menu message. */
  async say(text: string): Promise<TgSentMessage> {
    const before = this.menu()?.messageId ?? 0;
    this.sim.simulateClientMessage({ botToken: this.botToken, from: this.client, text });
    await this.until(() => (this.menu()?.messageId ?? 0) > before, `a menu after «${text}»`);
    return this.menu()!;
  }

  /**
   * Presses a button of the current menu by its text and waits for the answer and, unless the
   * bot refused (an alert, or `expectChange: false`), for the menu to change. Returns the answer.
   */
  async tap(text: string | RegExp, options: { expectChange?: boolean; messageId?: number } = {}): Promise<{ text?: string; showAlert?: boolean }> {
    const menu = options.messageId ?? this.menu()?.messageId;
    if (menu === undefined) throw new Error(`menu client ${this.chatId}: no menu to press «${String(text)}» on`);
    const before = this.snapshot();
    const id = this.sim.pressButton({ botToken: this.botToken, from: this.client, messageId: menu, text });
    await this.until(() => this.sim.callbackAnswer(id, this.botToken)?.answered === true, `the answer to «${String(text)}»`);
    const answer = this.sim.callbackAnswer(id, this.botToken)!;
    if (options.expectChange !== false && !answer.showAlert) await this.until(() => this.snapshot() !== before, `the menu to change after «${String(text)}»`);
    return { ...(answer.text !== undefined ? { text: answer.text } : {}), ...(answer.showAlert ? { showAlert: true } : {}) };
  }

  /** Opens the menu, puts the lines in the cart, checks out and confirms. Returns the final menu text. */
  async order(lines: MenuOrderLine[], checkout: MenuCheckout): Promise<string> {
    await orderThroughMenu(this, lines, checkout);
    return this.menu()?.text ?? "";
  }
}

/** What a scripted client does with a bot's menu, whatever the platform. */
interface MenuUser {
  say(text: string): Promise<unknown>;
  tap(label: string | RegExp): Promise<unknown>;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The order script: the lines into the cart, the checkout's answers, the confirmation. */
async function orderThroughMenu(user: MenuUser, lines: MenuOrderLine[], checkout: MenuCheckout): Promise<void> {
  await user.say("Меню");
  for (const line of lines) {
    await user.tap(line.category);
    await user.tap(typeof line.product === "string" ? new RegExp(`^${escape(line.product)} ·`) : line.product);
    for (const option of line.options ?? []) await user.tap(typeof option === "string" ? new RegExp(`^(✓ )?${escape(option)}( \\+|$)`) : option);
    await user.tap(/^Добавить в корзину/);
    await user.tap("← Меню");
  }
  await user.tap(/^🛒 Корзина/);
  await user.tap("Оформить заказ");
  await user.say(checkout.name);
  await user.say(checkout.phone);
  await user.tap(checkout.address ? "Доставка" : "Самовывоз");
  await user.say(checkout.address ?? checkout.pickupTime ?? "как можно скорее");
  await user.tap("Подтвердить заказ");
}

/**
 * The same client on a VK community: it writes in the dialog, presses the callback buttons of
 * the community's menu message (each press a message_event) and waits for the answer
 * (sendMessageEventAnswer) and the menu edited in place or sent anew. VK shows every answer as
 * a snackbar: a press expected to change nothing says so (`expectChange: false`).
 */
export class VkMenuClient {
  constructor(
    private readonly sim: VkApiSimulator,
    private readonly groupId: number,
    readonly userId: number,
    private readonly timeoutMs = 10_000,
  ) {}

  /** The menu the client sees: the community's newest message with buttons. */
  menu() {
    return this.sim.lastKeyboardMessage(this.groupId, this.userId);
  }

  private snapshot() {
    const m = this.menu();
    return m ? `${m.conversationMessageId}:${m.version}` : "";
  }

  private async until(check: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`VK menu client ${this.userId}: timed out waiting for ${what}; menu: ${this.menu()?.text ?? "none"}`);
      await sleep(40);
    }
  }

  async say(text: string) {
    const before = this.menu()?.conversationMessageId ?? 0;
    this.sim.simulateClientMessage({ groupId: this.groupId, userId: this.userId, text });
    await this.until(() => (this.menu()?.conversationMessageId ?? 0) > before, `a menu after «${text}»`);
    return this.menu()!;
  }

  /** Presses a button by its label (or sends a forged payload) and waits as a person would. Returns the snackbar's text. */
  async tap(label: string | RegExp, options: { expectChange?: boolean; conversationMessageId?: number; payload?: string } = {}): Promise<{ text?: string }> {
    const before = this.snapshot();
    const eventId = this.sim.pressButton({
      groupId: this.groupId,
      userId: this.userId,
      label,
      ...(options.payload !== undefined ? { payload: options.payload } : {}),
      ...(options.conversationMessageId !== undefined ? { conversationMessageId: options.conversationMessageId } : {}),
    });
    await this.until(() => this.sim.eventAnswer(this.groupId, eventId)?.answered === true, `the answer to «${String(label)}»`);
    if (options.expectChange !== false) await this.until(() => this.snapshot() !== before, `the menu to change after «${String(label)}»`);
    const answer = this.sim.eventAnswer(this.groupId, eventId)!.answer;
    return typeof answer?.text === "string" ? { text: answer.text } : {};
  }

  async order(lines: MenuOrderLine[], checkout: MenuCheckout): Promise<string> {
    await orderThroughMenu(this, lines, checkout);
    return this.menu()?.text ?? "";
  }
}

/** Orders the demo's menu clients place, in turn. */
const DEMO_ORDERS: { lines: MenuOrderLine[]; checkout: Omit<MenuCheckout, "name"> }[] = [
  { lines: [{ category: "Кофе", product: "Капучино", options: ["овсяное"] }, { category: "Выпечка", product: "Круассан" }], checkout: { phone: "+7 912 555-10-01", pickupTime: "через 15 минут" } },
  { lines: [{ category: "Кофе", product: "Латте", options: ["сироп карамель"] }], checkout: { phone: "+7 903 555-20-02", pickupTime: "к 9:30" } },
  { lines: [{ category: "Кофе", product: "Флэт уайт" }, { category: "Десерты", product: "Медовик" }], checkout: { phone: "+7 921 555-30-03", address: "ул. Лесная, 5, кв. 12" } },
  { lines: [{ category: "Кофе", product: "Раф ванильный", options: ["миндальное"] }, { category: "Выпечка", product: "Синнабон" }], checkout: { phone: "+7 916 555-40-04", pickupTime: "через полчаса" } },
];
const DEMO_NAMES = ["Алина", "Кирилл", "Марина", "Тимур", "Ева", "Денис", "Ольга", "Артём"];

/** Shoppers placing the demo's orders in turn, with a pause between them, until stopped; a failed order is skipped. */
function runShoppers(order: (plan: (typeof DEMO_ORDERS)[number], name: string, i: number) => Promise<unknown>, options: { pauseMs?: number; count?: number }): { stop: () => Promise<void> } {
  let stopped = false;
  const pause = options.pauseMs ?? 20_000;
  const run = (async () => {
    for (let i = 0; !stopped && (options.count === undefined || i < options.count); i++) {
      await order(DEMO_ORDERS[i % DEMO_ORDERS.length]!, DEMO_NAMES[i % DEMO_NAMES.length]!, i).catch(() => undefined);
      for (let waited = 0; !stopped && waited < pause; waited += 250) await sleep(250);
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await run;
    },
  };
}

/**
 * Clients who order through the bot's button menu one after another, with a pause between
 * them, until stopped: the demo's orders board fills by itself. A failed order is skipped.
 */
export function startMenuShoppers(options: { sim: TelegramBotApiSimulator; botToken: string; firstClientId: number; pauseMs?: number; count?: number }): { stop: () => Promise<void> } {
  return runShoppers((plan, name, i) => new TelegramMenuClient(options.sim, options.botToken, { id: options.firstClientId + i, first_name: name }, 30_000).order(plan.lines, { ...plan.checkout, name }), options);
}

/** The same shoppers in a VK community's dialogs, pressing its callback buttons. */
export function startVkMenuShoppers(options: { sim: VkApiSimulator; groupId: number; firstUserId: number; pauseMs?: number; count?: number }): { stop: () => Promise<void> } {
  return runShoppers((plan, name, i) => {
    const userId = options.firstUserId + i;
    options.sim.addUser({ id: userId, firstName: name, lastName: "" });
    return new VkMenuClient(options.sim, options.groupId, userId, 30_000).order(plan.lines, { ...plan.checkout, name });
  }, options);
}
