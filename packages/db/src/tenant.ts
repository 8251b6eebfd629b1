import { sql } from "drizzle-orm";
import type { Db, Tx } from "./client.ts";

// The only place that sets the tenant. Row-level security policies read these settings;
// set_config(..., true) scopes them to the transaction, so a pooled connection never carries
// one request's tenant into the next.
type Scope = { projectId?: string; userId?: string };

async function scoped<T>(db: Db, scope: Scope, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`select set_config('app.project_id', ${scope.projectId ?? ""}, true), set_config('app.user_id', ${scope.userId ?? ""}, true)`,
    );
    return fn(tx);
  });
}

/**
 * Runs fn in a transaction that sees only rows of one project. No person is set, so the
 * "own memberships" policies add nothing from other projects.
 */
export function withTenant<T>(db: Db, projectId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return scoped(db, { projectId }, fn);
}

/** Runs fn in a transaction that sees only the person's own memberships and projects. */
export function withUser<T>(db: Db, userId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return scoped(db, { userId }, fn);
}
