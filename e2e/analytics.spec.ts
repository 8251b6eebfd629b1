import { usageRecords, withTenant } from "@threadline/db";
import { connectTelegramBot, expect, telegramSimulator, test } from "./fixtures.ts";

// From the click to the sale: a client comes from a tagged Telegram link, the manager records the
// sale, and the traffic person sees it against its source and campaign; the finance person sees
// what the AI agent cost. Neither of them sees anything else of the console.
test("traffic sees a tagged lead through to the sale, finance sees the AI spend", async ({ page, browser, urls, seed, signIn, shot }) => {
  test.setTimeout(180_000);
  const tg = telegramSimulator();
  await tg.start();
  try {
    const owner = await seed.demoAccount("owner");
    const traffic = await seed.demoAccount("traffic");
    const finance = await seed.demoAccount("finance");
    const bot = tg.addBot({ token: `7100000003:AA${"traffic".repeat(5)}`, username: "zerno_ads_bot", firstName: "Кофейня «Зерно»" });

    await signIn(page, urls.admin, owner.email, owner.password);
    await connectTelegramBot(page, bot);
    const projectId = /\/p\/([0-9a-f-]{36})\//.exec(page.url())![1]!;

    // The click: t.me/zerno_ads_bot?start=u-vk_ads-cpc-black_friday, then a question.
    const client = { id: 9401, first_name: "Ирина", last_name: "Ковалёва" };
    tg.simulateClientMessage({ botToken: bot.token, from: client, startPayload: "u-vk_ads-cpc-black_friday" });
    tg.simulateClientMessage({ botToken: bot.token, from: client, text: "Хочу заказать торт на день рождения" });

    // The sale, recorded by the owner in the inbox.
    const inbox = await (await browser.newContext({ locale: "ru-RU", viewport: { width: 1440, height: 900 } })).newPage();
    await signIn(inbox, urls.inbox, owner.email, owner.password);
    await inbox.getByTestId("conversation-row").filter({ hasText: "Ирина Ковалёва" }).click({ timeout: 20_000 });
    const panel = inbox.getByTestId("contact-panel");
    await expect(panel).toContainText("vk_ads");
    await panel.getByRole("button", { name: "Оплачено" }).click();
    await expect(panel.getByLabel("Этап")).toHaveValue("won");

    // Traffic: the console opens on the report; the row of the campaign shows the sale.
    const trafficPage = await (await browser.newContext({ locale: "ru-RU", viewport: { width: 1440, height: 900 } })).newPage();
    await signIn(trafficPage, urls.admin, traffic.email, traffic.password);
    await expect(trafficPage.getByRole("heading", { name: "Источники лидов" })).toBeVisible();
    await expect(trafficPage.getByRole("navigation").getByRole("link")).toHaveText(["Источники лидов", "Ссылки для рекламы"]);
    const row = trafficPage.getByRole("row").filter({ hasText: "black_friday" });
    await expect(row).toContainText("vk_ads");
    await expect(row.getByRole("cell").nth(4)).toHaveText("1");
    await shot(trafficPage, "admin-traffic", { docs: true });

    // Finance: what the agent's language model cost today.
    await withTenant(seed.db, projectId, (tx) =>
      tx.insert(usageRecords).values([
        { projectId, provider: "openai", feature: "agent_reply", model: "gpt-4o-mini", inputUnits: 41_000, outputUnits: 9_000, costUsd: "0.011550" },
        { projectId, provider: "openai", feature: "agent_intent", model: "gpt-4o-mini", inputUnits: 12_000, outputUnits: 800, costUsd: "0.002280" },
      ]),
    );
    const financePage = await (await browser.newContext({ locale: "ru-RU", viewport: { width: 1440, height: 900 } })).newPage();
    await signIn(financePage, urls.admin, finance.email, finance.password);
    await expect(financePage.getByRole("heading", { name: "Расходы на ИИ и голос" })).toBeVisible();
    const line = financePage.getByRole("row").filter({ hasText: "ИИ-агент: ответы" });
    await expect(line).toContainText("gpt-4o-mini");
    await expect(line).toContainText("41 000");
    await expect(financePage.getByTestId("spend-chart").locator(".recharts-bar-rectangle").first()).toBeVisible();
    await shot(financePage, "admin-spend", { docs: true });
  } finally {
    await tg.stop();
  }
});
