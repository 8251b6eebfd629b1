import { and, eq, gte, isNotNull, lt, sql } from "drizzle-orm";
import { contacts, conversations, leadEvents, payments, usageRecords, type Tx } from "@threadline/db";
import type { Member } from "../access/member.ts";
import { forbidden } from "../errors.ts";
import { periodBounds, projectCurrency, type Period } from "./period.ts";

/**
 * A first-touch tag of a lead (a query over conversations joined with contacts): the
 * conversation's UTM tag or VK field, else the contact's own first touch, else "".
 */
export function firstTouchTag(utm: string, vk: string) {
  return sql<string>`coalesce(nullif(${conversations.attribution}->>${utm}, ''), nullif(${conversations.attribution}->>${vk}, ''), nullif(${contacts.firstTouch}->>${utm}, ''), nullif(${contacts.firstTouch}->>${vk}, ''), '')`;
}

/**
 * Leads of a period by where they came from, and how far they went: given a phone, sold (the
 * «Продажа» stage, set when the client paid), lost, junk. The source is the conversation's first
 * touch: utm_source / utm_campaign from a Telegram /start payload, VK's ref_source / ref, or the
 * contact's own first touch when the conversation has none.
 */
export async function trafficReport(tx: Tx, member: Member, period: Period) {
  // The report is made of traffic sources: a role that may not see them gets none of it.
  if (member.hiddenFields.has("conversation.attribution")) throw forbidden("analytics.trafficHidden", "Ваша роль не видит источники трафика");
  const { start, end } = await periodBounds(tx, member.projectId, period);
  const field = firstTouchTag;
  const source = field("utmSource", "refSource");
  const campaign = field("utmCampaign", "ref");
  const medium = field("utmMedium", "utmMedium");
  const content = field("utmContent", "utmContent");
  // What each lead's payments earned (paid less refunded) and what its AI and voice cost.
  const earned = sql`(select coalesce(sum(p.amount - p.refunded_amount), 0) from ${payments} p where p.conversation_id = ${conversations.id} and p.status in ('succeeded', 'refunded'))`;
  const spent = sql`(select coalesce(sum(u.cost_usd), 0) from ${usageRecords} u where u.conversation_id = ${conversations.id})`;
  const count = (condition: ReturnType<typeof sql>) => sql<number>`(count(*) filter (where ${condition}))::int`;
  const rows = await tx
    .select({
      source,
      campaign,
      medium,
      content,
      leads: sql<number>`count(*)::int`,
      withPhone: count(sql`${contacts.phone} is not null`),
      won: count(sql`${conversations.stage} = 'won'`),
      lost: count(sql`${conversations.stage} = 'lost'`),
      junk: count(sql`${conversations.stage} in ('spam', 'low_quality')`),
      paid: count(sql`${earned} > 0`),
      revenue: sql<number>`sum(${earned})::bigint`.mapWith(Number),
      spendUsd: sql<number>`sum(${spent})`.mapWith(Number),
      firstTouchAt: sql<Date>`min(${conversations.createdAt})`.mapWith((v: string) => new Date(v)),
    })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    // A lead is a conversation the lead pipeline took up: history brought in by an import is not.
    .where(
      and(
        gte(conversations.createdAt, start),
        lt(conversations.createdAt, end),
        isNotNull(conversations.lastMessageAt),
        sql`exists (select 1 from ${leadEvents} e where e.conversation_id = ${conversations.id})`,
      ),
    )
    // By position: the same expression with its own bind parameters is another expression to Postgres.
    .groupBy(sql`1, 2, 3, 4`)
    .orderBy(sql`5 desc, 1, 2, 3, 4`);
  // Money is payment data: a role with payments hidden gets the counts without it.
  const seesPayments = !member.hiddenFields.has("payments");
  const sum = (key: "leads" | "withPhone" | "won" | "lost" | "junk" | "paid" | "revenue" | "spendUsd") => rows.reduce((n, r) => n + r[key], 0);
  const totals = withRatios(
    { leads: sum("leads"), withPhone: sum("withPhone"), won: sum("won"), lost: sum("lost"), junk: sum("junk"), paid: sum("paid"), revenue: sum("revenue"), spendUsd: sum("spendUsd") },
    seesPayments,
  );
  const currency = await projectCurrency(tx, member.projectId);
  return { period, seesPayments, currency, rows: rows.map((r) => ({ ...withRatios(r, seesPayments), firstTouchAt: r.firstTouchAt })), totals };
}

type Counts = { leads: number; withPhone: number; won: number; lost: number; junk: number; paid: number; revenue: number; spendUsd: number };

/**
 * A row's ratios: average check, conversion to a sale, AI and voice spend per lead and per sale.
 * Revenue is in minor units of the project's currency; spend in US dollars.
 */
function withRatios<T extends Counts>(r: T, seesPayments: boolean) {
  const per = (n: number, d: number, digits = 6) => (d > 0 ? Math.round((n / d) * 10 ** digits) / 10 ** digits : null);
  return {
    ...r,
    paid: seesPayments ? r.paid : null,
    revenue: seesPayments ? r.revenue : null,
    averageCheck: seesPayments ? per(r.revenue, r.paid, 0) : null,
    conversion: seesPayments ? per(r.paid, r.leads, 4) : null,
    spendUsd: Math.round(r.spendUsd * 1e6) / 1e6,
    spendPerLeadUsd: per(r.spendUsd, r.leads),
    spendPerSaleUsd: seesPayments ? per(r.spendUsd, r.paid) : null,
  };
}
