import { expect, telegramSimulator, test } from "./fixtures.ts";

// A bot on a server without a public address: the owner connects it to receive by polling, a
// client's message reaches the inbox all the same; switching the bot to webhooks sets its webhook.
test("a Telegram bot connected for polling receives without a webhook, and can be switched to webhooks", async ({ page, browser, urls, seed, signIn, shot }) => {
  test.setTimeout(120_000);
  const tg = telegramSimulator();
  await tg.start();
  try {
    const owner = await seed.demoAccount("owner");
    const bot = tg.addBot({ token: `7100000004:AA${"polling".repeat(5)}`, username: "zerno_poll_bot", firstName: "Кофейня «Зерно»" });
    const webhookUrl = async () => ((await (await fetch(`${tg.apiRoot}/bot${bot.token}/getWebhookInfo`, { method: "POST" })).json()) as { result: { url: string } }).result.url;

    await signIn(page, urls.admin, owner.email, owner.password);
    await page.getByRole("link", { name: "Каналы" }).click();
    await page.getByLabel("Токен бота").fill(bot.token);
    const telegramCard = page.locator("form").filter({ has: page.getByLabel("Токен бота") });
    await telegramCard.getByLabel(/Опрос \(Long Poll\)/).check();
    await shot(page, "admin-channel-polling", { docs: true });
    await telegramCard.getByRole("button", { name: "Подключить" }).click();
    const delivery = page.getByLabel("Получение сообщений: @zerno_poll_bot");
    await expect(delivery).toHaveValue("polling");
    expect(await webhookUrl()).toBe("");

    const inbox = await (await browser.newContext({ locale: "ru-RU", viewport: { width: 1440, height: 900 } })).newPage();
    await signIn(inbox, urls.inbox, owner.email, owner.password);
    tg.simulateClientMessage({ botToken: bot.token, from: { id: 9301, first_name: "Глеб", last_name: "Соколов" }, text: "Добрый день! Можно заказать торт на субботу?" });
    const row = inbox.getByTestId("conversation-row").filter({ hasText: "Глеб Соколов" });
    await expect(row).toBeVisible({ timeout: 30_000 });
    // The list line may already show the agent's answer; the client's message is in the thread.
    await row.click();
    await expect(inbox.getByTestId("thread").getByTestId("message").filter({ hasText: "торт на субботу" })).toBeVisible();

    await delivery.selectOption("webhook");
    await expect(delivery).toHaveValue("webhook");
    await expect.poll(webhookUrl).toMatch(/\/webhooks\/telegram\/[0-9a-f-]{36}$/);
  } finally {
    await tg.stop();
  }
});
