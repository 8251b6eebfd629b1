import { expect, test } from "./fixtures.ts";
import { seedConversation } from "./seed-conversation.ts";

// The inbox by keyboard: «?» shows the sheet, «/» goes to the search, Alt+A takes the open
// conversation, Alt+L records a refusal; and «Помощь» in both apps opens the screen's help page.
test("a manager works by keyboard, and «Помощь» opens the screen's help page", async ({ page, browser, urls, seed, signIn, shot }) => {
  const manager = await seed.demoAccount("manager");
  const owner = await seed.demoAccount("owner");
  await seedConversation(seed.db, manager.project, { name: "Тимур Ласточкин", text: "Беру два набора, как оплатить?" });

  await signIn(page, urls.inbox, manager.email, manager.password);
  const search = page.getByRole("searchbox", { name: "Поиск: имя, телефон, текст" });
  await expect(search).toBeVisible();

  // «?» opens the sheet; it lists what the keys do.
  await page.keyboard.press("Shift+Slash");
  const sheet = page.getByRole("dialog", { name: "Сочетания клавиш" });
  await expect(sheet).toContainText("Назначить диалог на себя");
  await expect(sheet).toContainText("Перейти к поиску");
  await shot(page, "inbox-shortcuts", { docs: true });
  await page.keyboard.press("Escape");
  await expect(sheet).toHaveCount(0);

  // «/» goes to the search, and types nothing into it.
  await page.keyboard.press("Slash");
  await expect(search).toBeFocused();
  await expect(search).toHaveValue("");
  await search.fill("Ласточкин");
  await page.getByTestId("conversation-row").filter({ hasText: "Тимур Ласточкин" }).click();
  const panel = page.getByTestId("contact-panel");
  await expect(panel).toContainText("Тимур Ласточкин");

  // Alt+A assigns it to the manager, Alt+L records a refusal; the reply field stays empty.
  await page.getByTestId("reply-input").focus();
  await page.keyboard.press("Alt+KeyA");
  // (the demo manager is «Мария Менеджер»)
  await expect(panel.getByLabel("Ответственный").locator("option:checked")).toHaveText("Мария Менеджер");
  await page.keyboard.press("Alt+KeyL");
  await expect(panel.getByLabel("Этап")).toHaveValue("lost");
  await expect(page.getByTestId("reply-input")).toHaveValue("");

  // «Помощь» leads to the help page of this screen, through the app's own /help/… address.
  const help = page.getByRole("link", { name: "Помощь" });
  await expect(help).toHaveAttribute("href", "/help/inbox/conversations");
  await expect(help).toHaveAttribute("target", "_blank");
  const redirect = await page.request.get(`${urls.inbox}/help/inbox/conversations`, { maxRedirects: 0 });
  expect(redirect.status()).toBe(302);
  expect(redirect.headers()["location"]).toBe("https://help.threadline.test/inbox/conversations");
  expect((await page.request.get(`${urls.inbox}/help/%2F%2Fevil.example`, { maxRedirects: 0 })).status()).toBe(404);

  // In the admin, the link follows the screen.
  const admin = await (await browser.newContext({ locale: "ru-RU" })).newPage();
  await signIn(admin, urls.admin, owner.email, owner.password);
  await admin.getByRole("link", { name: "Роли и доступ" }).click();
  await expect(admin.getByRole("link", { name: "Помощь" })).toHaveAttribute("href", "/help/admin/roles");
  await admin.getByRole("link", { name: "Каналы" }).click();
  await expect(admin.getByRole("link", { name: "Помощь" })).toHaveAttribute("href", "/help/channels/telegram");
  await admin.context().close();
});
