export { createDb, appDatabaseUrl, APP_ROLE, type Db, type Tx, type Queryable, type DbOptions } from "./client.ts";
export { releaseSnapshot, withTenant, withUser, withProjectSession, type InTenant, type ProjectEntry } from "./tenant.ts";
export { migrate, migrationsFolder } from "./migrate.ts";
export * as schema from "./schema/index.ts";
export * from "./schema/index.ts";
