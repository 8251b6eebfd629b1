import { z } from "zod";
import { spendReport, trafficReport } from "@threadline/domain/analytics/index.ts";
import { projectProcedure, router } from "../init.ts";

const MAX_DAYS = 366;
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Дата в виде ГГГГ-ММ-ДД");
const period = z
  .object({ from: date, to: date })
  .refine((p) => p.from <= p.to, "Начало периода позже конца")
  .refine((p) => (Date.parse(p.to) - Date.parse(p.from)) / 86_400_000 < MAX_DAYS, `Период не длиннее ${MAX_DAYS} дней`);

/** Reports for finance (what the AI and voice cost) and traffic (where leads come from, how they end). */
export const analyticsRouter = router({
  spend: projectProcedure("analytics.spend")
    .input(period)
    .query(({ ctx, input }) => spendReport(ctx.tx, ctx.member, input)),

  traffic: projectProcedure("analytics.traffic")
    .input(period)
    .query(({ ctx, input }) => trafficReport(ctx.tx, ctx.member, input)),
});
