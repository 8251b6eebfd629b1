import { createProject, findUserByEmail } from "@threadline/domain";
import { seedCoffeeMenu } from "@threadline/domain/seed/coffee-menu.ts";
import { solidPng } from "@threadline/simulators/channels";
import { connectTelegramBot, expect, telegramSimulator, test } from "./fixtures.ts";

// An order taken by the agent on real parts: a Telegram client writes what they want in their own
// words, the agent proposes it with the catalog's prices, the client presses «Подтвердить» under it, and the order
// appears on the board live; the barista drags it to «Подтверждён», and a move the order cannot
// make is refused with the reason while the card stays where it was.
test("the agent proposes an order from the client's words; «Подтвердить» puts it on the board once; the barista drags it on", async ({ page, seed, urls, signIn, shot }) => {
  test.setTimeout(240_000);
  const tg = telegramSimulator();
  await tg.start();
  try {
    const owner = await seed.demoAccount("owner");
    // A coffee shop of its own with the coffee-shop menu (named to sort after the demo's, where the
    // owner lands): the demo's catalog stays as other specs expect it.
    const ownerUser = await findUserByEmail(seed.db, owner.email);
    const { project } = await createProject(seed.db, ownerUser!.id, { name: "Кофейня «Рафинад»", slug: `rafinad-${Math.random().toString(36).slice(2, 8)}` });
    await seedCoffeeMenu(seed.db, project.id);
    const bot = tg.addBot({ token: `7100000156:AA${"orderagent".repeat(3)}`, username: "zerno_order_agent_bot", firstName: "Кофейня «Зерно»" });
    await signIn(page, urls.admin, owner.email, owner.password);
    await page.goto(`${urls.admin}/p/${project.id}`);
    await connectTelegramBot(page, bot);

    // The owner gives the cappuccino a photo in the catalog; the agent answers its price with it.
    const cappuccinoPhoto = solidPng(64, 48, [176, 132, 92]);
    await page.getByRole("link", { name: "Каталог" }).click();
    await page.getByTestId("catalog-row").filter({ hasText: "Капучино" }).getByRole("button", { name: "Изменить" }).click();
    await page.locator("#product-photo").setInputFiles({ name: "cappuccino.png", mimeType: "image/png", buffer: cappuccinoPhoto });
    await expect(page.getByRole("status").filter({ hasText: "Фото сохранено" })).toBeVisible();
    const asker = 9562;
    tg.simulateClientMessage({ botToken: bot.token, from: { id: asker, first_name: "Полина" }, text: "Сколько стоит капучино?" });
    await expect.poll(() => tg.sentMessages(asker, { botToken: bot.token }).find((m) => m.kind === "photo")?.caption, { timeout: 20_000 }).toMatch(/^Капучино — \d+\s₽/);
    expect(tg.sentMessages(asker, { botToken: bot.token }).find((m) => m.kind === "photo")!.file!.data.equals(cappuccinoPhoto)).toBe(true);

    await page.getByRole("link", { name: "Заказы" }).click();
    await expect(page.getByTestId("board-live")).toHaveText("Обновляется в реальном времени");

    const chatId = 9561;
    const from = { id: chatId, first_name: "Вероника", last_name: "Агеева" };
    const texts = () => tg.sentMessages(chatId, { botToken: bot.token }).map((m) => m.text ?? "");
    tg.simulateClientMessage({ botToken: bot.token, from, text: "Здравствуйте! Хочу два капучино на овсяном и круассан" });
    await expect.poll(() => texts().join("\n"), { timeout: 20_000 }).toContain("Подтвердите заказ");
    const proposal = texts().find((t) => t.includes("Подтвердите заказ"))!;
    expect(proposal).toMatch(/Капучино \(овсяное\) — 2 × \d+ ₽ = \d+ ₽/);
    expect(proposal).toMatch(/Круассан — \d+ ₽/);
    expect(proposal).toMatch(/Итого: \d+ ₽/);

    // Under the proposal: «Подтвердить» and «Отменить»; the client presses «Подтвердить» (as «да»).
    // A copy: the simulator's record loses its keyboard when the buttons go.
    const shown = structuredClone(tg.lastKeyboardMessage(chatId, bot.token)!);
    expect(shown.text).toContain("Подтвердите заказ");
    expect(shown.keyboard!.flat().map((b) => b.text)).toEqual(["Подтвердить", "Отменить"]);
    const press = tg.pressButton({ botToken: bot.token, from: chatId, messageId: shown.messageId, text: "Подтвердить" });
    await expect.poll(() => tg.callbackAnswer(press, bot.token)?.text, { timeout: 20_000 }).toMatch(/^Заказ №\d+ оформлен$/);
    await expect.poll(() => texts().join("\n"), { timeout: 20_000 }).toMatch(/Заказ №\d+ принят: Капучино \(овсяное\) ×2, Круассан/);
    // The buttons go from the proposal; a second press still on its way orders nothing more.
    const confirmData = shown.keyboard!.flat().find((b) => b.text === "Подтвердить")!.callback_data;
    await expect.poll(() => tg.sentMessages(chatId, { botToken: bot.token }).find((m) => m.messageId === shown.messageId)?.keyboard, { timeout: 20_000 }).toBeUndefined();
    const again = tg.pressButton({ botToken: bot.token, from: chatId, messageId: shown.messageId, data: confirmData });
    await expect.poll(() => tg.callbackAnswer(again, bot.token)?.text, { timeout: 20_000 }).toContain("уже оформлен");

    // On the board without a reload, marked as the agent's.
    const card = page.getByTestId("column-new").getByTestId("order-card").filter({ hasText: "Вероника Агеева" });
    await expect(card).toBeVisible({ timeout: 15_000 });
    await expect(card.getByTestId("order-source")).toHaveText("ИИ-агент");
    await expect(card).toContainText("Капучино (овсяное) ×2");

    // Dragged to the next column: the same status change as the button, and the client is told.
    await card.dragTo(page.getByTestId("column-confirmed"));
    const confirmed = page.getByTestId("column-confirmed").getByTestId("order-card").filter({ hasText: "Вероника Агеева" });
    await expect(confirmed).toBeVisible();
    await expect.poll(() => texts().join("\n"), { timeout: 15_000 }).toMatch(/Заказ №\d+ подтверждён/);
    await shot(page, "admin-orders-drag", { docs: true });

    // Back to «Новый» is not a move an order makes: refused with the reason, the card snaps back.
    await confirmed.dragTo(page.getByTestId("column-new"));
    await expect(page.getByText("Заказ в статусе «подтверждён» нельзя перевести в «новый»")).toBeVisible();
    await expect(confirmed).toBeVisible();
    await expect(page.getByTestId("column-new").getByTestId("order-card").filter({ hasText: "Вероника Агеева" })).toHaveCount(0);
    // The buttons still work for those who do not drag.
    await confirmed.getByRole("button", { name: "В работу" }).click();
    await expect(page.getByTestId("column-preparing").getByTestId("order-card").filter({ hasText: "Вероника Агеева" })).toBeVisible();
  } finally {
    await tg.stop();
  }
});
