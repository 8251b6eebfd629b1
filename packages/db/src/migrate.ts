import { fileURLToPath } from "node:url";
import { migrate as runMigrations } from "drizzle-orm/postgres-js/migrator";
import { sql } from "drizzle-orm";
import { APP_ROLE } from "@threadline/config";
import { createDb } from "./client.ts";

export const migrationsFolder = fileURLToPath(new URL("../migrations", import.meta.url));

/**
 * Applies the committed migrations, then makes sure the app role exists with the given password,
 * owns nothing, cannot bypass RLS, and may read and write the tables. Needs a superuser URL
 * (the routing functions are SECURITY DEFINER and must see every tenant).
 */
export async function migrate(databaseUrl: string, appPassword: string): Promise<void> {
  const db = createDb(databaseUrl, { max: 1 });
  try {
    await db.execute(sql`select pg_advisory_lock(7281001)`);
    await runMigrations(db, { migrationsFolder });
    await ensureAppRole(db, appPassword);
    await db.execute(sql`select pg_advisory_unlock(7281001)`);
  } finally {
    await db.$close();
  }
}

async function ensureAppRole(db: ReturnType<typeof createDb>, password: string) {
  const role = sql.identifier(APP_ROLE);
  // APP_ROLE is a constant; a DO block cannot take bind parameters.
  await db.execute(
    sql.raw(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN
        CREATE ROLE ${APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
      END IF;
    END $$`),
  );
  // ALTER ROLE takes no bind parameters: the password is quoted as a literal by Postgres itself.
  const [{ stmt }] = (await db.execute(
    sql`select format('ALTER ROLE %I WITH LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD %L', ${APP_ROLE}::text, ${password}::text) as stmt`,
  )) as unknown as [{ stmt: string }];
  await db.execute(sql.raw(stmt));
  await db.execute(sql`GRANT USAGE ON SCHEMA public TO ${role}`);
  await db.execute(sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`);
  await db.execute(sql`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
  // drizzle's bookkeeping is not the app's business.
  await db.execute(sql`REVOKE ALL ON ALL TABLES IN SCHEMA drizzle FROM ${role}`).catch(() => undefined);
}
