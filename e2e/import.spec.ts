import { VkApiSimulator } from "@threadline/channels/simulators";
import { expect, test } from "./fixtures.ts";

// History import on real parts: a VK community (the VK API simulator) with past dialogs is
// connected in admin, the owner starts the import, watches the progress bar move with the
// progress the worker pushes over Socket.IO (no re-reading of the list meanwhile) and reach
// 100 %, and the imported conversations show in the inbox with their files.
test("the owner imports a VK community's history and sees the conversations in the inbox", async ({ page, browser, urls, seed, signIn, shot }) => {
  const vk = new VkApiSimulator();
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
    await page.getByRole("link", { name: "Каналы" }).click();
    await page.getByLabel("ID сообщества").fill(String(groupId));
    await page.getByLabel("Ключ доступа сообщества").fill(token);
    const advanced = page.locator("details").filter({ has: page.locator("#vk-api") });
    await advanced.locator("summary").click();
    await page.locator("#vk-api").fill(vk.apiBaseUrl);
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
      for (const c of clients) {
        await expect(inbox.getByTestId("conversation-row").filter({ hasText: `${c.firstName} ${c.lastName}` })).toBeVisible({ timeout: 15_000 });
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
