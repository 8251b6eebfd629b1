import { connectTelegramBot, expect, telegramSimulator, test } from "./fixtures.ts";

// The traffic team builds a tagged link for a campaign with a Cyrillic tag, sees it listed with a
// copy button and a QR code, and a client who comes by it counts as the link's lead.
test("a link for ads is built, listed, and counts the lead that came by it", async ({ page, seed, signIn, urls, shot }) => {
  test.setTimeout(120_000);
  const tg = telegramSimulator();
  await tg.start();
  try {
    const owner = await seed.demoAccount("owner");
    const bot = tg.addBot({ token: `7100000014:AA${"linkslinks".repeat(3)}`, username: "zerno_links_bot", firstName: "Кофейня «Зерно»" });
    await signIn(page, urls.admin, owner.email, owner.password);
    await connectTelegramBot(page, bot);

    await page.getByRole("link", { name: "Ссылки для рекламы" }).click();
    await expect(page.getByRole("heading", { name: "Ссылки для рекламы" })).toBeVisible();
    await page.getByLabel("Имя бота").fill(bot.username);
    await page.getByLabel("Название").fill("Посевы весна");
    await page.getByLabel("Источник (utm_source)").fill("посевы");
    await page.getByLabel("Кампания (utm_campaign)").fill("весна");
    await page.getByRole("button", { name: "Создать ссылку" }).click();

    const row = page.getByRole("row").filter({ hasText: "Посевы весна" });
    await expect(row).toBeVisible();
    const url = (await row.locator("code").textContent())!;
    expect(url).toMatch(/^https:\/\/t\.me\/zerno_links_bot\?start=x-[A-Za-z0-9_-]{1,62}$/);
    await expect(row.getByRole("button", { name: "Копировать" })).toBeVisible();
    await row.getByRole("button", { name: "QR-код" }).click();
    await expect(row.getByRole("img", { name: "QR-код ссылки «Посевы весна»" })).toBeVisible();

    // A client follows the link: the bot gets /start with the payload.
    const startPayload = new URL(url).searchParams.get("start")!;
    tg.simulateClientMessage({ botToken: bot.token, from: { id: 9601, first_name: "Ольга" }, startPayload });
    tg.simulateClientMessage({ botToken: bot.token, from: { id: 9601, first_name: "Ольга" }, text: "Сколько стоит торт?" });
    await expect(async () => {
      await page.reload();
      await expect(page.getByRole("row").filter({ hasText: "Посевы весна" }).getByRole("cell").nth(2)).toHaveText("1", { timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
    // The period filter: the lead came today, so «Прошлый месяц» shows the link with none and
    // «7 дней» with it; the period stays in the address through a reload.
    const leadsOfLink = () => page.getByRole("row").filter({ hasText: "Посевы весна" }).getByRole("cell").nth(2);
    const period = page.getByRole("group", { name: "Период" });
    await period.getByRole("button", { name: "Прошлый месяц" }).click();
    await expect(period.getByRole("button", { name: "Прошлый месяц" })).toHaveAttribute("aria-pressed", "true");
    await expect(page).toHaveURL(/[?&]from=\d{4}-\d{2}-\d{2}(&|$)/);
    await expect(page).toHaveURL(/[?&]to=\d{4}-\d{2}-\d{2}(&|$)/);
    await expect(leadsOfLink()).toHaveText("0");
    await page.reload();
    await expect(period.getByRole("button", { name: "Прошлый месяц" })).toHaveAttribute("aria-pressed", "true");
    await expect(leadsOfLink()).toHaveText("0");
    await period.getByRole("button", { name: "7 дней" }).click();
    await expect(leadsOfLink()).toHaveText("1");
    // Dates typed by hand: up to yesterday (the browser's day is Moscow's, as the project's).
    const yesterday = new Date(Date.now() - 86_400_000).toLocaleDateString("sv-SE", { timeZone: "Europe/Moscow" });
    await period.getByLabel("По").fill(yesterday);
    await expect(page).toHaveURL(new RegExp(`[?&]to=${yesterday}(&|$)`));
    await expect(leadsOfLink()).toHaveText("0");
    await shot(page, "admin-links-period");
    await period.getByRole("button", { name: "За всё время" }).click();
    await expect(page).not.toHaveURL(/[?&]from=/);
    await expect(leadsOfLink()).toHaveText("1");

    // The traffic report reads the decoded tags.
    await page.getByRole("row").filter({ hasText: "Посевы весна" }).getByRole("button", { name: "QR-код" }).click();
    await shot(page, "admin-links", { docs: true });
    await page.getByRole("link", { name: "Источники лидов" }).click();
    await expect(page.getByRole("row").filter({ hasText: "весна" })).toContainText("посевы");
  } finally {
    await tg.stop();
  }
});
