import { and, eq, gt, sql } from "drizzle-orm";
import { sessions, users, type Db, type Queryable } from "@threadline/db";
import { randomToken, sha256 } from "../crypto.ts";

export const SESSION_COOKIE = "tl_session";
export const SESSION_TTL_DAYS = 30;

export type SessionUser = { id: string; email: string; name: string; locale: string };
export type ResolvedSession = { sessionId: string; user: SessionUser };

export async function createSession(db: Db, userId: string, meta: { ip?: string; userAgent?: string } = {}) {
  const token = randomToken();
  const expiresAt = new Date(Date.now() + SESSION_TTL_DAYS * 86_400_000);
  await db.insert(sessions).values({ id: sha256(token), userId, expiresAt, ip: meta.ip, userAgent: meta.userAgent?.slice(0, 300) });
  return { token, expiresAt };
}

/** The stored id of a cookie token (its hash), or null for a token that cannot be one. */
export function sessionIdOf(token: string | undefined): string | null {
  if (!token || token.length > 200) return null;
  return sha256(token);
}

// A session's last_seen_at is written at most once a minute: the hot path stays a single read.
const TOUCH_EVERY_MS = 60_000;

export async function touchSession(db: Db, session: { sessionId: string; lastSeenAt: Date }): Promise<void> {
  if (Date.now() - session.lastSeenAt.getTime() <= TOUCH_EVERY_MS) return;
  await db.update(sessions).set({ lastSeenAt: sql`now()` }).where(eq(sessions.id, session.sessionId));
}

/** The session behind a cookie token, or null when it is unknown, revoked or expired. */
export async function resolveSession(db: Db, token: string | undefined): Promise<ResolvedSession | null> {
  const id = sessionIdOf(token);
  if (!id) return null;
  const [row] = await db
    .select({ sessionId: sessions.id, lastSeenAt: sessions.lastSeenAt, user: { id: users.id, email: users.email, name: users.name, locale: users.locale } })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, id), gt(sessions.expiresAt, sql`now()`)));
  if (!row) return null;
  await touchSession(db, row);
  return { sessionId: row.sessionId, user: row.user };
}

export async function revokeSession(db: Db, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

/** Signs a person out everywhere: every session of theirs is gone, the next request is 401. */
export async function revokeUserSessions(db: Queryable, userId: string): Promise<number> {
  const gone = await db.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id });
  return gone.length;
}
