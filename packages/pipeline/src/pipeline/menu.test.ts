import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { channels, conversations, menuSessions, orders, withTenant } from "@threadline/db";
import { TelegramAdapter } from "@threadline/channels";
import { solidPng, TelegramBotApiSimulator, TelegramMenuClient } from "@threadline/simulators/channels";
import { encryptSecret } from "@threadline/domain/crypto.ts";
import { loadCatalog, setProductAvailable, upsertCatalog } from "@threadline/domain/catalog/index.ts";
import { setProductPhoto } from "@threadline/domain/catalog/photo.ts";
import { handleMenuButton, handleMenuText } from "@threadline/domain/menu/bot.ts";
import { createTestEnv, startTestPipeline, type TestEnv } from "@threadline/testing";

// The menu bot on real parts: the Telegram simulator's webhook, the ingress, the inbound queue,
// the domain's menu and the adapter's answerCallbackQuery / editMessageText.
let env: TestEnv;
let T: Awaited<ReturnType<TestEnv["createTenant"]>>;
let pipeline: Awaited<ReturnType<typeof startTestPipeline>>;
const tg = new TelegramBotApiSimulator();
let botToken: string;

const coffee = [
  { name: "Капучино", category: "Кофе", priceMinor: 22000, options: [{ group: "Молоко", name: "овсяное", priceDeltaMinor: 4000 }, { group: "Молоко", name: "миндальное", priceDeltaMinor: 5000 }] },
  { name: "Латте", category: "Кофе", priceMinor: 24000 },
  { name: "Круассан", category: "Выпечка", priceMinor: 15000 },
];

beforeAll(async () => {
  env = await createTestEnv();
  T = await env.createTenant("Menu");
  await env.caller(T.owner.token).agent.update({ projectId: T.project.id, enabled: false });
  await withTenant(env.db, T.project.id, (tx) => upsertCatalog(tx, T.project.id, coffee));
  pipeline = await startTestPipeline(env);
  await tg.start();
  env.useEndpoints({ telegramApiRoot: tg.apiRoot });
  const bot = tg.addBot({ username: "zerno_menu_bot" });
  botToken = bot.token;
  const secret = "tg-menu-secret";
  const [row] = await withTenant(env.db, T.project.id, (tx) =>
    tx
      .insert(channels)
      .values({ projectId: T.project.id, kind: "telegram", name: "Меню", externalId: String(bot.botId), tokenEnc: encryptSecret(bot.token, env.deps.secretKey), webhookSecret: secret, settings: { menuBot: true } })
      .returning(),
  );
  await new TelegramAdapter({ token: bot.token, apiRoot: tg.apiRoot }).registerWebhook({ url: `${pipeline.url}/webhooks/telegram/${row!.id}`, secret });
});
afterAll(async () => {
  await pipeline?.close();
  await tg.stop();
  await env?.close();
});

const ordersOf = () => withTenant(env.db, T.project.id, (tx) => tx.select().from(orders));

