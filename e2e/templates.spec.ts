import { connectTelegramBot, expect, telegramSimulator, test } from "./fixtures.ts";

// Saved replies: the owner writes one in admin; a manager types «/» and a few letters in the reply
// box, picks it with Enter, and the client receives it with their own name in it.
test("a manager answers with a saved reply that carries the client's name", async ({ page, browser, urls, seed, signIn, shot }) => {
  test.setTimeout(150_000);
  const tg = telegramSimulator();
  await tg.start();
  try {
    const owner = await seed.demoAccount("owner");
    const manager = await seed.demoAccount("manager");
    const bot = tg.addBot({ token: `7100000005:AA${"templates".repeat(4)}`, username: "zerno_templates_bot", firstName: "Кофейня «Зерно»" });

    await signIn(page, urls.admin, owner.email, owner.password);
    await connectTelegramBot(page, bot);
    await page.getByRole("link", { name: "Шаблоны ответов" }).click();
    await page.getByLabel("Название").fill("Пробный набор зёрен");
    await page.getByLabel("Текст").fill("{имя}, доставляем каждый день с 9 до 21, от 1500 ₽ — бесплатно.");
    await page.getByRole("button", { name: "Добавить шаблон" }).click();
    await expect(page.getByRole("list", { name: "Шаблоны ответов" })).toContainText("Пробный набор зёрен");
    await shot(page, "admin-templates", { docs: true });

    const client = { id: 9501, first_name: "Эвелина", last_name: "Ракитина" };
    tg.simulateClientMessage({ botToken: bot.token, from: client, text: "А доставка у вас есть?" });
    const inbox = await (await browser.newContext({ locale: "ru-RU", viewport: { width: 1440, height: 900 } })).newPage();
    await signIn(inbox, urls.inbox, manager.email, manager.password);
    await inbox.getByTestId("conversation-row").filter({ hasText: "Эвелина Ракитина" }).click({ timeout: 20_000 });
    const field = inbox.getByTestId("reply-input");
    await field.fill("/пробн");
    const list = inbox.getByRole("listbox", { name: "Шаблоны ответов" });
    await expect(list.getByRole("option")).toHaveCount(1);
    await shot(inbox, "inbox-templates", { docs: true });
    await field.press("Enter");
    await expect(field).toHaveValue("Эвелина, доставляем каждый день с 9 до 21, от 1500 ₽ — бесплатно.");
    await field.press("Enter");
    await expect.poll(() => tg.sentMessages(client.id, { botToken: bot.token }).map((m) => m.text), { timeout: 15_000 }).toContain("Эвелина, доставляем каждый день с 9 до 21, от 1500 ₽ — бесплатно.");
  } finally {
    await tg.stop();
  }
});
