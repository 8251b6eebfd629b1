import { randomUUID } from "node:crypto";
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { contacts, conversations, messages, orderItems, orders, orderStatusEvents, payments, projects, type LeadStage, type PaymentStatus, type OrderFulfilment, type OrderSource, type OrderStatus, type Tx } from "@threadline/db";
import { findPhone } from "@threadline/ai";
import { assertCan, can, type Member } from "../access/member.ts";
import { redactContact, redactText } from "../access/redact.ts";
import { loadCatalog } from "../catalog/read.ts";
import { addDelta, deltaOf, deltaParams, messagePreview } from "../conversations/aggregates.ts";
import { visibleTo } from "../conversations/list.ts";
import { getConversation } from "../conversations/thread.ts";
import { badRequest, forbidden, notFound } from "../errors.ts";
import type { RealtimeEvent } from "../events.ts";
import { lockConversation } from "../leads/lock.ts";
import { NOTIFICATION_TEXTS } from "../leads/notification-texts.ts";
import { handOver, moveLead } from "../leads/stages.ts";
import { memberName } from "../staff/member-name.ts";
import { formatMoney } from "../money.ts";
import { lineLabel, priceLines, type OrderLineInput } from "./pricing.ts";
import { canMoveOrder, DEFAULT_ORDER_TEMPLATES, MAX_TEMPLATE_LENGTH, ORDER_STATUS_RU, renderOrderTemplate } from "./statuses.ts";

export type OrderActor = { kind: "client" } | { kind: "member"; membershipId: string };

/** What the caller does once the transaction is committed: send the client's message, tell the screens. */
export type OrderEffects = { outboundMessageIds: number[]; events: RealtimeEvent[] };

export type NewOrderInput = {
  conversationId: string;
  source: OrderSource;
  actor: OrderActor;
  lines: OrderLineInput[];
  customerName?: string;
  phone?: string | null;
  fulfilment?: OrderFulfilment;
  pickupTime?: string | null;
  address?: string | null;
  comment?: string;
};

const MAX_FIELD = 300;
const field = (text: string | null | undefined) => (text?.trim() ? text.trim().slice(0, MAX_FIELD) : null);

/** A phone as the client or a manager typed it, in E.164; anything else is refused. */
export function normalizeOrderPhone(raw: string): string {
  const found = findPhone(raw, { expectingPhone: true });
  if (found.kind !== "valid") throw badRequest("order.phoneInvalid", "Телефон не похож на номер: проверьте его");
  return found.e164;
}

async function templatesOf(tx: Tx) {
  const [p] = await tx.select({ settings: projects.settings, currency: projects.currency }).from(projects).limit(1);
  return { templates: { ...DEFAULT_ORDER_TEMPLATES, ...Object.fromEntries(Object.entries(p?.settings.orderTemplates ?? {}).filter(([, v]) => v?.trim())) }, currency: p?.currency ?? "RUB" };
}

/** The client's message about the order's new status, stored pending in the conversation (the outbound queue sends it). */
async function statusMessage(tx: Tx, order: { id: string; projectId: string; conversationId: string; channelId: string; number: number; totalMinor: number; currency: string; customerName: string }, status: OrderStatus): Promise<number> {
  const { templates } = await templatesOf(tx);
  const items = await tx.select().from(orderItems).where(eq(orderItems.orderId, order.id)).orderBy(asc(orderItems.sortOrder));
  const text = renderOrderTemplate(templates[status], {
    number: order.number,
    total: formatMoney(order.totalMinor, order.currency),
    items: items.map(lineLabel).join(", "),
    name: order.customerName,
  });
  const now = new Date();
  const [m] = await tx
    .insert(messages)
    .values({ projectId: order.projectId, conversationId: order.conversationId, channelId: order.channelId, clientKey: randomUUID(), direction: "out", author: "system", kind: "text", text, sentAt: now, delivery: "pending" })
    .returning({ id: messages.id });
  await tx
    .update(conversations)
    .set(addDelta(deltaParams(deltaOf([{ id: m!.id, sentAt: now, direction: "out", author: "system", authorId: null, preview: messagePreview(text, "text") }])!)))
    .where(eq(conversations.id, order.conversationId));
  return m!.id;
}

