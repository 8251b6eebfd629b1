import { connectTelegramBot, expect, telegramSimulator, test, vkSimulator } from "./fixtures.ts";

// History import on real parts: a VK community (the VK API simulator) with past dialogs is
// connected in admin, the owner starts the import, watches the progress bar move with the
// progress the worker pushes over Socket.IO (no re-reading of the list meanwhile) and reach
// 100 %, and the imported conversations show in the inbox with their files.
test("the owner imports a VK community's history and sees the conversations in the inbox", async ({ page, browser, urls, seed, signIn, shot }) => {
  // Three thousand dialogs at VK's rate, then the inbox: minutes on a busy two-core machine.
  test.setTimeout(300_000);
  const vk = vkSimulator();
  await vk.start();
  try {
    const owner = await seed.demoAccount("owner");
    // Each run has a fresh database, so plain names stay unique (they also show in the help page).
    const name = "Мебельная мастерская «Дуб»";
    // A few thousand past dialogs (generated from a seed), so that the import takes a few seconds.
    const { groupId, token, dialogs } = vk.seedCommunity({ name, dialogs: 3000, seed: 4 });
    // And three clients who wrote last, with a photo and a document among their messages.
    const clients = [
      { id: 7_100_001, firstName: "Ирина", lastName: "Белова", text: "Сколько стоит шкаф-купе 2 метра?" },
      { id: 7_100_002, firstName: "Олег", lastName: "Миронов", text: "Можно заказать стол из дуба?" },
      { id: 7_100_003, firstName: "Мария", lastName: "Котова", text: "Доставляете в Подольск?" },
    ];
    for (const c of clients) {
      vk.addUser({ id: c.id, firstName: c.firstName, lastName: c.lastName });
      vk.simulateClientMessage({ groupId, userId: c.id, text: c.text });
      vk.simulateClientMessage({ groupId, userId: c.id, text: `${c.firstName}: жду ответа` });
    }
    vk.simulateClientMessage({ groupId, userId: clients[0]!.id, attachments: [{ type: "photo" }] });
    vk.simulateClientMessage({ groupId, userId: clients[1]!.id, attachments: [{ type: "doc", title: "Эскиз стола.pdf", data: Buffer.from("%PDF-1.4 эскиз") }] });
    const total = dialogs + clients.length;

    await signIn(page, urls.admin, owner.email, owner.password);
    await page.waitForURL(/\/p\/[0-9a-f-]{36}/);
    // The inbox is opened on this same project below, whatever else the owner is a member of.
    const projectId = /\/p\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    await page.getByRole("link", { name: "Каналы" }).click();
    await page.getByLabel("ID сообщества").fill(String(groupId));
    await page.getByLabel("Ключ доступа сообщества").fill(token);
    await page.getByRole("button", { name: "Подключить" }).last().click();
    await expect(page.getByText(`Подключено: ${name}`)).toBeVisible({ timeout: 15_000 });

    await page.getByRole("link", { name: "Импорт истории" }).click();
    await expect(page.getByRole("heading", { name: "Импорт истории" })).toBeVisible();
    await page.getByLabel("Сообщество VK").selectOption({ label: name });
    const listReads: number[] = [];
    page.on("request", (r) => void (r.url().includes("imports.list") && listReads.push(Date.now())));
    await page.getByRole("button", { name: "Начать импорт" }).click();

    const run = page.getByTestId("import-run").filter({ hasText: name });
    await expect(run).toBeVisible();
    const bar = run.getByRole("progressbar");
    // Part way: the bar moves on with no read of the list in between, so the socket moved it.
    await expect(bar).toHaveAttribute("aria-valuenow", /^[1-8]\d?$/, { timeout: 60_000 });
    const partWay = Number(await bar.getAttribute("aria-valuenow"));
    const readsBefore = listReads.length;
    await expect.poll(async () => Number(await bar.getAttribute("aria-valuenow")), { timeout: 30_000, intervals: [100] }).toBeGreaterThan(partWay);
    expect(Number(await bar.getAttribute("aria-valuenow"))).toBeLessThan(100);
    expect(listReads.length).toBe(readsBefore);
    await shot(page, "admin-import-running", { docs: true });
    await expect(bar).toHaveAttribute("aria-valuenow", "100", { timeout: 60_000 });
    await expect(run.getByText("готово", { exact: true })).toBeVisible();
    await expect(run).toContainText(`${total} из ${total} диалогов`);
    await shot(page, "admin-import", { docs: true });

    const context = await browser.newContext({ locale: "ru-RU", viewport: { width: 1440, height: 900 } });
    try {
      const inbox = await context.newPage();
      await signIn(inbox, urls.inbox, owner.email, owner.password);
      await inbox.goto(`${urls.inbox}/p/${projectId}`);
      for (const c of clients) {
        await expect(inbox.getByTestId("conversation-row").filter({ hasText: `${c.firstName} ${c.lastName}` })).toBeVisible({ timeout: 30_000 });
      }
      await inbox.getByTestId("conversation-row").filter({ hasText: `${clients[0]!.firstName} ${clients[0]!.lastName}` }).click();
      const thread = inbox.getByTestId("thread");
      await expect(thread.getByTestId("message").filter({ hasText: clients[0]!.text })).toBeVisible();
      // Files of the history are fetched by the media job, as live ones are.
      await expect(thread.getByRole("img", { name: "Фото" })).toBeVisible({ timeout: 15_000 });
      await inbox.getByTestId("conversation-row").filter({ hasText: `${clients[1]!.firstName} ${clients[1]!.lastName}` }).click();
      await expect(thread.getByRole("link", { name: /Эскиз стола\.pdf/ })).toBeVisible({ timeout: 15_000 });
      await shot(inbox, "inbox-imported-files");
    } finally {
      await context.close();
    }
  } finally {
    await vk.stop();
  }
});

