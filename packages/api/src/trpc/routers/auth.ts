import { z } from "zod";
import { signIn } from "@threadline/domain/auth/service.ts";
import { createSession, revokeSession, revokeUserSessions, SESSION_COOKIE, SESSION_TTL_DAYS } from "@threadline/domain/auth/sessions.ts";
import { listMyProjects } from "@threadline/domain/projects/service.ts";
import { acceptInvitation, describeInvitation } from "@threadline/domain/staff/invitations.ts";
import { authedProcedure, publicProcedure, router, sessionOf } from "../init.ts";
import type { Context } from "../context.ts";

const MAX_AGE = SESSION_TTL_DAYS * 86_400;

function startSession(ctx: Context, token: string) {
  ctx.request.setCookie(SESSION_COOKIE, token, { maxAgeSeconds: MAX_AGE });
}

export const authRouter = router({
  /** The signed-in person and their projects, or null when signed out. */
  me: publicProcedure.query(async ({ ctx }) => {
    const session = await sessionOf(ctx);
    if (!session) return null;
    // consoleUrl: where people whose work is not in the inbox (finance, traffic, tech) are sent.
    return { user: session.user, projects: await listMyProjects(ctx.db, session.user.id), consoleUrl: ctx.urls.admin };
  }),

  signIn: publicProcedure
    .input(z.object({ email: z.string().trim().email("Введите e-mail").max(320), password: z.string().min(1, "Введите пароль").max(1000) }))
    .mutation(async ({ ctx, input }) => {
      const result = await signIn(ctx.db, ctx.limiter, { ...input, ip: ctx.request.ip, userAgent: ctx.request.userAgent });
      startSession(ctx, result.token);
      return { user: result.user };
    }),

  signOut: authedProcedure.mutation(async ({ ctx }) => {
    await revokeSession(ctx.db, ctx.session.sessionId);
    // The sockets this session opened close too.
    await ctx.publish({ type: "session.revoked", sessionId: ctx.session.sessionId });
    ctx.request.setCookie(SESSION_COOKIE, "", { maxAgeSeconds: 0 });
    return { ok: true };
  }),

  /** «Выйти на всех устройствах». */
  signOutEverywhere: authedProcedure.mutation(async ({ ctx }) => {
    const revoked = await revokeUserSessions(ctx.db, ctx.user.id);
    await ctx.publish({ type: "sessions.revoked", userId: ctx.user.id });
    ctx.request.setCookie(SESSION_COOKIE, "", { maxAgeSeconds: 0 });
    return { revoked };
  }),

  invitation: publicProcedure
    .input(z.object({ token: z.string().min(10).max(200) }))
    .query(({ ctx, input }) => describeInvitation(ctx.db, input.token)),

  /**
   * Joins the project of an invitation: signed in as the invited address (an existing account),
   * or signed out with a name and a new password (a new account, which is signed in at once).
   */
  acceptInvitation: publicProcedure
    .input(z.object({ token: z.string().min(10).max(200), name: z.string().trim().max(200).optional(), password: z.string().max(1000).optional() }))
    .mutation(async ({ ctx, input }) => {
      const session = await sessionOf(ctx);
      const { userId, projectId, created } = await acceptInvitation(ctx.db, ctx.limiter, { ...input, signedInAs: session?.user, ip: ctx.request.ip });
      if (created) {
        const session = await createSession(ctx.db, userId, { ip: ctx.request.ip, userAgent: ctx.request.userAgent });
        startSession(ctx, session.token);
      }
      return { projectId };
    }),
});
