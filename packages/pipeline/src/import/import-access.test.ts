import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { memberships, roles, withTenant } from "@threadline/db";
import { createTestEnv, type TestEnv } from "@threadline/testing";

// A role made only for history imports: it sees the project's channels on the import page (name
// and kind, nothing of their settings) and its runs, and no more of the channels' management.

let env: TestEnv;
let T: Awaited<ReturnType<TestEnv["createTenant"]>>;

beforeAll(async () => {
  env = await createTestEnv();
  T = await env.createTenant("Import access");
  await withTenant(env.db, T.project.id, async (tx) => {
    const [role] = await tx.insert(roles).values({ projectId: T.project.id, key: "importer", name: "Импорт", permissions: ["import.manage"] }).returning();
    await tx.update(memberships).set({ roleId: role!.id }).where(eq(memberships.id, T.traffic.membershipId));
  });
});
afterAll(async () => env?.close());

describe("import access", () => {
  it("a role with only the import permission lists the channels it can import from", async () => {
    const importer = env.caller(T.traffic.token);
    const listed = await importer.imports.channels({ projectId: T.project.id });
    expect(listed).toEqual([{ id: T.channel.id, name: "Telegram-бот", kind: "telegram" }]);
    expect(await importer.imports.list({ projectId: T.project.id })).toEqual([]);
    await expect(importer.channels.list({ projectId: T.project.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("a role without it does not", async () => {
    await expect(env.caller(T.manager.token).imports.channels({ projectId: T.project.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
