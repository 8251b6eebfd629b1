import { eq } from "drizzle-orm";
import { channels, conversations, leadEvents, memberships, messages, roles, users, withTenant } from "@threadline/db";
import { findDemoProjects, hashPassword, ingestEvent } from "@threadline/domain";
import { expect, test } from "./fixtures.ts";

// The owner opens «Эффективность менеджеров» and sees a manager who answered a client in
// 10 minutes (no working hours set: the whole wait counts) and has the lead won.
test("the owner sees a manager's response time and leads in the performance report", async ({ page, urls, seed, signIn, shot }) => {
  const owner = await seed.demoAccount("owner");
  const [project] = await findDemoProjects(seed.db);
  const db = seed.db;
  const suffix = Math.random().toString(36).slice(2, 8);
  const [user] = await db.insert(users).values({ email: `vera-${suffix}@zerno.demo`, name: `Вера Быстрова ${suffix}`, passwordHash: await hashPassword("not-used-here-1") }).returning();
  const { membershipId, channelId } = await withTenant(db, project!.id, async (tx) => {
    const [role] = await tx.select().from(roles).where(eq(roles.key, "manager"));
    const [m] = await tx.insert(memberships).values({ projectId: project!.id, userId: user!.id, roleId: role!.id, rotationOrder: 7 }).returning();
    const [c] = await tx.insert(channels).values({ projectId: project!.id, kind: "telegram", name: "Бот для отчёта", externalId: `perf-${suffix}`, tokenEnc: "sealed", webhookSecret: "s" }).returning();
    return { membershipId: m!.id, channelId: c!.id };
  });
  const asked = new Date(Date.now() - 20 * 60_000).toISOString();
  const r = await ingestEvent(db, { id: channelId, projectId: project!.id, kind: "telegram" }, {
    type: "message",
    channel: "telegram",
    dedupeId: `message:${suffix}:1`,
    chatId: suffix,
    client: { externalUserId: suffix, name: "Антон Климов" },
    occurredAt: asked,
    externalMessageId: "1",
    direction: "inbound",
    text: "Есть ли доставка в субботу?",
    attachments: [],
    sentAt: asked,
  });
  if (r.kind !== "message") throw new Error("not stored");
  await withTenant(db, project!.id, async (tx) => {
    await tx.insert(messages).values({ projectId: project!.id, conversationId: r.conversationId, channelId, direction: "out", author: "member", authorMembershipId: membershipId, text: "Да, до 18:00", sentAt: new Date(Date.now() - 10 * 60_000), delivery: "sent" });
    await tx.update(conversations).set({ assigneeId: membershipId, stage: "won" }).where(eq(conversations.id, r.conversationId));
    await tx.insert(leadEvents).values({ projectId: project!.id, conversationId: r.conversationId, toStage: "won", actorKind: "member", actorMembershipId: membershipId });
  });

  await signIn(page, urls.admin, owner.email, owner.password);
  await page.getByRole("navigation").getByRole("link", { name: "Эффективность менеджеров" }).click();
  await expect(page.getByRole("heading", { name: "Эффективность менеджеров" })).toBeVisible();
  const row = page.getByRole("row").filter({ hasText: `Вера Быстрова ${suffix}` });
  await expect(row.getByRole("cell").nth(1)).toHaveText("10 мин");
  await expect(row.getByRole("cell").nth(2)).toHaveText("10 мин");
  await expect(row.getByRole("cell").nth(4)).toHaveText("1");
  await expect(row.getByRole("cell").nth(5)).toHaveText("1");
  await expect(row.getByRole("cell").nth(6)).toHaveText("1");
  await expect(page.getByTestId("performance-chart").locator(".recharts-bar-rectangle").first()).toBeVisible();

  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Скачать CSV" }).click();
  const csv = await (await download).createReadStream();
  const chunks: Buffer[] = [];
  for await (const c of csv) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  expect(text.startsWith("\uFEFFСотрудник;")).toBe(true);
  expect(text).toContain(`Вера Быстрова ${suffix};10;10;1;1;1;1;0`);
  await shot(page, "admin-performance", { docs: true });

  // Project hours, for members without their own, are set beside the rotation.
  await page.getByRole("navigation").getByRole("link", { name: "Распределение лидов" }).click();
  const hours = page.getByTestId("project-hours");
  await expect(hours).toContainText("Рабочие часы проекта");
  await hours.getByRole("button", { name: "Изменить часы проекта" }).click();
  await expect(page.getByRole("dialog")).toContainText("Часы работы: проект");
  await page.getByRole("button", { name: "Сохранить" }).click();
  await expect(page.getByRole("dialog")).toBeHidden();
  await expect(hours).toContainText("09:00–18:00");
  // Back to no schedule, so other tests see the demo project as it was.
  await hours.getByRole("button", { name: "Изменить часы проекта" }).click();
  await page.getByRole("button", { name: "Без графика" }).click();
  await expect(page.getByRole("dialog")).toBeHidden();
});
