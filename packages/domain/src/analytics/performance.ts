import { and, eq, gte, isNotNull, lt, sql } from "drizzle-orm";
import { conversations, leadEvents, memberships, messages, payments, projects, roles, users, type Tx, type WorkHours } from "@threadline/db";
import type { Member } from "../access/member.ts";
import { DEFAULT_TIMEZONE } from "../leads/rotation.ts";
import { periodBounds, projectCurrency, type Period } from "./period.ts";
import { median, workingMs } from "./working-time.ts";

export type PerformanceRow = {
  membershipId: string;
  name: string;
  active: boolean;
  /** Median over the member's conversations of their first response there, working ms; null without one. */
  firstResponseMs: number | null;
  /** Median over all the member's responses, working ms. */
  responseMs: number | null;
  responses: number;
  conversations: number;
  leads: number;
  /** Sales: null for a role with payments hidden («Продажа» is payment data). */
  won: number | null;
  lost: number;
  /**
   * What the member's payments of the period earned, in minor units: bills they sent that were
   * paid, and their manual «Оплачено», less refunds; null for a role with payments hidden.
   */
  revenue: number | null;
};

type Reply = { member_id: string; started: Date | string; answered: Date | string; first: boolean };

/**
 * Members' work over a period (see the help page «Эффективность менеджеров» for how it is counted).
 *
 * A client waits from their message that nobody has answered yet until the next reply of a member
 * or the AI agent; a member's reply that ends a wait is a response, credited to them, its time the
 * part of the wait inside working hours (the member's own shifts, else the project's, else the
 * whole wait). The first response is the member's first such reply in a conversation. Responses
 * count in the period their reply was sent; imported history is left out. Leads: conversations of
 * the period taken up by the lead pipeline, by their current assignee and stage. Revenue: the
 * payments made in the period (as the finance list counts them, by who billed or marked them paid),
 * paid less refunded.
 */
export async function performanceReport(tx: Tx, member: Member, period: Period) {
  const { start, end } = await periodBounds(tx, member.projectId, period);
  const [project] = await tx
    .select({ tz: sql<string>`coalesce(${projects.settings}->>'timezone', ${DEFAULT_TIMEZONE})`, hours: sql<WorkHours | null>`${projects.settings}->'workHours'` })
    .from(projects)
    .where(eq(projects.id, member.projectId));
  const timezone = project?.tz ?? DEFAULT_TIMEZONE;

  const people = await tx
    .select({ membershipId: memberships.id, name: users.name, active: memberships.active, workHours: memberships.workHours, inbox: sql<boolean>`'inbox.use' = any(${roles.permissions})` })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .innerJoin(roles, eq(roles.id, memberships.roleId))
    .orderBy(users.name, memberships.id);

  // Waits and the replies that end them, over each conversation a member answered in the period
  // (its history up to the period's end, so a wait begun before the period still counts).
  const replies = await tx.execute<Reply>(sql`
    with answered as (
      select distinct m.conversation_id from ${messages} m
      where m.project_id = ${member.projectId} and m.author = 'member' and not m.imported and m.sent_at >= ${start} and m.sent_at < ${end}
    ), seq as (
      select m.conversation_id, m.author, m.author_membership_id, m.sent_at,
        count(*) filter (where m.author in ('member', 'agent')) over (partition by m.conversation_id order by m.sent_at, m.id rows between unbounded preceding and current row) as outs
      from ${messages} m join answered a on a.conversation_id = m.conversation_id
      where not m.imported and m.author in ('client', 'member', 'agent') and m.sent_at < ${end}
    ), waits as (
      select conversation_id, outs as grp, min(sent_at) as started from seq where author = 'client' group by 1, 2
    ), replies as (
      select s.author_membership_id as member_id, w.started, s.sent_at as answered,
        row_number() over (partition by s.conversation_id, s.author_membership_id order by s.sent_at) = 1 as first
      from seq s join waits w on w.conversation_id = s.conversation_id and w.grp = s.outs - 1
      where s.author = 'member' and s.author_membership_id is not null
    )
    select member_id, started, answered, first from replies where answered >= ${start}
  `);

  const handled = await tx
    .select({ memberId: messages.authorMembershipId, conversations: sql<number>`count(distinct ${messages.conversationId})::int` })
    .from(messages)
    .where(and(eq(messages.author, "member"), eq(messages.imported, false), gte(messages.sentAt, start), lt(messages.sentAt, end), isNotNull(messages.authorMembershipId)))
    .groupBy(messages.authorMembershipId);

  const leads = await tx
    .select({
      memberId: conversations.assigneeId,
      leads: sql<number>`count(*)::int`,
      won: sql<number>`(count(*) filter (where ${conversations.stage} = 'won'))::int`,
      lost: sql<number>`(count(*) filter (where ${conversations.stage} = 'lost'))::int`,
    })
    .from(conversations)
    .where(
      and(
        gte(conversations.createdAt, start),
        lt(conversations.createdAt, end),
        isNotNull(conversations.lastMessageAt),
        isNotNull(conversations.assigneeId),
        sql`exists (select 1 from ${leadEvents} e where e.conversation_id = ${conversations.id})`,
      ),
    )
    .groupBy(conversations.assigneeId);

  const seesPayments = !member.hiddenFields.has("payments");
  // Paid (or paid and partly refunded) less refunded: what revenueOf counts, summed in SQL.
  const earned = seesPayments
    ? await tx
        .select({ memberId: payments.createdBy, revenue: sql<number>`coalesce(sum(${payments.amount} - ${payments.refundedAmount}) filter (where ${payments.status} in ('succeeded', 'refunded')), 0)::bigint` })
        .from(payments)
        .where(and(gte(payments.createdAt, start), lt(payments.createdAt, end), isNotNull(payments.createdBy)))
        .groupBy(payments.createdBy)
    : [];
  const revenueBy = new Map(earned.map((e) => [e.memberId!, Number(e.revenue)]));

  const hoursOf = new Map(people.map((p) => [p.membershipId, p.workHours ?? project?.hours ?? null]));
  const times = new Map<string, { all: number[]; first: number[] }>();
  for (const r of replies) {
    const ms = workingMs(hoursOf.get(r.member_id), timezone, new Date(r.started), new Date(r.answered));
    const t = times.get(r.member_id) ?? { all: [], first: [] };
    t.all.push(ms);
    if (r.first) t.first.push(ms);
    times.set(r.member_id, t);
  }
  const handledBy = new Map(handled.map((h) => [h.memberId!, h.conversations]));
  const leadsBy = new Map(leads.map((l) => [l.memberId!, l]));

  const rows: PerformanceRow[] = people
    .map((p) => {
      const t = times.get(p.membershipId);
      const l = leadsBy.get(p.membershipId);
      return {
        membershipId: p.membershipId,
        name: p.name,
        active: p.active,
        firstResponseMs: median(t?.first ?? []),
        responseMs: median(t?.all ?? []),
        responses: t?.all.length ?? 0,
        conversations: handledBy.get(p.membershipId) ?? 0,
        leads: l?.leads ?? 0,
        won: seesPayments ? (l?.won ?? 0) : null,
        lost: l?.lost ?? 0,
        revenue: seesPayments ? (revenueBy.get(p.membershipId) ?? 0) : null,
        inbox: p.inbox,
      };
    })
    // Inbox members are always listed; others (an owner who never answers) only when they did something.
    .filter((r) => (r.inbox && r.active) || r.responses || r.conversations || r.leads || r.revenue)
    .map(({ inbox: _inbox, ...r }) => r);
  return { period, timezone, currency: await projectCurrency(tx, member.projectId), rows };
}
