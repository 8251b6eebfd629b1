import { expect, test } from "./fixtures.ts";

// The owner builds a team: creates a project, invites a manager who joins and works in the
// inbox seeing only that project; firing the manager closes their open page of it at once.
test("owner creates a project, invites a manager, then fires them", async ({ page, browser, urls, seed, signIn, shot }) => {
  const owner = await seed.demoAccount("owner");
  // Each run has a fresh database, so plain names stay unique (they also show in the help pages).
  const projectName = "Цветочная лавка «Флокс»";
  const managerEmail = "vera@floks.example";

  await signIn(page, urls.admin, owner.email, owner.password);
  await shot(page, "admin-projects", { docs: true });
  await page.getByRole("link", { name: "Новый проект" }).click();
  await page.getByLabel("Название").fill(projectName);
  await page.getByRole("button", { name: "Создать" }).click();
  await expect(page.getByRole("heading", { name: "Сотрудники" })).toBeVisible();
  await expect(page.getByLabel("Проект")).toHaveValue(/.+/);

  await page.getByRole("button", { name: "Пригласить сотрудника" }).click();
  await page.getByLabel("E-mail сотрудника").fill(managerEmail);
  await page.getByLabel("Роль", { exact: true }).selectOption({ label: "Менеджер" });
  await shot(page, "admin-staff-invite", { docs: true });
  await page.getByRole("dialog").getByRole("button", { name: "Пригласить сотрудника" }).click();
  const link = await page.getByLabel(/Ссылка-приглашение/).inputValue();
  expect(link).toMatch(/\/invite\/[\w-]{40,}$/);
  await page.getByRole("button", { name: "OK" }).click();

  // The manager, in a browser of their own, accepts and lands in the inbox.
  const managerContext = await browser.newContext({ locale: "ru-RU" });
  const managerPage = await managerContext.newPage();
  await managerPage.goto(link.replace(/^https?:\/\/[^/]+/, urls.inbox));
  // The name's own quotation marks nest inside the sentence's: «Цветочная лавка „Флокс“».
  await expect(managerPage.getByRole("heading", { name: "Приглашение в проект «Цветочная лавка „Флокс“»" })).toBeVisible();
  await managerPage.getByLabel("Ваше имя").fill("Вера Флорист");
  await managerPage.getByLabel(/Придумайте пароль/).fill("very-secret-1");
  await managerPage.getByRole("button", { name: "Принять приглашение" }).click();
  const switcher = managerPage.getByLabel("Проект");
  await expect(switcher).toBeVisible();
  await expect(switcher.locator("option")).toHaveText([projectName]);
  await expect(managerPage.getByText("Подключите канал, чтобы увидеть диалоги")).toBeVisible();
  await shot(managerPage, "inbox-project-switcher", { docs: true });

  // Back in admin the manager is listed. Making her an administrator asks first; the owner
  // thinks better of it and gives her the traffic role instead, which is saved at once.
  await page.reload();
  const row = page.getByTestId(`member-${managerEmail}`);
  await expect(row).toContainText("Вера Флорист");
  const roleOf = row.getByLabel("Роль: Вера Флорист");
  await roleOf.selectOption({ label: "Администратор" });
  const confirm = page.getByRole("dialog", { name: "Назначить роль «Администратор»?" });
  await expect(confirm).toContainText("Вера Флорист получит почти все права");
  await shot(page, "admin-staff-promote");
  await confirm.getByRole("button", { name: "Отмена" }).click();
  await roleOf.selectOption({ label: "Трафик" });
  await expect(page.getByRole("status").filter({ hasText: "Сохранено" })).toBeVisible();
  // An invitation still waiting gets a new link to copy.
  await page.getByRole("button", { name: "Пригласить сотрудника" }).click();
  await page.getByLabel("E-mail сотрудника").fill("oleg@floks.example");
  await page.getByRole("dialog").getByRole("button", { name: "Пригласить сотрудника" }).click();
  await page.getByRole("button", { name: "OK" }).click();
  await page.getByRole("button", { name: "Новая ссылка" }).click();
  await expect(page.getByRole("dialog")).toContainText("Прежняя ссылка больше не работает");
  expect(await page.getByLabel(/Ссылка-приглашение/).inputValue()).toMatch(/\/invite\/[\w-]{40,}$/);
  await page.getByRole("button", { name: "OK" }).click();
  await roleOf.selectOption({ label: "Менеджер" });
  await expect(roleOf.locator("option:checked")).toHaveText("Менеджер");
  await shot(page, "admin-staff", { docs: true });
  // The owner fires her.
  await row.getByRole("button", { name: "Уволить" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Уволить" }).click();
  await expect(row).toContainText("Отключён");

  // The manager's open page leaves the project by itself: the server hangs up their live
  // connection to it the moment they are fired. Their account stays signed in (it would keep
  // any other project), and the project's data is gone from the screen.
  await expect(managerPage).toHaveURL(/\/\?closed=1$/);
  await expect(managerPage.getByText("Доступ к проекту закрыт")).toBeVisible();
  await expect(managerPage.getByText("Подключите канал, чтобы увидеть диалоги")).toHaveCount(0);
  await shot(managerPage, "inbox-access-ended");

  // The audit log tells the story.
  await page.getByRole("link", { name: "Журнал действий" }).click();
  await expect(page.getByRole("cell", { name: "Сотрудник уволен" }).first()).toBeVisible();
  await expect(page.getByRole("cell", { name: "Приглашён сотрудник" }).first()).toBeVisible();
  // Who did what to whom, in words: no role keys.
  await expect(page.getByRole("cell", { name: "Вера Флорист: Менеджер → Трафик" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "vera@floks.example, роль «Менеджер»" })).toBeVisible();
  await expect(page.getByRole("table")).not.toContainText(/manager|traffic/);
  await shot(page, "admin-audit-log", { docs: true });
  await page.getByRole("link", { name: "Роли и доступ" }).click();
  await expect(page.getByRole("checkbox", { name: "Менеджер: Ссылка на профиль клиента" })).toBeChecked();
  await expect(page.getByRole("cell", { name: /^Скрыть/ })).toBeVisible();
  // A role of its own, starting from the manager's rights.
  await page.getByRole("button", { name: "Создать роль" }).click();
  await page.getByLabel("Название роли").fill("Старший менеджер");
  await page.getByLabel("Взять права роли").selectOption({ label: "Менеджер" });
  await page.getByRole("dialog").getByRole("button", { name: "Создать роль" }).click();
  await expect(page.getByRole("status")).toContainText("Роль «Старший менеджер» создана");
  await expect(page.getByRole("checkbox", { name: "Старший менеджер: Отвечать клиентам" })).toBeChecked();
  await shot(page, "admin-roles", { docs: true, fullPage: true });
  await managerContext.close();
});
