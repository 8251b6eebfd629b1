import { eq } from "drizzle-orm";
import {
  agentSettings,
  conversations,
  memberships,
  roles,
  users,
  withTenant,
} from "@threadline/db";
import { createProject, hashPassword } from "@threadline/domain";
import {
  connectTelegramBot,
  expect,
  telegramSimulator,
  test,
} from "./fixtures.ts";

// Intent you can act on: the owner of a project of the spec's own sends complaints to one
// manager; a client's complaint comes in through the Telegram webhook, the worker reads its
// intent and hands it to that manager, who sees «Жалоба» in the list and narrows the list to it.
test("the owner routes complaints to a manager; a complaint reaches them, labelled and filterable", async ({
  page,
  browser,
  urls,
  seed,
  signIn,
  shot,
}) => {
  test.setTimeout(120_000);
  const tg = telegramSimulator();
  await tg.start();
  try {
    await run();
  } finally {
    await tg.stop();
  }
  async function run() {
    const db = seed.db;
    const suffix = Math.random().toString(36).slice(2, 8);
    const password = "intent-e2e-pass-1";
    const person = async (name: string, email: string) =>
      (
        await db
          .insert(users)
          .values({ email, name, passwordHash: await hashPassword(password) })
          .returning()
      )[0]!;
    const owner = await person("Инна Владелец", `owner-${suffix}@intent.demo`);
    const { project } = await createProject(db, owner.id, {
      name: "Пекарня «Колос»",
      slug: `intent-${suffix}`,
    });
    const complaintsPerson = await person(
      "Жанна Претензии",
      `zhanna-${suffix}@intent.demo`,
    );
    const other = await person(
      "Пётр Продажи",
      `petr-${suffix}@intent.demo`,
    );
    await withTenant(db, project.id, async (tx) => {
      const [role] = await tx
        .select()
        .from(roles)
        .where(eq(roles.key, "manager"));
      await tx
        .insert(memberships)
        .values({
          projectId: project.id,
          userId: other.id,
          roleId: role!.id,
          rotationOrder: 1,
        });
      await tx
        .insert(memberships)
        .values({
          projectId: project.id,
          userId: complaintsPerson.id,
          roleId: role!.id,
          rotationOrder: 2,
        });
      // People answer at once here: the agent is off, the intent is read all the same.
      await tx
        .insert(agentSettings)
        .values({ projectId: project.id, enabled: false });
    });
    const bot = tg.addBot({
      token: `7100000016:AA${"intent".repeat(6)}`,
      username: `bakery_${suffix}_bot`,
      firstName: "Пекарня",
    });

    // The owner connects the bot, then «Распределение лидов» → a rule «Жалоба» → the complaints manager.
    await signIn(page, urls.admin, owner.email, password);
    await connectTelegramBot(page, bot);
    await page.getByRole("link", { name: "Распределение лидов" }).click();
    await page
      .getByLabel("Намерение клиента")
      .selectOption({ label: "Жалоба" });
    await page
      .locator("label")
      .filter({ hasText: complaintsPerson.name })
      .getByRole("checkbox")
      .click();
    await shot(page, "admin-rotation-intent-rule", { docs: true });
    await page.getByRole("button", { name: "Добавить правило" }).click();
    await expect(
      page.getByTestId("rotation-rule").filter({ hasText: "Жалоба" }),
    ).toContainText(complaintsPerson.name);

    // «Спам → в архив»: no members to choose, the rule says where spam goes.
    await page.getByLabel("Намерение клиента").selectOption({ label: "Спам" });
    await expect(page.getByTestId("rule-to-archive")).toBeVisible();
    await page.getByRole("button", { name: "Добавить правило" }).click();
    await expect(
      page.getByTestId("rotation-rule").filter({ hasText: "Спам" }),
    ).toContainText("В архив");

    // Two clients write to the bot: a purchase, then a complaint.
    const base = 700_000 + Math.floor(Math.random() * 100_000);
    tg.simulateClientMessage({
      botToken: bot.token,
      from: { id: base, first_name: "Ирина" },
      text: "Хочу заказать торт на субботу",
    });
    tg.simulateClientMessage({
      botToken: bot.token,
      from: { id: base + 1, first_name: "Глеб" },
      text: "Хочу пожаловаться: торт привезли помятым, верните деньги",
    });
    tg.simulateClientMessage({
      botToken: bot.token,
      from: { id: base + 2, first_name: "Спамер" },
      text: "Заработок от 5000₽ в день без вложений! Пиши в лс, всё расскажу",
    });

    const assigneeOfChat = async (chatId: number) =>
      withTenant(db, project.id, async (tx) => {
        const [c] = await tx
          .select({
            assigneeId: conversations.assigneeId,
            intent: conversations.intent,
            userId: memberships.userId,
          })
          .from(conversations)
          .leftJoin(memberships, eq(memberships.id, conversations.assigneeId))
          .where(eq(conversations.externalChatId, String(chatId)));
        return c ? { intent: c.intent, userId: c.userId } : null;
      });
    await expect
      .poll(() => assigneeOfChat(base + 1), { timeout: 20_000 })
      .toEqual({ intent: "complaint", userId: complaintsPerson.id });
    await expect
      .poll(() => assigneeOfChat(base), { timeout: 20_000 })
      .toEqual({ intent: "purchase", userId: other.id });
    const archivedChat = async (chatId: number) =>
      withTenant(db, project.id, async (tx) => {
        const [c] = await tx
          .select({ archivedAt: conversations.archivedAt })
          .from(conversations)
          .where(eq(conversations.externalChatId, String(chatId)));
        return c ? c.archivedAt !== null : null;
      });
    await expect
      .poll(() => archivedChat(base + 2), { timeout: 20_000 })
      .toBe(true);

    // The complaints manager's inbox: the label in the list, then the list narrowed to «Жалоба».
    const inbox = await (
      await browser.newContext({
        locale: "ru-RU",
        viewport: { width: 1440, height: 900 },
      })
    ).newPage();
    await signIn(inbox, urls.inbox, complaintsPerson.email, password);
    const complaintRow = inbox
      .getByRole("button")
      .filter({ hasText: "Глеб" });
    await expect(complaintRow).toContainText("Жалоба");
    await inbox
      .getByLabel("Фильтр по намерению")
      .selectOption({ label: "Жалоба" });
    await expect(complaintRow).toBeVisible();
    await expect(
      inbox.getByRole("button").filter({ hasText: "Ирина" }),
    ).toHaveCount(0);
    await complaintRow.click();
    await expect(
      inbox.locator("header").filter({ hasText: "Глеб" }),
    ).toContainText("Жалоба");
    await shot(inbox, "inbox-intent-filter", { docs: true });

    // «В архив» from the header: the complaint leaves the list; «Архив» shows it with the spam
    // (nobody's, so the manager sees it); the client writes again and it is back in the list.
    await inbox
      .getByLabel("Фильтр по намерению")
      .selectOption({ label: "Все намерения" });
    await inbox.getByRole("button", { name: "В архив" }).click();
    await expect(inbox.getByRole("button", { name: "Вернуть из архива" })).toBeVisible();
    await expect(complaintRow).toHaveCount(0);
    await inbox.getByRole("tab", { name: "Архив" }).click();
    await expect(complaintRow).toBeVisible();
    await expect(
      inbox.getByRole("button").filter({ hasText: "Спамер" }),
    ).toBeVisible();
    await shot(inbox, "inbox-archive");
    tg.simulateClientMessage({
      botToken: bot.token,
      from: { id: base + 1, first_name: "Глеб" },
      text: "Вы ответите на мою претензию?",
    });
    await expect
      .poll(() => archivedChat(base + 1), { timeout: 20_000 })
      .toBe(false);
    await inbox.getByRole("tab", { name: "Все", exact: true }).click();
    await expect(complaintRow).toBeVisible();
    await expect(
      inbox.getByRole("button").filter({ hasText: "Спамер" }),
    ).toHaveCount(0);

    // On a phone the three filters fit the screen.
    await inbox.setViewportSize({ width: 390, height: 844 });
    await inbox.goto(urls.inbox);
    await expect(inbox.getByLabel("Фильтр по намерению")).toBeVisible();
    expect(
      await inbox.evaluate(
        () => document.documentElement.scrollWidth <= window.innerWidth,
      ),
    ).toBe(true);
  }
});
