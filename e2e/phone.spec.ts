import type { Locator, Page } from "@playwright/test";
import { connectTelegramBot, expect, telegramSimulator, test } from "./fixtures.ts";

const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: "ru-RU", timezoneId: "Europe/Moscow" } as const;

/** Nothing on the screen is wider than the screen: the page never scrolls sideways. */
async function expectNoSidewaysScroll(page: Page, screen: string) {
  const widths = await page.evaluate(() => ({
    document: document.documentElement.scrollWidth,
    body: document.body.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(widths.document, `document on the ${screen} screen`).toBeLessThanOrEqual(widths.client);
  expect(widths.body, `body on the ${screen} screen`).toBeLessThanOrEqual(widths.client);
}

/** Every visible button, link, field and select inside `area` is at least 44 px high (icon buttons also wide). */
async function expectTouchTargets(area: Locator) {
  const small = await area.evaluate((root) =>
    Array.from(root.querySelectorAll<HTMLElement>("button:not([role=switch]), a[href], select, textarea, input:not([type=file])"))
      .filter((el) => el.offsetParent !== null)
      .map((el) => ({ label: el.getAttribute("aria-label") ?? el.textContent?.trim() ?? el.tagName, box: el.getBoundingClientRect() }))
      .filter(({ box }) => box.height < 44 || (box.width < 44 && box.width > 0))
      .map(({ label, box }) => `${label}: ${Math.round(box.width)}×${Math.round(box.height)}`),
  );
  expect(small).toEqual([]);
}

// The inbox on a phone (390 × 844): list, thread and the contact's card are screens one over the
// other with a way back; nothing scrolls sideways; the reply box stays above the keyboard; the
// dark theme follows the system.
test("a manager on a phone opens a conversation from the list, replies and goes back", async ({ page, browser, urls, seed, signIn, shot }) => {
  test.setTimeout(120_000);
  const tg = telegramSimulator();
  await tg.start();
  try {
    const owner = await seed.demoAccount("owner");
    const manager = await seed.demoAccount("manager");
    // A token of its own: the simulators of other specs number theirs from the same start.
    const bot = tg.addBot({ token: `7100000009:AA${"phonelayout".repeat(3)}`, username: `phone_${Date.now()}_bot`, firstName: "Цветы у дома" });
    await signIn(page, urls.admin, owner.email, owner.password);
    await connectTelegramBot(page, bot);

    const context = await browser.newContext({ ...phone, colorScheme: "light" });
    const inbox = await context.newPage();
    await signIn(inbox, urls.inbox, manager.email, manager.password);
    tg.simulateClientMessage({ botToken: bot.token, from: { id: 9301, first_name: "Вероника", last_name: "Сомова" }, text: "Добрый вечер! Можно букет из пионов к 10 утра?" });

    // The list fills the screen.
    const row = inbox.getByTestId("conversation-row").filter({ hasText: "Вероника Сомова" });
    await expect(row).toBeVisible({ timeout: 10_000 });
    // The project's agent answers first (it asks for the phone); the manager replies after it.
    await expect.poll(() => tg.sentMessages(9301, { botToken: bot.token }).map((m) => m.text ?? "").join("\n"), { timeout: 20_000 }).toMatch(/телефон/i);
    await expect(inbox.getByTestId("thread")).toHaveCount(0);
    expect((await inbox.getByTestId("conversation-list").boundingBox())?.width).toBe(390);
    await expectNoSidewaysScroll(inbox, "list");
    await expectTouchTargets(inbox.locator("[data-touch]"));
    await shot(inbox, "inbox-phone-list", { docs: true });

    // A tap opens the thread in place of the list.
    await row.tap();
    const thread = inbox.getByTestId("thread");
    await expect(thread.getByTestId("message").filter({ hasText: "букет из пионов" })).toBeVisible();
    await expect(inbox.getByTestId("conversation-list")).toBeHidden();
    await expectNoSidewaysScroll(inbox, "thread");
    await expectTouchTargets(thread);

    const reply = inbox.getByTestId("reply-input");
    await reply.tap();
    await reply.fill("Добрый вечер, Вероника! Да, соберём к 10:00. Какой бюджет?");
    await inbox.getByRole("button", { name: "Отправить" }).tap();
    await expect
      .poll(() => tg.sentMessages(9301, { botToken: bot.token }).map((m) => m.text), { timeout: 10_000 })
      .toContain("Добрый вечер, Вероника! Да, соберём к 10:00. Какой бюджет?");
    await expect(thread.getByTestId("message").filter({ hasText: "Какой бюджет?" })).toHaveAttribute("data-delivery", /sent|read/, { timeout: 10_000 });
    await expectNoSidewaysScroll(inbox, "thread");
    await shot(inbox, "inbox-phone-thread", { docs: true });

    // The on-screen keyboard takes the lower part of the screen: the reply box stays above it.
    await inbox.setViewportSize({ width: 390, height: 500 });
    await expect.poll(async () => (await reply.boundingBox())!.y + (await reply.boundingBox())!.height).toBeLessThanOrEqual(500);
    await inbox.setViewportSize(phone.viewport);

    // The contact's card is a screen of its own, with a way back to the thread.
    await inbox.getByRole("button", { name: "Показать карточку клиента" }).tap();
    const panel = inbox.getByTestId("contact-panel");
    await expect(panel).toContainText("Вероника Сомова");
    await expect(thread).toHaveCount(0);
    await expectNoSidewaysScroll(inbox, "contact");
    await expectTouchTargets(panel);
    await shot(inbox, "inbox-phone-contact", { docs: true });
    await panel.getByRole("button", { name: "К диалогу" }).tap();
    await expect(thread).toBeVisible();

    // Back to the list, where the conversation shows the reply.
    await inbox.getByRole("button", { name: "К списку диалогов" }).tap();
    await expect(thread).toHaveCount(0);
    await expect(row).toBeVisible();
    await expect(row).toContainText("Вы: Добрый вечер, Вероника!");
    await expectNoSidewaysScroll(inbox, "list");
    await context.close();

    // With the system in dark mode both apps are dark.
    const dark = await browser.newContext({ ...phone, colorScheme: "dark" });
    const darkInbox = await dark.newPage();
    await signIn(darkInbox, urls.inbox, manager.email, manager.password);
    await darkInbox.getByTestId("conversation-row").filter({ hasText: "Вероника Сомова" }).tap();
    await expect(darkInbox.getByTestId("thread").getByTestId("message").filter({ hasText: "Какой бюджет?" })).toBeVisible();
    const lightness = (locator: Locator) =>
      locator.evaluate((el) => {
        // The computed colour is oklch(L C H) or rgb(); a dark surface has a low lightness either way.
        const colour = getComputedStyle(el).backgroundColor;
        const oklch = /oklch\(([\d.]+)/.exec(colour);
        if (oklch) return Number(oklch[1]) > 1 ? Number(oklch[1]) / 100 : Number(oklch[1]);
        const [r, g, b] = (colour.match(/\d+(\.\d+)?/g) ?? ["255", "255", "255"]).map(Number);
        return (0.2126 * r! + 0.7152 * g! + 0.0722 * b!) / 255;
      });
    expect(await lightness(darkInbox.locator("body"))).toBeLessThan(0.3);
    expect(await lightness(darkInbox.getByTestId("thread").locator("header"))).toBeLessThan(0.3);
    await shot(darkInbox, "inbox-phone-dark", { docs: true });
    await dark.close();
    // Another context: both apps share the host, so a session cookie would follow across ports.
    const darkDesktop = await browser.newContext({ colorScheme: "dark", locale: "ru-RU", viewport: { width: 1280, height: 800 } });
    const darkAdmin = await darkDesktop.newPage();
    await signIn(darkAdmin, urls.admin, owner.email, owner.password);
    await expect(darkAdmin.getByRole("cell", { name: owner.email })).toBeVisible();
    expect(await lightness(darkAdmin.locator("body"))).toBeLessThan(0.3);
    await shot(darkAdmin, "admin-dark", { docs: true });
    await darkDesktop.close();
  } finally {
    await tg.stop();
  }
});
