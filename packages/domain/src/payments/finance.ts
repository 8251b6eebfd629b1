import { and, desc, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import { contacts, conversations, payments, type PaymentStatus, type Tx } from "@threadline/db";
import { assertCan, type Member } from "../access/member.ts";
import { periodBounds, type Period } from "../analytics/period.ts";
import { firstTouchTag } from "../analytics/traffic.ts";
import { forbidden } from "../errors.ts";
import { memberName } from "../staff/member-name.ts";
import { revenueOf } from "./service.ts";

/** The most rows the finance list returns (and exports) at once. */
export const FINANCE_LIST_MAX = 2000;

export type FinanceFilter = Period & { status?: PaymentStatus; provider?: "yookassa" | "stripe" | "manual"; managerId?: string; source?: string };

/**
 * Finance: the project's payments of a period (by when they were created), newest first, with the
 * manager who made them, the lead's source (first touch) and what each earned; filters by status,
 * provider, manager and source.
 */
export async function listPayments(tx: Tx, member: Member, filter: FinanceFilter) {
  assertCan(member, "payments.view");
  if (member.hiddenFields.has("payments")) throw forbidden("payments.hidden", "Ваша роль не видит платежи");
  const { start, end } = await periodBounds(tx, member.projectId, filter);
  const tag = firstTouchTag;
  const source = tag("utmSource", "refSource");
  const where: SQL[] = [gte(payments.createdAt, start), lt(payments.createdAt, end)];
  if (filter.status) where.push(eq(payments.status, filter.status));
  if (filter.provider) where.push(eq(payments.provider, filter.provider));
  if (filter.managerId) where.push(eq(payments.createdBy, filter.managerId));
  if (filter.source !== undefined) where.push(sql`${source} = ${filter.source}`);
  const rows = await tx
    .select({
      id: payments.id,
      createdAt: payments.createdAt,
      paidAt: payments.paidAt,
      provider: payments.provider,
      method: payments.method,
      status: payments.status,
      amount: payments.amount,
      refundedAmount: payments.refundedAmount,
      currency: payments.currency,
      description: payments.description,
      conversationId: payments.conversationId,
      contactName: contacts.name,
      managerId: payments.createdBy,
      managerName: memberName(payments.createdBy),
      source,
      campaign: tag("utmCampaign", "ref"),
    })
    .from(payments)
    .leftJoin(conversations, eq(conversations.id, payments.conversationId))
    .leftJoin(contacts, eq(contacts.id, payments.contactId))
    .where(and(...where))
    .orderBy(desc(payments.createdAt))
    .limit(FINANCE_LIST_MAX);
  const list = rows.map((r) => ({ ...r, revenue: revenueOf(r) }));
  return { rows: list, revenue: list.reduce((n, r) => n + r.revenue, 0), truncated: rows.length === FINANCE_LIST_MAX };
}
