import { sleep } from "./delivery.ts";
import type { TelegramBotApiSimulator, TgClient } from "./telegram/simulator.ts";
import type { TgSentMessage } from "./telegram/world.ts";

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
    await this.say("Меню");
    for (const line of lines) {
      await this.tap(line.category);
      await this.tap(typeof line.product === "string" ? new RegExp(`^${line.product.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} ·`) : line.product);
      for (const option of line.options ?? []) await this.tap(typeof option === "string" ? new RegExp(`^(✓ )?${option}( \\+|$)`) : option);
      await this.tap(/^Добавить в корзину/);
      await this.tap("← Меню");
    }
    await this.tap(/^🛒 Корзина/);
    await this.tap("Оформить заказ");
    await this.say(checkout.name);
    await this.say(checkout.phone);
    await this.tap(checkout.address ? "Доставка" : "Самовывоз");
    await this.say(checkout.address ?? checkout.pickupTime ?? "как можно скорее");
    await this.tap("Подтвердить заказ");
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

/**
 * Clients who order through the bot's button menu one after another, with a pause between
 * them, until stopped: the demo's orders board fills by itself. A failed order is skipped.
 */
export function startMenuShoppers(options: { sim: TelegramBotApiSimulator; botToken: string; firstClientId: number; pauseMs?: number; count?: number }): { stop: () => Promise<void> } {
  let stopped = false;
  const pause = options.pauseMs ?? 20_000;
  const run = (async () => {
    for (let i = 0; !stopped && (options.count === undefined || i < options.count); i++) {
      const plan = DEMO_ORDERS[i % DEMO_ORDERS.length]!;
      const name = DEMO_NAMES[i % DEMO_NAMES.length]!;
      const client = new TelegramMenuClient(options.sim, options.botToken, { id: options.firstClientId + i, first_name: name }, 30_000);
      await client.order(plan.lines, { ...plan.checkout, name }).catch(() => undefined);
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
