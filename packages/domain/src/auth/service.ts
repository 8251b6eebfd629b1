import { eq, sql } from "drizzle-orm";
import { users, type Db, type Queryable } from "@threadline/db";
import { DomainError } from "../errors.ts";
import { burnPasswordCheck, verifyPassword } from "./password.ts";
import type { LoginLimiter } from "./rate-limit.ts";
import { createSession } from "./sessions.ts";

export type SignInInput = { email: string; password: string; ip: string; userAgent?: string };

export async function findUserByEmail(db: Queryable, email: string) {
  const [user] = await db.select().from(users).where(eq(sql`lower(${users.email})`, email.trim().toLowerCase()));
  return user ?? null;
}

export async function signIn(db: Db, limiter: LoginLimiter, input: SignInInput) {
  const email = input.email.trim().toLowerCase();
  // Counted before the password is checked: concurrent attempts cannot share one check.
  await limiter.attempt(email, input.ip);
  const user = await findUserByEmail(db, email);
  const ok = user ? await verifyPassword(user.passwordHash, input.password) : (await burnPasswordCheck(input.password), false);
  if (!user || !ok) throw new DomainError("UNAUTHORIZED", "auth.badCredentials", "Неверный e-mail или пароль");
  await limiter.succeeded(email, input.ip);
  const session = await createSession(db, user.id, { ip: input.ip, userAgent: input.userAgent });
  return { user: { id: user.id, email: user.email, name: user.name, locale: user.locale }, ...session };
}
