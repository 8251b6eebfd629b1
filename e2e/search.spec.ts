import { eq } from "drizzle-orm";
import type { MessageEvent } from "@threadline/channels";
import { channels, contacts, searchLexicon, withTenant } from "@threadline/db";
import { findDemoProjects, ingestEvent, type ChannelRef } from "@threadline/domain";
import { expect, test } from "./fixtures.ts";

// The inbox search as a manager uses it: a word in another form than the client wrote it, its base
// form, part of a name, digits of a phone (with a leading 8 too), and a word nobody wrote; a result
// shows the message it was found in and opens the thread at it.
test("a manager finds conversations by a word form, a name and phone digits", async ({ page, urls, seed, signIn, shot }) => {
  const manager = await seed.demoAccount("manager");
  const [project] = (await findDemoProjects(seed.db)).filter((p) => p.name === manager.project);
  const [row] = await withTenant(seed.db, project!.id, (tx) =>
    tx.insert(channels).values({ projectId: project!.id, kind: "telegram", name: "Поиск-бот", externalId: `search-${Date.now()}`, tokenEnc: "sealed", webhookSecret: "secret" }).returning(),
  );
  const channel: ChannelRef = { id: row!.id, projectId: project!.id, kind: "telegram" };
  const write = (chatId: string, name: string, text: string, n = 1, at = new Date().toISOString()) => {
    const event: MessageEvent = { type: "message", channel: "telegram", dedupeId: `message:${chatId}:${n}`, chatId, client: { externalUserId: chatId, name }, occurredAt: at, externalMessageId: String(n), direction: "inbound", text, attachments: [], sentAt: at };
    return ingestEvent(seed.db, channel, event);
  };
  await write("7101", "Олеся Колокольцева", "Добрый день! Когда будет доставка торта?");
  await write("7102", "Пётр Бережной", "Подскажите, гироскутер ещё есть в наличии?");
  await withTenant(seed.db, project!.id, (tx) => tx.update(contacts).set({ phone: "+79161234567" }).where(eq(contacts.externalId, "7102")));
  // A long chat whose one mention of tulips is far back: the thread must page back to show it.
  const start = Date.now() - 3 * 3600_000;
  await write("7103", "Инна Громова", "Здравствуйте! Хочу заказать букет из 15 тюльпанов к пятнице", 1, new Date(start).toISOString());
  for (let n = 2; n <= 90; n++) await write("7103", "Инна Громова", `Уточнение №${n}: адрес и время прежние`, n, new Date(start + n * 60_000).toISOString());

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

  // A leading 8 finds the +7 number.
  await search.fill("8 (916) 123-45-67");
  await expect(rows.filter({ hasText: "Пётр Бережной" })).toBeVisible();
  await search.fill("89161234567");
  await expect(rows.filter({ hasText: "Пётр Бережной" })).toBeVisible();
  await expect(rows.filter({ hasText: "Олеся Колокольцева" })).toHaveCount(0);

  // The base form finds «тюльпанов»; the result shows that message with the word marked.
  await search.fill("тюльпан");
  const tulips = rows.filter({ hasText: "Инна Громова" });
  await expect(tulips).toBeVisible();
  await expect(tulips.getByTestId("search-match")).toContainText("букет из 15 тюльпанов");
  await expect(tulips.locator("mark")).toHaveText("тюльпанов");
  await shot(page, "inbox-search-match", { docs: true });

  // It opens the thread at that message, 89 messages back, scrolled to and highlighted.
  await tulips.click();
  const focused = page.getByTestId("thread").locator('[data-focused="true"]');
  await expect(focused).toContainText("букет из 15 тюльпанов");
  await expect(focused).toBeInViewport();
  await shot(page, "inbox-search-open-at-message", { docs: true });

  await search.fill("пылесос");
  await expect(page.getByText("Ничего не найдено")).toBeVisible();
});

// When the words as typed find nothing: the last word read as a beginning still being typed, then
// the client's name with a typo (decision 054). Its own channel and clients, so it stands alone.
test("a manager finds a word by its beginning and a name with a typo", async ({ page, urls, seed, signIn, shot }) => {
  const manager = await seed.demoAccount("manager");
  const [project] = (await findDemoProjects(seed.db)).filter((p) => p.name === manager.project);
  const tag = Math.random().toString(36).slice(2, 8);
  const [row] = await withTenant(seed.db, project!.id, (tx) =>
    tx.insert(channels).values({ projectId: project!.id, kind: "telegram", name: "Поиск-бот 2", externalId: `search-prefix-${tag}`, tokenEnc: "sealed", webhookSecret: "secret" }).returning(),
  );
  const channel: ChannelRef = { id: row!.id, projectId: project!.id, kind: "telegram" };
  const write = (chatId: string, name: string, text: string) => {
    const at = new Date().toISOString();
    const event: MessageEvent = { type: "message", channel: "telegram", dedupeId: `message:${tag}-${chatId}:1`, chatId: `${tag}-${chatId}`, client: { externalUserId: `${tag}-${chatId}`, name }, occurredAt: at, externalMessageId: "1", direction: "inbound", text, attachments: [], sentAt: at };
    return ingestEvent(seed.db, channel, event);
  };
  await write("1", "Зоя Колокольцева", "Подскажите часы работы");
  await write("2", "Марк Бережной", "Добрый день! Есть ли у вас гироскутеры для детей?");
  await write("3", "Лев Сорокин", "Нужен торт медовик на юбилей, на двенадцать человек");

  await signIn(page, urls.inbox, manager.email, manager.password);
  const search = page.getByRole("searchbox", { name: "Поиск: имя, телефон, текст" });
  const rows = page.getByTestId("conversation-row");

  // A word still being typed: its beginning finds the word, marked in the message found.
  await search.fill("Гироскут");
  const scooter = rows.filter({ hasText: "Марк Бережной" });
  await expect(scooter).toBeVisible();
  await expect(scooter.locator("mark")).toHaveText("гироскутеры");
  await shot(page, "inbox-search-prefix", { docs: true });

  // A name with a typo is found when nothing else is.
  await search.fill("Колокальцева");
  await expect(rows.filter({ hasText: "Зоя Колокольцева" })).toBeVisible();
  await expect(rows.filter({ hasText: "Марк Бережной" })).toHaveCount(0);

  // A word of a message with a typo: searched as the project's own word most like it, once the
  // worker's housekeeping (every 20 s) has added the new messages' words to the project's lexicon.
  await expect
    .poll(() => withTenant(seed.db, project!.id, (tx) => tx.select().from(searchLexicon).where(eq(searchLexicon.word, "медовик"))).then((rows) => rows.length), { timeout: 60_000 })
    .toBe(1);
  await search.fill("медовек");
  const corrected = page.getByTestId("search-corrected");
  await expect(corrected).toHaveText("Показаны результаты по запросу «медовик»");
  const cake = rows.filter({ hasText: "Лев Сорокин" });
  await expect(cake).toBeVisible();
  await expect(cake.locator("mark")).toHaveText("медовик");
  await shot(page, "inbox-search-typo", { docs: true });
});
