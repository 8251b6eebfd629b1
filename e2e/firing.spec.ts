import { and, eq } from "drizzle-orm";
import { channels, conversations, memberships, roles, users, withTenant } from "@threadline/db";
import { findDemoProjects, hashPassword, ingestEvent } from "@threadline/domain";
import { expect, test } from "./fixtures.ts";

// Firing without orphans: the owner fires a manager who has open conversations; in the same
// dialog the conversations go to the rotation; each gets an active assignee, none stays with
// the fired manager.
test("the owner fires a manager with open conversations; each is reassigned", async ({ page, urls, seed, signIn, shot }) => {
  const owner = await seed.demoAccount("owner");
  const [project] = await findDemoProjects(seed.db);
  const db = seed.db;
  const suffix = Math.random().toString(36).slice(2, 8);
  const email = `oleg-${suffix}@zerno.demo`;
  const [user] = await db.insert(users).values({ email, name: "Олег Уходящий", passwordHash: await hashPassword("not-used-here-1") }).returning();
  const { membershipId, channelId } = await withTenant(db, project!.id, async (tx) => {
    const [role] = await tx.select().from(roles).where(eq(roles.key, "manager"));
    const [m] = await tx.insert(memberships).values({ projectId: project!.id, userId: user!.id, roleId: role!.id, rotationOrder: 5 }).returning();
    const [c] = await tx.insert(channels).values({ projectId: project!.id, kind: "telegram", name: "Бот для увольнения", externalId: `fire-${suffix}`, tokenEnc: "sealed", webhookSecret: "s" }).returning();
    return { membershipId: m!.id, channelId: c!.id };
  });
  const ids: string[] = [];
  for (const [i, name] of ["Илья Кравцов", "Дарья Соколова", "Пётр Лебедев"].entries()) {
    const at = new Date().toISOString();
    const r = await ingestEvent(db, { id: channelId, projectId: project!.id, kind: "telegram" }, {
      type: "message",
      channel: "telegram",
      dedupeId: `message:${suffix}${i}:1`,
      chatId: `${suffix}${i}`,
      client: { externalUserId: `${suffix}${i}`, name },
      occurredAt: at,
      externalMessageId: "1",
      direction: "inbound",
      text: "Здравствуйте, когда будет готов заказ?",
      attachments: [],
      sentAt: at,
    });
    if (r.kind !== "message") throw new Error("not stored");
    ids.push(r.conversationId);
  }
  await withTenant(db, project!.id, async (tx) => {
    for (const id of ids) await tx.update(conversations).set({ assigneeId: membershipId, stage: "assigned" }).where(eq(conversations.id, id));
  });

  await signIn(page, urls.admin, owner.email, owner.password);
  await page.getByRole("link", { name: "Сотрудники" }).click();
  const row = page.getByTestId(`member-${email}`);
  await expect(row.getByTestId("open-conversations")).toHaveText("3");
  await row.getByRole("button", { name: "Уволить" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("У сотрудника 3 диалога. Кому их передать?");
  await expect(dialog.getByLabel("Раздать по распределению лидов")).toBeChecked();
  await shot(page, "admin-staff-fire", { docs: true });
  await dialog.getByRole("button", { name: "Уволить" }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toContainText("Отключён");
  await expect(row.getByTestId("open-conversations")).toHaveText("0");

  // Every conversation has an active assignee now; none stays with an inactive member.
  const rows = await withTenant(db, project!.id, (tx) =>
    tx
      .select({ id: conversations.id, active: memberships.active })
      .from(conversations)
      .leftJoin(memberships, eq(memberships.id, conversations.assigneeId))
      .where(and(eq(conversations.channelId, channelId))),
  );
  expect(rows).toHaveLength(3);
  for (const r of rows) expect(r.active).toBe(true);
  const orphans = await withTenant(db, project!.id, (tx) =>
    tx.select({ id: conversations.id }).from(conversations).innerJoin(memberships, eq(memberships.id, conversations.assigneeId)).where(eq(memberships.active, false)),
  );
  expect(orphans).toEqual([]);

  // «Распределение лидов»: who takes leads now (the owner is out by default), and the hours.
  await page.getByRole("link", { name: "Распределение лидов" }).click();
  await expect(page.getByRole("switch", { name: `Получает лиды: ${"Ольга Владелец"}` })).not.toBeChecked();
  await expect(page.getByRole("switch", { name: "Получает лиды: Мария Менеджер" })).toBeChecked();
  await expect(page.getByTestId("rotation-queue")).toContainText("Очередь пуста");
  await shot(page, "admin-rotation", { docs: true, fullPage: true });
  await page.getByTestId("rotation-manager@zerno.demo").getByRole("button", { name: "Изменить" }).click();
  await page.getByLabel("Пятница: конец").fill("02:00");
  await shot(page, "admin-rotation-hours", { docs: true });
  await page.getByRole("dialog").getByRole("button", { name: "Отмена" }).click();

  // The audit log has each move.
  await page.getByRole("link", { name: "Журнал действий" }).click();
  await expect(page.getByRole("cell", { name: "Сотрудник уволен" }).first()).toBeVisible();
});
