import { expect, test } from "./fixtures.ts";
import { seedConversation } from "./seed-conversation.ts";

// The day's label sticks to the top of a scrolled thread in a row of its own: the messages pass
// under that row and never show around or through the label.
test("the sticky day label sits in its own row over a scrolled thread", async ({ page, urls, seed, signIn, shot }) => {
  const manager = await seed.demoAccount("manager");
  const day = 86_400_000;
  const start = Date.now() - 3 * day;
  const history = Array.from({ length: 36 }, (_, i) => ({
    text: `Сообщение ${i + 1}: уточняю детали заказа, адрес доставки и удобное время`,
    sentAt: new Date(start + Math.floor(i / 12) * day + (i % 12) * 60_000),
  }));
  await seedConversation(seed.db, manager.project, { name: "Дарья Липкина", text: history[0]!.text, history });

  await page.setViewportSize({ width: 1280, height: 720 });
  await signIn(page, urls.inbox, manager.email, manager.password);
  await page.getByTestId("conversation-row").filter({ hasText: "Дарья Липкина" }).click();
  const thread = page.getByTestId("thread");
  await expect(thread.getByTestId("message").filter({ hasText: "Сообщение 36:" })).toBeVisible();

  // Scroll so that the second day's messages run under the top edge.
  const scroller = thread.locator(".overflow-y-auto").first();
  await scroller.evaluate((el) => {
    const eighteenth = Array.from(el.querySelectorAll("[data-testid=message]")).find((m) => m.textContent?.includes("Сообщение 18:"))!;
    el.scrollTop += eighteenth.getBoundingClientRect().top - el.getBoundingClientRect().top;
  });
  await page.waitForTimeout(300);
  // Across the top of the thread (left of the pill, under it, right of it), 4 px down: the label's
  // row, never a bubble showing through above or beside the label.
  const hits = await scroller.evaluate((el) => {
    const content = el.firstElementChild!.getBoundingClientRect();
    const y = el.getBoundingClientRect().top + 4;
    return [content.left + 20, content.left + content.width / 2, content.right - 20].map((x) => !!document.elementFromPoint(x, y)?.closest("[data-testid=day-label]"));
  });
  expect(hits).toEqual([true, true, true]);
  await shot(page, "inbox-day-label-scrolled");
});
