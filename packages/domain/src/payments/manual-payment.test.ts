import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { leadEvents, payments, withTenant } from "@threadline/db";
import { clientMessage, createTwoTenantEnv, type TestEnv } from "@threadline/testing";
import { loadCatalog, upsertCatalog } from "../catalog/index.ts";

// «Отметить оплату» (cash, a transfer) for an order of the conversation: it pays that order.

let env: TestEnv;
let A: Awaited<ReturnType<TestEnv["createTenant"]>>;
let B: Awaited<ReturnType<TestEnv["createTenant"]>>;
const croissant = new Map<string, string>();

async function catalogOf(T: typeof A) {
  await withTenant(env.db, T.project.id, (tx) => upsertCatalog(tx, T.project.id, [{ name: "Круассан", category: "Выпечка", priceMinor: 28000 }]));
  const view = await withTenant(env.db, T.project.id, (tx) => loadCatalog(tx));
  croissant.set(T.project.id, view.products[0]!.id);
}

/** A fresh conversation in T with an order of two croissants (560 ₽). */
async function orderIn(T: typeof A, chatId: string) {
  const { conversationId } = await env.ingest(T.channel, clientMessage({ chatId, text: "Два круассана, пожалуйста" }));
  const order = await env.caller(T.manager.token).orders.create({ projectId: T.project.id, conversationId, lines: [{ productId: croissant.get(T.project.id)!, optionIds: [], quantity: 2 }] });
  return { conversationId, orderId: order.orderId, number: order.number, total: order.totalMinor };
}

const paymentsOf = (conversationId: string) => env.owner.select().from(payments).where(eq(payments.conversationId, conversationId));
const wonChanges = async (conversationId: string) => (await env.owner.select().from(leadEvents).where(and(eq(leadEvents.conversationId, conversationId), eq(leadEvents.toStage, "won")))).length;
const orderView = async (T: typeof A, conversationId: string, orderId: string) =>
  (await env.caller(T.manager.token).orders.forConversation({ projectId: T.project.id, conversationId })).find((o) => o.id === orderId)!;

beforeAll(async () => {
  ({ env, A, B } = await createTwoTenantEnv("Кофейня", "Пекарня"));
  await catalogOf(A);
  await catalogOf(B);
});
afterAll(async () => env?.close());

describe("«Отметить оплату» for an order", () => {
  it("pays the order's total: the payment names the order, the order reads «оплачен», the lead is won once", async () => {
    const o = await orderIn(A, "9101");
    expect(o.total).toBe(56000);
    const api = env.caller(A.manager.token);
    await api.payments.markPaid({ projectId: A.project.id, conversationId: o.conversationId, method: "cash", orderId: o.orderId });
    const [p] = await paymentsOf(o.conversationId);
    expect(p).toMatchObject({ provider: "manual", method: "cash", orderId: o.orderId, amount: 56000, currency: "RUB", status: "succeeded", description: `Заказ №${o.number}` });
    expect(await orderView(A, o.conversationId, o.orderId)).toMatchObject({ paymentStatus: "succeeded", paidAt: expect.any(Date) });
    expect(await wonChanges(o.conversationId)).toBe(1);

    // Paid once: neither a second mark nor a bill on it.
    await expect(api.payments.markPaid({ projectId: A.project.id, conversationId: o.conversationId, method: "transfer", orderId: o.orderId })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      cause: { code: "payments.orderPaid", params: { number: o.number } },
    });
    await expect(api.payments.billOrder({ projectId: A.project.id, orderId: o.orderId })).rejects.toMatchObject({ cause: { code: "payments.orderPaid" } });
    expect(await paymentsOf(o.conversationId)).toHaveLength(1);
  });

  it("the amount typed is the order's total or nothing: another sum is refused, nothing stored", async () => {
    const o = await orderIn(A, "9102");
    const api = env.caller(A.manager.token);
    await expect(api.payments.markPaid({ projectId: A.project.id, conversationId: o.conversationId, amount: 50000, method: "cash", orderId: o.orderId })).rejects.toMatchObject({
      cause: { code: "payments.orderAmount", params: { number: o.number, amount: "560\u00a0₽" } },
    });
    await api.payments.markPaid({ projectId: A.project.id, conversationId: o.conversationId, amount: 56000, method: "transfer", orderId: o.orderId });
    expect(await paymentsOf(o.conversationId)).toMatchObject([{ amount: 56000, orderId: o.orderId, method: "transfer" }]);
  });

  it("a cancelled order and an order of another conversation are refused, nothing stored", async () => {
    const api = env.caller(A.manager.token);
    const cancelled = await orderIn(A, "9103");
    await env.caller(A.owner.token).orders.setStatus({ projectId: A.project.id, orderId: cancelled.orderId, status: "cancelled" });
    await expect(api.payments.markPaid({ projectId: A.project.id, conversationId: cancelled.conversationId, method: "cash", orderId: cancelled.orderId })).rejects.toMatchObject({
      cause: { code: "payments.orderCancelled" },
    });
    const other = await orderIn(A, "9104");
    await expect(api.payments.markPaid({ projectId: A.project.id, conversationId: cancelled.conversationId, method: "cash", orderId: other.orderId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await paymentsOf(cancelled.conversationId)).toHaveLength(0);
    expect(await paymentsOf(other.conversationId)).toHaveLength(0);
    expect((await orderView(A, other.conversationId, other.orderId)).paymentStatus).toBeNull();
  });

  it("another project's order is refused by id, and stays unpaid", async () => {
    const theirs = await orderIn(B, "9105");
    const { conversationId } = await env.ingest(A.channel, clientMessage({ chatId: "9106", text: "Оплачу наличными" }));
    await expect(env.caller(A.owner.token).payments.markPaid({ projectId: A.project.id, conversationId, method: "cash", orderId: theirs.orderId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await paymentsOf(conversationId)).toHaveLength(0);
    expect(await paymentsOf(theirs.conversationId)).toHaveLength(0);
    expect((await orderView(B, theirs.conversationId, theirs.orderId)).paymentStatus).toBeNull();
  });

  it("without an order it is a payment of its own, and then the amount is required", async () => {
    const { conversationId } = await env.ingest(A.channel, clientMessage({ chatId: "9107", text: "Перевела на карту" }));
    const api = env.caller(A.manager.token);
    await expect(api.payments.markPaid({ projectId: A.project.id, conversationId, method: "transfer" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await api.payments.markPaid({ projectId: A.project.id, conversationId, amount: 150000, method: "transfer" });
    expect(await paymentsOf(conversationId)).toMatchObject([{ amount: 150000, orderId: null, description: "Оплата переводом" }]);
  });
});
