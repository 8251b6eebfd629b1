import { connectTelegramBot, expect, telegramSimulator, test } from "./fixtures.ts";

// The copilot after the handoff: the owner adds a document to the knowledge base; a client's
// conversation is taken from the agent (its switch turned off); the client asks what the document
// answers; the reply box offers that answer, Tab puts it in the box, the manager edits it and
// sends it, and it reaches the client. The contact panel sums the conversation up.
test("a manager inserts the copilot's suggestion with Tab, edits it and sends it", async ({ page, browser, urls, seed, signIn, shot }) => {
  test.setTimeout(180_000);
  const tg = telegramSimulator();
  await tg.start();
  try {
    const owner = await seed.demoAccount("owner");
    const suffix = Math.random().toString(36).slice(2, 7);
    const bot = tg.addBot({ token: `7100000015:AA${"copilot".repeat(5)}`, username: "zerno_copilot_bot", firstName: "Кофейня «Зерно»" });

    await signIn(page, urls.admin, owner.email, owner.password);
    await connectTelegramBot(page, bot);
    await page.getByRole("link", { name: "База знаний" }).click();
    await page.locator("#knowledge-file").setInputFiles({
      name: `hranenie-${suffix}.md`,
      mimeType: "text/markdown",
      buffer: Buffer.from("# Хранение зёрен\n\nЗёрна храните в тёмной банке с клапаном при комнатной температуре. В холодильнике зёрна впитывают запахи и отсыревают.\n"),
    });
    await expect(page.getByRole("list", { name: "База знаний" })).toContainText(`hranenie ${suffix}`);

    const client = { id: 9800 + Math.floor(Math.random() * 100), first_name: "Влада", last_name: `Копилотова ${suffix}` };
    const sent = () => tg.sentMessages(client.id, { botToken: bot.token }).map((m) => m.text ?? "");
    tg.simulateClientMessage({ botToken: bot.token, from: client, text: "Добрый день!" });
    // The agent's first turn ends with its ask for the phone (when the agent is on for the new bot).
    await page.waitForTimeout(1000);

    const inbox = await (await browser.newContext({ locale: "ru-RU", viewport: { width: 1440, height: 900 } })).newPage();
    await signIn(inbox, urls.inbox, owner.email, owner.password);
    await inbox.getByTestId("conversation-row").filter({ hasText: `Копилотова ${suffix}` }).click({ timeout: 20_000 });
    // A person takes the conversation: the agent's switch goes off.
    const aiSwitch = inbox.getByTestId("contact-panel").getByRole("switch");
    if (await aiSwitch.isChecked()) await aiSwitch.click();
    await expect(aiSwitch).not.toBeChecked();

    tg.simulateClientMessage({ botToken: bot.token, from: client, text: "Подскажите, как хранить зёрна дома?" });
    await expect(inbox.getByTestId("message").filter({ hasText: "как хранить зёрна дома" })).toBeVisible({ timeout: 15_000 });
    const suggestion = inbox.getByTestId("copilot");
    await expect(suggestion.getByTestId("copilot-text")).toContainText("банке с клапаном", { timeout: 15_000 });
    await expect(suggestion).toContainText(`Документ «hranenie ${suffix}»`);
    await expect(inbox.getByTestId("copilot-summary")).toContainText("Сводка");
    await shot(inbox, "inbox-copilot", { docs: true });

    // Nothing is sent until the manager sends it.
    const before = sent().length;
    const field = inbox.getByTestId("reply-input");
    await field.focus();
    await field.press("Tab");
    await expect(field).toHaveValue(/банке с клапаном/);
    await field.press("End");
    await field.pressSequentially(" Хорошего дня!");
    const text = await field.inputValue();
    expect(text).toMatch(/банке с клапаном.* Хорошего дня!$/s);
    expect(sent()).toHaveLength(before);
    await field.press("Enter");
    await expect(inbox.getByTestId("message").filter({ hasText: "Хорошего дня!" })).toBeVisible({ timeout: 10_000 });
    await expect.poll(sent, { timeout: 15_000 }).toContain(text);
  } finally {
    await tg.stop();
  }
});
