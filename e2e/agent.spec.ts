import { sql } from "drizzle-orm";
import { createDb } from "@threadline/db";
import { connectTelegramBot, expect, telegramSimulator, test } from "./fixtures.ts";

// First contact on real parts: the project's agent greets a new Telegram lead and asks for the
// phone; the phone hands the lead to the first manager in rotation, who is notified live; with
// the AI switch off, a client's message gets no agent reply. The manager finds the lead from the
// notification bell and records the sale, which makes the dialog one of the agent's examples.
test("the agent takes the first contact and hands the lead to a manager", async ({ page, browser, urls, seed, signIn, shot }) => {
  test.setTimeout(180_000);
  const tg = telegramSimulator();
  await tg.start();
  let restoreRotation: (() => Promise<void>) | undefined;
  try {
    const owner = await seed.demoAccount("owner");
    const manager = await seed.demoAccount("manager");
    const bot = tg.addBot({ token: `7100000001:AA${"agent".repeat(7)}`, username: "zerno_agent_bot", firstName: "Кофейня «Зерно»" });

    await signIn(page, urls.admin, owner.email, owner.password);
    await connectTelegramBot(page, bot);

    // The owner teaches the agent a new answer on the «ИИ-агент» page.
    await page.getByRole("link", { name: "ИИ-агент" }).click();
    await page.getByRole("button", { name: "Добавить вопрос" }).click();
    const questions = page.getByLabel("Варианты вопроса");
    await questions.last().fill("Есть ли парковка?\nГде оставить машину?");
    await page.getByLabel("Ответ", { exact: true }).last().fill("Да, бесплатная парковка во дворе, въезд с улицы Лесной.");
    await page.getByRole("button", { name: "Сохранить" }).first().click();
    await expect(page.getByText("Сохранено")).toBeVisible();
    await page.getByRole("heading", { name: "ИИ-агент" }).scrollIntoViewIfNeeded();
    await shot(page, "admin-agent", { docs: true });
    // How far behind the agent is, read from its queue.
    const backlog = page.getByTestId("agent-backlog");
    await expect(backlog.getByRole("heading", { name: "Очередь агента" })).toBeVisible();
    await expect(backlog).toContainText(/Ждут ответа агента\d+/);

    const context = await browser.newContext({ locale: "ru-RU", viewport: { width: 1440, height: 900 } });
    const inbox = await context.newPage();
    await signIn(inbox, urls.inbox, manager.email, manager.password);

    // The rotation hands these leads to the signed-in manager: the project's other managers sit it out.
    restoreRotation = await rotationOnly(manager.email, manager.project);
    const agentTexts = (chatId: number) => tg.sentMessages(chatId, { botToken: bot.token }).map((m) => m.text ?? m.caption ?? "");
    tg.simulateClientMessage({ botToken: bot.token, from: { id: 9101, first_name: "Денис", last_name: "Орлов" }, text: "Здравствуйте! Хочу сделать заказ" });
    await expect.poll(() => agentTexts(9101).join("\n"), { timeout: 15_000 }).toMatch(/телефон/i);
    // What the owner taught it a minute ago, in another wording of the question.
    tg.simulateClientMessage({ botToken: bot.token, from: { id: 9103, first_name: "Артур", last_name: "Гайнутдинов" }, text: "Добрый день, а где можно оставить машину?" });
    await expect.poll(() => agentTexts(9103).join("\n"), { timeout: 15_000 }).toContain("бесплатная парковка во дворе");
    const row = inbox.getByTestId("conversation-row").filter({ hasText: "Денис Орлов" });
    await expect(row).toBeVisible({ timeout: 10_000 });
    await expect(row).toContainText("ИИ");
    // The agent wrote last, and the preview says so.
    await expect(row).toContainText("ИИ: ");

    tg.simulateClientMessage({ botToken: bot.token, from: { id: 9101, first_name: "Денис", last_name: "Орлов" }, text: "Мой номер 8 912 345-67-89" });
    await expect(inbox.getByRole("status")).toContainText("Вам назначен новый лид с контактом", { timeout: 15_000 });
    await shot(inbox, "inbox-lead-assigned", { docs: true });
    await expect(row).toContainText("Мария Менеджер");
    // The notification stays on the bell after the toast is gone, and opens the conversation.
    await expect(inbox.getByTestId("bell-count")).toHaveText("1");
    await inbox.getByRole("button", { name: /Непрочитанных уведомлений/ }).click();
    const bell = inbox.getByRole("dialog", { name: "Уведомления" });
    await expect(bell).toContainText("Вам назначен новый лид с контактом");
    // It names the client and the channel.
    await expect(bell).toContainText("Денис Орлов · Telegram «@zerno_agent_bot»");
    await shot(inbox, "inbox-notification-bell", { docs: true });
    await bell.getByRole("button", { name: /Вам назначен новый лид/ }).click();
    const panel = inbox.getByTestId("contact-panel");
    await expect(panel).toContainText(/\+7[\s(]*912[\s)]*345[\s-]*67[\s-]*89/);
    await expect(inbox.getByTestId("bell-count")).toHaveCount(0);

    // The client paid: the manager records the sale; the history says who did it, and the
    // conversation becomes one of the agent's examples.
    const history = panel.getByTestId("stage-history");
    await expect(history).toContainText("В работе");
    await panel.getByRole("button", { name: "Оплачено" }).click();
    await expect(panel.getByLabel("Этап")).toHaveValue("won");
    await expect(history.locator("li").first()).toContainText("Продажа");
    await expect(history.locator("li").first()).toContainText("Мария Менеджер");
    await expect(panel).toContainText("Диалог добавлен в примеры ИИ-агента");
    await shot(inbox, "inbox-stage-won", { docs: true });
    // The owner, still on the agent page, opens it again and finds the dialog among the examples.
    await page.reload();
    await expect(page.getByText("Денис Орлов")).toBeVisible({ timeout: 10_000 });

    // A second client; the owner, who sees every conversation, switches the agent off there.
    const ownerContext = await browser.newContext({ locale: "ru-RU", viewport: { width: 1440, height: 900 } });
    const ownerInbox = await ownerContext.newPage();
    await signIn(ownerInbox, urls.inbox, owner.email, owner.password);
    tg.simulateClientMessage({ botToken: bot.token, from: { id: 9102, first_name: "Софья", last_name: "Белова" }, text: "Добрый вечер!" });
    // The agent's whole first turn (greeting, then the ask for the phone, paced one a second per chat).
    await expect.poll(() => agentTexts(9102).join("\n"), { timeout: 15_000 }).toMatch(/телефон/i);
    const second = ownerInbox.getByTestId("conversation-row").filter({ hasText: "Софья Белова" });
    await second.click({ timeout: 15_000 });
    const aiSwitch = ownerInbox.getByTestId("contact-panel").getByRole("switch");
    await expect(aiSwitch).toBeChecked();
    await aiSwitch.click();
    await expect(aiSwitch).not.toBeChecked();
    const before = agentTexts(9102).length;
    tg.simulateClientMessage({ botToken: bot.token, from: { id: 9102, first_name: "Софья", last_name: "Белова" }, text: "А вы работаете в воскресенье?" });
    await expect(ownerInbox.getByTestId("message").filter({ hasText: "работаете в воскресенье" })).toBeVisible({ timeout: 10_000 });
    await ownerInbox.waitForTimeout(3000);
    expect(agentTexts(9102)).toHaveLength(before);
    await ownerContext.close();
    await context.close();
  } finally {
    await restoreRotation?.();
    await tg.stop();
  }
});

/**
 * Puts only `email` of the project's members in the rotation and gives back a function that
 * restores everyone's setting as it was.
 */
async function rotationOnly(email: string, projectName: string): Promise<() => Promise<void>> {
  const db = createDb(process.env.E2E_DATABASE_URL!, { max: 1 });
  try {
    const before = (await db.execute(sql`select m.id::text as id, m.in_rotation as "inRotation" from memberships m join projects p on p.id = m.project_id where p.name = ${projectName}`)) as unknown as { id: string; inRotation: boolean | null }[];
    await db.execute(sql`update memberships m set in_rotation = (u.email = ${email}) from users u, projects p where m.user_id = u.id and m.project_id = p.id and p.name = ${projectName}`);
    return async () => {
      const restore = createDb(process.env.E2E_DATABASE_URL!, { max: 1 });
      try {
        for (const row of before) await restore.execute(sql`update memberships set in_rotation = ${row.inRotation} where id = ${row.id}::uuid`);
      } finally {
        await restore.$close();
      }
    };
  } finally {
    await db.$close();
  }
}
