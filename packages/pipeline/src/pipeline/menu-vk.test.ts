import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channels, menuSessions, messages, orders, withTenant } from "@threadline/db";
import { VkAdapter } from "@threadline/channels";
import { solidPng, startVkMenuShoppers, VkApiSimulator, VkMenuClient } from "@threadline/simulators/channels";
import { encryptSecret } from "@threadline/domain/crypto.ts";
import { archiveProduct, loadCatalog, upsertCatalog } from "@threadline/domain/catalog/index.ts";
import { setProductPhoto } from "@threadline/domain/catalog/photo.ts";
import { createTestEnv, startTestPipeline, type TestEnv } from "@threadline/testing";

// The menu bot on a VK community, on real parts: the VK simulator's Callback API (message_event
// for presses), the ingress, the inbound queue, the domain's menu and vk-io's messages.send with
// a callback keyboard, messages.edit and messages.sendMessageEventAnswer.
let env: TestEnv;
let T: Awaited<ReturnType<TestEnv["createTenant"]>>;
let pipeline: Awaited<ReturnType<typeof startTestPipeline>>;
const vk = new VkApiSimulator({ callbackRetryDelaysMs: [50, 200] });
let groupId: number;
let other: { groupId: number };

const coffee = [
  { name: "Капучино", category: "Кофе", priceMinor: 22000, options: [{ group: "Молоко", name: "овсяное", priceDeltaMinor: 4000 }, { group: "Молоко", name: "миндальное", priceDeltaMinor: 5000 }] },
  { name: "Латте", category: "Кофе", priceMinor: 24000 },
  { name: "Круассан", category: "Выпечка", priceMinor: 15000 },
];

async function connect(name: string, secret: string) {
  const community = vk.addCommunity({ name });
  const [row] = await withTenant(env.db, T.project.id, (tx) =>
    tx
      .insert(channels)
      .values({ projectId: T.project.id, kind: "vk", name, externalId: String(community.groupId), tokenEnc: encryptSecret(community.token, env.deps.secretKey), webhookSecret: secret, confirmation: community.confirmation, settings: { menuBot: true } })
      .returning(),
  );
  await new VkAdapter({ groupId: community.groupId, token: community.token, apiBaseUrl: vk.apiBaseUrl }).registerWebhook({ url: `${pipeline.url}/webhooks/vk/${row!.id}`, secret });
  await vk.deliveriesIdle();
  if (vk.callbackServerStatus(community.groupId, 1) !== "ok") throw new Error(`community ${name}: the callback server was not confirmed`);
  return community;
}

beforeAll(async () => {
  env = await createTestEnv();
  T = await env.createTenant("VkMenu");
  await env.caller(T.owner.token).agent.update({ projectId: T.project.id, enabled: false });
  await withTenant(env.db, T.project.id, (tx) => upsertCatalog(tx, T.project.id, coffee));
  pipeline = await startTestPipeline(env);
  await vk.start();
  env.useEndpoints({ vkApiBaseUrl: vk.apiBaseUrl });
  groupId = (await connect("Зерно ВК", "vk-menu-secret")).groupId;
  other = await connect("Зерно ВК 2", "vk-menu-secret-2");
});
afterAll(async () => {
  await pipeline?.close();
  await vk.stop();
  await env?.close();
});

const ordersOf = () => withTenant(env.db, T.project.id, (tx) => tx.select().from(orders));
const sessions = () => withTenant(env.db, T.project.id, (tx) => tx.select().from(menuSessions));

