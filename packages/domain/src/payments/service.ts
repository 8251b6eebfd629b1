import { randomUUID } from "node:crypto";
import { and, asc, eq, inArray } from "drizzle-orm";
import { contacts, conversations, memberships, notifications, orderItems, orders, paymentAccounts, paymentEvents, payments, roles, withTenant, type Db, type OrderStatus, type PaymentStatus, type Tx } from "@threadline/db";
import { assertCan, type Member } from "../access/member.ts";
import type { SecretKeyring } from "../crypto.ts";
import type { Endpoints } from "../endpoints.ts";
import { badRequest, DomainError, forbidden, notFound } from "../errors.ts";
import type { RealtimeEvent } from "../events.ts";
import { createReply } from "../conversations/reply.ts";
import { visibleTo } from "../conversations/list.ts";
import { getConversation } from "../conversations/thread.ts";
import { lockConversation } from "../leads/lock.ts";
import { addWonExample } from "../leads/examples.ts";
import { moveLead, NOTIFICATION_TEXTS } from "../leads/stages.ts";
import type { InTenant } from "../voice/speech.ts";
import { gatewayFor, type AccountRow } from "./accounts.ts";
import { formatMoney } from "../money.ts";
import { lineLabel } from "../orders/pricing.ts";
import { PaymentProviderError, type BillRequest, type PaymentUpdate, type ReceiptItem } from "./gateway.ts";

/** The largest bill, in minor units (10 000 000,00). */
export const MAX_BILL_AMOUNT = 1_000_000_000;
export const MAX_DESCRIPTION = 128;

const PROVIDER_ERRORS: Record<PaymentProviderError["kind"], () => DomainError> = {
  timeout: () => new DomainError("BAD_REQUEST", "payments.providerTimeout", "Платёжная система не ответила вовремя: счёт не создан, попробуйте ещё раз"),
  keyRejected: () => new DomainError("BAD_REQUEST", "payments.keyRejected", "Платёжная система не принимает ключи счёта: проверьте их в настройках"),
  rejected: () => new DomainError("BAD_REQUEST", "payments.providerRejected", "Платёжная система отказалась создать счёт"),
  unavailable: () => new DomainError("BAD_REQUEST", "payments.providerUnavailable", "Платёжная система недоступна: счёт не создан, попробуйте позже"),
};

function assertSeesPayments(member: Member) {
  if (member.hiddenFields.has("payments")) throw forbidden("payments.hidden", "Ваша роль не видит платежи");
}

function checkAmount(amount: number) {
  if (!Number.isSafeInteger(amount) || amount <= 0 || amount > MAX_BILL_AMOUNT) throw badRequest("payments.amountInvalid", "Сумма должна быть больше нуля и не больше 10 000 000", { max: MAX_BILL_AMOUNT / 100 });
}

/** The text that carries the link into the chat. */
export function billText(input: { description: string; amount: number; currency: string; url: string }): string {
  return `${input.description}\nСумма: ${formatMoney(input.amount, input.currency)}\nОплатить: ${input.url}`;
}

async function chooseAccount(tx: Tx, accountId: string | undefined): Promise<AccountRow> {
  const rows = accountId
    ? await tx.select().from(paymentAccounts).where(eq(paymentAccounts.id, accountId))
    : await tx.select().from(paymentAccounts).orderBy(asc(paymentAccounts.createdAt)).limit(1);
  if (!rows[0]) {
    if (accountId) throw notFound("paymentAccount");
    throw badRequest("payments.noAccount", "Платёжная система не подключена: владелец проекта подключает ЮKassa или Stripe в настройках");
  }
  return rows[0];
}

export type BillDeps = { secretKey: SecretKeyring; endpoints: Readonly<Endpoints>; returnUrl: string; timeoutMs?: number };

/** What a bill is for, read in the first transaction and checked again in the second. */
type BillPlan = { conversationId: string; amount: number; currency?: string; description: string; items: Omit<ReceiptItem, "vatCode">[]; orderId?: string; number?: number; status?: OrderStatus };

/**
 * «Выставить счёт»: a bill at the project's provider and its link sent into the chat. The provider
 * is asked with no transaction open; only once it has answered are the payment and the message
 * stored, together, so a provider that fails or times out leaves nothing behind.
 */
