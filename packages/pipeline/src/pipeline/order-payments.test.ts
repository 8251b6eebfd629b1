import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { contacts, conversations, leadEvents, paymentEvents, payments, withTenant } from "@threadline/db";
import { loadCatalog, upsertCatalog } from "@threadline/domain/catalog/index.ts";
import { YooKassaSimulator } from "@threadline/simulators/payments";
import { clientMessage, createTestEnv, startTestPipeline, type TestEnv } from "@threadline/testing";

// A bill for an order: its total and lines billed once, «оплачен» read from its payment.

let env: TestEnv;
let A: Awaited<ReturnType<TestEnv["createTenant"]>>;
let B: Awaited<ReturnType<TestEnv["createTenant"]>>;
let pipeline: Awaited<ReturnType<typeof startTestPipeline>>;
const yk = new YooKassaSimulator();
let products: { cappuccino: string; oat: string; croissant: string };
let receiptsAccount: string;

const post = (url: string, body: string) => fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
const paymentsOfOrder = (orderId: string) => env.owner.select().from(payments).where(eq(payments.orderId, orderId));
const wonChanges = async (conversationId: string) => (await env.owner.select().from(leadEvents).where(and(eq(leadEvents.conversationId, conversationId), eq(leadEvents.toStage, "won")))).length;
const settle = () => new Promise((r) => setTimeout(r, 400));

/** A fresh conversation with a phone (receipts need one) and an order of two lines in it. */
async function orderIn(T: typeof A, chatId: string) {
  const { conversationId } = await env.ingest(T.channel, clientMessage({ chatId, text: "Хочу заказать" }));
  const [c] = await env.owner.select().from(conversations).where(eq(conversations.id, conversationId));
  await env.owner.update(contacts).set({ phone: "+79161234567" }).where(eq(contacts.id, c!.contactId));
  const order = await env.caller(T.manager.token).orders.create({
    projectId: T.project.id,
    conversationId,
    lines: [
      { productId: products.cappuccino, optionIds: [products.oat], quantity: 2 },
      { productId: products.croissant, optionIds: [], quantity: 1 },
    ],
  });
  return { conversationId, orderId: order.orderId, total: order.totalMinor };
}

const billOrder = (T: typeof A, orderId: string, accountId?: string) => env.caller(T.manager.token).payments.billOrder({ projectId: T.project.id, orderId, accountId });
const orderView = async (T: typeof A, conversationId: string, orderId: string) =>
  (await env.caller(T.manager.token).orders.forConversation({ projectId: T.project.id, conversationId })).find((o) => o.id === orderId)!;

beforeAll(async () => {
  env = await createTestEnv();
  A = await env.createTenant("Кофейня");
  B = await env.createTenant("Пекарня");
  await yk.start();
  env.useEndpoints({ yookassaApiUrl: yk.apiUrl });
  pipeline = await startTestPipeline(env);
  await withTenant(env.db, A.project.id, (tx) =>
    upsertCatalog(tx, A.project.id, [
      { name: "Капучино", category: "Кофе", priceMinor: 22000, options: [{ group: "Молоко", name: "овсяное", priceDeltaMinor: 4000 }] },
      { name: "Круассан", category: "Выпечка", priceMinor: 15000 },
    ]),
  );
  const view = await withTenant(env.db, A.project.id, (tx) => loadCatalog(tx));
  const cap = view.products.find((p) => p.name === "Капучино")!;
  products = { cappuccino: cap.id, oat: cap.options[0]!.id, croissant: view.products.find((p) => p.name === "Круассан")!.id };
  const shop = yk.addShop({ receiptsRequired: true });
  receiptsAccount = (await env.caller(A.owner.token).paymentAccounts.save({ projectId: A.project.id, provider: "yookassa", name: "ЮKassa", shopId: shop.shopId, secretKey: shop.secretKey, currency: "RUB", receipts: true, vatCode: 4 })).id;
  yk.setNotificationUrl(shop.shopId, `${pipeline.url}/webhooks/yookassa/${receiptsAccount}`);
});
afterAll(async () => {
  await pipeline?.close();
  await yk.stop();
  await env?.close();
});

