import { randomBytes } from "node:crypto";
import { withTenant } from "@threadline/db";
import { findDemoProjects } from "@threadline/domain";
import { upsertCatalog } from "@threadline/domain/catalog/index.ts";
import { VkMenuClient } from "@threadline/simulators/channels";
import { connectVkCommunity, expect, test, vkSimulator } from "./fixtures.ts";

// The coffee shop's menu bot on a VK community of this spec's own: the owner connects it and
// turns the menu bot on; a client orders a cappuccino with oat milk and a croissant with the
// callback buttons under the community's message; the order appears on the board live and the
// barista confirms it; the client gets the «принят» message in the same dialog.
test("a client orders through the VK menu bot; the order appears on the board", async ({ page, seed, urls, signIn, shot }) => {
  test.setTimeout(240_000);
  const vk = vkSimulator({ callbackRetryDelaysMs: [200, 1000] });
  await vk.start();
  try {
    const owner = await seed.demoAccount("owner");
    const project = (await findDemoProjects(seed.db)).find((p) => p.slug === "zerno")!;
    // The products the Telegram spec fills in through the form, written the same way: whichever
    // spec runs first, the other meets the same catalog.
    await withTenant(seed.db, project.id, (tx) =>
      upsertCatalog(tx, project.id, [
        { name: "Круассан", category: "Выпечка", description: "Сливочный, из печи", priceMinor: 15000 },
        {
          name: "Капучино",
          category: "Кофе",
          description: "300 мл",
          priceMinor: 22000,
          options: [
            { group: "Молоко", name: "овсяное", priceDeltaMinor: 4000 },
            { group: "Молоко", name: "миндальное", priceDeltaMinor: 5000 },
            { name: "сироп", priceDeltaMinor: 3000 },
          ],
          upsell: ["Круассан"],
        },
      ]),
    );
    const name = `Зерно ВКонтакте ${randomBytes(2).toString("hex")}`;
    // A group id of its own: other specs connect communities numbered from the simulator's first id.
    const { groupId, token } = vk.addCommunity({ name, groupId: 260_000_000 + Math.floor(Math.random() * 1_000_000) });

    await signIn(page, urls.admin, owner.email, owner.password);
    await connectVkCommunity(page, { groupId, token, name });

    await page.getByRole("link", { name: "Каталог" }).click();
    const toggle = page.getByRole("switch", { name: `Меню-бот: ${name}` });
    await toggle.click();
    await expect(toggle).toBeChecked();
    await shot(page, "admin-menu-bot-vk", { docs: true });

    await page.getByRole("link", { name: "Заказы" }).click();
    await expect(page.getByTestId("board-live")).toHaveText("Обновляется в реальном времени");

    const userId = 9_500_000 + Math.floor(Math.random() * 10_000);
    vk.addUser({ id: userId, firstName: "Полина", lastName: "Соколова" });
    const client = new VkMenuClient(vk, groupId, userId, 20_000);
    const menu = await client.say("Меню");
    expect(menu.buttons.map((b) => b.label)).toEqual(expect.arrayContaining(["Выпечка", "Кофе"]));
    await client.tap("Кофе");
    // A second press of a button already replaced adds nothing and says so.
    const again = vk.pressButton({ groupId, userId, payload: menu.buttons[0]!.payload!, conversationMessageId: menu.conversationMessageId });
    await expect.poll(() => vk.eventAnswer(groupId, again)?.answer?.text, { timeout: 10_000 }).toBe("Меню уже обновилось — смотрите последнее сообщение.");
    const done = await client.order(
      [
        { category: "Кофе", product: "Капучино", options: ["овсяное"] },
        { category: "Выпечка", product: "Круассан" },
      ],
      { name: "Полина", phone: "+7 915 555-77-88", pickupTime: "к 10:15" },
    );
    expect(done).toMatch(/Заказ №\d+ оформлен/);

    const card = page.getByTestId("column-new").getByTestId("order-card").filter({ hasText: "Полина" });
    await expect(card).toBeVisible({ timeout: 15_000 });
    await expect(card).toContainText("Капучино (овсяное)");
    await expect(card).toContainText("Круассан");
    await expect(card).toContainText("410");
    await card.getByRole("button", { name: "Подтвердить" }).click();
    await expect(page.getByTestId("column-confirmed").getByTestId("order-card").filter({ hasText: "Полина" })).toBeVisible();

    const texts = () => vk.sentMessages(userId, groupId).map((m) => m.text);
    await expect.poll(() => texts().join("\n"), { timeout: 15_000 }).toMatch(/Заказ №\d+ принят: Капучино \(овсяное\), Круассан/);
  } finally {
    await vk.stop();
  }
});
