import { z } from "zod";
import { performanceReport, spendReport, trafficReport } from "@threadline/domain/analytics/index.ts";
import { createTrackedLink, deleteTrackedLink, listTrackedLinks } from "@threadline/domain/analytics/links.ts";
import { projectProcedure, router } from "../init.ts";

const MAX_DAYS = 366;
const date = z.string().refine((d) => /^\d{4}-\d{2}-\d{2}$/.test(d), { message: "Дата в виде ГГГГ-ММ-ДД", params: { code: "validation.date" } });
const period = z
  .object({ from: date, to: date })
  .refine((p) => p.from <= p.to, { message: "Начало периода позже конца", params: { code: "validation.periodReversed" } })
  .refine((p) => (Date.parse(p.to) - Date.parse(p.from)) / 86_400_000 < MAX_DAYS, {
    message: `Период не длиннее ${MAX_DAYS} дней`,
    params: { code: "validation.periodTooLong", max: MAX_DAYS },
  });

const tag = z.string().max(200, "Не длиннее 200 символов").optional();

/** Reports for finance (what the AI and voice cost) and traffic (where leads come from, how they end). */
export const analyticsRouter = router({
  spend: projectProcedure("analytics.spend")
    .input(period)
    .query(({ ctx, input }) => spendReport(ctx.tx, ctx.member, input)),

  traffic: projectProcedure("analytics.traffic")
    .input(period)
    .query(({ ctx, input }) => trafficReport(ctx.tx, ctx.member, input)),

  // Members' response times and results: for those who manage the staff (owners, administrators).
  performance: projectProcedure("staff.manage")
    .input(period)
    .query(({ ctx, input }) => performanceReport(ctx.tx, ctx.member, input)),

  // Tracked links for campaigns (Telegram start payload, VK ref), with their leads and revenue:
  // all time, or the leads of a period.
  links: projectProcedure("analytics.traffic")
    .input(z.object({ period: period.optional() }))
    .query(({ ctx, input }) => listTrackedLinks(ctx.tx, ctx.member, input.period)),

  createLink: projectProcedure("analytics.traffic")
    .input(
      z.strictObject({
        projectId: z.string(),
        name: z.string().trim().min(1, "Укажите название").max(100, "Не длиннее 100 символов"),
        kind: z.enum(["telegram", "vk"]),
        target: z.string().trim().min(1, "Укажите бота или сообщество").max(64, "Не длиннее 64 символов"),
        source: tag,
        medium: tag,
        campaign: tag,
        content: tag,
        refSource: tag,
      }),
    )
    .mutation(({ ctx, input }) => createTrackedLink(ctx.tx, ctx.member, input)),

  deleteLink: projectProcedure("analytics.traffic")
    .input(z.object({ projectId: z.string(), linkId: z.string().uuid() }))
    .mutation(({ ctx, input }) => deleteTrackedLink(ctx.tx, ctx.member, input.linkId)),
});