describe("a bill for an order", () => {
  let order: Awaited<ReturnType<typeof orderIn>>;
  let paymentId: string;
  let providerId: string;

  it("bills exactly the order's total with its lines as the receipt's items; the order shows the bill", async () => {
    order = await orderIn(A, "8101");
    expect(order.total).toBe(2 * 26000 + 15000);
    const res = await billOrder(A, order.orderId);
    paymentId = res.paymentId;
    const [p] = await paymentsOfOrder(order.orderId);
    expect(p).toMatchObject({ id: paymentId, orderId: order.orderId, amount: 67000, currency: "RUB", status: "pending", conversationId: order.conversationId });
    providerId = p!.providerPaymentId!;
    const create = yk.requests.filter((r) => r.method === "POST" && r.path === "/v3/payments").at(-1)!;
    expect(create.body).toMatchObject({
      amount: { value: "670.00", currency: "RUB" },
      receipt: {
        customer: { phone: "79161234567" },
        items: [
          { description: "Капучино (овсяное)", quantity: "2.00", amount: { value: "260.00", currency: "RUB" }, vat_code: 4 },
          { description: "Круассан", quantity: "1.00", amount: { value: "150.00", currency: "RUB" }, vat_code: 4 },
        ],
      },
    });
    expect(await orderView(A, order.conversationId, order.orderId)).toMatchObject({ paymentStatus: "pending", paidAt: null });
  });

  it("an order with a bill open is not billed again: a clear error, nothing sent", async () => {
    const before = yk.requests.length;
    await expect(billOrder(A, order.orderId)).rejects.toMatchObject({ message: expect.stringContaining("уже выставлен счёт") });
    expect(yk.requests.length).toBe(before);
    expect(await paymentsOfOrder(order.orderId)).toHaveLength(1);
  });

  it("paid on the page, the notification delivered three times: one payment, one change; the order shows «оплачен» in the panel and on the board", async () => {
    await fetch(`${yk.url}/checkout/${providerId}/pay`, { method: "POST" });
    await yk.settled();
    const delivery = yk.deliveries.at(-1)!;
    expect(delivery.status).toBe(200);
    const again = await Promise.all([post(delivery.url, delivery.body), post(delivery.url, delivery.body)]);
    expect(again.map((r) => r.status)).toEqual([200, 200]);
    await expect.poll(async () => (await paymentsOfOrder(order.orderId))[0]!.status, { timeout: 5000 }).toBe("succeeded");
    await settle();
    expect(await paymentsOfOrder(order.orderId)).toHaveLength(1);
    expect((await env.owner.select().from(paymentEvents).where(eq(paymentEvents.paymentId, paymentId))).filter((e) => e.kind === "succeeded")).toHaveLength(1);
    expect(await wonChanges(order.conversationId)).toBe(1);
    expect(env.published.filter((e) => e.type === "order.updated" && e.orderId === order.orderId)).toHaveLength(1);
    const view = await orderView(A, order.conversationId, order.orderId);
    expect(view.paymentStatus).toBe("succeeded");
    expect(view.paidAt).toBeInstanceOf(Date);
    const board = await env.caller(A.owner.token).orders.board({ projectId: A.project.id });
    expect(board.find((o) => o.id === order.orderId)).toMatchObject({ paymentStatus: "succeeded" });
  });

  it("a paid order is not billed again", async () => {
    await expect(billOrder(A, order.orderId)).rejects.toMatchObject({ message: expect.stringContaining("уже оплачен") });
    expect(await paymentsOfOrder(order.orderId)).toHaveLength(1);
  });

  it("a refund shows on the order", async () => {
    await yk.refund(providerId);
    await expect.poll(async () => (await orderView(A, order.conversationId, order.orderId)).paymentStatus, { timeout: 5000 }).toBe("refunded");
  });

  it("a notification whose amount differs from the order's bill changes nothing", async () => {
    const o = await orderIn(A, "8102");
    await billOrder(A, o.orderId);
    const [p] = await paymentsOfOrder(o.orderId);
    yk.payments.get(p!.providerPaymentId!)!.amount.value = "1.00";
    await yk.pay(p!.providerPaymentId!);
    await expect.poll(async () => (await env.owner.select().from(paymentEvents).where(and(eq(paymentEvents.paymentId, p!.id), eq(paymentEvents.kind, "mismatch")))).length, { timeout: 5000 }).toBe(1);
    expect((await paymentsOfOrder(o.orderId))[0]!.status).toBe("pending");
    expect(await orderView(A, o.conversationId, o.orderId)).toMatchObject({ paymentStatus: "pending", paidAt: null });
    expect(await wonChanges(o.conversationId)).toBe(0);
  });

  it("a cancelled order cannot be billed; a cancelled bill lets the order be billed again", async () => {
    const o = await orderIn(A, "8103");
    await env.caller(A.manager.token).orders.setStatus({ projectId: A.project.id, orderId: o.orderId, status: "cancelled" });
    await expect(billOrder(A, o.orderId)).rejects.toMatchObject({ message: expect.stringContaining("Заказ отменён") });
    expect(await paymentsOfOrder(o.orderId)).toHaveLength(0);

    const o2 = await orderIn(A, "8104");
    const first = await billOrder(A, o2.orderId);
    const [p] = await paymentsOfOrder(o2.orderId);
    await yk.cancel(p!.providerPaymentId!);
    await expect.poll(async () => (await paymentsOfOrder(o2.orderId)).find((x) => x.id === first.paymentId)!.status, { timeout: 5000 }).toBe("canceled");
    await billOrder(A, o2.orderId);
    expect((await paymentsOfOrder(o2.orderId)).map((x) => x.status).sort()).toEqual(["canceled", "pending"]);
  });

  it("an account in another currency than the order's is refused", async () => {
    const shop = yk.addShop();
    const eur = await env.caller(A.owner.token).paymentAccounts.save({ projectId: A.project.id, provider: "yookassa", name: "EUR", shopId: shop.shopId, secretKey: shop.secretKey, currency: "EUR" });
    const o = await orderIn(A, "8105");
    await expect(billOrder(A, o.orderId, eur.id)).rejects.toMatchObject({ message: expect.stringContaining("платёжная система принимает EUR") });
    expect(await paymentsOfOrder(o.orderId)).toHaveLength(0);
  });

  it("a role with payments hidden neither bills an order nor sees whether it is paid", async () => {
    await env.caller(A.owner.token).roles.update({ projectId: A.project.id, roleId: A.manager.roleId, hiddenFields: ["payments"] });
    try {
      await expect(billOrder(A, order.orderId)).rejects.toMatchObject({ code: "FORBIDDEN" });
      expect(await orderView(A, order.conversationId, order.orderId)).toMatchObject({ paymentStatus: null, paidAt: null });
    } finally {
      await env.caller(A.owner.token).roles.update({ projectId: A.project.id, roleId: A.manager.roleId, hiddenFields: ["contact.profileUrl", "conversation.attribution"] });
    }
  });
});

describe("another project's order", () => {
  it("is refused by id to another project's manager, and cannot be named by its payments", async () => {
    const o = await orderIn(A, "8110");
    const shop = yk.addShop();
    await env.caller(B.owner.token).paymentAccounts.save({ projectId: B.project.id, provider: "yookassa", name: "ЮKassa", shopId: shop.shopId, secretKey: shop.secretKey, currency: "RUB" });
    const before = yk.requests.length;
    await expect(billOrder(B, o.orderId)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(yk.requests.length).toBe(before);
    expect(await paymentsOfOrder(o.orderId)).toHaveLength(0);
    // The database refuses it too: a payment names its order together with its project.
    await expect(env.owner.insert(payments).values({ projectId: B.project.id, provider: "manual", orderId: o.orderId, amount: 100, currency: "RUB", description: "x" })).rejects.toThrow();
  });
});
