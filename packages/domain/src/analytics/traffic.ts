import { and, eq, gte, isNotNull, lt, sql } from "drizzle-orm";
import { contacts, conversations, leadEvents, type Tx } from "@threadline/db";
import type { Member } from "../access/member.ts";
import { forbidden } from "../errors.ts";
import { periodBounds, type Period } from "./period.ts";

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
  const field = (utm: string, vk: string) =>
    sql<string>`coalesce(nullif(${conversations.attribution}->>${utm}, ''), nullif(${conversations.attribution}->>${vk}, ''), nullif(${contacts.firstTouch}->>${utm}, ''), nullif(${contacts.firstTouch}->>${vk}, ''), '')`;
  const source = field("utmSource", "refSource");
  const campaign = field("utmCampaign", "ref");
  const count = (condition: ReturnType<typeof sql>) => sql<number>`(count(*) filter (where ${condition}))::int`;
  const rows = await tx
    .select({
      source,
      campaign,
      leads: sql<number>`count(*)::int`,
      withPhone: count(sql`${contacts.phone} is not null`),
      won: count(sql`${conversations.stage} = 'won'`),
      lost: count(sql`${conversations.stage} = 'lost'`),
      junk: count(sql`${conversations.stage} in ('spam', 'low_quality')`),
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
    .groupBy(sql`1, 2`)
    .orderBy(sql`3 desc, 1, 2`);
  const totals = rows.reduce((t, r) => ({ leads: t.leads + r.leads, withPhone: t.withPhone + r.withPhone, won: t.won + r.won, lost: t.lost + r.lost, junk: t.junk + r.junk }), { leads: 0, withPhone: 0, won: 0, lost: 0, junk: 0 });
  return { period, rows, totals };
}