export async function createBill(
  inTenant: InTenant,
  member: Member,
  deps: BillDeps,
  input: { conversationId: string; amount: number; description: string; accountId?: string },
) {
  assertCan(member, "conversations.reply");
  assertSeesPayments(member);
  checkAmount(input.amount);
  const description = input.description.trim();
  if (!description) throw badRequest("payments.descriptionRequired", "Напишите, за что счёт");
  if (description.length > MAX_DESCRIPTION) throw badRequest("validation.tooLong", `Не длиннее ${MAX_DESCRIPTION} символов`, { max: MAX_DESCRIPTION });
  const plan: BillPlan = { conversationId: input.conversationId, amount: input.amount, description, items: [{ description, quantity: 1, amount: input.amount }] };
  return issueBill(inTenant, member, deps, input.accountId, async () => plan);
}

/**
 * «Выставить счёт» on an order: exactly its total in its currency, the receipt's items its lines.
 * An order that is cancelled, or already has a bill open or paid, is refused; the check is made
 * again under the order's lock when the payment is stored (and the unique index backs it).
 */
export async function createOrderBill(inTenant: InTenant, member: Member, deps: BillDeps, input: { orderId: string; accountId?: string }) {
  assertCan(member, "conversations.reply");
  assertSeesPayments(member);
  return issueBill(inTenant, member, deps, input.accountId, (tx) => billableOrder(tx, member, input.orderId));
}

async function billableOrder(tx: Tx, member: Member, orderId: string): Promise<BillPlan> {
  const [order] = await tx
    .select({ id: orders.id, number: orders.number, status: orders.status, conversationId: orders.conversationId, totalMinor: orders.totalMinor, currency: orders.currency })
    .from(orders)
    .innerJoin(conversations, eq(conversations.id, orders.conversationId))
    .where(and(eq(orders.id, orderId), visibleTo(member)))
    .for("update", { of: orders });
  if (!order) throw notFound("order");
  if (order.status === "cancelled") throw badRequest("payments.orderCancelled", "Заказ отменён: счёт на него не выставить");
  const [open] = await tx
    .select({ status: payments.status })
    .from(payments)
    .where(and(eq(payments.orderId, orderId), inArray(payments.status, ["pending", "succeeded"])))
    .limit(1);
  if (open) {
    if (open.status === "succeeded") throw badRequest("payments.orderPaid", `Заказ №${order.number} уже оплачен`, { number: order.number });
    throw badRequest("payments.orderBilled", `На заказ №${order.number} уже выставлен счёт: дождитесь оплаты или отмены`, { number: order.number });
  }
  const lines = await tx.select().from(orderItems).where(eq(orderItems.orderId, orderId)).orderBy(asc(orderItems.sortOrder));
  return {
    conversationId: order.conversationId,
    orderId,
    number: order.number,
    status: order.status,
    amount: order.totalMinor,
    currency: order.currency,
    description: `Заказ №${order.number}`,
    items: lines.map((l) => ({ description: lineLabel({ ...l, quantity: 1 }), quantity: l.quantity, amount: l.unitPriceMinor })),
  };
}

