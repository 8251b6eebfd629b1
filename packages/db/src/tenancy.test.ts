import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP_ROLE, withProjectSession, withTenant, type Queryable } from "./index.ts";
import { channels, contacts, conversations, memberships, messages, projects, roles, sessions, users } from "./schema/index.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

let t: TestDatabase;
const A = "00000000-0000-4000-8000-00000000000a";
const B = "00000000-0000-4000-8000-00000000000b";

// Rows for a project, written as the owner (fixtures), so every tenant table has data on both sides.
async function seedProject(projectId: string, n: string) {
  const db = t.owner;
  const [user] = await db.insert(users).values({ email: `${n}@example.test`, name: n, passwordHash: "x" }).returning();
  await db.insert(projects).values({ id: projectId, name: `P ${n}`, slug: `p-${n}` });
  const [role] = await db.insert(roles).values({ projectId, key: "owner", name: "Владелец" }).returning();
  await db.insert(memberships).values({ projectId, userId: user!.id, roleId: role!.id });
  const [channel] = await db
    .insert(channels)
    .values({ projectId, kind: "vk", name: "VK", externalId: `g-${n}`, tokenEnc: "x", webhookSecret: "s" })
    .returning();
  const [contact] = await db.insert(contacts).values({ projectId, channelId: channel!.id, externalId: "1", name: "Клиент" }).returning();
  const [conv] = await db
    .insert(conversations)
    .values({ projectId, channelId: channel!.id, contactId: contact!.id, externalChatId: "1", lastMessageAt: new Date() })
    .returning();
  await db.insert(messages).values({
    projectId,
    conversationId: conv!.id,
    channelId: channel!.id,
    externalId: "m1",
    direction: "in",
    author: "client",
    text: "Здравствуйте",
    sentAt: new Date(),
  });
  return { channelId: channel!.id, contactId: contact!.id };
}

let tenantTables: string[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  await seedProject(A, "a");
  await seedProject(B, "b");
  const rows = await t.owner.execute<{ table_name: string }>(sql`
    select c.table_name from information_schema.columns c
    join information_schema.tables tb using (table_schema, table_name)
    where c.table_schema = 'public' and c.column_name = 'project_id' and tb.table_type = 'BASE TABLE'`);
  tenantTables = rows.map((r) => r.table_name).sort();
});
afterAll(async () => t?.drop());

