import { z } from "zod";
import { channelProblems } from "@threadline/domain/channels/health.ts";
import { getProject, updateProject } from "@threadline/domain/projects/service.ts";
import { connectStaffBot, createLinkToken, getAlertSettings, removeStaffBot, staffBotOf, unlinkTelegram, updateAlertSettings } from "@threadline/domain/staff/alerts.ts";
import { projectProcedure, projectProcedureWithoutTx, router } from "../init.ts";

// A member's own alerts (desktop, sound, Telegram link) and the project's staff-notification bot.
export const alertsRouter = router({
  settings: projectProcedure().query(({ ctx }) => getAlertSettings(ctx.tx, ctx.member)),

  update: projectProcedure()
    .input(z.object({ desktop: z.boolean().optional(), sound: z.boolean().optional(), telegram: z.boolean().optional() }))
    .mutation(({ ctx, input }) => {
      const { projectId: _p, ...patch } = input as typeof input & { projectId?: string };
      return updateAlertSettings(ctx.tx, ctx.member, patch);
    }),

  /** A one-time deep link to the staff bot (t.me/<bot>?start=<token>), valid for 15 minutes. */
  linkTelegram: projectProcedure().mutation(({ ctx }) => createLinkToken(ctx.tx, ctx.member)),

  unlinkTelegram: projectProcedure().mutation(({ ctx }) => unlinkTelegram(ctx.tx, ctx.member)),
});

export const staffBotRouter = router({
  get: projectProcedure("project.settings").query(async ({ ctx }) => {
    const project = await getProject(ctx.tx, ctx.member.projectId);
    return { bot: await staffBotOf(ctx.tx), responseTargetMinutes: project.settings.responseTargetMinutes ?? null };
  }),

  connect: projectProcedureWithoutTx("project.settings")
    .input(z.strictObject({ projectId: z.string(), token: z.string().trim().refine((t) => /^\d+:[\w-]{20,}$/.test(t), { message: "Токен бота выглядит как 123456789:AA…", params: { code: "validation.telegramToken" } }) }))
    .mutation(({ ctx, input }) => connectStaffBot(ctx.inTenant, ctx.member, { secretKey: ctx.secretKey, workerUrl: ctx.urls.worker, endpoints: ctx.endpoints }, input.token)),

  remove: projectProcedure("project.settings").mutation(({ ctx }) => removeStaffBot(ctx.tx, ctx.member)),

  /** How long a client may wait for an answer before the assignee is reminded; null: no reminders. */
  setResponseTarget: projectProcedure("project.settings")
    .input(z.object({ minutes: z.number().int().min(1).max(24 * 60).nullable() }))
    .mutation(async ({ ctx, input }) => {
      await updateProject(ctx.tx, ctx.user.id, ctx.member.projectId, { settings: { responseTargetMinutes: input.minutes ?? undefined } });
    }),
});

export const channelHealthRouter = router({
  /** Channels in the error state, with the reason: the banner in admin and in the inbox. */
  problems: projectProcedure().query(({ ctx }) => channelProblems(ctx.tx)),
});
