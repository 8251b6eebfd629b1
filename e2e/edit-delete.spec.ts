import { connectTelegramBot, expect, telegramSimulator, test } from "./fixtures.ts";

// A manager corrects and withdraws replies: two replies reach the client, the manager deletes the
// last one (Telegram deleteMessage; the thread keeps «Сообщение удалено») and edits the other
// (editMessageText; «изменено» next to the time). The conversation list's line follows each step.
test("a manager edits one reply and deletes another; the client and the list follow", async ({ page, browser, urls, seed, signIn, shot }) => {
  test.setTimeout(180_000);
  const tg = telegramSimulator();
  await tg.start();
  try {
    const owner = await seed.demoAccount("owner");
    const manager = await seed.demoAccount("manager");
    const suffix = Math.random().toString(36).slice(2, 7);
    const bot = tg.addBot({ token: `7100000158:AA${"editdelete".repeat(4)}`, username: "zerno_edit_bot", firstName: "Кофейня «Зерно»" });
    await signIn(page, urls.admin, owner.email, owner.password);
    await connectTelegramBot(page, bot);

    const client = { id: 9700 + Math.floor(Math.random() * 100), first_name: "Таисия", last_name: `Правкина ${suffix}` };
    const onTelegram = () => tg.sentMessages(client.id, { botToken: bot.token });
    tg.simulateClientMessage({ botToken: bot.token, from: client, text: "Когда привезёте заказ?" });

    const inbox = await (await browser.newContext({ locale: "ru-RU", viewport: { width: 1440, height: 900 } })).newPage();
    await signIn(inbox, urls.inbox, manager.email, manager.password);
    const row = inbox.getByTestId("conversation-row").filter({ hasText: `Правкина ${suffix}` });
    await row.click({ timeout: 20_000 });
    // A person answers: the agent's switch goes off, so only the manager's replies are in the thread.
    const aiSwitch = inbox.getByTestId("contact-panel").getByRole("switch");
    if (await aiSwitch.isChecked()) await aiSwitch.click();
    await expect(aiSwitch).not.toBeChecked();

    const field = inbox.getByTestId("reply-input");
    const reply = async (text: string) => {
      await field.fill(text);
      await field.press("Enter");
      await expect(inbox.getByTestId("message").filter({ hasText: text })).toHaveAttribute("data-delivery", /sent|read/, { timeout: 15_000 });
    };
    await reply("Привезём завтра к 10:00");
    await reply("Курьер позвонит за час, оплата картой");
    await expect(row).toContainText("Курьер позвонит за час");

    // Delete the last reply: gone for the client, a note in the thread, the list shows the one before.
    const second = inbox.getByTestId("message").filter({ hasText: "Курьер позвонит за час" });
    await second.getByRole("button", { name: "Удалить" }).click();
    await expect(second).toContainText("Удалить сообщение и у клиента?");
    await second.getByRole("button", { name: "Удалить" }).click();
    await expect.poll(() => onTelegram().find((m) => m.text === "Курьер позвонит за час, оплата картой")?.deletedAt, { timeout: 15_000 }).toEqual(expect.any(Number));
    const deleted = inbox.locator('[data-testid="message"][data-deleted="true"]');
    await expect(deleted).toContainText("Сообщение удалено", { timeout: 15_000 });
    await expect(row).toContainText("Привезём завтра к 10:00", { timeout: 15_000 });
    await expect(row).not.toContainText("Курьер позвонит");

    // Edit the first: the client sees the new text, the thread marks it, the list shows it.
    const first = inbox.getByTestId("message").filter({ hasText: "Привезём завтра к 10:00" });
    await first.getByRole("button", { name: "Изменить" }).click();
    const editor = first.getByLabel("Новый текст сообщения");
    await expect(editor).toHaveValue("Привезём завтра к 10:00");
    await editor.fill("Привезём завтра к 12:00");
    await shot(inbox, "inbox-edit-message", { docs: true });
    await first.getByRole("button", { name: "Сохранить" }).click();
    await expect.poll(() => onTelegram().find((m) => m.text === "Привезём завтра к 12:00")?.edits, { timeout: 15_000 }).toBe(1);
    const edited = inbox.getByTestId("message").filter({ hasText: "Привезём завтра к 12:00" });
    await expect(edited).toContainText("изменено", { timeout: 15_000 });
    await expect(row).toContainText("Привезём завтра к 12:00", { timeout: 15_000 });
    await shot(inbox, "inbox-edit-delete", { docs: true });
  } finally {
    await tg.stop();
  }
});