async function issueBill(inTenant: InTenant, member: Member, deps: BillDeps, accountId: string | undefined, planOf: (tx: Tx) => Promise<BillPlan>) {
  const paymentId = randomUUID();
  const { account, request, plan } = await inTenant(async (tx) => {
    const plan = await planOf(tx);
    const c = await getConversation(tx, member, plan.conversationId);
    if (!c.contact.active) throw badRequest("reply.contactDenied", "Клиент запретил сообщения: отправить ответ нельзя");
    const account = await chooseAccount(tx, accountId);
    // An order is priced in the project's currency: an account in another one would bill another sum.
    if (plan.currency && plan.currency.toUpperCase() !== account.currency.toUpperCase())
      throw badRequest("payments.currencyMismatch", `Заказ в ${plan.currency}, а платёжная система принимает ${account.currency}: выберите другую`, { order: plan.currency, account: account.currency });
    const request: BillRequest = { paymentId, projectId: member.projectId, amount: plan.amount, currency: account.currency, description: plan.description, returnUrl: account.returnUrl ?? deps.returnUrl };
    if (account.receipts) {
      // Contacts keep phones in E.164 (the agent and the import store them so).
      const customer = c.contact.phone && /^\+\d{10,15}$/.test(c.contact.phone) ? { phone: c.contact.phone } : c.contact.email ? { email: c.contact.email } : null;
      if (!customer) throw badRequest("payments.receiptContactMissing", "Для чека нужен телефон или e-mail клиента: добавьте его в карточку контакта");
      request.receipt = { customer, items: plan.items.map((item) => ({ ...item, vatCode: account.vatCode })) };
    }
    return { account, request, plan };
  });
  const gateway = gatewayFor(account, deps);
  let bill;
  try {
    bill = await gateway.createBill(request);
  } catch (err) {
    if (err instanceof PaymentProviderError) throw PROVIDER_ERRORS[err.kind]();
    throw err;
  }
  const { conversationId, amount, description } = plan;
  return inTenant(async (tx) => {
    if (plan.orderId) await planOf(tx);
    const c = await getConversation(tx, member, conversationId);
    await tx.insert(payments).values({
      id: paymentId,
      projectId: member.projectId,
      accountId: account.id,
      provider: account.provider,
      providerPaymentId: bill.providerPaymentId,
      conversationId,
      contactId: c.contact.id,
      orderId: plan.orderId ?? null,
      amount,
      currency: account.currency,
      description,
      confirmationUrl: bill.confirmationUrl,
      createdBy: member.membershipId,
    });
    const sent = await createReply(tx, member, conversationId, { text: billText({ description, amount, currency: account.currency, url: bill.confirmationUrl }) });
    await tx.update(payments).set({ messageId: sent.messageId }).where(eq(payments.id, paymentId));
    await tx.insert(paymentEvents).values({ projectId: member.projectId, paymentId, kind: "created", dedupeKey: "created", amount, currency: account.currency, details: { by: member.membershipId } });
    const [row] = await tx.select({ assigneeId: conversations.assigneeId }).from(conversations).where(eq(conversations.id, conversationId));
    return { paymentId, messageId: sent.messageId, conversationId, orderId: plan.orderId ?? null, assigneeId: row?.assigneeId ?? null, confirmationUrl: bill.confirmationUrl };
  });
}

/**
 * The manual «Оплачено»: money that came another way (cash, a transfer). A payment of its own,
 * paid at once, and the lead won. With an order of the conversation it pays that order, as a
 * paid bill would: the order's total in its currency, named by the payment, refused for an order
 * that is cancelled or already has a bill open or paid (under the order's lock, as a bill).
 */
export async function markPaidManually(
  tx: Tx,
  member: Member,
  input: { conversationId: string; amount?: number; method: "cash" | "transfer"; currency?: string; description?: string; orderId?: string },
) {
  assertCan(member, "conversations.assign");
  assertSeesPayments(member);
  await lockConversation(tx, input.conversationId);
  const c = await getConversation(tx, member, input.conversationId);
  const order = input.orderId ? await billableOrder(tx, member, input.orderId) : null;
  if (order && order.conversationId !== input.conversationId) throw notFound("order");
  if (order && input.amount !== undefined && input.amount !== order.amount)
    throw badRequest("payments.orderAmount", `Заказ №${order.number} на ${formatMoney(order.amount, order.currency!)}: оплата отмечается на всю сумму`, { number: order.number!, amount: formatMoney(order.amount, order.currency!) });
  const amount = order?.amount ?? input.amount;
  if (amount === undefined) throw badRequest("payments.amountInvalid", "Сумма должна быть больше нуля и не больше 10 000 000", { max: MAX_BILL_AMOUNT / 100 });
  checkAmount(amount);
  const now = new Date();
  const [p] = await tx
    .insert(payments)
    .values({
      projectId: member.projectId,
      provider: "manual",
      method: input.method,
      conversationId: input.conversationId,
      contactId: c.contact.id,
      orderId: order?.orderId ?? null,
      amount,
      currency: (order?.currency ?? input.currency ?? "RUB").toUpperCase(),
      description: input.description?.trim() || order?.description || (input.method === "cash" ? "Оплата наличными" : "Оплата переводом"),
      status: "succeeded",
      paidAt: now,
      createdBy: member.membershipId,
    })
    .returning();
  await tx.insert(paymentEvents).values({ projectId: member.projectId, paymentId: p!.id, kind: "manual", dedupeKey: "manual", amount: p!.amount, currency: p!.currency, details: { by: member.membershipId, method: input.method } });
  const events: RealtimeEvent[] = [];
  if (c.stage !== "won") {
    await moveLead(tx, { projectId: member.projectId, conversationId: input.conversationId, from: c.stage, to: "won", actor: { kind: "member", membershipId: member.membershipId }, reason: "payment" });
    await addWonExample(tx, { projectId: member.projectId, conversationId: input.conversationId, contactName: c.contact.name, addedBy: member.membershipId });
  }
  const [row] = await tx.select({ assigneeId: conversations.assigneeId }).from(conversations).where(eq(conversations.id, input.conversationId));
  const assigneeId = row?.assigneeId ?? null;
  events.push(
    { type: "payment.updated", projectId: member.projectId, paymentId: p!.id, conversationId: input.conversationId, assigneeId },
    { type: "conversation.updated", projectId: member.projectId, conversationId: input.conversationId, assigneeId },
  );
  // The order's «оплачен» is read from this payment: the board and the contact panel read it again.
  if (order) events.push({ type: "order.updated", projectId: member.projectId, orderId: order.orderId!, conversationId: input.conversationId, status: order.status!, assigneeId });
  return { paymentId: p!.id, events };
}

