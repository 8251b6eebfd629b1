import type { MessageEvent } from "@threadline/channels";
import { channels, withTenant } from "@threadline/db";
import { findDemoProjects, ingestEvent, type ChannelRef } from "@threadline/domain";
import { expect, test } from "./fixtures.ts";

// A reply started and not sent is kept per conversation: its text and its attached file come back
// after a reload, and a second tab of the same inbox shows the same draft as it changes.
test("a draft with its file survives a reload and follows across tabs", async ({ page, urls, seed, signIn }) => {
  const manager = await seed.demoAccount("manager");
  const [project] = (await findDemoProjects(seed.db)).filter((p) => p.name === manager.project);
  const [row] = await withTenant(seed.db, project!.id, (tx) =>
    tx.insert(channels).values({ projectId: project!.id, kind: "telegram", name: "Черновики-бот", externalId: `drafts-${Date.now()}`, tokenEnc: "sealed", webhookSecret: "secret" }).returning(),
  );
  const channel: ChannelRef = { id: row!.id, projectId: project!.id, kind: "telegram" };
  const chatId = String(7_300_000 + Math.floor(Math.random() * 99_999));
  const at = new Date().toISOString();
  const event: MessageEvent = { type: "message", channel: "telegram", dedupeId: `message:${chatId}:1`, chatId, client: { externalUserId: chatId, name: "Лариса Дроздова" }, occurredAt: at, externalMessageId: "1", direction: "inbound", text: "Пришлите, пожалуйста, договор", attachments: [], sentAt: at };
  await ingestEvent(seed.db, channel, event);

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
