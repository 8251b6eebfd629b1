import { randomUUID } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import { contacts, conversations, notifications, paymentAccounts, paymentEvents, payments, withTenant, type Db, type PaymentStatus, type Tx } from "@threadline/db";
import { assertCan, type Member } from "../access/member.ts";
import type { SecretKeyring } from "../crypto.ts";
import type { Endpoints } from "../endpoints.ts";
import { badRequest, DomainError, forbidden, notFound } from "../errors.ts";
import type { RealtimeEvent } from "../events.ts";
import { createReply } from "../conversations/reply.ts";
import { getConversation } from "../conversations/thread.ts";
import { lockConversation } from "../leads/agent.ts";
import { addWonExample } from "../leads/examples.ts";
import { moveLead, NOTIFICATION_TEXTS } from "../leads/stages.ts";
import type { InTenant } from "../voice/speech.ts";
import { gatewayFor, type AccountRow } from "./accounts.ts";
import { PaymentProviderError, type BillRequest, type PaymentUpdate } from "./gateway.ts";

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

/** 150000, "RUB" → «1 500,00 ₽». */
export function formatMoney(amount: number, currency: string): string {
  return new Intl.NumberFormat("ru-RU", { style: "currency", currency }).format(amount / 100);
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
  const paymentId = randomUUID();
  const { account, request } = await inTenant(async (tx) => {
    const c = await getConversation(tx, member, input.conversationId);
    if (!c.contact.active) throw badRequest("reply.contactDenied", "Клиент запретил сообщения: отправить ответ нельзя");
    const account = await chooseAccount(tx, input.accountId);
    const request: BillRequest = { paymentId, projectId: member.projectId, amount: input.amount, currency: account.currency, description, returnUrl: account.returnUrl ?? deps.returnUrl };
    if (account.receipts) {
      // Contacts keep phones in E.164 (the agent and the import store them so).
      const customer = c.contact.phone && /^\+\d{10,15}$/.test(c.contact.phone) ? { phone: c.contact.phone } : c.contact.email ? { email: c.contact.email } : null;
      if (!customer) throw badRequest("payments.receiptContactMissing", "Для чека нужен телефон или e-mail клиента: добавьте его в карточку контакта");
      request.receipt = { customer, items: [{ description, quantity: 1, amount: input.amount, vatCode: account.vatCode }] };
    }
    return { account, request };
  });
  const gateway = gatewayFor(account, deps);
  let bill;
  try {
    bill = await gateway.createBill(request);
  } catch (err) {
    if (err instanceof PaymentProviderError) throw PROVIDER_ERRORS[err.kind]();
    throw err;
  }
  return inTenant(async (tx) => {
    const c = await getConversation(tx, member, input.conversationId);
    await tx.insert(payments).values({
      id: paymentId,
      projectId: member.projectId,
      accountId: account.id,
      provider: account.provider,
      providerPaymentId: bill.providerPaymentId,
      conversationId: input.conversationId,
      contactId: c.contact.id,
      amount: input.amount,
      currency: account.currency,
      description,
      confirmationUrl: bill.confirmationUrl,
      createdBy: member.membershipId,
    });
    const sent = await createReply(tx, member, input.conversationId, { text: billText({ description, amount: input.amount, currency: account.currency, url: bill.confirmationUrl }) });
    await tx.update(payments).set({ messageId: sent.messageId }).where(eq(payments.id, paymentId));
    await tx.insert(paymentEvents).values({ projectId: member.projectId, paymentId, kind: "created", dedupeKey: "created", amount: input.amount, currency: account.currency, details: { by: member.membershipId } });
    const [row] = await tx.select({ assigneeId: conversations.assigneeId }).from(conversations).where(eq(conversations.id, input.conversationId));
    return { paymentId, messageId: sent.messageId, conversationId: input.conversationId, assigneeId: row?.assigneeId ?? null, confirmationUrl: bill.confirmationUrl };
  });
}

/**
 * The manual «Оплачено»: money that came another way (cash, a transfer). A payment of its own,
 * paid at once, and the lead won.
 */
export async function markPaidManually(tx: Tx, member: Member, input: { conversationId: string; amount: number; method: "cash" | "transfer"; currency?: string; description?: string }) {
  assertCan(member, "conversations.assign");
  assertSeesPayments(member);
  checkAmount(input.amount);
  await lockConversation(tx, input.conversationId);
  const c = await getConversation(tx, member, input.conversationId);
  const now = new Date();
  const [p] = await tx
    .insert(payments)
    .values({
      projectId: member.projectId,
      provider: "manual",
      method: input.method,
      conversationId: input.conversationId,
      contactId: c.contact.id,
      amount: input.amount,
      currency: (input.currency ?? "RUB").toUpperCase(),
      description: input.description?.trim() || (input.method === "cash" ? "Оплата наличными" : "Оплата переводом"),
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
    events.unshift({ type: "payment.updated", projectId: p.projectId, paymentId: p.id, conversationId: p.conversationId, assigneeId });
    return { kind: "applied", paymentId: p.id, status: next.status as PaymentStatus, events };
  });
}

async function contactNameOf(tx: Tx, conversationId: string): Promise<string> {
  const [row] = await tx.select({ name: contacts.name }).from(conversations).innerJoin(contacts, eq(contacts.id, conversations.contactId)).where(eq(conversations.id, conversationId));
  return row?.name ?? "";
}

async function winLead(tx: Tx, c: { projectId: string; conversationId: string; stage: (typeof conversations.$inferSelect)["stage"]; assigneeId: string | null }, events: RealtimeEvent[]) {
  if (c.stage !== "won") {
    await moveLead(tx, { projectId: c.projectId, conversationId: c.conversationId, from: c.stage, to: "won", actor: { kind: "system" }, reason: "payment" });
    await addWonExample(tx, { projectId: c.projectId, conversationId: c.conversationId, contactName: await contactNameOf(tx, c.conversationId), addedBy: null });
  }
  if (c.assigneeId) {
    const text = NOTIFICATION_TEXTS.paymentReceived;
    const [note] = await tx.insert(notifications).values({ projectId: c.projectId, membershipId: c.assigneeId, conversationId: c.conversationId, kind: "payment.succeeded", text }).returning({ id: notifications.id });
    events.push({ type: "notification", projectId: c.projectId, membershipId: c.assigneeId, conversationId: c.conversationId, notificationId: note!.id, text });
  }
}