describe("menu bot (Telegram)", () => {
  it("a client orders a cappuccino with oat milk and a croissant through the buttons; the menu is edited in place", async () => {
    const client = new TelegramMenuClient(tg, botToken, { id: 8101, first_name: "Анна" });
    const home = await client.say("/start");
    expect(home.keyboard!.flat().map((b) => b.text)).toEqual(["Кофе", "Выпечка"]);
    for (const b of home.keyboard!.flat()) expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(64);
    const text = await client.order(
      [
        { category: "Кофе", product: "Капучино", options: ["овсяное"] },
        { category: "Выпечка", product: "Круассан" },
      ],
      { name: "Анна", phone: "8 912 345-67-89", pickupTime: "через 15 минут" },
    );
    expect(text).toMatch(/Заказ №1 оформлен/);
    const [order] = await ordersOf();
    expect(order).toMatchObject({ number: 1, source: "menu", totalMinor: 41000, phone: "+79123456789", customerName: "Анна", fulfilment: "pickup", pickupTime: "через 15 минут" });
    // The first menu message was edited through the cart, not sent again for every press.
    expect(Math.max(...tg.sentMessages(8101, { botToken }).map((m) => m.edits ?? 0))).toBeGreaterThan(5);
    // The «принят» message goes out through the outbound queue.
    await expect.poll(() => tg.sentMessages(8101, { botToken }).map((m) => m.text ?? "").join("\n"), { timeout: 20_000 }).toMatch(/Заказ №1 принят: Капучино \(овсяное\), Круассан/);
  });

  it("a double tap adds once; a press on an old menu, a forged or another chat's button is refused and changes nothing", async () => {
    const client = new TelegramMenuClient(tg, botToken, { id: 8102, first_name: "Борис" });
    await client.say("Меню");
    await client.tap("Выпечка");
    await client.tap(/^Круассан/);
    const menu = client.menu()!;
    // Two presses of the same button before the bot answered either.
    const first = tg.pressButton({ botToken, from: 8102, messageId: menu.messageId, text: /^Добавить в корзину/ });
    const second = tg.pressButton({ botToken, from: 8102, messageId: menu.messageId, text: /^Добавить в корзину/ });
    await expect.poll(() => [tg.callbackAnswer(first, botToken)?.answered, tg.callbackAnswer(second, botToken)?.answered], { timeout: 5000 }).toEqual([true, true]);
    const answers = [tg.callbackAnswer(first, botToken)!.text, tg.callbackAnswer(second, botToken)!.text];
    expect(answers).toContain("«Круассан» в корзине");
    expect(answers).toContain("Меню уже обновилось — смотрите последнее сообщение.");
    await expect.poll(() => client.menu()!.keyboard!.flat().map((b) => b.text).join("|"), { timeout: 5000 }).toMatch(/🛒 Корзина · 1 ·/);

    const session = async () => (await withTenant(env.db, T.project.id, (tx) => tx.select().from(menuSessions)))!.find((s) => s.menuMessageId === String(client.menu()!.messageId))!;
    const before = await session();
    // Another chat's button data pressed here (Анна's token), a forged payload, a message that is not the live menu.
    const anna = tg.lastKeyboardMessage(8101, botToken)!;
    const foreign = tg.pressButton({ botToken, from: 8102, messageId: client.menu()!.messageId, data: anna.keyboard![0]![0]!.callback_data });
    const forged = tg.pressButton({ botToken, from: 8102, messageId: client.menu()!.messageId, data: "zzz" });
    await client.say("Меню"); // a new menu: the old message expires
    const old = tg.pressButton({ botToken, from: 8102, messageId: menu.messageId, text: "← Меню" });
    await expect.poll(() => [foreign, forged, old].map((id) => tg.callbackAnswer(id, botToken)?.answered), { timeout: 5000 }).toEqual([true, true, true]);
    expect(tg.callbackAnswer(foreign, botToken)).toMatchObject({ text: "Эта кнопка не из этого чата.", showAlert: true });
    expect(tg.callbackAnswer(forged, botToken)).toMatchObject({ text: "Кнопка не распознана. Напишите «Меню».", showAlert: true });
    expect(tg.callbackAnswer(old, botToken)).toMatchObject({ text: "Это меню устарело. Напишите «Меню», чтобы открыть новое.", showAlert: true });
    const after = (await withTenant(env.db, T.project.id, (tx) => tx.select().from(menuSessions))).find((s) => s.conversationId === before.conversationId)!;
    expect((after.state as { cart: unknown[] }).cart).toHaveLength(1);
  });

  it("a press on a menu whose message id is not recorded yet (just sent, or sent anew where an edit could not be) is taken once; another message's is refused", async () => {
    const client = new TelegramMenuClient(tg, botToken, { id: 8109, first_name: "Глеб" });
    await client.say("Меню");
    const [conversation] = await withTenant(env.db, T.project.id, (tx) => tx.select({ id: conversations.id }).from(conversations).where(eq(conversations.externalChatId, "8109")));
    const conversationId = conversation!.id;
    // A new menu, as the bot draws it before sending: its id is not recorded yet.
    const drawn = (await withTenant(env.db, T.project.id, (tx) => handleMenuText(tx, { projectId: T.project.id, conversationId, text: "Меню" })))!;
    const pastries = drawn.show!.keyboard.flat().find((b) => b.text === "Выпечка")!.data;
    const press = (externalMessageId: string) => withTenant(env.db, T.project.id, (tx) => handleMenuButton(tx, { projectId: T.project.id, conversationId, data: pastries, externalMessageId }));
    const first = await press("9001");
    expect(first.answer?.alert).toBeFalsy();
    expect(first.show).toMatchObject({ mode: "edit", messageId: "9001" });
    expect(first.show!.keyboard.flat().map((b) => b.text)).toEqual([expect.stringMatching(/^Круассан · 150/), "← Меню"]);
    // The same button again is an older screen's; on another message it is an old menu's.
    expect((await press("9001")).answer).toEqual({ text: "Меню уже обновилось — смотрите последнее сообщение." });
    expect((await press("9002")).answer).toMatchObject({ alert: true });
    // The next screen could not be edited in place and went out anew (a text menu turning into a
    // photo card), pressed before the new id was recorded: taken, and the new message is live.
    const back = first.show!.keyboard.flat().find((b) => b.text === "← Меню")!.data;
    const onReplacement = await withTenant(env.db, T.project.id, (tx) => handleMenuButton(tx, { projectId: T.project.id, conversationId, data: back, externalMessageId: "9003" }));
    expect(onReplacement.answer?.alert).toBeFalsy();
    expect(onReplacement.show).toMatchObject({ mode: "edit", messageId: "9003" });
    // The message it replaced is an old menu now: its buttons are refused as such, not as a stale screen.
    const onReplaced = await withTenant(env.db, T.project.id, (tx) => handleMenuButton(tx, { projectId: T.project.id, conversationId, data: back, externalMessageId: "9001" }));
    expect(onReplaced.answer).toEqual({ text: "Это меню устарело. Напишите «Меню», чтобы открыть новое.", alert: true });
  });

  it("a product that went on the stop-list after it was put in the cart stops the checkout with a clear answer; a wrong phone is asked again", async () => {
    const client = new TelegramMenuClient(tg, botToken, { id: 8103, first_name: "Вера" });
    await client.say("Меню");
    await client.tap("Выпечка");
    await client.tap(/^Круассан/);
    await client.tap(/^Добавить в корзину/);
    await client.tap(/^🛒 Корзина/);
    const croissant = (await withTenant(env.db, T.project.id, (tx) => loadCatalog(tx))).products.find((p) => p.name === "Круассан")!;
    await withTenant(env.db, T.project.id, (tx) => setProductAvailable(tx, croissant.id, false));
    const refused = await client.tap("Оформить заказ");
    expect(refused).toEqual({ text: "«Круассан» сейчас нет в наличии. Уберите его из корзины (✕) и оформите заказ снова.", showAlert: true });
    await withTenant(env.db, T.project.id, (tx) => setProductAvailable(tx, croissant.id, true));
    await client.tap("Оформить заказ");
    await client.say("Вера");
    const again = await client.say("12345");
    expect(again.text).toMatch(/^Не похоже на номер телефона\.\nВаш телефон для связи/);
    expect(await ordersOf()).toHaveLength(1);
  });

  it("a price changed since the product was shown is said before it goes into the cart", async () => {
    const client = new TelegramMenuClient(tg, botToken, { id: 8104, first_name: "Глеб" });
    await client.say("Меню");
    await client.tap("Кофе");
    await client.tap(/^Латте/);
    await withTenant(env.db, T.project.id, (tx) => upsertCatalog(tx, T.project.id, [{ name: "Латте", category: "Кофе", priceMinor: 26000 }]));
    const answer = await client.tap(/^Добавить в корзину/);
    expect(answer).toEqual({ text: "Цена изменилась: теперь 260\u00a0₽. Проверьте и нажмите „Добавить“ ещё раз.", showAlert: true });
    await expect.poll(() => client.menu()!.text, { timeout: 5000 }).toMatch(/Итого: 260/);
  });

  it("a product card is the product's photo with its text as caption: sent in place of the text menu, edited as a caption, replaced by text again", async () => {
    const catalog = await withTenant(env.db, T.project.id, (tx) => loadCatalog(tx));
    const latte = catalog.products.find((p) => p.name === "Латте")!;
    const cappuccino = catalog.products.find((p) => p.name === "Капучино")!;
    await withTenant(env.db, T.project.id, async (tx) => {
      await setProductPhoto(tx, pipeline.storage, T.project.id, cappuccino.id, solidPng(40, 30, [120, 80, 50]));
      await setProductPhoto(tx, pipeline.storage, T.project.id, latte.id, solidPng(30, 40, [200, 170, 130]));
    });
    const client = new TelegramMenuClient(tg, botToken, { id: 8107, first_name: "Вера" });
    await client.say("Меню");
    await client.tap("Кофе");
    const list = client.menu()!;
    expect(list.kind).toBe("text");
    await client.tap(/^Капучино/);
    // Telegram cannot turn text into a photo: the card is a new photo message, the list is deleted.
    const card = client.menu()!;
    expect(card).toMatchObject({ kind: "photo", caption: expect.stringMatching(/^Капучино — 220\s₽/) });
    expect(card.messageId).not.toBe(list.messageId);
    expect(card.file?.data.equals(solidPng(40, 30, [120, 80, 50]))).toBe(true);
    await expect.poll(() => tg.sentMessages(8107, { botToken }).find((m) => m.messageId === list.messageId)?.deletedAt, { timeout: 5000 }).toBeDefined();
    // The new card is the live menu: an option edits its caption and keeps its photo.
    await client.tap(/^овсяное/);
    expect(client.menu()).toMatchObject({ messageId: card.messageId, kind: "photo", caption: expect.stringContaining("Выбрано: овсяное"), edits: 1 });
    expect(client.menu()!.file?.data.equals(solidPng(40, 30, [120, 80, 50]))).toBe(true);
    // Back to the list: a photo cannot become text either.
    await client.tap("← Назад");
    const again = client.menu()!;
    expect(again).toMatchObject({ kind: "text", text: "Кофе. Выберите:" });
    expect(again.messageId).toBeGreaterThan(card.messageId);
    // Another product's card, and «Добавить» back to the list.
    await client.tap(/^Латте/);
    const latteCard = client.menu()!;
    expect(latteCard).toMatchObject({ kind: "photo", caption: expect.stringMatching(/^Латте — \d+\s₽/) });
    await client.tap(/^Добавить в корзину/);
    expect(client.menu()).toMatchObject({ kind: "text", text: "Кофе. Выберите:" });
    // A product without a photo stays a text card.
    await client.tap("← Меню");
    await client.tap("Выпечка");
    await client.tap(/^Круассан/);
    expect(client.menu()).toMatchObject({ kind: "text", text: expect.stringMatching(/^Круассан — 150\s₽/) });
  });

  it("free text outside the checkout is not the menu's: it is stored for the agent or a manager", async () => {
    const sent = tg.simulateClientMessage({ botToken, from: 8105, text: "А у вас есть без лактозы?" }) as { message_id: number };
    await expect.poll(async () => (await env.owner.execute(`select count(*)::int as n from messages where external_id = '8105:${sent.message_id}'`))[0], { timeout: 5000 }).toEqual({ n: 1 });
    expect(tg.lastKeyboardMessage(8105, botToken)).toBeUndefined();
  });
});