/** A lead whose order is confirmed is a person's work now: off the agent's stages, to a manager. */
const PRE_SALE_STAGES: readonly LeadStage[] = ["new", "bot", "low_quality", "needs_human"];

async function onConfirmed(tx: Tx, projectId: string, conversationId: string, actor: OrderActor, events: RealtimeEvent[]) {
  const [c] = await tx.select({ stage: conversations.stage, assigneeId: conversations.assigneeId }).from(conversations).where(eq(conversations.id, conversationId));
  if (!c || !PRE_SALE_STAGES.includes(c.stage)) return;
  const assigneeId = await handOver(tx, { projectId, conversationId, assigneeId: c.assigneeId, text: NOTIFICATION_TEXTS.conversation }, events);
  await moveLead(tx, { projectId, conversationId, from: c.stage, to: "assigned", actor: actor.kind === "member" ? actor : { kind: "system" }, reason: "order_confirmed" });
  events.push({ type: "conversation.updated", projectId, conversationId, assigneeId, previousAssigneeId: c.assigneeId });
}

async function orderEvent(tx: Tx, type: "order.created" | "order.updated", order: { id: string; projectId: string; conversationId: string; status: OrderStatus }): Promise<RealtimeEvent> {
  const [c] = await tx.select({ assigneeId: conversations.assigneeId }).from(conversations).where(eq(conversations.id, order.conversationId));
  return { type, projectId: order.projectId, orderId: order.id, conversationId: order.conversationId, status: order.status, assigneeId: c?.assigneeId ?? null };
}

/**
 * Takes an order in a conversation of the current tenant: lines priced from the catalog as it is
 * now (copied into the order), a number, the first status with who made it, and the client's
 * «принят» message. All or nothing: a line that fails leaves nothing written.
 */
export async function createOrder(tx: Tx, projectId: string, input: NewOrderInput): Promise<{ orderId: string; number: number; totalMinor: number; currency: string } & OrderEffects> {
  const catalog = await loadCatalog(tx);
  const priced = priceLines(catalog, input.lines);
  const phone = input.phone?.trim() ? normalizeOrderPhone(input.phone) : null;
  const [c] = await tx.select({ id: conversations.id, contactId: conversations.contactId, channelId: conversations.channelId }).from(conversations).where(eq(conversations.id, input.conversationId));
  if (!c) throw notFound("conversation");
  await lockConversation(tx, c.id);
  // Numbers run per project; the lock makes two orders taken at once get two numbers.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`order-number:${projectId}`}, 0))`);
  const [last] = await tx.select({ n: sql<number>`coalesce(max(${orders.number}), 0)::int` }).from(orders);
  const number = (last?.n ?? 0) + 1;
  const [order] = await tx
    .insert(orders)
    .values({
      projectId,
      number,
      conversationId: c.id,
      contactId: c.contactId,
      channelId: c.channelId,
      source: input.source,
      customerName: field(input.customerName) ?? "",
      phone,
      fulfilment: input.fulfilment ?? "pickup",
      pickupTime: field(input.pickupTime),
      address: field(input.address),
      comment: field(input.comment) ?? "",
      totalMinor: priced.totalMinor,
      currency: catalog.currency,
      createdByMembershipId: input.actor.kind === "member" ? input.actor.membershipId : null,
    })
    .returning();
  await tx.insert(orderItems).values(priced.lines.map((l, i) => ({ projectId, orderId: order!.id, productId: l.productId, name: l.name, unitPriceMinor: l.unitPriceMinor, options: l.options, quantity: l.quantity, lineTotalMinor: l.lineTotalMinor, sortOrder: i })));
  await tx.insert(orderStatusEvents).values({ projectId, orderId: order!.id, fromStatus: null, toStatus: "new", actorKind: input.actor.kind, actorMembershipId: input.actor.kind === "member" ? input.actor.membershipId : null });
  // A phone given at checkout is the contact's phone when it has none yet.
  if (phone) await tx.update(contacts).set({ phone }).where(and(eq(contacts.id, c.contactId), sql`${contacts.phone} is null`));
  const messageId = await statusMessage(tx, order!, "new");
  const events: RealtimeEvent[] = [await orderEvent(tx, "order.created", order!)];
  const [cv] = await tx.select({ assigneeId: conversations.assigneeId }).from(conversations).where(eq(conversations.id, c.id));
  events.push({ type: "conversation.message", projectId, conversationId: c.id, messageId, direction: "out", assigneeId: cv?.assigneeId ?? null });
  return { orderId: order!.id, number, totalMinor: priced.totalMinor, currency: catalog.currency, outboundMessageIds: [messageId], events };
}

