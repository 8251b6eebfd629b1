import { OpenAiSimulator } from "@threadline/simulators/ai";
import { createProject, findUserByEmail } from "@threadline/domain";
import { expect, simulatorPorts, test } from "./fixtures.ts";

// The agent's model key, checked when saved, and the model's health: a wrong key is refused with
// what to do and nothing is saved; the right one is saved; the owner sees the model answer, then
// (once the provider revokes the key) the failure and that the agent answers by its rules. The
// model for search by meaning is kept with the rest.
test("a wrong model key is refused on save; the agent's health shows the model working, then failing", async ({ page, urls, seed, signIn, shot }) => {
  const openai = new OpenAiSimulator({ apiKeys: ["sk-len-studio-key"] });
  await openai.start(simulatorPorts.openai);
  try {
    const owner = await seed.demoAccount("owner");
    const ownerUser = await findUserByEmail(seed.db, owner.email);
    const suffix = Math.random().toString(36).slice(2, 8);
    // A project of its own: the demo's projects stay without a model for the other specs.
    const { project } = await createProject(seed.db, ownerUser!.id, { name: "Студия «Лён»", slug: `len-${suffix}` });
    await signIn(page, urls.admin, owner.email, owner.password);
    await page.goto(`${urls.admin}/p/${project.id}`);
    await page.getByRole("link", { name: "ИИ-агент" }).click();
    await expect(page.getByRole("heading", { name: "Языковая модель" })).toBeVisible();

    await page.getByPlaceholder("gpt-4o-mini").fill("gpt-4o-mini");
    await page.getByLabel("Ключ API", { exact: true }).fill("sk-someone-elses");
    await page.getByRole("button", { name: "Сохранить" }).first().click();
    await expect(page.getByText("Сервис модели не принял ключ: проверьте его и сохраните снова")).toBeVisible();
    await page.reload();
    await expect(page.getByText("Ключ сохранён")).toHaveCount(0);

    await page.getByPlaceholder("gpt-4o-mini").fill("gpt-4o-mini");
    await page.getByLabel("Ключ API", { exact: true }).fill("sk-len-studio-key");
    await page.getByRole("button", { name: "Сохранить" }).first().click();
    await expect(page.getByText("Сохранено")).toBeVisible();
    const health = page.getByTestId("agent-health");
    await expect(health).toHaveText("Модель ещё не вызывалась с этим ключом.");

    // The knowledge base's model for search by meaning, if the provider names it otherwise.
    const embedding = page.getByLabel("Модель для поиска по смыслу");
    await expect(embedding).toHaveAttribute("placeholder", "text-embedding-3-small");
    await embedding.fill("bge-m3");
    await page.getByRole("button", { name: "Сохранить" }).first().click();
    await expect(page.getByText("Сохранено")).toBeVisible();
    await page.reload();
    await expect(page.getByLabel("Модель для поиска по смыслу")).toHaveValue("bge-m3");

    // The owner talks to the agent: the model answers.
    await page.getByRole("link", { name: "Проверить агента" }).click();
    await page.getByLabel("Например: сколько стоит доставка?").fill("Здравствуйте! Вы шьёте шторы на заказ?");
    await page.getByRole("button", { name: "Отправить" }).click();
    const chat = page.getByRole("list", { name: "Проверить агента" });
    // The agent's answer is in once it is no longer thinking.
    await expect(chat.getByRole("listitem").filter({ hasText: /^Агент/ }).first()).toBeVisible({ timeout: 30_000 });
    await expect(chat.getByText("Агент отвечает…")).toHaveCount(0, { timeout: 30_000 });
    await page.getByRole("link", { name: "ИИ-агент" }).click();
    await expect(health).toContainText("Модель отвечает. Последний ответ:");

    // The provider revokes the key: the rules answer, and the owner is told why.
    openai.failNext({ status: 401, times: 5 });
    await page.getByRole("link", { name: "Проверить агента" }).click();
    await page.getByLabel("Например: сколько стоит доставка?").fill("А лён у вас какой?");
    await page.getByRole("button", { name: "Отправить" }).click();
    await expect(chat.getByRole("listitem").filter({ hasText: /^Агент/ }).first()).toBeVisible({ timeout: 30_000 });
    await expect(chat.getByText("Агент отвечает…")).toHaveCount(0, { timeout: 30_000 });
    await page.getByRole("link", { name: "ИИ-агент" }).click();
    await expect(health).toContainText("сервис не принял ключ — замените его");
    await expect(health).toContainText("агент отвечает по правилам");
    await health.scrollIntoViewIfNeeded();
    await shot(page, "admin-agent-health", { docs: true });
    expect(openai.requests.filter((r) => r.path === "/v1/models")).toHaveLength(2);
  } finally {
    await openai.stop();
  }
});