describe("menu bot (VK)", () => {
  it("a client orders a cappuccino with oat milk and a croissant through callback buttons; the menu is edited in place", async () => {
    const client = new VkMenuClient(vk, groupId, 9101);
    const home = await client.say("Меню");
    expect(home.keyboard).toMatchObject({ inline: true });
    expect(home.buttons.map((b) => [b.type, b.label])).toEqual([["callback", "Кофе"], ["callback", "Выпечка"]]);
    for (const b of home.buttons) expect(b.payload!.length).toBeLessThanOrEqual(255);
    const text = await client.order(
      [
        { category: "Кофе", product: "Капучино", options: ["овсяное"] },
        { category: "Выпечка", product: "Круассан" },
      ],
      { name: "Анна", phone: "8 912 345-67-89", pickupTime: "через 15 минут" },
    );
    expect(text).toMatch(/Заказ №1 оформлен/);
    const [order] = await ordersOf();
    expect(order).toMatchObject({ number: 1, source: "menu", totalMinor: 41000, phone: "+79123456789", customerName: "Анна", fulfilment: "pickup" });
    // Presses were answered (a snackbar where the bot had something to say).
    const snackbars = [...vk.world.community(groupId)!.buttonEvents.values()].filter((e) => e.userId === 9101);
    expect(snackbars.every((e) => e.answered)).toBe(true);
    expect(snackbars.map((e) => e.answer?.text)).toContain("«Круассан» в корзине");
    // The first menu message was edited through the cart, not sent again for every press.
    // «Меню» twice (the first menu above, then the order's) and the three typed answers sent a
    // menu each; every press edited the live one.
    const menus = vk.world.community(groupId)!.history(9101).filter((m) => m.out === 1 && m.keyboard);
    expect(menus).toHaveLength(5);
    expect(menus[1]!.updateTime).toBeDefined();
    // The «принят» message goes out through the outbound queue; the menu screens stay out of the thread.
    await expect.poll(() => vk.sentMessages(9101, groupId).map((m) => m.text).join("\n"), { timeout: 20_000 }).toMatch(/Заказ №1 принят: Капучино \(овсяное\), Круассан/);
    const stored = await withTenant(env.db, T.project.id, (tx) => tx.select({ text: messages.text, author: messages.author }).from(messages));
    expect(stored.filter((m) => /Выберите|Корзина|Проверьте заказ/.test(m.text ?? ""))).toEqual([]);
  });

  it("a double press adds once; another chat's, another community's, a forged or an old menu's press is refused and changes nothing", async () => {
    const client = new VkMenuClient(vk, groupId, 9102);
    await client.say("Меню");
    await client.tap("Выпечка");
    await client.tap(/^Круассан/);
    const menu = client.menu()!;
    const first = vk.pressButton({ groupId, userId: 9102, label: /^Добавить в корзину/ });
    const second = vk.pressButton({ groupId, userId: 9102, label: /^Добавить в корзину/ });
    await expect.poll(() => [vk.eventAnswer(groupId, first)?.answered, vk.eventAnswer(groupId, second)?.answered], { timeout: 5000 }).toEqual([true, true]);
    const answers = [vk.eventAnswer(groupId, first)!.answer?.text, vk.eventAnswer(groupId, second)!.answer?.text];
    expect(answers).toContain("«Круассан» в корзине");
    expect(answers).toContain("Меню уже обновилось — смотрите последнее сообщение.");
    await expect.poll(() => client.menu()!.buttons.map((b) => b.label).join("|"), { timeout: 5000 }).toMatch(/🛒 Корзина · 1 ·/);
    const before = (await sessions()).find((s) => s.menuMessageId === String(client.menu()!.conversationMessageId))!;

    // Анна's payload pressed in Борис's dialog; the same payload in another community; a forged payload.
    const anna = vk.lastKeyboardMessage(groupId, 9101)!;
    const foreign = vk.pressButton({ groupId, userId: 9102, payload: anna.buttons[0]!.payload!, conversationMessageId: client.menu()!.conversationMessageId });
    const forged = vk.pressButton({ groupId, userId: 9102, payload: '{"menu":"zzz"}', conversationMessageId: client.menu()!.conversationMessageId });
    const notOurs = vk.pressButton({ groupId, userId: 9102, payload: '{"command":"start"}', conversationMessageId: client.menu()!.conversationMessageId });
    const elsewhere = vk.pressButton({ groupId: other.groupId, userId: 9102, payload: client.menu()!.buttons[0]!.payload!, conversationMessageId: client.menu()!.conversationMessageId });
    await client.say("Меню"); // a new menu: the old message expires
    const old = vk.pressButton({ groupId, userId: 9102, label: "← Меню", conversationMessageId: menu.conversationMessageId });
    await expect.poll(() => [foreign, forged, notOurs, old].map((id) => vk.eventAnswer(groupId, id)?.answered).concat(vk.eventAnswer(other.groupId, elsewhere)?.answered), { timeout: 5000 }).toEqual([true, true, true, true, true]);
    expect(vk.eventAnswer(groupId, foreign)!.answer).toEqual({ type: "show_snackbar", text: "Эта кнопка не из этого чата." });
    expect(vk.eventAnswer(groupId, forged)!.answer).toEqual({ type: "show_snackbar", text: "Кнопка не распознана. Напишите «Меню»." });
    expect(vk.eventAnswer(groupId, notOurs)!.answer).toEqual({ type: "show_snackbar", text: "Кнопка не распознана. Напишите «Меню»." });
    expect(vk.eventAnswer(groupId, old)!.answer).toEqual({ type: "show_snackbar", text: "Это меню устарело. Напишите «Меню», чтобы открыть новое." });
    // In the other community Борис has no menu: the press is refused there and opens nothing.
    expect(vk.eventAnswer(other.groupId, elsewhere)!.answer?.text).toMatch(/не из этого чата|устарело/);
    expect(vk.lastKeyboardMessage(other.groupId, 9102)).toBeUndefined();
    const after = (await sessions()).find((s) => s.conversationId === before.conversationId)!;
    expect((after.state as { cart: unknown[] }).cart).toHaveLength(1);
  });

  it("a product removed from the menu or a changed price gets a clear answer, and nothing is ordered", async () => {
    await withTenant(env.db, T.project.id, (tx) => upsertCatalog(tx, T.project.id, [{ name: "Мокко", category: "Кофе", priceMinor: 25000 }]));
    const client = new VkMenuClient(vk, groupId, 9103);
    await client.say("Меню");
    await client.tap("Кофе");
    await client.tap(/^Латте/);
    await withTenant(env.db, T.project.id, (tx) => upsertCatalog(tx, T.project.id, [{ name: "Латте", category: "Кофе", priceMinor: 26000 }]));
    expect(await client.tap(/^Добавить в корзину/)).toEqual({ text: "Цена изменилась: теперь 260\u00a0₽. Проверьте и нажмите „Добавить“ ещё раз." });
    await client.tap("← Назад");
    const mocha = (await withTenant(env.db, T.project.id, (tx) => loadCatalog(tx))).products.find((p) => p.name === "Мокко")!;
    await withTenant(env.db, T.project.id, (tx) => archiveProduct(tx, mocha.id));
    expect(await client.tap(/^Мокко/)).toEqual({ text: "Этого товара больше нет в меню." });
    expect(await ordersOf()).toHaveLength(1);
  });

  it("a product card carries the product's photo (uploaded and attached by messages.edit); back to the list, the text menu is sent anew and the card deleted", async () => {
    const catalog = await withTenant(env.db, T.project.id, (tx) => loadCatalog(tx));
    const latte = catalog.products.find((p) => p.name === "Латте")!;
    await withTenant(env.db, T.project.id, (tx) => setProductPhoto(tx, pipeline.storage, T.project.id, latte.id, solidPng(30, 40, [200, 170, 130])));
    const client = new VkMenuClient(vk, groupId, 9207);
    await client.say("Меню");
    await client.tap("Кофе");
    const list = client.menu()!;
    expect(list.attachments).toEqual([]);
    await client.tap(/^Латте/);
    const card = client.menu()!;
    expect(card.conversationMessageId).toBe(list.conversationMessageId);
    expect(card.attachments.map((a) => a.type)).toEqual(["photo"]);
    expect(card.text).toMatch(/^Латте — \d+\s₽/);
    await client.tap("← Назад");
    const again = client.menu()!;
    expect(again.conversationMessageId).toBeGreaterThan(card.conversationMessageId);
    expect(again.attachments).toEqual([]);
    expect(again.text).toBe("Кофе. Выберите:");
    // The old card is deleted for everyone, as on Telegram.
    expect(vk.sentMessages(9207, groupId).find((m) => m.id === card.id)?.deletedAt).toBeTypeOf("number");
  });

  it("the demo's VK shoppers order through the buttons by themselves", async () => {
    // The demo's plans name products this catalog lacks (Флэт уайт): a failed order is skipped.
    await withTenant(env.db, T.project.id, (tx) => upsertCatalog(tx, T.project.id, [{ name: "Латте", category: "Кофе", priceMinor: 24000, options: [{ name: "сироп карамель", priceDeltaMinor: 3000 }] }]));
    const before = (await ordersOf()).length;
    const shoppers = startVkMenuShoppers({ sim: vk, groupId, firstUserId: 9200, pauseMs: 0, count: 2 });
    await expect.poll(async () => (await ordersOf()).length, { timeout: 60_000 }).toBe(before + 2);
    await shoppers.stop();
    const placed = (await ordersOf()).filter((o) => o.customerName === "Алина" || o.customerName === "Кирилл");
    expect(placed.map((o) => o.customerName).sort()).toEqual(["Алина", "Кирилл"]);
    expect((await ordersOf()).length).toBe(before + 2);
  });
});