/** A manager takes an order in a conversation they may see (the inbox's contact panel). */
export async function createOrderAsMember(tx: Tx, member: Member, input: Omit<NewOrderInput, "source" | "actor">) {
  assertCan(member, "inbox.use");
  await getConversation(tx, member, input.conversationId);
  return createOrder(tx, member.projectId, { ...input, source: "manager", actor: { kind: "member", membershipId: member.membershipId } });
}

/**
 * Moves an order to another status (allowed moves only), records who and when, and tells the
 * client in the same chat. The first move past «new» moves the lead on to a person.
 */
export async function changeOrderStatus(tx: Tx, member: Member, orderId: string, to: OrderStatus): Promise<{ status: OrderStatus } & OrderEffects> {
  if (!can(member, "orders.manage") && !can(member, "conversations.reply")) throw forbidden();
  const [order] = await tx
    .select({ order: orders })
    .from(orders)
    .innerJoin(conversations, eq(conversations.id, orders.conversationId))
    .where(and(eq(orders.id, orderId), visibleTo(member)))
    .for("update", { of: orders });
  if (!order) throw notFound("order");
  const from = order.order.status;
  if (!canMoveOrder(from, to)) throw badRequest("order.transitionInvalid", `Заказ «${ORDER_STATUS_RU[from]}» нельзя перевести в «${ORDER_STATUS_RU[to]}»`, { from: ORDER_STATUS_RU[from], to: ORDER_STATUS_RU[to] });
  await tx.update(orders).set({ status: to, updatedAt: new Date() }).where(eq(orders.id, orderId));
  await tx.insert(orderStatusEvents).values({ projectId: member.projectId, orderId, fromStatus: from, toStatus: to, actorKind: "member", actorMembershipId: member.membershipId });
  const events: RealtimeEvent[] = [];
  if (from === "new" && to !== "cancelled") await onConfirmed(tx, member.projectId, order.order.conversationId, { kind: "member", membershipId: member.membershipId }, events);
  const messageId = await statusMessage(tx, order.order, to);
  events.unshift(await orderEvent(tx, "order.updated", { ...order.order, status: to }));
  const [cv] = await tx.select({ assigneeId: conversations.assigneeId }).from(conversations).where(eq(conversations.id, order.order.conversationId));
  events.push({ type: "conversation.message", projectId: member.projectId, conversationId: order.order.conversationId, messageId, direction: "out", assigneeId: cv?.assigneeId ?? null });
  return { status: to, outboundMessageIds: [messageId], events };
}

const orderColumns = {
  id: orders.id,
  number: orders.number,
  status: orders.status,
  source: orders.source,
  conversationId: orders.conversationId,
  customerName: orders.customerName,
  contactName: contacts.name,
  phone: orders.phone,
  fulfilment: orders.fulfilment,
  pickupTime: orders.pickupTime,
  address: orders.address,
  comment: orders.comment,
  totalMinor: orders.totalMinor,
  currency: orders.currency,
  createdAt: orders.createdAt,
  updatedAt: orders.updatedAt,
  // «Оплачен» is derived from the order's newest bill that was not cancelled: nothing to keep in step.
  paymentStatus: sql<PaymentStatus | null>`(select ${payments.status} from ${payments} where ${payments.orderId} = ${orders.id} and ${payments.status} <> 'canceled' order by ${payments.createdAt} desc limit 1)`,
  paidAt: sql<Date | null>`(select ${payments.paidAt} from ${payments} where ${payments.orderId} = ${orders.id} and ${payments.status} <> 'canceled' order by ${payments.createdAt} desc limit 1)`.mapWith((v: string | null): Date | null => (v === null ? null : new Date(v))),
};

