import { eq, sql } from "drizzle-orm";
import { projects, type Tx } from "@threadline/db";

/** A report's days, inclusive, as calendar dates in the project's time zone. */
export type Period = { from: string; to: string };

/** The project's currency: what revenue in its reports is counted in (minor units). */
export async function projectCurrency(tx: Tx, projectId: string): Promise<string> {
  const [row] = await tx.select({ currency: projects.currency }).from(projects).where(eq(projects.id, projectId));
  return row?.currency ?? "RUB";
}

/**
 * The project's time zone and the period's bounds as instants: a day of a report is a day on the
 * project's clock, not the server's.
 */
export async function periodBounds(tx: Tx, projectId: string, period: Period) {
  const [row] = await tx.select({ tz: sql<string>`coalesce(${projects.settings}->>'timezone', 'Europe/Moscow')` }).from(projects).where(eq(projects.id, projectId));
  const tz = row?.tz ?? "Europe/Moscow";
  return {
    tz,
    start: sql`(${period.from}::date)::timestamp at time zone ${tz}`,
    end: sql`((${period.to}::date + 1))::timestamp at time zone ${tz}`,
  };
}
