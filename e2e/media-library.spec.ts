import { solidPng } from "@threadline/simulators/channels";
import { expect, test } from "./fixtures.ts";

// The media library screen: the owner uploads a photo, renames it, puts it into a saved reply, and
// removing it is offered together with taking it out of that reply; a text file is refused.
test("the owner keeps the project's files in the library and uses one in a saved reply", async ({ page, urls, seed, signIn, shot }) => {
  test.setTimeout(120_000);
  const owner = await seed.demoAccount("owner");
  const suffix = Math.floor(Math.random() * 1e6);
  const fileName = `витрина-${suffix}.png`;
  const renamed = `Витрина зимняя ${suffix}.png`;
  const title = `Наша витрина ${suffix}`;

  await signIn(page, urls.admin, owner.email, owner.password);
  await page.getByRole("link", { name: "Библиотека файлов" }).click();
  await expect(page.getByRole("heading", { name: "Библиотека файлов" })).toBeVisible();

  // Not a photo, a PDF or a voice note: refused, saying what the library takes.
  await page.getByTestId("library-file-input").setInputFiles({ name: "заметки.png", mimeType: "image/png", buffer: Buffer.from("просто текст") });
  await expect(page.getByText("В библиотеку можно добавить фото (JPEG, PNG, WebP), PDF или голосовое (OGG)")).toBeVisible({ timeout: 15_000 });

  await page.getByTestId("library-file-input").setInputFiles({ name: fileName, mimeType: "image/png", buffer: solidPng(320, 240, [90, 140, 200]) });
  // A file's row is named by the file.
  const row = (name: string) => page.getByRole("list", { name: "Библиотека файлов" }).getByRole("listitem", { name, exact: true });
  await expect(row(fileName)).toContainText("Фото", { timeout: 15_000 });
  await expect(row(fileName)).toContainText("Ни в одном шаблоне");

  await row(fileName).getByRole("button", { name: "Переименовать" }).click();
  await row(fileName).getByLabel("Название файла").fill(renamed);
  await row(fileName).getByRole("button", { name: "Сохранить" }).click();
  await expect(row(renamed)).toContainText(renamed);
  await expect(row(fileName)).toHaveCount(0);

  // The file in a saved reply.
  await page.getByRole("link", { name: "Шаблоны ответов" }).click();
  await page.getByLabel("Название").fill(title);
  await page.getByLabel("Текст").fill("{имя}, вот так выглядит наша витрина сейчас.");
  await page.getByRole("checkbox", { name: renamed }).check();
  await page.getByRole("button", { name: "Добавить шаблон" }).last().click();
  await expect(page.getByRole("list", { name: "Шаблоны ответов" })).toContainText(renamed);

  await page.getByRole("link", { name: "Библиотека файлов" }).click();
  await expect(row(renamed)).toContainText(`В шаблонах: «${title}»`);
  await shot(page, "admin-media-library", { docs: true });

  // Removing a file a saved reply carries names the reply and takes the file out of it.
  await row(renamed).getByRole("button", { name: "Удалить" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(`есть в шаблоне «${title}»`);
  await dialog.getByRole("button", { name: "Удалить и убрать из шаблонов" }).click();
  await expect(row(renamed)).toHaveCount(0);
  await page.getByRole("link", { name: "Шаблоны ответов" }).click();
  const reply = page.getByRole("list", { name: "Шаблоны ответов" }).getByRole("listitem").filter({ hasText: title });
  await expect(reply).toBeVisible();
  await expect(reply).not.toContainText(renamed);
});
