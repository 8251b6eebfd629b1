import { eq } from "drizzle-orm";
import { memberships, roles, withTenant } from "@threadline/db";
import { createProject, findUserByEmail } from "@threadline/domain";
import { connectTelegramBot, expect, telegramSimulator, test } from "./fixtures.ts";

// Alerts beyond the open tab: the owner connects the project's staff bot; the manager links
// their Telegram from «Оповещения» and allows browser notifications; with the inbox tab hidden,
// a lead assigned to them shows in the tab's title and as a desktop notification, and their
// Telegram (on the simulator) gets «Вам назначен новый лид с контактом» with the link.
test("a hidden inbox tab gets the title count and a notification; the linked Telegram gets the alert", async ({ page, browser, urls, seed, signIn, shot }) => {
  const tg = telegramSimulator();
  await tg.start();
  try {
    const owner = await seed.demoAccount("owner");
    const manager = await seed.demoAccount("manager");
    // A project of their own, so the rotation (the manager alone; the owner is out) is this test's.
    const ownerUser = await findUserByEmail(seed.db, owner.email);
    const managerUser = await findUserByEmail(seed.db, manager.email);
    const suffix = Math.random().toString(36).slice(2, 8);
    const { project } = await createProject(seed.db, ownerUser!.id, { name: "Пекарня «Колос»", slug: `kolos-${suffix}` });
    await withTenant(seed.db, project.id, async (tx) => {
      const [role] = await tx.select().from(roles).where(eq(roles.key, "manager"));
      await tx.insert(memberships).values({ projectId: project.id, userId: managerUser!.id, roleId: role!.id });
    });
    const clientBot = tg.addBot({ token: `7200000001:AA${suffix.repeat(6)}`, username: `kolos_${suffix}_bot`, firstName: "Пекарня «Колос»" });
    const staffBot = tg.addBot({ token: `7200000002:AA${suffix.repeat(6)}`, username: `kolos_staff_${suffix}_bot`, firstName: "Колос: сотрудники" });

    // The owner connects the client bot and, in «Настройки», the staff bot.
    await signIn(page, urls.admin, owner.email, owner.password);
    await page.goto(`${urls.admin}/p/${project.id}/staff`);
    await connectTelegramBot(page, clientBot);
    await page.getByRole("link", { name: "Настройки" }).click();
    // «Каналы» has a «Токен бота» field too: fill the staff bot's once «Настройки» is on screen.
    const staffBotCard = page.getByTestId("staff-bot");
    await staffBotCard.getByLabel("Токен бота").fill(staffBot.token);
    await staffBotCard.getByRole("button", { name: "Подключить бота" }).click();
    await expect(page.getByTestId("staff-bot")).toContainText(`Подключён бот @${staffBot.username}`);
    await page.getByLabel("Норма ответа клиенту, минут").fill("15");
    await page.getByTestId("staff-bot").getByRole("button", { name: "Сохранить" }).click();
    await expect(page.getByTestId("staff-bot")).toContainText("Сохранено");
    await shot(page, "admin-staff-bot", { docs: true, fullPage: true });

    // The manager, in a browser that may show notifications, opens the inbox.
    const context = await browser.newContext({ locale: "ru-RU", viewport: { width: 1440, height: 900 } });
    await context.grantPermissions(["notifications"], { origin: urls.inbox });
    // Desktop notifications are recorded as the page creates them (headless Chromium shows none).
    await context.addInitScript(() => {
      const shown: { title: string; body?: string }[] = [];
      (window as unknown as { shownNotifications: typeof shown }).shownNotifications = shown;
      const Real = window.Notification;
      class Recorded extends Real {
        constructor(title: string, options?: NotificationOptions) {
          super(title, options);
          shown.push({ title, body: options?.body });
        }
      }
      Object.defineProperty(Recorded, "permission", { get: () => Real.permission });
      window.Notification = Recorded as typeof Notification;
    });
    const inbox = await context.newPage();
    await signIn(inbox, urls.inbox, manager.email, manager.password);
    await inbox.goto(`${urls.inbox}/p/${project.id}`);
    await expect(inbox.getByLabel("Проект")).toHaveValue(project.id);

    // «Оповещения»: desktop notifications are allowed; Telegram is linked by the one-time link.
    await inbox.getByRole("button", { name: "Оповещения" }).click();
    const dialog = inbox.getByRole("dialog", { name: "Оповещения" });
    await expect(dialog.getByTestId("browser-permission")).toContainText("Браузер показывает уведомления");
    await dialog.getByRole("button", { name: "Привязать Telegram" }).click();
    const link = await dialog.getByTestId("telegram-link").getAttribute("href");
    expect(link).toMatch(new RegExp(`^https://t\\.me/${staffBot.username}\\?start=[\\w-]{30,}$`));
    await shot(inbox, "inbox-alert-settings", { docs: true });
    // The manager presses Start in Telegram: the bot receives /start <token> at the worker.
    const MARIA = { id: 7301, first_name: "Мария", username: `maria_${suffix}` };
    tg.simulateClientMessage({ botToken: staffBot.token, from: MARIA, startPayload: new URL(link!).searchParams.get("start")! });
    await expect.poll(() => tg.sentMessages(MARIA.id, { botToken: staffBot.token }).map((m) => m.text).join("\n"), { timeout: 10_000 }).toContain("Готово! Уведомления проекта «Пекарня «Колос»»");
    await dialog.getByRole("button", { name: "Готово" }).click();
    await inbox.getByRole("button", { name: "Оповещения" }).click();
    await expect(inbox.getByTestId("telegram-linked")).toContainText(`Telegram привязан @${MARIA.username}`);
    await inbox.getByRole("dialog").getByRole("button", { name: "Готово" }).click();

    // The manager switches to another tab: the inbox is hidden.
    await inbox.evaluate(() => {
      Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
      Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
      document.dispatchEvent(new Event("visibilitychange"));
    });

    // A client writes and leaves a phone: the agent hands the lead to the manager.
    const client = { id: 9401, first_name: "Глеб", last_name: "Смирнов" };
    tg.simulateClientMessage({ botToken: clientBot.token, from: client, text: "Здравствуйте! Хочу заказать каравай на свадьбу" });
    await expect.poll(() => tg.sentMessages(client.id, { botToken: clientBot.token }).map((m) => m.text ?? "").join("\n"), { timeout: 15_000 }).toMatch(/телефон/i);
    tg.simulateClientMessage({ botToken: clientBot.token, from: client, text: "Мой номер 8 912 555-44-33" });

    await expect.poll(() => inbox.evaluate(() => (window as unknown as { shownNotifications: { body?: string }[] }).shownNotifications.map((n) => n.body)), { timeout: 15_000 }).toContain("Вам назначен новый лид с контактом");
    await expect(inbox).toHaveTitle(/^\(1\) /);
    const favicon = await inbox.locator("link[rel~='icon']").getAttribute("href");
    expect(favicon).toMatch(/^data:image\/png;base64,/);

    // Telegram: the alert with the client's name and a link to the conversation.
    await expect
      .poll(() => tg.sentMessages(MARIA.id, { botToken: staffBot.token }).map((m) => m.text ?? "").find((t) => t.startsWith("Вам назначен новый лид с контактом")), { timeout: 15_000 })
      .toMatch(new RegExp(`^Вам назначен новый лид с контактом: Глеб Смирнов\\n${urls.inbox.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/p/${project.id}\\?c=[0-9a-f-]{36}$`));
    const alert = tg.sentMessages(MARIA.id, { botToken: staffBot.token }).find((m) => (m.text ?? "").startsWith("Вам назначен"))!;
    // The link opens the conversation in the inbox.
    await inbox.goto(alert.text!.split("\n")[1]!);
    await expect(inbox.getByTestId("contact-panel")).toContainText("Глеб Смирнов");

    // Channel health: the bot's token was revoked (the Bot API answers 401): the reply fails, and
    // the channel shows as broken, with the reason, in the inbox and in admin; admins are told.
    // A revoked token refuses every send, not only the next one (other sends may come first).
    tg.failNext({ errorCode: 401, description: "Unauthorized", method: "sendMessage", count: 5 });
    const reply = inbox.getByTestId("reply-input");
    await reply.fill("Глеб, добрый день! Каравай на сколько человек?");
    await reply.press("Enter");
    await expect(inbox.getByTestId("message").filter({ hasText: "Каравай на сколько человек?" })).toHaveAttribute("data-delivery", "failed", { timeout: 15_000 });
    await inbox.reload();
    const broken = `Канал «@${clientBot.username}» не работает: токен бота недействителен — переподключите канал.`;
    await expect(inbox.getByTestId("channel-health")).toContainText(broken);
    await shot(inbox, "inbox-channel-broken", { docs: true });
    await page.reload();
    await expect(page.getByTestId("channel-health")).toContainText(broken);
    await expect(page.getByTestId("channel-health")).toContainText("Переподключите его в разделе «Каналы».");
    await shot(page, "admin-channel-broken", { docs: true });
    await context.close();
  } finally {
    await tg.stop();
  }
});
