import { solidPng } from "@threadline/simulators/channels";
import { connectTelegramBot, expect, telegramSimulator, test } from "./fixtures.ts";

// Files in saved replies: the owner puts a menu photo into a saved reply in admin; a manager sends
// it to two clients of the same bot. Telegram gets the photo's bytes once: the second client's
// message names the file_id the first send got back. The second reply is picked, then the page is
// reloaded: the saved reply's file is still in the box, kept with the draft, and goes. Last, a file
// of the manager's own sent to both clients goes up once too.
test("a saved reply's photo is uploaded to Telegram once and sent by its file_id after", async ({ page, browser, urls, seed, signIn, shot }) => {
  test.setTimeout(180_000);
  const tg = telegramSimulator();
  await tg.start();
  try {
    const owner = await seed.demoAccount("owner");
    const manager = await seed.demoAccount("manager");
    const bot = tg.addBot({ token: `7100000155:AA${"savedmedia".repeat(4)}`, username: "zerno_media_bot", firstName: "Кофейня «Зерно»" });
    const photos = (chatId: number) => tg.sentMessages(chatId, { botToken: bot.token }).filter((m) => m.file);
    const title = `Меню недели ${Math.floor(Math.random() * 1e6)}`;

    await signIn(page, urls.admin, owner.email, owner.password);
    await connectTelegramBot(page, bot);
    await page.getByRole("link", { name: "Шаблоны ответов" }).click();
    await expect(page.getByRole("heading", { name: "Добавить шаблон" })).toBeVisible();
    await page.getByLabel("Название").fill(title);
    await page.getByLabel("Текст").fill("{имя}, вот меню этой недели — спрашивайте, если что-то подсказать.");
    await page.getByTestId("template-file-input").setInputFiles({ name: "меню.png", mimeType: "image/png", buffer: solidPng(320, 240, [200, 160, 110]) });
    await expect(page.getByRole("checkbox", { name: "меню.png" }).first()).toBeChecked({ timeout: 15_000 });
    await shot(page, "admin-template-files", { docs: true });
    await page.getByRole("button", { name: "Добавить шаблон" }).last().click();
    await expect(page.getByRole("list", { name: "Шаблоны ответов" })).toContainText(title);

    const clients = [
      { id: 9561, first_name: "Ульяна", last_name: "Горбачёва" },
      { id: 9562, first_name: "Тимур", last_name: "Аксёнов" },
    ];
    for (const client of clients) tg.simulateClientMessage({ botToken: bot.token, from: client, text: "Пришлите меню, пожалуйста" });
    const inbox = await (await browser.newContext({ locale: "ru-RU", viewport: { width: 1440, height: 900 } })).newPage();
    await signIn(inbox, urls.inbox, manager.email, manager.password);

    for (const [i, client] of clients.entries()) {
      const name = `${client.first_name} ${client.last_name}`;
      await inbox.getByTestId("conversation-row").filter({ hasText: name }).click({ timeout: 20_000 });
      // The field of this client's thread: typed into before the thread switches, the text would stay with the previous one.
      const field = inbox.getByTestId("thread").filter({ hasText: name }).getByTestId("reply-input");
      await field.fill("/меню недели");
      const list = inbox.getByRole("listbox", { name: "Шаблоны ответов" });
      await expect(list.getByRole("option").filter({ hasText: title })).toContainText("1 файл");
      if (i === 0) await shot(inbox, "inbox-template-files", { docs: true });
      await field.press("Enter");
      await expect(field).toHaveValue(`${client.first_name}, вот меню этой недели — спрашивайте, если что-то подсказать.`);
      await expect(inbox.getByRole("list", { name: "1 файл" })).toContainText("меню.png");
      if (i === 1) {
        // The picked reply is a draft: a reload brings back its text and its file.
        await inbox.reload();
        await expect(field).toHaveValue(`${client.first_name}, вот меню этой недели — спрашивайте, если что-то подсказать.`, { timeout: 20_000 });
        await expect(inbox.getByRole("list", { name: "1 файл" })).toContainText("меню.png");
      }
      await field.press("Enter");
      // The agent greets each client first; the manager's photo is the one message with a file.
      await expect.poll(() => photos(client.id).length, { timeout: 20_000 }).toBe(1);
    }

    const [first] = photos(clients[0]!.id);
    const [second] = photos(clients[1]!.id);
    expect(first).toMatchObject({ kind: "photo", caption: "Ульяна, вот меню этой недели — спрашивайте, если что-то подсказать.", file: { uploaded: true } });
    expect(second).toMatchObject({ kind: "photo", file: { uploaded: false, fileId: first!.file!.fileId } });

    // The manager's own price list, attached by hand for each client: the same bytes go up once,
    // the second client's message names the file_id of the first.
    const price = { name: "прайс.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n% прайс на неделю\n%%EOF\n") };
    const documents = (chatId: number) => tg.sentMessages(chatId, { botToken: bot.token }).filter((m) => m.kind === "document");
    for (const client of clients) {
      const name = `${client.first_name} ${client.last_name}`;
      await inbox.getByTestId("conversation-row").filter({ hasText: name }).click();
      const thread = inbox.getByTestId("thread").filter({ hasText: name });
      await thread.getByTestId("reply-file-input").setInputFiles(price);
      await thread.getByTestId("reply-input").fill("И прайс");
      await thread.getByTestId("reply-input").press("Enter");
      await expect.poll(() => documents(client.id).length, { timeout: 20_000 }).toBe(1);
    }
    const [ownFirst] = documents(clients[0]!.id);
    expect(ownFirst).toMatchObject({ file: { uploaded: true } });
    expect(documents(clients[1]!.id)[0]).toMatchObject({ file: { uploaded: false, fileId: ownFirst!.file!.fileId } });
  } finally {
    await tg.stop();
  }
});
