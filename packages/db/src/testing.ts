import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import postgres from "postgres";
import { appDatabaseUrl, createDb, type Db } from "./client.ts";
import { migrate, migrationsFolder } from "./migrate.ts";

// Each test file gets its own database, cloned from a migrated template (fast: a file copy),
// and dropped when the file is done. The template's name carries a hash of the migrations so a
// changed migration builds a new one.
const ADMIN_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const APP_PASSWORD = process.env.APP_DATABASE_PASSWORD ?? "threadline_app_local";

function migrationsHash(): string {
  const h = createHash("sha256");
  for (const f of readdirSync(migrationsFolder).filter((f) => f.endsWith(".sql")).sort()) {
    h.update(f).update(readFileSync(`${migrationsFolder}/${f}`));
  }
  return h.digest("hex").slice(0, 12);
}

function urlFor(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function ensureTemplate(admin: postgres.Sql): Promise<string> {
  const name = `threadline_tpl_${migrationsHash()}`;
  await admin`select pg_advisory_lock(7281002)`;
  try {
    const exists = await admin`select 1 from pg_database where datname = ${name}`;
    if (exists.length === 0) {
      const building = `${name}_build`;
      await admin.unsafe(`drop database if exists "${building}"`);
      await admin.unsafe(`create database "${building}"`);
      await migrate(urlFor(building), APP_PASSWORD);
      await admin.unsafe(`alter database "${building}" rename to "${name}"`);
    }
  } finally {
    await admin`select pg_advisory_unlock(7281002)`;
  }
  return name;
}

export type TestDatabase = {
  name: string;
  /** Superuser connection: for fixtures that must see every tenant and for assertions. */
  owner: Db;
  /** The app role, as the product connects. */
  app: Db;
  ownerUrl: string;
  appUrl: string;
  drop: () => Promise<void>;
};

export async function createTestDatabase(): Promise<TestDatabase> {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    const template = await ensureTemplate(admin);
    const name = `threadline_t_${randomBytes(6).toString("hex")}`;
    await admin.unsafe(`create database "${name}" template "${template}"`);
    const ownerUrl = urlFor(name);
    const appUrl = appDatabaseUrl(ownerUrl, APP_PASSWORD);
    const owner = createDb(ownerUrl, { max: 4 });
    const app = createDb(appUrl, { max: 8 });
    return {
      name,
      owner,
      app,
      ownerUrl,
      appUrl,
      drop: async () => {
        await Promise.all([owner.$close(), app.$close()]);
        const a = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
        await a.unsafe(`drop database if exists "${name}" with (force)`);
        await a.end();
      },
    };
  } finally {
    await admin.end();
  }
}
