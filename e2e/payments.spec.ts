import { YooKassaSimulator } from "@threadline/simulators/payments";
import { connectTelegramBot, connectYooKassa, expect, simulatorPorts, telegramSimulator, test } from "./fixtures.ts";

// From the click to the money: the owner connects YooKassa, a client comes from a tagged link, the
// manager sends a bill from the conversation, the client pays on YooKassa's page, the thread shows
// it paid without a reload, the lead is won with the amount, and the traffic report shows the
// campaign's revenue.
test("a bill sent from the conversation is paid on the provider's page and reaches the traffic report", async ({ page, browser, urls, seed, signIn, shot }) => {
  test.setTimeout(180_000);
  const tg = telegramSimulator();
  const yk = new YooKassaSimulator();
  await tg.start();
  await yk.start(simulatorPorts.yookassa);
  try {
    const owner = await seed.demoAccount("owner");
    const bot = tg.addBot({ token: `7100000013:AA${"payment".repeat(5)}`, username: "zerno_pay_bot", firstName: "Кофейня «Зерно»" });
    const shop = yk.addShop({ shopId: "506751" });

    // The owner connects the bot and YooKassa, and gives YooKassa the notification URL.
    await signIn(page, urls.admin, owner.email, owner.password);
    await connectTelegramBot(page, bot);
    const webhookUrl = await connectYooKassa(page, yk, shop, urls.worker);
    expect(webhookUrl).toMatch(/\/webhooks\/yookassa\/[0-9a-f-]{36}$/);
    await shot(page, "admin-payments", { docs: true });

    // The click: t.me/zerno_pay_bot?start=u-vk_ads-cpc-spring_cakes, then a question.
    const client = { id: 9501, first_name: "Марина", last_name: "Лебедева" };
    tg.simulateClientMessage({ botToken: bot.token, from: client, startPayload: "u-vk_ads-cpc-spring_cakes" });
    tg.simulateClientMessage({ botToken: bot.token, from: client, text: "Хочу торт «Наполеон» на субботу, как оплатить?" });

    // The bill, from the conversation.
    const inbox = await (await browser.newContext({ locale: "ru-RU", viewport: { width: 1440, height: 900 } })).newPage();
    await signIn(inbox, urls.inbox, owner.email, owner.password);
    await inbox.getByTestId("conversation-row").filter({ hasText: "Марина Лебедева" }).click({ timeout: 20_000 });
    const panel = inbox.getByTestId("contact-panel");
    await panel.getByRole("button", { name: "Выставить счёт" }).click();
    await panel.getByLabel("Сумма, ₽").fill("2500");
    await panel.getByLabel("За что").fill("Торт «Наполеон», 2 кг");
    await panel.getByRole("button", { name: "Отправить счёт" }).click();
    const thread = inbox.getByTestId("thread");
    await expect(thread.getByTestId("payment-chip")).toContainText("ожидает оплаты", { timeout: 15_000 });
    await expect(thread.getByTestId("message").filter({ hasText: "Оплатить:" })).toBeVisible();
    await expect(panel.getByTestId("payment-row")).toContainText("ожидает оплаты");
    await shot(inbox, "inbox-bill", { docs: true });

    // The client opens the link the bot sent them in Telegram and pays.
    const billMessage = () => tg.sentMessages(client.id).find((m) => m.text?.includes("Оплатить:"));
    await expect.poll(() => !!billMessage(), { timeout: 15_000 }).toBe(true);
    const link = /Оплатить: (\S+)/.exec(billMessage()!.text!)![1]!;
    const clientPage = await (await browser.newContext({ locale: "ru-RU", viewport: { width: 900, height: 700 } })).newPage();
    await clientPage.goto(link);
    await expect(clientPage.getByText("2500,00 ₽")).toBeVisible();
    await shot(clientPage, "payment-page", { docs: true });
    await clientPage.getByRole("button", { name: "Оплатить" }).click();
    await expect(clientPage.getByRole("status")).toHaveText("Оплата прошла");

    // Without a reload: the bill reads paid, the lead is won with the amount.
    await expect(thread.getByTestId("payment-chip")).toContainText("оплачен", { timeout: 15_000 });
    await expect(thread.getByTestId("payment-chip").getByTestId("payment-status")).toHaveAttribute("data-status", "succeeded");
    await expect(panel.getByLabel("Этап")).toHaveValue("won");
    await expect(panel.getByTestId("payments-revenue")).toHaveText(/2\s500\s₽/);
    await shot(inbox, "inbox-bill-paid", { docs: true });

    // The traffic report: the campaign's revenue.
    await page.getByRole("link", { name: "Источники лидов" }).click();
    const row = page.getByRole("row").filter({ hasText: "spring_cakes" });
    await expect(row).toContainText("vk_ads");
    await expect(row).toContainText(/2\s500\s₽/);
    await shot(page, "admin-traffic-revenue", { docs: true });

    // Finance: the payment in the period's list; the manager's name narrows the list to their payments.
    await page.getByRole("navigation").getByRole("link", { name: "Оплаты", exact: true }).click();
    const paid = page.getByRole("row").filter({ hasText: "Марина Лебедева" });
    await expect(paid).toContainText(/2\s500\s₽/);
    const billedBy = (await paid.getByRole("cell").nth(5).innerText()).trim();
    await paid.getByRole("button", { name: billedBy, exact: true }).click();
    await expect(page.getByRole("button", { name: `Менеджер: ${billedBy} ✕` })).toBeVisible();
    const rows = page.getByRole("table", { name: "Оплаты" }).locator("tbody tr");
    await expect(rows.filter({ hasText: "Марина Лебедева" })).toHaveCount(1);
    for (const r of await rows.all()) await expect(r.getByRole("cell").nth(5)).toHaveText(billedBy);
    await shot(page, "admin-finance", { docs: true });
    await page.getByRole("button", { name: `Менеджер: ${billedBy} ✕` }).click();
    await expect(page.getByRole("button", { name: `Менеджер: ${billedBy} ✕` })).toHaveCount(0);
  } finally {
    await yk.stop();
    await tg.stop();
  }
});
