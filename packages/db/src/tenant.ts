import { sql } from "drizzle-orm";
import type { Db, Tx } from "./client.ts";

// The only place that sets the tenant (here, and in the enter_project function that
// withProjectSession calls). Row-level security policies read these settings;
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

/** Short transactions in one project, for work that waits on something outside between them. */
export type InTenant = <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;

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

/** What enter_project returns: the session's person and their membership in the project. */
export type ProjectEntry = {
  sessionId: string;
  lastSeenAt: Date;
  user: { id: string; email: string; name: string; locale: string };
  membership: { id: string; active: boolean; roleId: string; roleKey: string; permissions: string[]; hiddenFields: string[] } | null;
};

type EntryRow = {
  session_id: string;
  last_seen_at: string | Date;
  user_id: string;
  email: string;
  name: string;
  locale: string;
  membership_id: string | null;
  membership_active: boolean | null;
  role_id: string | null;
  role_key: string | null;
  permissions: string[] | null;
  hidden_fields: string[] | null;
};

/**
 * withTenant for a signed-in request: the statement that sets the tenant also reads the session
 * (by its hashed id) and the person's membership there, so a request pays one round trip for
 * all three. fn gets null when the session is unknown or expired.
 */
export function withProjectSession<T>(db: Db, sessionId: string, projectId: string, fn: (tx: Tx, entry: ProjectEntry | null) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    const rows = (await tx.execute(sql`select * from enter_project(${sessionId}, ${projectId})`)) as unknown as EntryRow[];
    const row = rows[0];
    const entry: ProjectEntry | null = row
      ? {
          sessionId: row.session_id,
          lastSeenAt: new Date(row.last_seen_at),
          user: { id: row.user_id, email: row.email, name: row.name, locale: row.locale },
          membership: row.membership_id
            ? { id: row.membership_id, active: row.membership_active!, roleId: row.role_id!, roleKey: row.role_key!, permissions: row.permissions!, hiddenFields: row.hidden_fields! }
            : null,
        }
      : null;
    return fn(tx, entry);
  });
}

/**
 * Lets go of the snapshot an open transaction keeps between statements, before it waits on
 * something outside (a model's answer). A statement sent with the extended protocol leaves its
 * portal open until the next one, and the portal's snapshot holds back vacuum's horizon for the
 * whole database while the transaction idles. A statement without parameters goes by the simple
 * protocol, which drops the previous portal and its own when it is done.
 */
export async function releaseSnapshot(tx: Tx): Promise<void> {
  await tx.execute(sql`select 1`);
}
