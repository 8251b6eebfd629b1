import { expect, test } from "./fixtures.ts";
import { seedConversation } from "./seed-conversation.ts";

// A reply started and not sent is kept per conversation: its text and its attached file come back
// after a reload, and a second tab of the same inbox shows the same draft as it changes.
test("a draft with its file survives a reload and follows across tabs", async ({ page, urls, seed, signIn }) => {
  const manager = await seed.demoAccount("manager");
  await seedConversation(seed.db, manager.project, { name: "Лариса Дроздова", text: "Пришлите, пожалуйста, договор" });

  await signIn(page, urls.inbox, manager.email, manager.password);
  await page.getByTestId("conversation-row").filter({ hasText: "Лариса Дроздова" }).click();
  const reply = page.getByTestId("reply-input");
  await reply.fill("Лариса, договор во вложении");
  await page.getByTestId("reply-file-input").setInputFiles({ name: "договор.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n% договор\n") });
  await expect(page.getByTestId("reply-file")).toContainText("договор.pdf");

  // A reload brings both back.
  await page.reload();
  await expect(page.getByTestId("reply-input")).toHaveValue("Лариса, договор во вложении");
  await expect(page.getByTestId("reply-file")).toContainText("договор.pdf");

  // A second tab of the same inbox shows the same draft, and follows the first one's changes.
  const second = await page.context().newPage();
  await second.goto(page.url());
  await expect(second.getByTestId("reply-input")).toHaveValue("Лариса, договор во вложении");
  await expect(second.getByTestId("reply-file")).toContainText("договор.pdf");
  await page.getByTestId("reply-input").fill("Лариса, договор и счёт во вложении");
  await expect(second.getByTestId("reply-input")).toHaveValue("Лариса, договор и счёт во вложении");
  await page.getByRole("button", { name: "Убрать файл" }).click();
  await expect(second.getByTestId("reply-file")).toHaveCount(0);

  // Sent from the second tab, the draft is gone everywhere, after a reload too.
  await second.getByTestId("reply-input").press("Enter");
  await expect(second.getByTestId("thread").getByTestId("message").filter({ hasText: "договор и счёт" })).toBeVisible();
  await expect(page.getByTestId("reply-input")).toHaveValue("");
  await page.reload();
  await expect(page.getByTestId("thread").getByTestId("message").filter({ hasText: "договор и счёт" })).toBeVisible();
  await expect(page.getByTestId("reply-input")).toHaveValue("");
  await expect(page.getByTestId("reply-file")).toHaveCount(0);
});
