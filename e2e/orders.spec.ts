import { solidPng, TelegramMenuClient } from "@threadline/simulators/channels";
import { connectTelegramBot, expect, telegramSimulator, test } from "./fixtures.ts";

// The coffee shop on real parts: the owner fills the catalog and turns the menu bot on for the
// Telegram bot; a client orders a cappuccino with oat milk and a croissant with the inline
// buttons; the order appears on the board live; the barista moves it to «Готов» and the client
// gets the ready message in the same chat.
test("a client orders through the Telegram menu bot; the barista moves the order to ready", async ({ page, seed, urls, signIn, shot }) => {
  test.setTimeout(240_000);
  const tg = telegramSimulator();
  await tg.start();
  try {
    const owner = await seed.demoAccount("owner");
    const bot = tg.addBot({ token: `7100000042:AA${"menu".repeat(9)}`, username: "zerno_menu_bot", firstName: "Кофейня «Зерно»" });
    await signIn(page, urls.admin, owner.email, owner.password);
    await connectTelegramBot(page, bot);

    // The catalog: two products through the form, one with add-ons and an up-sell.
    await page.getByRole("link", { name: "Каталог" }).click();
    const form = page.getByRole("form", { name: "Товар" });
    const add = async (p: { name: string; category: string; price: string; description?: string; options?: string; upsell?: string }) => {
      await form.getByLabel("Товар").fill(p.name);
      await form.getByLabel("Категория").fill(p.category);
      await form.getByLabel(/^Цена/).fill(p.price);
      await form.getByLabel("Описание").fill(p.description ?? "");
      await form.getByLabel("Добавки").fill(p.options ?? "");
      await form.getByLabel("Предлагать вместе с").fill(p.upsell ?? "");
      await form.getByRole("button", { name: "Сохранить товар" }).click();
      // The name cell starts with the product's name; its up-sell follows after «+».
      await expect(page.getByTestId("catalog-row").filter({ has: page.getByRole("cell", { name: new RegExp(`^${p.name}( \\+ |$)`) }) })).toBeVisible();
    };
    // A zero price is refused in the form with a clear message, nothing saved.
    await form.getByLabel("Товар").fill("Эспрессо");
    await form.getByLabel(/^Цена/).fill("0");
    await form.getByRole("button", { name: "Сохранить товар" }).click();
    await expect(form.getByRole("alert")).toHaveText("Цена — число больше нуля, например 220 или 219,90");
    await add({ name: "Круассан", category: "Выпечка", price: "150", description: "Сливочный, из печи" });
    await add({ name: "Капучино", category: "Кофе", price: "220", description: "300 мл", options: "Молоко: овсяное +40\nМолоко: миндальное +50\nсироп +30", upsell: "Круассан" });
    // The cappuccino's photo: the menu shows its card as this photo.
    const cappuccinoPhoto = solidPng(64, 48, [176, 132, 92]);
    await page.getByTestId("catalog-row").filter({ hasText: "Капучино" }).getByRole("button", { name: "Изменить" }).click();
    await page.locator("#product-photo").setInputFiles({ name: "cappuccino.png", mimeType: "image/png", buffer: cappuccinoPhoto });
    await expect(page.getByRole("status").filter({ hasText: "Фото сохранено" })).toBeVisible();
    // A price list with a broken row: the preview names the row, nothing can be loaded.
    const header = "Категория;Товар;Описание;Цена;В наличии;Добавки;Предлагать вместе с";
    await page.getByLabel("Файл прайс-листа").setInputFiles({ name: "price.csv", mimeType: "text/csv", buffer: Buffer.from(`${header}\nВыпечка;Круассан;Сливочный, из печи;150;да;;\nДесерты;Медовик;;-10;да;;\nДесерты;Эклер;;190;да;;\n`) });
    await page.getByRole("button", { name: "Проверить файл" }).click();
    const importRows = page.getByTestId("import-row");
    await expect(importRows.nth(0)).toContainText("без изменений");
    await expect(importRows.nth(1)).toContainText("Товар «Медовик»: цена должна быть больше нуля");
    await expect(importRows.nth(2)).toContainText("новый");
    await expect(page.getByRole("button", { name: "Загрузить изменения: 1" })).toBeDisabled();
    await shot(page, "admin-price-list-preview", { docs: true, fullPage: true });

    await page.getByRole("switch", { name: "Меню-бот: @zerno_menu_bot" }).click();
    await expect(page.getByRole("switch", { name: "Меню-бот: @zerno_menu_bot" })).toBeChecked();
    await shot(page, "admin-catalog", { docs: true, fullPage: true });

    await page.getByRole("link", { name: "Заказы" }).click();
    await expect(page.getByTestId("board-live")).toHaveText("Обновляется в реальном времени");

    const client = new TelegramMenuClient(tg, bot.token, { id: 9401, first_name: "Алина", last_name: "Жукова" }, 20_000);
    const menu = await client.say("/start");
    expect(menu.keyboard!.flat().map((b) => b.text)).toEqual(["Выпечка", "Кофе"]);
    await client.tap("Кофе");
    await client.tap(/^Капучино/);
    // The product card is the product's photo with its text as caption and the buttons under it.
    expect(client.menu()).toMatchObject({ kind: "photo", caption: expect.stringMatching(/^Капучино — 220\s₽/) });
    expect(client.menu()!.file!.data.equals(cappuccinoPhoto)).toBe(true);
    await client.tap(/^овсяное/);
    expect(client.menu()!.caption).toContain("Итого: 260");
    await client.tap(/^Добавить в корзину/);
    await client.tap("← Меню");
    await client.tap("Выпечка");
    await client.tap(/^Круассан/);
    await client.tap(/^Добавить в корзину/);
    await client.tap(/^🛒 Корзина/);
    expect(client.menu()!.text).toMatch(/Капучино \(овсяное\)[\s\S]*Круассан[\s\S]*Итого: 410/);
    await client.tap("Оформить заказ");
    await client.say("Алина");
    await client.say("+7 912 555-12-34");
    await client.tap("Самовывоз");
    await client.say("к 9:30");
    await client.tap("Подтвердить заказ");
    expect(client.menu()!.text).toMatch(/Заказ №\d+ оформлен/);

    // The order is on the board without a reload.
    const card = page.getByTestId("column-new").getByTestId("order-card").filter({ hasText: "Алина" });
    await expect(card).toBeVisible({ timeout: 15_000 });
    await expect(card).toContainText("Капучино (овсяное)");
    await expect(card).toContainText("Круассан");
    await expect(card).toContainText("410");
    await shot(page, "admin-orders-board", { docs: true });

    await card.getByRole("button", { name: "Подтвердить" }).click();
    const confirmed = page.getByTestId("column-confirmed").getByTestId("order-card").filter({ hasText: "Алина" });
    await expect(confirmed).toBeVisible();
    await confirmed.getByRole("button", { name: "Готов", exact: true }).click();
    await expect(page.getByTestId("column-ready").getByTestId("order-card").filter({ hasText: "Алина" })).toBeVisible();
    await shot(page, "admin-orders-ready", { docs: true });

    const texts = () => tg.sentMessages(9401, { botToken: bot.token }).map((m) => m.text ?? "");
    await expect.poll(() => texts().join("\n"), { timeout: 15_000 }).toMatch(/Заказ №\d+ готов! Можно забирать\./);
    // Sent through the same queue within Telegram's per-chat limit: it may land after «готов».
    await expect.poll(() => texts().join("\n"), { timeout: 30_000 }).toMatch(/Заказ №\d+ принят: Капучино \(овсяное\), Круассан/);
  } finally {
    await tg.stop();
  }
});
