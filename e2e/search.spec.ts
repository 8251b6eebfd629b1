import { eq } from "drizzle-orm";
import type { MessageEvent } from "@threadline/channels";
import { channels, contacts, withTenant } from "@threadline/db";
import { findDemoProjects, ingestEvent, type ChannelRef } from "@threadline/domain";
import { expect, test } from "./fixtures.ts";

// The inbox search as a manager uses it: a word in another form than the client wrote it, part
// of a name, digits of a phone, and a word nobody wrote.
test("a manager finds conversations by a word form, a name and phone digits", async ({ page, urls, seed, signIn, shot }) => {
  const manager = await seed.demoAccount("manager");
  const [project] = (await findDemoProjects(seed.db)).filter((p) => p.name === manager.project);
  const [row] = await withTenant(seed.db, project!.id, (tx) =>
    tx.insert(channels).values({ projectId: project!.id, kind: "telegram", name: "Поиск-бот", externalId: `search-${Date.now()}`, tokenEnc: "sealed", webhookSecret: "secret" }).returning(),
  );
  const channel: ChannelRef = { id: row!.id, projectId: project!.id, kind: "telegram" };
  const write = (chatId: string, name: string, text: string) => {
    const at = new Date().toISOString();
    const event: MessageEvent = { type: "message", channel: "telegram", dedupeId: `message:${chatId}:1`, chatId, client: { externalUserId: chatId, name }, occurredAt: at, externalMessageId: "1", direction: "inbound", text, attachments: [], sentAt: at };
    return ingestEvent(seed.db, channel, event);
  };
  await write("7101", "Олеся Колокольцева", "Добрый день! Когда будет доставка торта?");
  await write("7102", "Пётр Бережной", "Подскажите, гироскутер ещё есть в наличии?");
  await withTenant(seed.db, project!.id, (tx) => tx.update(contacts).set({ phone: "+79161234567" }).where(eq(contacts.externalId, "7102")));

  await signIn(page, urls.inbox, manager.email, manager.password);
  const search = page.getByRole("searchbox", { name: "Поиск: имя, телефон, текст" });
  const rows = page.getByTestId("conversation-row");

  await search.fill("доставки");
  await expect(rows.filter({ hasText: "Олеся Колокольцева" })).toBeVisible();
  await expect(rows.filter({ hasText: "Пётр Бережной" })).toHaveCount(0);
  await shot(page, "inbox-search");

  await search.fill("гироскутеры");
  await expect(rows.filter({ hasText: "Пётр Бережной" })).toBeVisible();
  await expect(rows.filter({ hasText: "Олеся Колокольцева" })).toHaveCount(0);

  await search.fill("колокольц");
  await expect(rows.filter({ hasText: "Олеся Колокольцева" })).toBeVisible();

  await search.fill("916 123");
  await expect(rows.filter({ hasText: "Пётр Бережной" })).toBeVisible();
  await expect(rows.filter({ hasText: "Олеся Колокольцева" })).toHaveCount(0);

  await search.fill("пылесос");
  await expect(page.getByText("Ничего не найдено")).toBeVisible();
});