const paymentColumns = {
  id: payments.id,
  provider: payments.provider,
  method: payments.method,
  amount: payments.amount,
  currency: payments.currency,
  refundedAmount: payments.refundedAmount,
  description: payments.description,
  status: payments.status,
  confirmationUrl: payments.confirmationUrl,
  messageId: payments.messageId,
  paidAt: payments.paidAt,
  canceledAt: payments.canceledAt,
  refundedAt: payments.refundedAt,
  createdAt: payments.createdAt,
};

/** What a payment earned: paid less refunded; nothing while pending or canceled. */
export function revenueOf(p: { status: PaymentStatus; amount: number; refundedAmount: number }): number {
  return p.status === "succeeded" || p.status === "refunded" ? p.amount - p.refundedAmount : 0;
}

/**
 * A conversation's payments, newest first, with what they earned, for the thread and the contact
 * panel; null for a role that does not see payments.
 */
export async function listConversationPayments(tx: Tx, member: Member, conversationId: string) {
  await getConversation(tx, member, conversationId);
  if (member.hiddenFields.has("payments")) return null;
  const rows = await tx.select(paymentColumns).from(payments).where(eq(payments.conversationId, conversationId)).orderBy(asc(payments.createdAt));
  const revenue = rows.reduce((sum, p) => sum + revenueOf(p), 0);
  return { payments: rows.reverse(), revenue, currency: rows[0]?.currency ?? "RUB" };
}

/** The refund of a Stripe payment came before its completion: the job is tried again later. */
export class PaymentNotYetKnown extends Error {
  override name = "PaymentNotYetKnown";
}

export type ApplyOutcome =
  | { kind: "applied"; paymentId: string; status: PaymentStatus; events: RealtimeEvent[] }
  | { kind: "duplicate" | "unchanged"; paymentId: string }
  | { kind: "mismatch"; paymentId: string }
  | { kind: "unknown" };

/**
 * A verified provider update applied to its payment, once: the payment row is locked, the update's
 * key is recorded (a replay finds it taken and changes nothing), statuses only move forward
 * (pending → paid → refunded, pending → canceled), and an amount or currency other than what was
 * billed is recorded and refused. A payment that is paid wins its lead and tells the assignee.
 */
