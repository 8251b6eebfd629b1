import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import { withProjectSession, withTenant, type ProjectEntry, type Tx } from "@threadline/db";
import { assertCan, type Member, type Permission } from "@threadline/domain/access/index.ts";
import { memberOfEntry } from "@threadline/domain/access/load.ts";
import { resolveSession, SESSION_COOKIE, sessionIdOf, touchSession, type ResolvedSession } from "@threadline/domain/auth/sessions.ts";
import { DomainError, unauthorized } from "@threadline/domain/errors.ts";
import type { Context } from "./context.ts";
import { fieldErrorsOf } from "./field-errors.ts";

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  // `data.code` stays tRPC's (UNAUTHORIZED, NOT_FOUND…); `errorCode`/`params` say what went wrong
  // for the UI to word, `fieldErrors` which input field. The message is the Russian fallback.
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const described = cause instanceof DomainError ? { errorCode: cause.code, params: cause.params } : {};
    const fieldErrors = cause instanceof ZodError ? fieldErrorsOf(cause) : undefined;
    const retryAfter = cause instanceof DomainError ? cause.retryAfterSeconds : undefined;
    return { ...shape, data: { ...shape.data, ...described, fieldErrors, retryAfterSeconds: retryAfter, stack: undefined } };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

// Domain errors become tRPC errors with the same code (and so the same HTTP status); anything
// else is a bug: logged, and reported to the person as a generic 500.
const mapErrors = t.middleware(async ({ ctx, next, path }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof DomainError) {
      result.error = new TRPCError({ code: cause.status, message: cause.message, cause });
    } else if (result.error.code === "INTERNAL_SERVER_ERROR") {
      ctx.logger.error({ err: result.error.cause ?? result.error, path }, "request failed");
    }
  }
  return result;
});

export const publicProcedure = t.procedure.use(mapErrors);

/** The signed-in person behind the request's cookie, or null. */
export function sessionOf(ctx: Context): Promise<ResolvedSession | null> {
  return resolveSession(ctx.db, ctx.request.cookies[SESSION_COOKIE]);
}

const signedOut = () => new TRPCError({ code: "UNAUTHORIZED", message: "Сессия завершена. Войдите снова.", cause: unauthorized("auth.sessionEnded", "Сессия завершена. Войдите снова.") });

export const authedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const session = await sessionOf(ctx);
  if (!session) throw signedOut();
  return next({ ctx: { ...ctx, session, user: session.user } });
});

// A request without a session cookie is refused before its input is read, as authedProcedure does.
const withSessionCookie = publicProcedure.use(({ ctx, next }) => {
  const sessionId = sessionIdOf(ctx.request.cookies[SESSION_COOKIE]);
  if (!sessionId) throw signedOut();
  return next({ ctx: { ...ctx, sessionId } });
});

export const projectInput = z.object({ projectId: z.string().uuid() });

class RollbackWithResult extends Error {
  constructor(readonly result: unknown) {
    super("rollback");
  }
}

/** The member a request entered as, if they may act: else UNAUTHORIZED, NOT_FOUND or FORBIDDEN. */
function admit(entry: ProjectEntry | null, projectId: string, permission: Permission | undefined): { member: Member; session: ResolvedSession } {
  if (!entry) throw signedOut();
  let member: Member;
  try {
    member = memberOfEntry(entry, projectId);
  } catch (e) {
    if (e instanceof DomainError) throw new TRPCError({ code: e.status, message: e.message, cause: e });
    throw e;
  }
  if (permission) {
    try {
      assertCan(member, permission);
    } catch (e) {
      throw new TRPCError({ code: "FORBIDDEN", message: (e as Error).message, cause: e });
    }
  }
  return { member, session: { sessionId: entry.sessionId, user: entry.user } };
}

/**
 * A procedure acting inside one project: the caller must be signed in (else UNAUTHORIZED) and an
 * active member (else NOT_FOUND), must hold `permission` (else FORBIDDEN), and the whole
 * procedure runs in one transaction with the tenant set, so RLS confines every statement to this
 * project. The session, the membership and the tenant come in one statement. A failed procedure
 * rolls back.
 */
export function projectProcedure(permission?: Permission) {
  return withSessionCookie.input(projectInput).use(async ({ ctx, input, next }) => {
    // Work that must only happen once the transaction is committed (queue jobs, realtime events),
    // so that a worker or another browser never looks for a row that is not there yet.
    const pending: (() => Promise<unknown>)[] = [];
    const afterCommit = (fn: () => Promise<unknown>) => void pending.push(fn);
    const run = (tx: Tx, member: Member, session: ResolvedSession) => next({ ctx: { ...ctx, session, user: session.user, member, tx, afterCommit } });
    type Result = Awaited<ReturnType<typeof run>>;
    try {
      const result = await withProjectSession(ctx.db, ctx.sessionId, input.projectId, async (tx, entry) => {
        const { member, session } = admit(entry, input.projectId, permission);
        const result = await run(tx, member, session);
        if (!result.ok) throw new RollbackWithResult(result);
        // Written after the commit, outside the request's transaction, so it never waits on its locks.
        afterCommit(() => touchSession(ctx.db, entry!));
        return result;
      });
      for (const fn of pending) await fn();
      return result;
    } catch (e) {
      if (e instanceof RollbackWithResult) return e.result as Result;
      throw e;
    }
  });
}

/**
 * projectProcedure for work that waits on an outside service (voicing with ElevenLabs): the same
 * admission, in a transaction of its own, then the procedure opens short tenant transactions with
 * `inTenant` around its wait, so no database connection is held while the service answers.
 */
export function projectProcedureWithoutTx(permission?: Permission) {
  return withSessionCookie.input(projectInput).use(async ({ ctx, input, next }) => {
    const entered = await withProjectSession(ctx.db, ctx.sessionId, input.projectId, async (_tx, entry) => ({ entry: entry!, ...admit(entry, input.projectId, permission) }));
    await touchSession(ctx.db, entered.entry);
    const inTenant = <T>(fn: (tx: Tx) => Promise<T>) => withTenant(ctx.db, input.projectId, fn);
    return next({ ctx: { ...ctx, session: entered.session, user: entered.session.user, member: entered.member, inTenant } });
  });
}
