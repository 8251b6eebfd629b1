import { eq } from "drizzle-orm";
import { tags, withTenant } from "@threadline/db";
import { findDemoProjects } from "@threadline/domain";
import { expect, test } from "./fixtures.ts";
import { seedConversation } from "./seed-conversation.ts";

// A manager tags a client, writes a note about them and narrows the list to the tag. The tag is
// the spec's own (a random name) and is deleted at the end, so the demo project stays as it was.
test("a manager tags a client, writes a note and filters the list by the tag", async ({ page, urls, seed, signIn, shot }) => {
  const manager = await seed.demoAccount("manager");
  const suffix = Date.now() % 100_000;
  const name = `Вера Тегова ${suffix}`;
  const tagName = `VIP ${suffix}`;
  await seedConversation(seed.db, manager.project, { name, text: "Беру каждую неделю, сделайте скидку" });
  const [project] = (await findDemoProjects(seed.db)).filter((p) => p.name === manager.project);
  const [tag] = await withTenant(seed.db, project!.id, (tx) => tx.insert(tags).values({ projectId: project!.id, name: tagName, color: "amber" }).returning());
  try {
    await signIn(page, urls.inbox, manager.email, manager.password);
    await page.getByTestId("conversation-row").filter({ hasText: name }).click();
    const panel = page.getByTestId("contact-panel");
    await panel.getByLabel("Добавить тег").selectOption({ label: tagName });
    await expect(panel.getByTestId("contact-tags").getByTestId("tag-chip").filter({ hasText: tagName })).toBeVisible();

    const notes = panel.getByTestId("contact-notes");
    await notes.getByLabel("Заметка о клиенте: видят все сотрудники проекта").fill("Постоянный клиент, скидка 5 %");
    await notes.getByRole("button", { name: "Добавить заметку" }).click();
    await expect(notes.getByTestId("contact-note")).toContainText("Постоянный клиент, скидка 5 %");
    await shot(page, "inbox-tags-and-notes", { docs: true });

    await page.getByLabel("Тег", { exact: true }).selectOption({ label: tagName });
    await expect(page).toHaveURL(new RegExp(`tag=${tag!.id}`));
    const rows = page.getByTestId("conversation-row");
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText(name);
    await shot(page, "inbox-tag-filter", { docs: true });
    // The filter survives a reload (it lives in the address).
    await page.reload();
    await expect(page.getByTestId("conversation-row")).toHaveCount(1);
  } finally {
    await withTenant(seed.db, project!.id, (tx) => tx.delete(tags).where(eq(tags.id, tag!.id)));
  }
});
