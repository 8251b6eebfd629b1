import { and, gte, lt, sql } from "drizzle-orm";
import { usageRecords, type Tx } from "@threadline/db";
import type { Member } from "../access/member.ts";
import { periodBounds, type Period } from "./period.ts";

/**
 * What the project's AI agent and voiced replies cost over a period: totals, a line per
 * provider / feature / model with its units, and the cost per day for the chart.
 */
export async function spendReport(tx: Tx, member: Member, period: Period) {
  const { tz, start, end } = await periodBounds(tx, member.projectId, period);
  const inPeriod = and(gte(usageRecords.createdAt, start), lt(usageRecords.createdAt, end));
  const cost = sql<string>`sum(${usageRecords.costUsd})`;
  const lines = await tx
    .select({
      provider: usageRecords.provider,
      feature: usageRecords.feature,
      model: usageRecords.model,
      requests: sql<number>`count(*)::int`,
      inputUnits: sql<number>`sum(${usageRecords.inputUnits})::bigint`.mapWith(Number),
      outputUnits: sql<number>`sum(${usageRecords.outputUnits})::bigint`.mapWith(Number),
      conversations: sql<number>`count(distinct ${usageRecords.conversationId})::int`,
      costUsd: cost.mapWith(Number),
    })
    .from(usageRecords)
    .where(inPeriod)
    .groupBy(usageRecords.provider, usageRecords.feature, usageRecords.model)
    .orderBy(sql`sum(${usageRecords.costUsd}) desc`);
  const day = sql<string>`to_char(${usageRecords.createdAt} at time zone ${tz}, 'YYYY-MM-DD')`;
  const days = await tx
    .select({ day, feature: usageRecords.feature, costUsd: cost.mapWith(Number) })
    .from(usageRecords)
    .where(inPeriod)
    // By position: the day expression binds the time zone, and a rebound copy would not match it.
    .groupBy(sql`1, 2`)
    .orderBy(sql`1, 2`);
  const total = lines.reduce((sum, l) => sum + l.costUsd, 0);
  return { period, timezone: tz, totalUsd: round(total), requests: lines.reduce((n, l) => n + l.requests, 0), lines: lines.map((l) => ({ ...l, costUsd: round(l.costUsd) })), days };
}

const round = (usd: number) => Math.round(usd * 1e6) / 1e6;