describe("row-level security", () => {
  it("is enabled and forced on every table with project_id, and on projects", async () => {
    expect(tenantTables.length).toBeGreaterThanOrEqual(12);
    const rows = await t.owner.execute<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(sql`
      select relname, relrowsecurity, relforcerowsecurity from pg_class
      where relnamespace = 'public'::regnamespace and relkind = 'r'`);
    const byName = new Map(rows.map((r) => [r.relname, r]));
    for (const table of [...tenantTables, "projects"]) {
      expect(byName.get(table), table).toMatchObject({ relrowsecurity: true, relforcerowsecurity: true });
    }
  });

  it("each table's tenant policy reads the tenant once per statement (a sub-select), not once per row", async () => {
    const policies = await t.owner.execute<{ tablename: string; qual: string; with_check: string }>(sql`
      select tablename, qual, with_check from pg_policies where schemaname = 'public' and policyname = 'tenant_isolation'`);
    expect(policies.map((p) => p.tablename).sort()).toEqual([...tenantTables, "projects"].sort());
    for (const p of policies) {
      const column = p.tablename === "projects" ? "id" : "project_id";
      expect(p.qual.replace(/\s+/g, " "), p.tablename).toBe(`(${column} = ( SELECT app_project_id() AS app_project_id))`);
      expect(p.with_check.replace(/\s+/g, " "), p.tablename).toBe(`(${column} = ( SELECT app_project_id() AS app_project_id))`);
    }
  });

  it("the app role owns no table and cannot bypass RLS", async () => {
    const [role] = await t.owner.execute<{ rolsuper: boolean; rolbypassrls: boolean }>(
      sql`select rolsuper, rolbypassrls from pg_roles where rolname = ${APP_ROLE}`,
    );
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false });
    const owned = await t.owner.execute(
      sql`select tablename from pg_tables where schemaname = 'public' and tableowner = ${APP_ROLE}`,
    );
    expect(owned).toHaveLength(0);
    const [who] = await t.app.execute<{ current_user: string }>(sql`select current_user`);
    expect(who!.current_user).toBe(APP_ROLE);
  });

  it("with tenant A set, the app role reads no row of B from any tenant table", async () => {
    for (const table of tenantTables) {
      const counts = await withTenant(t.app, A, (tx) =>
        tx.execute<{ own: number; other: number }>(
          sql`select count(*) filter (where project_id = ${A})::int as own, count(*) filter (where project_id <> ${A})::int as other from ${sql.identifier(table)}`,
        ),
      );
      expect(counts[0]!.other, table).toBe(0);
    }
    const visible = await withTenant(t.app, A, (tx) => tx.select().from(projects));
    expect(visible.map((p) => p.id)).toEqual([A]);
  });

  it("without a tenant the app role reads nothing", async () => {
    const rows = await t.app.select().from(messages);
    expect(rows).toHaveLength(0);
  });

  it("with tenant A set, the app role cannot insert a row of B into any tenant table", async () => {
    for (const table of tenantTables) {
      const [row] = await t.owner.execute<{ r: unknown }>(
        sql`select row_to_json(x) as r from ${sql.identifier(table)} x where project_id = ${B} limit 1`,
      );
      if (!row) continue; // tables without B rows are covered by the contacts case below
      // Every column Postgres lets a writer set (generated ones are computed by Postgres itself).
      const writable = await t.owner.execute<{ name: string }>(
        sql`select column_name as name from information_schema.columns where table_schema = 'public' and table_name = ${table} and is_generated = 'NEVER' order by ordinal_position`,
      );
      const columns = sql.join(writable.map((c) => sql.identifier(c.name)), sql`, `);
      const error = await withTenant(t.app, A, (tx) =>
        tx.execute(
          sql`insert into ${sql.identifier(table)} (${columns}) overriding system value select ${columns} from json_populate_record(null::${sql.identifier(table)}, ${JSON.stringify(row.r)}::json)`,
        ),
      ).then(
        () => null,
        (e: Error & { cause?: Error }) => e.cause?.message ?? e.message,
      );
      expect(error, table).toMatch(/row-level security/);
    }
    const bRows = await t.owner.select().from(contacts).where(sql`project_id = ${B}`);
    const error = await withTenant(t.app, A, (tx) =>
      tx.insert(contacts).values({ projectId: B, channelId: bRows[0]!.channelId, externalId: "intruder", name: "x" }),
    ).catch((e: Error & { cause?: Error }) => e.cause?.message ?? e.message);
    expect(error).toMatch(/row-level security/);
    const after = await t.owner.select().from(contacts).where(sql`project_id = ${B}`);
    expect(after).toHaveLength(bRows.length);
  });

  it("with tenant A set, the app role cannot update or delete B's rows", async () => {
    await withTenant(t.app, A, async (tx) => {
      await tx.update(contacts).set({ name: "hacked" }).where(sql`project_id = ${B}`);
      await tx.delete(messages).where(sql`project_id = ${B}`);
    });
    const bContacts = await t.owner.select().from(contacts).where(sql`project_id = ${B}`);
    expect(bContacts.every((c) => c.name === "Клиент")).toBe(true);
    const bMessages = await t.owner.select().from(messages).where(sql`project_id = ${B}`);
    expect(bMessages).toHaveLength(1);
  });

  it("routing functions reveal only the project of a known channel", async () => {
    const [ch] = await t.owner.select().from(channels).where(sql`project_id = ${B}`);
    const [r] = await t.app.execute<{ p: string | null }>(sql`select channel_project(${ch!.id}) as p`);
    expect(r!.p).toBe(B);
    const [none] = await t.app.execute<{ p: string | null }>(
      sql`select channel_project('00000000-0000-4000-8000-000000000999') as p`,
    );
    expect(none!.p).toBeNull();
  });

  it("search functions, which read past RLS for the indexes, see only the current tenant's conversations", async () => {
    const idsOf = async (table: typeof conversations | typeof contacts, projectId: string) =>
      (await t.owner.select({ id: table.id }).from(table).where(sql`project_id = ${projectId}`)).map((c) => c.id).sort();
    const conversationsOf = (projectId: string) => idsOf(conversations, projectId);
    const hits = async (tx: Queryable) => {
      const byName = await tx.execute<{ ids: string[] }>(sql`select contact_ids as ids from search_hit_sets('%клиент%', null, null, plainto_tsquery('russian', 'совсем-не-то'), 10, false)`);
      const byText = await tx.execute<{ ids: string[] }>(sql`select conversation_ids as ids from search_hit_sets('%совсем-не-то%', null, null, search_words('здравствуйте'), 10, false)`);
      const [own] = await tx.execute<{ mentions: boolean }>(sql`select bool_or(conversation_mentions(id, plainto_tsquery('russian', 'здравствуйте'))) as mentions from unnest(${sql.param(await conversationsOf(B))}::uuid[]) id`);
      const [match] = await tx.execute<{ found: boolean }>(sql`select bool_or(conversation_match(id, search_words('здравствуйте')) is not null) as found from unnest(${sql.param(await conversationsOf(B))}::uuid[]) id`);
      return [[...byName[0]!.ids].sort(), [...byText[0]!.ids].sort(), own!.mentions, match!.found];
    };
    expect(await withTenant(t.app, A, hits)).toEqual([await idsOf(contacts, A), await conversationsOf(A), false, false]);
    expect(await withTenant(t.app, B, hits)).toEqual([await idsOf(contacts, B), await conversationsOf(B), true, true]);
    expect(await hits(t.app)).toEqual([[], [], false, false]);
  });

  it("withProjectSession sets the tenant and reads the session's membership in that project only", async () => {
    const [userA] = await t.owner.select().from(users).where(sql`email = 'a@example.test'`);
    await t.owner.insert(sessions).values({ id: "session-a", userId: userA!.id, expiresAt: new Date(Date.now() + 60_000) });
    await t.owner.insert(sessions).values({ id: "session-a-old", userId: userA!.id, expiresAt: new Date(Date.now() - 1000) });
    const inA = await withProjectSession(t.app, "session-a", A, async (tx, entry) => ({ entry, projects: (await tx.select({ id: conversations.projectId }).from(conversations)).map((r) => r.id) }));
    expect(inA.entry).toMatchObject({ sessionId: "session-a", user: { id: userA!.id, name: "a" }, membership: { active: true, roleKey: "owner", permissions: [], hiddenFields: [] } });
    expect(inA.projects).toEqual([A]);
    // In B the same person has no membership, and the transaction sees B's rows only.
    const inB = await withProjectSession(t.app, "session-a", B, async (tx, entry) => ({ entry, projects: (await tx.select({ id: conversations.projectId }).from(conversations)).map((r) => r.id) }));
    expect(inB.entry).toMatchObject({ user: { id: userA!.id }, membership: null });
    expect(inB.projects).toEqual([B]);
    expect(await withProjectSession(t.app, "session-a-old", A, async (_tx, entry) => entry)).toBeNull();
    expect(await withProjectSession(t.app, "no-such-session", A, async (_tx, entry) => entry)).toBeNull();
  });
});
