import { eq } from "drizzle-orm";
import { contacts, withTenant } from "@threadline/db";
import { findDemoProjects } from "@threadline/domain";
import { expect, test } from "./fixtures.ts";
import { seedConversation } from "./seed-conversation.ts";

// The client's card corrected by hand: a phone that is not one is refused with the reason and
// nothing changes; a Russian number is stored as +7…; the list narrows to a stage.
test("an owner corrects the client's card; a bad phone is refused and nothing is lost", async ({ page, urls, seed, signIn, shot }) => {
  const owner = await seed.demoAccount("owner");
  const name = `Степан Гаврилов ${Date.now() % 10_000}`;
  await seedConversation(seed.db, owner.project, { name, text: "Перезвоните мне, пожалуйста" });
  const [project] = (await findDemoProjects(seed.db)).filter((p) => p.name === owner.project);
  const stored = () => withTenant(seed.db, project!.id, (tx) => tx.select().from(contacts).where(eq(contacts.name, name)));

  await signIn(page, urls.inbox, owner.email, owner.password);
  await page.getByTestId("conversation-row").filter({ hasText: name }).click();
  const panel = page.getByTestId("contact-panel");
  await panel.getByRole("button", { name: "Изменить" }).click();
  const form = panel.getByTestId("contact-edit");
  await form.getByLabel("Телефон").fill("12345");
  await form.getByLabel("E-mail").fill("stepan@example.ru");
  await form.getByRole("button", { name: "Сохранить" }).click();
  await expect(form).toContainText("«12345» — не номер телефона");
  await expect(form.getByLabel("Телефон")).toHaveValue("12345");
  await shot(page, "inbox-contact-edit-error", { docs: true });
  const [unchanged] = await stored();
  expect(unchanged).toMatchObject({ phone: null, email: null });

  await form.getByLabel("Телефон").fill("8 (912) 345-67-89");
  await form.getByRole("button", { name: "Сохранить" }).click();
  await expect(form).toHaveCount(0);
  await expect(panel).toContainText("+7 912 345-67-89");
  await expect(panel).toContainText("stepan@example.ru");
  const [changed] = await stored();
  expect(changed).toMatchObject({ phone: "+79123456789", email: "stepan@example.ru" });

  // The list narrows to a stage: after «Отказ» the conversation is under «Отказ», not under «Новый».
  await panel.getByRole("button", { name: "Отказ" }).click();
  await expect(panel.getByLabel("Этап")).toHaveValue("lost");
  const stageFilter = page.getByRole("combobox", { name: "Фильтр по этапу" });
  await stageFilter.selectOption("lost");
  await expect(page.getByTestId("conversation-row").filter({ hasText: name })).toBeVisible();
  await stageFilter.selectOption("new");
  await expect(page.getByTestId("conversation-row").filter({ hasText: name })).toHaveCount(0);
});
