import { connectTelegramBot, expect, telegramSimulator, test } from "./fixtures.ts";

// The core loop on real parts: a Telegram bot connected in admin (against the Bot API
// simulator), a client writing in, the manager's open inbox updating live, the reply reaching
// the client, a block showing the client inactive, and another project seeing none of it.
test("a client writes, the manager sees it live, replies, and the client receives it", async ({ page, browser, urls, seed, signIn, shot }) => {
  const tg = telegramSimulator();
  await tg.start();
  try {
    const owner = await seed.demoAccount("owner");
    const manager = await seed.demoAccount("manager");
    const bot = tg.addBot({ username: "zerno_coffee_bot", firstName: "Кофейня «Зерно»" });

    await signIn(page, urls.admin, owner.email, owner.password);
    await connectTelegramBot(page, bot);
    await expect(page.getByText("Подключено: Кофейня «Зерно»")).toBeVisible();
    await shot(page, "admin-channels", { docs: true });

    const managerContext = await browser.newContext({ locale: "ru-RU", viewport: { width: 1440, height: 900 } });
    const inbox = await managerContext.newPage();
    await signIn(inbox, urls.inbox, manager.email, manager.password);
    await expect(inbox.getByLabel("Проект")).toBeVisible();

    // The client writes; the open inbox shows it without a reload. The project's agent answers
    // first contacts, so the conversation is the agent's and not unread for people yet.
    tg.simulateClientMessage({ botToken: bot.token, from: { id: 9001, first_name: "Алина", last_name: "Воронцова", username: "alina_v" }, text: "Здравствуйте! Хочу заказать торт на субботу" });
    const row = inbox.getByTestId("conversation-row").filter({ hasText: "Алина Воронцова" });
    await expect(row).toBeVisible({ timeout: 10_000 });
    await expect(row).toHaveAttribute("data-unread", "false");
    await shot(inbox, "inbox-conversations", { docs: true });

    await row.click();
    const thread = inbox.getByTestId("thread");
    await expect(thread.getByTestId("message").filter({ hasText: "Хочу заказать торт" })).toBeVisible();
    // A manager's role hides the client's profile link.
    const panel = inbox.getByTestId("contact-panel");
    await expect(panel).toBeVisible();
    await expect(panel).not.toContainText("t.me/alina_v");
    expect(await inbox.locator('a[href*="t.me/alina_v"]').count()).toBe(0);

    // The manager replies; the client receives it and the message is marked sent.
    const reply = inbox.getByTestId("reply-input");
    await reply.fill("Добрый день, Алина! Торты на заказ делаем за 2 дня. Какой вес нужен?");
    await reply.press("Enter");
    await expect
      .poll(() => tg.sentMessages(9001, { botToken: bot.token }).map((m) => m.text), { timeout: 10_000 })
      .toContain("Добрый день, Алина! Торты на заказ делаем за 2 дня. Какой вес нужен?");
    await expect(thread.getByTestId("message").filter({ hasText: "Какой вес нужен?" })).toHaveAttribute("data-delivery", /sent|read/, { timeout: 10_000 });
    // The list says who wrote last: the manager themselves.
    await expect(row).toContainText("Вы: Добрый день, Алина!");
    await shot(inbox, "inbox-thread", { docs: true });

    // A file goes with a caption; the client receives the document itself.
    await inbox.getByTestId("reply-file-input").setInputFiles({ name: "прайс.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n% прайс-лист\n") });
    await expect(inbox.getByTestId("reply-file")).toContainText("прайс.pdf");
    await reply.fill("Прайс во вложении");
    await reply.press("Enter");
    await expect
      .poll(() => tg.sentMessages(9001, { botToken: bot.token }).find((m) => m.kind === "document")?.file?.fileName, { timeout: 10_000 })
      .toBe("прайс.pdf");
    expect(tg.sentMessages(9001, { botToken: bot.token }).find((m) => m.kind === "document")?.caption).toBe("Прайс во вложении");

    // A bigger file on a slow connection: its upload shows on the file; cancelled, nothing goes;
    // sent again, the reply leaves once the file is up.
    const catalogue = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(1_500_000, 0x20)]);
    const cdp = await inbox.context().newCDPSession(inbox);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
    const documentsSent = () => tg.sentMessages(9001, { botToken: bot.token }).filter((m) => m.kind === "document").length;
    await inbox.getByTestId("reply-file-input").setInputFiles({ name: "каталог.pdf", mimeType: "application/pdf", buffer: catalogue });
    await reply.fill("Каталог тортов");
    await reply.press("Enter");
    const uploadBar = inbox.getByTestId("reply-file-upload").getByRole("progressbar");
    await expect(uploadBar).toHaveAttribute("aria-valuenow", /^[1-9]\d?$/, { timeout: 10_000 });
    await expect(inbox.getByTestId("reply-file-upload")).toContainText(/\d+ % · ещё \d+ с/);
    await shot(inbox, "inbox-file-uploading", { docs: true });
    await inbox.getByRole("button", { name: "Отменить загрузку" }).click();
    await expect(inbox.getByTestId("reply-file-upload")).toHaveCount(0);
    await expect(inbox.getByTestId("reply-file")).toContainText("каталог.pdf");
    await expect(reply).toHaveValue("Каталог тортов");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 1024 * 1024 });
    await reply.press("Enter");
    await expect(uploadBar).toBeVisible();
    await expect.poll(() => tg.sentMessages(9001, { botToken: bot.token }).find((m) => m.file?.fileName === "каталог.pdf")?.caption, { timeout: 20_000 }).toBe("Каталог тортов");
    expect(documentsSent()).toBe(2);
    await expect(inbox.getByTestId("reply-file")).toHaveCount(0);
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

    // The client blocks the bot: the conversation shows as inactive.
    tg.blockBot(9001, bot.token);
    await expect(row).toContainText("неактивен", { timeout: 10_000 });

    // A member of another project sees nothing of it.
    const otherContext = await browser.newContext({ locale: "ru-RU" });
    const other = await otherContext.newPage();
    const stranger = await seed.demoAccount("manager", "Стоматология «Улыбка»");
    await signIn(other, urls.inbox, stranger.email, stranger.password);
    await expect(other.getByLabel("Проект").locator("option")).toHaveText(["Стоматология «Улыбка»"]);
    await expect(other.getByText("Алина Воронцова")).toHaveCount(0);
    await other.goto(`${urls.inbox}${new URL(inbox.url()).pathname}`);
    await expect(other.getByText("Алина Воронцова")).toHaveCount(0);
    await expect(other.getByText("Хочу заказать торт")).toHaveCount(0);
    await otherContext.close();
    await managerContext.close();
  } finally {
    await tg.stop();
  }
});