async function withLines<R extends { id: string; phone: string | null; pickupTime: string | null; address: string | null; comment: string }>(tx: Tx, member: Member, rows: R[]) {
  const ids = rows.map((r) => r.id);
  const items = ids.length ? await tx.select().from(orderItems).where(inArray(orderItems.orderId, ids)).orderBy(asc(orderItems.sortOrder)) : [];
  return rows.map((r) => ({
    ...r,
    ...redactContact(member, { phone: r.phone }),
    address: redactText(member, r.address),
    pickupTime: redactText(member, r.pickupTime),
    comment: redactText(member, r.comment),
    // Whether it is paid is payment data: a role with payments hidden sees neither.
    ...(member.hiddenFields.has("payments") ? { paymentStatus: null as PaymentStatus | null, paidAt: null as Date | null } : {}),
    items: items.filter((i) => i.orderId === r.id).map((i) => ({ id: i.id, name: i.name, unitPriceMinor: i.unitPriceMinor, options: i.options, quantity: i.quantity, lineTotalMinor: i.lineTotalMinor })),
  }));
}

export const BOARD_LIMIT = 200;

/** The orders board: open orders and those finished in the last day, of conversations the member may see. */
export async function listBoard(tx: Tx, member: Member) {
  assertCan(member, "orders.manage");
  const rows = await tx
    .select(orderColumns)
    .from(orders)
    .innerJoin(conversations, eq(conversations.id, orders.conversationId))
    .innerJoin(contacts, eq(contacts.id, orders.contactId))
    .where(and(visibleTo(member), sql`(${orders.status} not in ('done', 'cancelled') or ${orders.updatedAt} > now() - interval '1 day')`))
    .orderBy(desc(orders.createdAt))
    .limit(BOARD_LIMIT);
  return withLines(tx, member, rows);
}

/** One conversation's orders, newest first (the contact panel). */
export async function listConversationOrders(tx: Tx, member: Member, conversationId: string) {
  assertCan(member, "inbox.use");
  await getConversation(tx, member, conversationId);
  const rows = await tx.select(orderColumns).from(orders).innerJoin(contacts, eq(contacts.id, orders.contactId)).where(eq(orders.conversationId, conversationId)).orderBy(desc(orders.createdAt)).limit(20);
  return withLines(tx, member, rows);
}

/** An order's status history, oldest first: who (a member's name, the client, the system) and when. */
export async function orderHistory(tx: Tx, member: Member, orderId: string) {
  const [order] = await tx.select({ id: orders.id }).from(orders).innerJoin(conversations, eq(conversations.id, orders.conversationId)).where(and(eq(orders.id, orderId), visibleTo(member)));
  if (!order) throw notFound("order");
  return tx
    .select({ fromStatus: orderStatusEvents.fromStatus, toStatus: orderStatusEvents.toStatus, actorKind: orderStatusEvents.actorKind, actorName: memberName(orderStatusEvents.actorMembershipId), createdAt: orderStatusEvents.createdAt })
    .from(orderStatusEvents)
    .where(eq(orderStatusEvents.orderId, orderId))
    .orderBy(asc(orderStatusEvents.createdAt));
}

/** The project's status messages: its own where written, the defaults elsewhere. */
export async function getOrderTemplates(tx: Tx, member: Member) {
  assertCan(member, "orders.manage");
  const [p] = await tx.select({ settings: projects.settings }).from(projects).where(eq(projects.id, member.projectId));
  return { defaults: DEFAULT_ORDER_TEMPLATES, custom: p?.settings.orderTemplates ?? {} };
}

export async function setOrderTemplates(tx: Tx, member: Member, custom: Partial<Record<OrderStatus, string>>) {
  assertCan(member, "catalog.manage");
  for (const text of Object.values(custom))
    if (text && text.length > MAX_TEMPLATE_LENGTH) throw badRequest("order.templateTooLong", `Текст сообщения длиннее ${MAX_TEMPLATE_LENGTH} символов`, { max: MAX_TEMPLATE_LENGTH });
  const cleaned = Object.fromEntries(Object.entries(custom).filter(([, v]) => v?.trim()).map(([k, v]) => [k, v!.trim()]));
  await tx
    .update(projects)
    .set({ settings: sql`jsonb_set(${projects.settings}, '{orderTemplates}', ${JSON.stringify(cleaned)}::jsonb)` })
    .where(eq(projects.id, member.projectId));
}