export async function applyPaymentUpdate(db: Db, input: { projectId: string; accountId: string; update: PaymentUpdate }): Promise<ApplyOutcome> {
  const { update } = input;
  return withTenant(db, input.projectId, async (tx) => {
    const match =
      update.ref.kind === "payment"
        ? and(eq(payments.accountId, input.accountId), eq(payments.providerPaymentId, update.ref.id))
        : and(eq(payments.accountId, input.accountId), eq(payments.providerIntentId, update.ref.id));
    const [p] = await tx.select().from(payments).where(match).for("update");
    if (!p) {
      if (update.ref.kind === "intent") throw new PaymentNotYetKnown(`no payment with intent ${update.ref.id} yet`);
      return { kind: "unknown" };
    }
    const mismatch = update.amount !== p.amount || update.currency.toUpperCase() !== p.currency.toUpperCase();
    const [recorded] = await tx
      .insert(paymentEvents)
      .values({
        projectId: p.projectId,
        paymentId: p.id,
        kind: mismatch ? "mismatch" : update.status === "pending" ? "created" : update.status,
        dedupeKey: mismatch ? `mismatch:${update.dedupeKey}` : update.dedupeKey,
        amount: update.amount,
        currency: update.currency,
        details: mismatch ? { billed: { amount: p.amount, currency: p.currency }, status: update.status } : { status: update.status, refundedAmount: update.refundedAmount },
      })
      .onConflictDoNothing()
      .returning({ id: paymentEvents.id });
    if (!recorded) return { kind: "duplicate", paymentId: p.id };
    if (mismatch) return { kind: "mismatch", paymentId: p.id };

    const now = new Date();
    const intent = update.intentId && !p.providerIntentId ? { providerIntentId: update.intentId } : {};
    let next: Partial<typeof payments.$inferInsert> | null = null;
    let paidNow = false;
    if (update.status === "succeeded" && p.status === "pending") {
      next = { status: "succeeded", paidAt: now, ...intent };
      paidNow = true;
    } else if (update.status === "canceled" && p.status === "pending") {
      next = { status: "canceled", canceledAt: now };
    } else if (update.status === "refunded" && (p.status === "pending" || p.status === "succeeded" || (p.status === "refunded" && update.refundedAmount > p.refundedAmount))) {
      next = { status: "refunded", refundedAmount: Math.min(update.refundedAmount, p.amount), refundedAt: now, ...(p.paidAt ? {} : { paidAt: now }), ...intent };
      paidNow = p.status === "pending";
    } else if (Object.keys(intent).length) {
      await tx.update(payments).set(intent).where(eq(payments.id, p.id));
    }
    if (!next) return { kind: "unchanged", paymentId: p.id };
    await tx.update(payments).set(next).where(eq(payments.id, p.id));

    const events: RealtimeEvent[] = [];
    let assigneeId: string | null = null;
    // A deleted conversation leaves the payment without one: the money is kept, no lead moves.
    if (p.conversationId) {
      await lockConversation(tx, p.conversationId);
      const [c] = await tx.select({ stage: conversations.stage, assigneeId: conversations.assigneeId }).from(conversations).where(eq(conversations.id, p.conversationId));
      if (c) {
        assigneeId = c.assigneeId;
        if (paidNow) await winLead(tx, { projectId: p.projectId, conversationId: p.conversationId, stage: c.stage, assigneeId }, events);
        events.push({ type: "conversation.updated", projectId: p.projectId, conversationId: p.conversationId, assigneeId });
      }
    }
    // The order's «оплачен» is read from its payment: the board and the contact panel read it again.
    if (p.orderId) {
      const [o] = await tx.select({ id: orders.id, status: orders.status, conversationId: orders.conversationId }).from(orders).where(eq(orders.id, p.orderId));
      if (o) events.push({ type: "order.updated", projectId: p.projectId, orderId: o.id, conversationId: o.conversationId, status: o.status, assigneeId });
    }
    events.unshift({ type: "payment.updated", projectId: p.projectId, paymentId: p.id, conversationId: p.conversationId, assigneeId });
    return { kind: "applied", paymentId: p.id, status: next.status as PaymentStatus, events };
  });
}

async function contactNameOf(tx: Tx, conversationId: string): Promise<string> {
  const [row] = await tx.select({ name: contacts.name }).from(conversations).innerJoin(contacts, eq(contacts.id, conversations.contactId)).where(eq(conversations.id, conversationId));
  return row?.name ?? "";
}

async function seesPayments(tx: Tx, membershipId: string): Promise<boolean> {
  const [row] = await tx.select({ hiddenFields: roles.hiddenFields }).from(memberships).innerJoin(roles, eq(roles.id, memberships.roleId)).where(eq(memberships.id, membershipId));
  return !!row && !row.hiddenFields.includes("payments");
}

async function winLead(tx: Tx, c: { projectId: string; conversationId: string; stage: (typeof conversations.$inferSelect)["stage"]; assigneeId: string | null }, events: RealtimeEvent[]) {
  if (c.stage !== "won") {
    await moveLead(tx, { projectId: c.projectId, conversationId: c.conversationId, from: c.stage, to: "won", actor: { kind: "system" }, reason: "payment" });
    await addWonExample(tx, { projectId: c.projectId, conversationId: c.conversationId, contactName: await contactNameOf(tx, c.conversationId), addedBy: null });
  }
  // «Клиент оплатил» is payment data: an assignee whose role hides payments is not told.
  if (c.assigneeId && (await seesPayments(tx, c.assigneeId))) {
    const text = NOTIFICATION_TEXTS.paymentReceived;
    const [note] = await tx.insert(notifications).values({ projectId: c.projectId, membershipId: c.assigneeId, conversationId: c.conversationId, kind: "payment.succeeded", text }).returning({ id: notifications.id });
    events.push({ type: "notification", projectId: c.projectId, membershipId: c.assigneeId, conversationId: c.conversationId, notificationId: note!.id, text });
  }
}
