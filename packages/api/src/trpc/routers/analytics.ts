import { z } from "zod";
import { performanceReport, spendReport, trafficReport } from "@threadline/domain/analytics/index.ts";
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
});