/** A Telegram Desktop export (result.json) of the business account `ownId`: one personal chat per client. */
function telegramExport(ownId: number, chats: { id: number; name: string; lines: string[] }[]) {
  const at = Date.parse("2025-03-03T09:00:00Z") / 1000;
  return JSON.stringify({
    about: "Here is the data you requested.",
    personal_information: { user_id: ownId, first_name: "Кофейня", last_name: "«Зерно»", phone_number: "+7 999 000 00 00", bio: "" },
    chats: {
      about: "This page lists all chats from this export.",
      list: chats.map((c) => ({
        name: c.name,
        type: "personal_chat",
        id: c.id,
        messages: c.lines.map((text, i) => {
          const fromClient = i % 2 === 0;
          const date = at + i * 60;
          return {
            id: i + 1,
            type: "message",
            date: new Date(date * 1000).toISOString().slice(0, 19),
            date_unixtime: String(date),
            from: fromClient ? c.name : "Кофейня «Зерно»",
            from_id: `user${fromClient ? c.id : ownId}`,
            text,
            text_entities: [{ type: "plain", text }],
          };
        }),
      })),
    },
  });
}

// A Telegram Desktop export uploaded in admin: the file field speaks Russian, the upload shows its
// progress with megabytes and time left (the browser's upload is slowed down so that there is a
// progress to see), the dialogs land in the Telegram channel and show in the inbox.
test("the owner uploads a Telegram Desktop export and watches it upload and import", async ({ page, browser, urls, seed, signIn, shot }) => {
  test.setTimeout(120_000);
  const tg = telegramSimulator();
  await tg.start();
  try {
    const owner = await seed.demoAccount("owner");
    const bot = tg.addBot({ token: `7100000006:AA${"export".repeat(6)}`, username: "zerno_export_bot", firstName: "Кофейня «Зерно»" });
    await signIn(page, urls.admin, owner.email, owner.password);
    await connectTelegramBot(page, { token: bot.token, username: "zerno_export_bot" });

    // Two clients to find later, and enough past chats to make a file of a few megabytes.
    const clients = [
      { id: 6_200_001, name: "Вероника Лисицына", lines: ["Здравствуйте! Зёрна эфиопии ещё есть?", "Есть, 450 ₽ за 250 г", "Отложите две пачки, пожалуйста"] },
      { id: 6_200_002, name: "Глеб Осокин", lines: ["Можно оплатить картой при получении?", "Да, курьер примет карту"] },
    ];
    const filler = Array.from({ length: 300 }, (_, i) => ({
      id: 6_300_000 + i,
      name: `Гость ${i + 1}`,
      lines: Array.from({ length: 12 }, (_, j) => `Сообщение ${j + 1}: ${"кофе с собой, капучино на овсяном, круассан и чизкейк — ".repeat(6)}`),
    }));
    const file = Buffer.from(telegramExport(880_001, [...clients, ...filler]));
    const megabytes = (file.length / 1024 / 1024).toFixed(1).replace(".", ",");

    await page.getByRole("link", { name: "Импорт истории" }).click();
    await page.getByLabel("Telegram-канал").selectOption({ label: "@zerno_export_bot" });
    await expect(page.getByTestId("import-tg-file-name")).toHaveText("Файл не выбран");
    await page.locator("#import-tg-file").setInputFiles({ name: "result.json", mimeType: "application/json", buffer: file });
    await expect(page.getByTestId("import-tg-file-name")).toHaveText(`result.json · ${megabytes} МБ`);

    // About a megabyte a second, so the upload takes a few seconds.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 1024 * 1024 });
    await page.getByRole("button", { name: "Загрузить" }).click();
    const upload = page.getByTestId("import-tg-upload");
    const bar = upload.getByRole("progressbar", { name: "Загрузка файла" });
    await expect(bar).toHaveAttribute("aria-valuenow", /^[1-9]\d?$/, { timeout: 15_000 });
    await expect(upload).toContainText(new RegExp(`Загружено [\\d,]+ из ${megabytes} МБ`));
    await expect(upload).toContainText(/осталось \d+ с/);
    await shot(page, "admin-import-telegram-upload", { docs: true });
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

    await expect(page.getByText(`Перенесено диалогов: ${clients.length + filler.length}`)).toBeVisible({ timeout: 60_000 });
    await expect(upload).toHaveCount(0);
    await expect(page.getByTestId("import-tg-file-name")).toHaveText("Файл не выбран");
    const run = page.getByTestId("import-run").filter({ hasText: "@zerno_export_bot" });
    await expect(run).toContainText("Экспорт Telegram");
    await expect(run.getByText("готово", { exact: true })).toBeVisible();

    const context = await browser.newContext({ locale: "ru-RU", viewport: { width: 1440, height: 900 } });
    try {
      const inbox = await context.newPage();
      await signIn(inbox, urls.inbox, owner.email, owner.password);
      await inbox.getByPlaceholder(/Поиск/).fill("Лисицына");
      const row = inbox.getByTestId("conversation-row").filter({ hasText: "Вероника Лисицына" });
      await expect(row).toBeVisible({ timeout: 15_000 });
      await row.click();
      await expect(inbox.getByTestId("thread").getByTestId("message").filter({ hasText: "Отложите две пачки, пожалуйста" })).toBeVisible();
    } finally {
      await context.close();
    }
  } finally {
    await tg.stop();
  }
});
