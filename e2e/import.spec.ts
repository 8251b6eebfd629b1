import { VkApiSimulator } from "@threadline/channels/simulators";
import { expect, test } from "./fixtures.ts";

// History import on real parts: a VK community (the VK API simulator) with past dialogs is
// connected in admin, the owner starts the import, watches the progress bar reach 100 %, and the
// imported conversations show in the inbox.
test("the owner imports a VK community's history and sees the conversations in the inbox", async ({ page, browser, urls, seed, signIn, shot }) => {
  const vk = new VkApiSimulator();
  await vk.start();
  try {
    const owner = await seed.demoAccount("owner");
    // Each run has a fresh database, so plain names stay unique (they also show in the help page).
    const name = "Мебельная мастерская «Дуб»";
    const { groupId, token } = vk.addCommunity({ name });
    // Past dialogs, written before the community is connected.
    const clients = [
      { id: 7_100_001, firstName: "Ирина", lastName: "Лебедева", text: "Сколько стоит шкаф-купе 2 метра?" },
      { id: 7_100_002, firstName: "Олег", lastName: "Миронов", text: "Можно заказать стол из дуба?" },
      { id: 7_100_003, firstName: "Мария", lastName: "Котова", text: "Доставляете в Подольск?" },
    ];
    for (const c of clients) {
      vk.addUser({ id: c.id, firstName: c.firstName, lastName: c.lastName });
      vk.simulateClientMessage({ groupId, userId: c.id, text: c.text });
      vk.simulateClientMessage({ groupId, userId: c.id, text: `${c.firstName}: жду ответа` });
    }

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
    await page.getByRole("button", { name: "Начать импорт" }).click();

    const run = page.getByTestId("import-run").filter({ hasText: name });
    await expect(run).toBeVisible();
    const bar = run.getByRole("progressbar");
    await expect(bar).toHaveAttribute("aria-valuenow", "100", { timeout: 60_000 });
    await expect(run.getByText("готово", { exact: true })).toBeVisible();
    await expect(run).toContainText(`${clients.length} из ${clients.length} диалогов`);
    await shot(page, "admin-import", { docs: true });

    const context = await browser.newContext({ locale: "ru-RU", viewport: { width: 1440, height: 900 } });
    try {
      const inbox = await context.newPage();
      await signIn(inbox, urls.inbox, owner.email, owner.password);
      for (const c of clients) {
        await expect(inbox.getByTestId("conversation-row").filter({ hasText: `${c.firstName} ${c.lastName}` })).toBeVisible({ timeout: 15_000 });
      }
      await inbox.getByTestId("conversation-row").filter({ hasText: `${clients[0]!.firstName} ${clients[0]!.lastName}` }).click();
      await expect(inbox.getByTestId("thread").getByTestId("message").filter({ hasText: clients[0]!.text })).toBeVisible();
    } finally {
      await context.close();
    }
  } finally {
    await vk.stop();
  }
});
