import { createProject, findUserByEmail } from "@threadline/domain";
import { YooKassaSimulator } from "@threadline/simulators/payments";
import { connectTelegramBot, connectYooKassa, expect, simulatorPorts, telegramSimulator, test } from "./fixtures.ts";

// A bill for an order: the owner has a catalog and YooKassa; a manager takes an order in the
// contact panel and bills it with one click (its total, its lines as the receipt), the client pays
// on YooKassa's page, and the order reads «оплачен» in the panel without a reload; a second bill
// for it is not offered.
test("a manager bills an order from the contact panel; paid, the order shows «оплачен» without a reload", async ({ page, browser, urls, seed, signIn, shot }) => {
  test.setTimeout(240_000);
  const tg = telegramSimulator();
  const yk = new YooKassaSimulator();
  await tg.start();
  await yk.start(simulatorPorts.yookassa);
  try {
    const owner = await seed.demoAccount("owner");
    // A project of its own (named to sort after the demo's, where the owner lands): its catalog and
    // payment account are not the demo's, which other specs use.
    const ownerUser = await findUserByEmail(seed.db, owner.email);
    const { project } = await createProject(seed.db, ownerUser!.id, { name: "Кофейня «Эспрессо»", slug: `espresso-${Math.random().toString(36).slice(2, 8)}` });
    const bot = tg.addBot({ token: `7100000157:AA${"orderpay".repeat(5)}`, username: "zerno_orderpay_bot", firstName: "Кофейня «Зерно»" });
    const shop = yk.addShop({ shopId: "506757" });

    await signIn(page, urls.admin, owner.email, owner.password);
    await page.goto(`${urls.admin}/p/${project.id}`);
    await connectTelegramBot(page, bot);
    await connectYooKassa(page, yk, shop, urls.worker);

    await page.getByRole("link", { name: "Каталог" }).click();
    const form = page.getByRole("form", { name: "Товар" });
    await expect(form).toBeVisible();
    await form.getByLabel("Товар").fill("Раф");
    await form.getByLabel("Категория").fill("Кофе");
    await form.getByLabel(/^Цена/).fill("280");
    await form.getByRole("button", { name: "Сохранить товар" }).click();
    await expect(page.getByTestId("catalog-row").filter({ has: page.getByRole("cell", { name: /^Раф/ }) })).toBeVisible();

    const client = { id: 9557, first_name: "Олег", last_name: "Кравцов" };
    tg.simulateClientMessage({ botToken: bot.token, from: client, text: "Два рафа с собой, пожалуйста" });

    // The order, taken in the contact panel, and its bill.
    const inbox = await (await browser.newContext({ locale: "ru-RU", viewport: { width: 1440, height: 900 } })).newPage();
    await signIn(inbox, urls.inbox, owner.email, owner.password);
    await inbox.goto(`${urls.inbox}/p/${project.id}`);
    await inbox.getByTestId("conversation-row").filter({ hasText: "Олег Кравцов" }).click({ timeout: 20_000 });
    const orders = inbox.getByTestId("orders-section");
    await orders.getByRole("button", { name: "Новый заказ" }).click();
    await orders.getByLabel("Товар").selectOption({ label: "Раф · 280 ₽" });
    await orders.getByLabel("Количество").fill("2");
    await orders.getByRole("button", { name: "Добавить позицию" }).click();
    await orders.getByRole("button", { name: "Принять заказ" }).click();
    const order = orders.getByTestId("panel-order").first();
    await expect(order).toContainText("560 ₽", { timeout: 15_000 });
    await order.getByRole("button", { name: "Выставить счёт на 560 ₽" }).click();
    await expect(order.getByTestId("order-payment")).toHaveAttribute("data-status", "pending", { timeout: 15_000 });
    await expect(order.getByRole("button", { name: /Выставить счёт/ })).toHaveCount(0);
    await expect(inbox.getByTestId("thread").getByTestId("message").filter({ hasText: "Заказ №" }).filter({ hasText: "Оплатить:" })).toBeVisible();
    await order.scrollIntoViewIfNeeded();
    await shot(inbox, "inbox-order-bill", { docs: true });

    // The client pays on YooKassa's page.
    const billMessage = () => tg.sentMessages(client.id).find((m) => m.text?.includes("Оплатить:"));
    await expect.poll(() => !!billMessage(), { timeout: 15_000 }).toBe(true);
    // The amount reads as it does on the screens.
    expect(billMessage()!.text).toMatch(/Сумма: 560\s₽\n/);
    const link = /Оплатить: (\S+)/.exec(billMessage()!.text!)![1]!;
    const clientPage = await (await browser.newContext({ locale: "ru-RU", viewport: { width: 900, height: 700 } })).newPage();
    await clientPage.goto(link);
    await clientPage.getByRole("button", { name: "Оплатить" }).click();
    await expect(clientPage.getByRole("status")).toHaveText("Оплата прошла");

    // Without a reload: the order reads «оплачен».
    await expect(order.getByTestId("order-payment")).toHaveAttribute("data-status", "succeeded", { timeout: 15_000 });
    await expect(order.getByTestId("order-payment")).toContainText("оплачен");
    await order.scrollIntoViewIfNeeded();
    await shot(inbox, "inbox-order-paid", { docs: true });

    // The board shows it too.
    await page.getByRole("link", { name: "Заказы" }).click();
    await expect(page.getByTestId("order-card").filter({ hasText: "560 ₽" }).getByTestId("order-payment")).toHaveAttribute("data-status", "succeeded", { timeout: 15_000 });

    // A second order paid in cash at the counter: «Отметить оплату» picks the one unpaid order and
    // records its total; the order reads «оплачен» and is no longer offered a bill.
    await orders.getByRole("button", { name: "Новый заказ" }).click();
    await orders.getByLabel("Товар").selectOption({ label: "Раф · 280 ₽" });
    await orders.getByRole("button", { name: "Добавить позицию" }).click();
    await orders.getByRole("button", { name: "Принять заказ" }).click();
    const second = orders.getByTestId("panel-order").filter({ hasText: "280 ₽" });
    await expect(second.getByRole("button", { name: "Выставить счёт на 280 ₽" })).toBeVisible({ timeout: 15_000 });
    const payments = inbox.getByTestId("payments-section");
    await payments.getByRole("button", { name: "Отметить оплату" }).click();
    const manual = payments.getByTestId("manual-payment-form");
    await expect(manual.getByLabel("Заказ")).toHaveValue(/.+/);
    await expect(manual.getByTestId("manual-payment-order-total")).toHaveText(/Сумма заказа: 280\s₽/);
    await manual.getByLabel("Способ").selectOption("cash");
    await manual.scrollIntoViewIfNeeded();
    await shot(inbox, "inbox-order-cash");
    await manual.getByRole("button", { name: "Сохранить оплату" }).click();
    await expect(second.getByTestId("order-payment")).toHaveAttribute("data-status", "succeeded", { timeout: 15_000 });
    await expect(second.getByRole("button", { name: /Выставить счёт/ })).toHaveCount(0);
    await expect(payments.getByTestId("payment-row").filter({ hasText: "Наличные" })).toContainText("280");
  } finally {
    await yk.stop();
    await tg.stop();
  }
});
