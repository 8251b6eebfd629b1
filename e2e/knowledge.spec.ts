import { expect, test } from "./fixtures.ts";

// The knowledge base and the sandbox: the owner uploads a document in admin, asks «Проверить
// агента» a question only that document answers, and sees the answer with the passage it came from.
test("the owner uploads a document and the sandbox answers from it", async ({ page, urls, seed, signIn, shot }) => {
  test.setTimeout(150_000);
  const owner = await seed.demoAccount("owner");
  const suffix = Math.random().toString(36).slice(2, 7);
  await signIn(page, urls.admin, owner.email, owner.password);

  await page.getByRole("link", { name: "База знаний" }).click();
  await page.locator("#knowledge-file").setInputFiles({
    name: `dostavka-${suffix}.md`,
    mimeType: "text/markdown",
    buffer: Buffer.from(`# Подарочная упаковка\n\nПодарочную упаковку делаем из крафтовой бумаги с атласной лентой, её можно заказать к любому набору.\n`),
  });
  const list = page.getByRole("list", { name: "База знаний" });
  await expect(list).toContainText(`dostavka ${suffix}`);
  await expect(list).toContainText("Фрагментов: 1");
  await shot(page, "admin-knowledge", { docs: true });

  // A file of another kind is refused with a reason, and the list keeps what it had.
  await page.locator("#knowledge-file").setInputFiles({ name: "tool.exe", mimeType: "application/octet-stream", buffer: Buffer.from("MZ\x90\x00binary") });
  await expect(page.getByText("Этот тип файла не подходит")).toBeVisible();
  await expect(list).toContainText(`dostavka ${suffix}`);

  // An objection answer and a field to collect, set in the «Продажи» section of the agent page.
  await page.getByRole("link", { name: "ИИ-агент" }).click();
  await page.getByRole("button", { name: "Добавить возражение" }).click();
  await page.getByLabel("Что говорит клиент").last().fill("Слишком дорого\nДороговато");
  await page.getByLabel("Ответ агента").last().fill("Понимаю. Зато самовывоз бесплатный, а на всё гарантия год.");
  await page.getByRole("checkbox", { name: "Дата" }).check();
  await page.getByRole("button", { name: "Сохранить" }).first().click();
  await expect(page.getByText("Сохранено")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Ответ агента").last()).toHaveValue("Понимаю. Зато самовывоз бесплатный, а на всё гарантия год.");
  await expect(page.getByRole("checkbox", { name: "Дата" })).toBeChecked();

  await page.getByRole("link", { name: "Проверить агента" }).click();
  await page.getByLabel("Например: сколько стоит доставка?").fill("Делаете подарочную упаковку?");
  await page.getByRole("button", { name: "Отправить" }).click();
  const chat = page.getByRole("list", { name: "Проверить агента" });
  await expect(chat).toContainText("крафтовой", { timeout: 30_000 });
  await expect(chat).toContainText("Фрагменты базы знаний");
  await expect(chat).toContainText("Подарочная упаковка");
  await expect(chat).toContainText("Правила: фрагмент базы знаний");
  await shot(page, "admin-sandbox", { docs: true });

  await page.getByLabel("Например: сколько стоит доставка?").fill("Слишком дорого");
  await page.getByRole("button", { name: "Отправить" }).click();
  await expect(chat).toContainText("Зато самовывоз бесплатный", { timeout: 30_000 });
  await expect(chat).toContainText("ответ на возражение");
});
