import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema/index.ts";

// The app role and its URL are defined with the settings (@threadline/config).
export { APP_ROLE, appDatabaseUrl } from "@threadline/config";

export type Db = ReturnType<typeof createDb>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
/** Either a connection or an open transaction: for statements on global tables. */
export type Queryable = Db | Tx;

export type DbOptions = { max?: number; idleTimeoutSeconds?: number };

export function createDb(url: string, options: DbOptions = {}) {
  const client = postgres(url, {
    max: options.max ?? 10,
    idle_timeout: options.idleTimeoutSeconds ?? 30,
    onnotice: () => {},
  });
  return Object.assign(drizzle(client, { schema }), { $close: () => client.end({ timeout: 5 }) });
}
