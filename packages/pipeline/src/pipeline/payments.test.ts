import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { contacts, conversations, leadEvents, messages, notifications, paymentEvents, payments, withTenant } from "@threadline/db";
import { loadMember } from "@threadline/domain/access/load.ts";
import { createBill } from "@threadline/domain/payments/service.ts";
import { StripeSimulator, stripeSignature, YooKassaSimulator } from "@threadline/simulators/payments";
import { clientMessage, createTestEnv, startTestPipeline, type TestEnv } from "@threadline/testing";

let env: TestEnv;
let A: Awaited<ReturnType<TestEnv["createTenant"]>>;
let B: Awaited<ReturnType<TestEnv["createTenant"]>>;
let pipeline: Awaited<ReturnType<typeof startTestPipeline>>;
const yk = new YooKassaSimulator();
const st = new StripeSimulator();
let ykAccountA: string;
let ykAccountB: string;
let stAccountA: string;
let stripeAccount: ReturnType<StripeSimulator["addAccount"]>;

const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
  fetch(path.startsWith("http") ? path : `${pipeline.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

const paymentRow = async (id: string) => (await env.owner.select().from(payments).where(eq(payments.id, id)))[0]!;
const wonChanges = async (conversationId: string) => (await env.owner.select().from(leadEvents).where(and(eq(leadEvents.conversationId, conversationId), eq(leadEvents.toStage, "won")))).length;
const eventsOf = async (paymentId: string) => env.owner.select().from(paymentEvents).where(eq(paymentEvents.paymentId, paymentId));
/** Lets the worker drain what the ingress queued. */
const settle = () => new Promise((r) => setTimeout(r, 400));

/** A new client conversation in tenant T, so each case starts from a fresh lead. */
async function newConversation(T: typeof A, chatId: string) {
  const r = await env.ingest(T.channel, clientMessage({ chatId, text: "Хочу оплатить заказ" }));
  return r.conversationId;
}

async function bill(T: typeof A, conversationId: string, amount: number, accountId?: string) {
  return env.caller(T.manager.token).payments.bill({ projectId: T.project.id, conversationId, amount, description: "Курс «Бариста», поток 12", accountId });
}

beforeAll(async () => {
  env = await createTestEnv();
  A = await env.createTenant("PayA");
  B = await env.createTenant("PayB");
  await yk.start();
  await st.start();
  env.useEndpoints({ yookassaApiUrl: yk.apiUrl, stripeApiUrl: st.apiUrl });
  pipeline = await startTestPipeline(env);
  const shopA = yk.addShop();
  const shopB = yk.addShop();
  ykAccountA = (await env.caller(A.owner.token).paymentAccounts.save({ projectId: A.project.id, provider: "yookassa", name: "ЮKassa", shopId: shopA.shopId, secretKey: shopA.secretKey, currency: "RUB" })).id;
  ykAccountB = (await env.caller(B.owner.token).paymentAccounts.save({ projectId: B.project.id, provider: "yookassa", name: "ЮKassa", shopId: shopB.shopId, secretKey: shopB.secretKey, currency: "RUB" })).id;
  yk.setNotificationUrl(shopA.shopId, `${pipeline.url}/webhooks/yookassa/${ykAccountA}`);
  yk.setNotificationUrl(shopB.shopId, `${pipeline.url}/webhooks/yookassa/${ykAccountB}`);
  stripeAccount = st.addAccount();
  stAccountA = (await env.caller(A.owner.token).paymentAccounts.save({ projectId: A.project.id, provider: "stripe", name: "Stripe", secretKey: stripeAccount.secretKey, webhookSecret: stripeAccount.webhookSecret, currency: "EUR" })).id;
  st.setWebhookUrl(stripeAccount.secretKey, `${pipeline.url}/webhooks/stripe/${stAccountA}`);
});
afterAll(async () => {
  await pipeline?.close();
  await yk.stop();
  await st.stop();
  await env?.close();
});

describe("YooKassa: a bill paid on the hosted page", () => {
  let conversationId: string;
  let paymentId: string;
  let providerId: string;

  it("creates the payment with an Idempotence-Key and basic auth, and sends the link into the chat", async () => {
    conversationId = await newConversation(A, "7001");
    const res = await bill(A, conversationId, 150000);
    paymentId = res.paymentId;
    const p = await paymentRow(paymentId);
    expect(p).toMatchObject({ status: "pending", amount: 150000, currency: "RUB", provider: "yookassa", accountId: ykAccountA, conversationId });
    providerId = p.providerPaymentId!;
    const create = yk.requests.find((r) => r.method === "POST" && r.path === "/v3/payments")!;
    expect(create.headers["idempotence-key"]).toBe(paymentId);
    expect(create.body).toMatchObject({ amount: { value: "1500.00", currency: "RUB" }, confirmation: { type: "redirect" }, metadata: { payment_id: paymentId } });
    const [message] = await env.owner.select().from(messages).where(eq(messages.id, res.messageId));
    expect(message!.text).toContain(res.confirmationUrl);
    expect(message!.text).toMatch(/Сумма: 1\s500\s₽\n/);
    expect(res.confirmationUrl).toBe(`${yk.url}/checkout/${providerId}`);
  });

  it("the client pays on the page: the payment is paid, the lead won, the assignee told — once, though the notification comes three times", async () => {
    const page = await fetch(`${yk.url}/checkout/${providerId}`);
    expect(await page.text()).toContain("Оплатить");
    const paid = await fetch(`${yk.url}/checkout/${providerId}/pay`, { method: "POST" });
    expect(await paid.text()).toContain("Оплата прошла");
    await yk.settled();
    const delivery = yk.deliveries.at(-1)!;
    expect(delivery.status).toBe(200);
    // The same notification twice more, one of them while the first may still be applied.
    const again = await Promise.all([post(delivery.url, delivery.body), post(delivery.url, delivery.body)]);
    expect(again.map((r) => r.status)).toEqual([200, 200]);
    await expect.poll(async () => (await paymentRow(paymentId)).status, { timeout: 5000 }).toBe("succeeded");
    await settle();
    expect((await env.owner.select().from(payments).where(eq(payments.conversationId, conversationId))).length).toBe(1);
    expect(await wonChanges(conversationId)).toBe(1);
    expect((await eventsOf(paymentId)).filter((e) => e.kind === "succeeded")).toHaveLength(1);
    const [c] = await env.owner.select().from(conversations).where(eq(conversations.id, conversationId));
    expect(c).toMatchObject({ stage: "won", assigneeId: A.manager.membershipId });
    const notes = await env.owner.select().from(notifications).where(and(eq(notifications.conversationId, conversationId), eq(notifications.kind, "payment.succeeded")));
    expect(notes).toHaveLength(1);
    expect(notes[0]!.membershipId).toBe(A.manager.membershipId);
    expect(env.published).toContainEqual(expect.objectContaining({ type: "payment.updated", paymentId, conversationId }));
    const view = await env.caller(A.manager.token).payments.forConversation({ projectId: A.project.id, conversationId });
    expect(view).toMatchObject({ revenue: 150000, payments: [{ id: paymentId, status: "succeeded" }] });
  });

  it("a refund lowers the revenue; the old «succeeded» notification replayed after it changes nothing", async () => {
    const firstNotice = yk.deliveries.find((d) => d.body.includes(providerId) && d.body.includes("payment.succeeded"))!;
    await yk.refund(providerId, 50000);
    await expect.poll(async () => (await paymentRow(paymentId)).status, { timeout: 5000 }).toBe("refunded");
    expect((await paymentRow(paymentId)).refundedAmount).toBe(50000);
    expect((await post(firstNotice.url, firstNotice.body)).status).toBe(200);
    await settle();
    expect(await paymentRow(paymentId)).toMatchObject({ status: "refunded", refundedAmount: 50000 });
    expect(await wonChanges(conversationId)).toBe(1);
    const view = await env.caller(A.manager.token).payments.forConversation({ projectId: A.project.id, conversationId });
    expect(view!.revenue).toBe(100000);
  });

  it("a canceled bill is canceled and wins nothing", async () => {
    const cid = await newConversation(A, "7002");
    const { paymentId: id } = await bill(A, cid, 99000);
    const p = await paymentRow(id);
    await yk.cancel(p.providerPaymentId!);
    await expect.poll(async () => (await paymentRow(id)).status, { timeout: 5000 }).toBe("canceled");
    expect(await wonChanges(cid)).toBe(0);
  });
});

describe("YooKassa: forged, malformed and misdirected notifications", () => {
  it("a notification that says «succeeded» for a payment still pending at YooKassa changes nothing", async () => {
    const cid = await newConversation(A, "7010");
    const { paymentId } = await bill(A, cid, 10000);
    const p = await paymentRow(paymentId);
    const forged = JSON.stringify({ type: "notification", event: "payment.succeeded", object: { id: p.providerPaymentId, status: "succeeded", paid: true, amount: { value: "100.00", currency: "RUB" } } });
    expect((await post(`/webhooks/yookassa/${ykAccountA}`, forged)).status).toBe(200);
    await settle();
    expect((await paymentRow(paymentId)).status).toBe("pending");
    expect(await wonChanges(cid)).toBe(0);
  });

  it("a payment YooKassa does not know, malformed JSON, a body that is no notification, an unknown account: 4xx, nothing stored", async () => {
    const before = (await env.owner.select().from(paymentEvents)).length;
    const unknown = JSON.stringify({ type: "notification", event: "payment.succeeded", object: { id: "2d8c1f2e-000f-5000-9000-1a2b3c4d5e6f" } });
    expect((await post(`/webhooks/yookassa/${ykAccountA}`, unknown)).status).toBe(404);
    expect((await post(`/webhooks/yookassa/${ykAccountA}`, "{not json")).status).toBe(400);
    expect((await post(`/webhooks/yookassa/${ykAccountA}`, JSON.stringify({ hello: "world" }))).status).toBe(400);
    expect((await post(`/webhooks/yookassa/${ykAccountA}`, JSON.stringify({ type: "notification", event: "payment.succeeded", object: { id: "../../me" } }))).status).toBe(400);
    expect((await post(`/webhooks/yookassa/${ykAccountA}`, "")).status).toBe(400);
    expect((await post(`/webhooks/yookassa/00000000-0000-4000-8000-000000000000`, unknown)).status).toBe(404);
    expect((await post(`/webhooks/yookassa/not-a-uuid`, unknown)).status).toBe(404);
    // A Stripe account's URL does not take YooKassa's notifications.
    expect((await post(`/webhooks/yookassa/${stAccountA}`, unknown)).status).toBe(404);
    expect((await post(`/webhooks/yookassa/${ykAccountA}`, Buffer.alloc(70 * 1024, 32))).status).toBe(413);
    await settle();
    expect((await env.owner.select().from(paymentEvents)).length).toBe(before);
  });

  it("A's payment notified to B's account: B's shop does not know it (404), A's payment stays pending", async () => {
    const cid = await newConversation(A, "7011");
    const { paymentId } = await bill(A, cid, 20000);
    const p = await paymentRow(paymentId);
    yk.payments.get(p.providerPaymentId!)!.status = "succeeded";
    const note = JSON.stringify({ type: "notification", event: "payment.succeeded", object: { id: p.providerPaymentId } });
    expect((await post(`/webhooks/yookassa/${ykAccountB}`, note)).status).toBe(404);
    await settle();
    expect((await paymentRow(paymentId)).status).toBe("pending");
    yk.payments.get(p.providerPaymentId!)!.status = "pending";
  });

  it("an amount other than the one billed is refused and recorded; the lead does not move", async () => {
    const cid = await newConversation(A, "7012");
    const { paymentId } = await bill(A, cid, 300000);
    const p = await paymentRow(paymentId);
    // The provider reports a different amount than the bill (a tampered or mixed-up payment).
    yk.payments.get(p.providerPaymentId!)!.amount.value = "3.00";
    await yk.pay(p.providerPaymentId!);
    await expect.poll(async () => (await eventsOf(paymentId)).filter((e) => e.kind === "mismatch").length, { timeout: 5000 }).toBe(1);
    const [mismatch] = (await eventsOf(paymentId)).filter((e) => e.kind === "mismatch");
    expect(mismatch).toMatchObject({ amount: 300, currency: "RUB", details: { billed: { amount: 300000, currency: "RUB" } } });
    expect((await paymentRow(paymentId)).status).toBe("pending");
    expect(await wonChanges(cid)).toBe(0);
  });
});

describe("YooKassa: a currency other than the one billed", () => {
  it("the same amount in another currency is refused and recorded; the payment stays pending and the lead does not move", async () => {
    const cid = await newConversation(A, "7013");
    const { paymentId } = await bill(A, cid, 300000);
    const p = await paymentRow(paymentId);
    yk.payments.get(p.providerPaymentId!)!.amount.currency = "USD";
    await yk.pay(p.providerPaymentId!);
    await expect.poll(async () => (await eventsOf(paymentId)).filter((e) => e.kind === "mismatch").length, { timeout: 5000 }).toBe(1);
    const [mismatch] = (await eventsOf(paymentId)).filter((e) => e.kind === "mismatch");
    expect(mismatch).toMatchObject({ amount: 300000, currency: "USD", details: { billed: { amount: 300000, currency: "RUB" } } });
    expect((await paymentRow(paymentId)).status).toBe("pending");
    expect(await wonChanges(cid)).toBe(0);
  });
});

describe("bad input around the bill", () => {
  it("a provider that times out: a clear error, no payment and no message", async () => {
    const cid = await newConversation(A, "7020");
    const messagesBefore = (await env.owner.select().from(messages).where(eq(messages.conversationId, cid))).length;
    const member = await loadMember(env.db, A.manager.user.id, A.project.id);
    yk.responseDelayMs = 1500;
    try {
      await expect(
        createBill((fn) => withTenant(env.db, A.project.id, fn), member, { secretKey: env.deps.secretKey, endpoints: env.deps.endpoints, returnUrl: "https://shop.example", timeoutMs: 300 }, { conversationId: cid, amount: 5000, description: "Тайм-аут" }),
      ).rejects.toMatchObject({ code: "payments.providerTimeout" });
    } finally {
      yk.responseDelayMs = 0;
    }
    expect(await env.owner.select().from(payments).where(eq(payments.conversationId, cid))).toEqual([]);
    expect((await env.owner.select().from(messages).where(eq(messages.conversationId, cid))).length).toBe(messagesBefore);
  });

  it("a provider error and refused keys are clear errors with nothing stored", async () => {
    const cid = await newConversation(A, "7021");
    yk.failNext({ status: 500 });
    await expect(bill(A, cid, 5000)).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("недоступна") });
    const shop = [...yk.shops.values()][0]!;
    const saved = shop.secretKey;
    shop.secretKey = "rotated";
    await expect(bill(A, cid, 5000)).rejects.toMatchObject({ message: expect.stringContaining("ключи") });
    shop.secretKey = saved;
    await expect(bill(A, cid, 0)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(env.caller(A.manager.token).payments.bill({ projectId: A.project.id, conversationId: cid, amount: 100, description: "   " })).rejects.toMatchObject({ message: expect.stringContaining("за что") });
    expect(await env.owner.select().from(payments).where(eq(payments.conversationId, cid))).toEqual([]);
  });

  it("a payment whose conversation was deleted is still recorded when paid; no lead moves", async () => {
    const cid = await newConversation(A, "7022");
    const { paymentId } = await bill(A, cid, 70000);
    const p = await paymentRow(paymentId);
    await env.owner.delete(conversations).where(eq(conversations.id, cid));
    expect((await paymentRow(paymentId)).conversationId).toBeNull();
    await yk.pay(p.providerPaymentId!);
    await expect.poll(async () => (await paymentRow(paymentId)).status, { timeout: 5000 }).toBe("succeeded");
  });

  it("a removed account: its URL answers 404, the payment keeps its state", async () => {
    const shop = yk.addShop();
    const account = await env.caller(B.owner.token).paymentAccounts.save({ projectId: B.project.id, provider: "yookassa", name: "Второй магазин", shopId: shop.shopId, secretKey: shop.secretKey, currency: "RUB" });
    const cid = await newConversation(B, "8001");
    const { paymentId } = await bill(B, cid, 40000, account.id);
    const p = await paymentRow(paymentId);
    await env.caller(B.owner.token).paymentAccounts.remove({ projectId: B.project.id, accountId: account.id });
    yk.setNotificationUrl(shop.shopId, `${pipeline.url}/webhooks/yookassa/${account.id}`);
    const delivery = await yk.pay(p.providerPaymentId!);
    expect(delivery!.status).toBe(404);
    await settle();
    expect(await paymentRow(paymentId)).toMatchObject({ status: "pending", accountId: null });
  });

  it("a role without the payments field: no bill, no payments in the panel", async () => {
    await env.caller(A.owner.token).roles.update({ projectId: A.project.id, roleId: A.manager.roleId, hiddenFields: ["payments"] });
    try {
      const cid = await newConversation(A, "7023");
      await expect(bill(A, cid, 5000)).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(env.caller(A.manager.token).payments.markPaid({ projectId: A.project.id, conversationId: cid, amount: 5000, method: "cash" })).rejects.toMatchObject({ code: "FORBIDDEN" });
      expect(await env.caller(A.manager.token).payments.forConversation({ projectId: A.project.id, conversationId: A.conversationId })).toBeNull();
    } finally {
      await env.caller(A.owner.token).roles.update({ projectId: A.project.id, roleId: A.manager.roleId, hiddenFields: ["contact.profileUrl", "conversation.attribution"] });
    }
  });

  it("54-FZ receipts: the item with its VAT code and the client's phone; no phone or e-mail, no bill", async () => {
    const shop = yk.addShop({ receiptsRequired: true });
    const account = await env.caller(A.owner.token).paymentAccounts.save({ projectId: A.project.id, provider: "yookassa", name: "С чеками", shopId: shop.shopId, secretKey: shop.secretKey, currency: "RUB", receipts: true, vatCode: 4 });
    const cid = await newConversation(A, "7025");
    await expect(bill(A, cid, 120000, account.id)).rejects.toMatchObject({ message: expect.stringContaining("Для чека нужен телефон") });
    const [c] = await env.owner.select().from(conversations).where(eq(conversations.id, cid));
    await env.owner.update(contacts).set({ phone: "+79161234567" }).where(eq(contacts.id, c!.contactId));
    const { paymentId } = await bill(A, cid, 120000, account.id);
    const create = yk.requests.filter((r) => r.method === "POST" && r.path === "/v3/payments").at(-1)!;
    expect(create.body).toMatchObject({
      receipt: { customer: { phone: "79161234567" }, items: [{ description: "Курс «Бариста», поток 12", quantity: "1.00", amount: { value: "1200.00", currency: "RUB" }, vat_code: 4 }] },
    });
    expect((await paymentRow(paymentId)).status).toBe("pending");
  });

  it("the manual «Оплачено» with an amount wins the lead once", async () => {
    const cid = await newConversation(A, "7024");
    await env.caller(A.manager.token).payments.markPaid({ projectId: A.project.id, conversationId: cid, amount: 250000, method: "transfer" });
    const view = await env.caller(A.manager.token).payments.forConversation({ projectId: A.project.id, conversationId: cid });
    expect(view).toMatchObject({ revenue: 250000, payments: [{ provider: "manual", method: "transfer", status: "succeeded" }] });
    expect(await wonChanges(cid)).toBe(1);
  });
});

describe("a role with payments hidden sees none of a bill, on every path", () => {
  it("thread, list preview and stage, search excerpt, contact panel and the «Клиент оплатил» notice: hidden for it, shown to a role that sees payments", async () => {
    const cid = await newConversation(A, "7040");
    const description = "Абонемент «Йога» на месяц";
    const res = await env.caller(A.manager.token).payments.bill({ projectId: A.project.id, conversationId: cid, amount: 777000, description });
    const hide = () => env.caller(A.owner.token).roles.update({ projectId: A.project.id, roleId: A.manager.roleId, hiddenFields: ["payments"] });
    await hide();
    try {
      const p = await paymentRow(res.paymentId);
      await fetch(`${yk.url}/checkout/${p.providerPaymentId}/pay`, { method: "POST" });
      await expect.poll(async () => (await paymentRow(res.paymentId)).status, { timeout: 5000 }).toBe("succeeded");
      await settle();
      // The assignee's role hides payments: the lead is won, but nobody tells it that the client paid.
      const [c] = await env.owner.select().from(conversations).where(eq(conversations.id, cid));
      expect(c).toMatchObject({ stage: "won", assigneeId: A.manager.membershipId });
      expect(await env.owner.select().from(notifications).where(and(eq(notifications.conversationId, cid), eq(notifications.kind, "payment.succeeded")))).toHaveLength(0);

      const look = async (token: string) => {
        const caller = env.caller(token);
        const thread = await caller.conversations.messages({ projectId: A.project.id, conversationId: cid });
        const list = await caller.conversations.list({ projectId: A.project.id, filter: "all" });
        const found = await caller.conversations.list({ projectId: A.project.id, filter: "all", search: "Йога" });
        const header = await caller.conversations.get({ projectId: A.project.id, conversationId: cid });
        const panel = await caller.payments.forConversation({ projectId: A.project.id, conversationId: cid });
        return { thread, row: list.items.find((r) => r.id === cid), found: found.items.find((r) => r.id === cid), header, panel };
      };
      const hidden = await look(A.manager.token);
      expect(hidden.thread.items.map((m) => m.id)).not.toContain(res.messageId);
      expect(JSON.stringify(hidden.thread.items)).not.toContain("Йога");
      expect(hidden.thread.items.some((m) => m.text.includes("Хочу оплатить"))).toBe(true);
      expect(hidden.row).toMatchObject({ preview: null, stage: null });
      // «Йога» is only in the bill: the search does not find the conversation by it.
      expect(hidden.found).toBeUndefined();
      expect(hidden.header.stage).toBeNull();
      expect(hidden.panel).toBeNull();
      expect(JSON.stringify([hidden.row, hidden.found, hidden.header])).not.toContain(p.confirmationUrl!);

      const shown = await look(A.admin.token);
      expect(shown.thread.items.find((m) => m.id === res.messageId)?.text).toContain(p.confirmationUrl!);
      expect(shown.row).toMatchObject({ preview: expect.stringContaining(description), stage: "won" });
      expect(shown.found?.match?.text).toContain("Йога");
      expect(shown.header.stage).toBe("won");
      expect(shown.panel).toMatchObject({ revenue: 777000, payments: [{ id: res.paymentId, status: "succeeded" }] });

      // Another project's member sees neither the thread nor the payment, whatever its role.
      await expect(env.caller(B.owner.token).conversations.messages({ projectId: B.project.id, conversationId: cid })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(env.caller(B.owner.token).payments.forConversation({ projectId: B.project.id, conversationId: cid })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(env.caller(B.owner.token).payments.forConversation({ projectId: A.project.id, conversationId: cid })).rejects.toMatchObject({ code: "NOT_FOUND" });
    } finally {
      await env.caller(A.owner.token).roles.update({ projectId: A.project.id, roleId: A.manager.roleId, hiddenFields: ["contact.profileUrl", "conversation.attribution"] });
    }
  });
});

describe("finance list", () => {
  it("lists the period's payments with what they earned, filtered by status, provider and manager; refused to roles without it", async () => {
    const today = new Date().toLocaleDateString("sv-SE", { timeZone: "Europe/Moscow" });
    const finance = env.caller(A.finance.token);
    const all = await finance.payments.list({ projectId: A.project.id, from: today, to: today });
    expect(all.rows.length).toBeGreaterThan(3);
    expect(all.revenue).toBe(all.rows.reduce((n, r) => n + r.revenue, 0));
    const paid = await finance.payments.list({ projectId: A.project.id, from: today, to: today, status: "succeeded" });
    expect(paid.rows.every((r) => r.status === "succeeded")).toBe(true);
    const manual = await finance.payments.list({ projectId: A.project.id, from: today, to: today, provider: "manual", managerId: A.manager.membershipId });
    expect(manual.rows).toEqual([expect.objectContaining({ provider: "manual", method: "transfer", amount: 250000, revenue: 250000, managerName: expect.any(String) })]);
    await expect(env.caller(A.manager.token).payments.list({ projectId: A.project.id, from: today, to: today })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(env.caller(A.traffic.token).payments.list({ projectId: A.project.id, from: today, to: today })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("Stripe: Checkout Sessions and signed webhooks", () => {
  it("a session is created through the SDK and paid: checkout.session.completed wins the lead", async () => {
    const cid = await newConversation(A, "7030");
    const res = await bill(A, cid, 4900, stAccountA);
    const p = await paymentRow(res.paymentId);
    expect(p).toMatchObject({ provider: "stripe", currency: "EUR", providerPaymentId: expect.stringMatching(/^cs_test_/) });
    const create = st.requests.find((r) => r.method === "POST" && r.path === "/v1/checkout/sessions")!;
    expect(create.headers["idempotency-key"]).toBe(res.paymentId);
    expect(create.headers.authorization).toBe(`Bearer ${stripeAccount.secretKey}`);
    const paid = await fetch(`${res.confirmationUrl}/pay`, { method: "POST" });
    expect(await paid.text()).toContain("Оплата прошла");
    await expect.poll(async () => (await paymentRow(res.paymentId)).status, { timeout: 5000 }).toBe("succeeded");
    expect((await paymentRow(res.paymentId)).providerIntentId).toMatch(/^pi_/);
    expect(await wonChanges(cid)).toBe(1);
  });

  it("a bad signature, no signature, a stale timestamp, another endpoint's secret: 400, nothing changes", async () => {
    const cid = await newConversation(A, "7031");
    const { paymentId } = await bill(A, cid, 1500, stAccountA);
    const p = await paymentRow(paymentId);
    const session = st.sessions.get(p.providerPaymentId!)!;
    const event = JSON.stringify({ id: "evt_forged1", object: "event", type: "checkout.session.completed", created: 1, data: { object: { ...session, status: "complete", payment_status: "paid", payment_intent: "pi_forged", account: undefined } } });
    const url = `/webhooks/stripe/${stAccountA}`;
    expect((await post(url, event)).status).toBe(400);
    expect((await post(url, event, { "stripe-signature": stripeSignature(event, "whsec_wrong") })).status).toBe(400);
    expect((await post(url, event, { "stripe-signature": stripeSignature(event, stripeAccount.webhookSecret, Math.floor(Date.now() / 1000) - 3600) })).status).toBe(400);
    expect((await post(url, event.replace("1500", "1"), { "stripe-signature": stripeSignature(event, stripeAccount.webhookSecret) })).status).toBe(400);
    expect((await post(url, "{bad", { "stripe-signature": stripeSignature("{bad", stripeAccount.webhookSecret) })).status).toBe(400);
    await settle();
    expect((await paymentRow(paymentId)).status).toBe("pending");
  });

  it("a correctly signed event with another amount is refused and recorded", async () => {
    const cid = await newConversation(A, "7032");
    const { paymentId } = await bill(A, cid, 2500, stAccountA);
    const p = await paymentRow(paymentId);
    const session = { ...st.sessions.get(p.providerPaymentId!)!, account: undefined, status: "complete", payment_status: "paid", payment_intent: "pi_mismatch", amount_total: 100 };
    const event = JSON.stringify({ id: "evt_mismatch1", object: "event", type: "checkout.session.completed", created: Math.floor(Date.now() / 1000), data: { object: session } });
    expect((await post(`/webhooks/stripe/${stAccountA}`, event, { "stripe-signature": stripeSignature(event, stripeAccount.webhookSecret) })).status).toBe(200);
    await expect.poll(async () => (await eventsOf(paymentId)).filter((e) => e.kind === "mismatch").length, { timeout: 5000 }).toBe(1);
    expect((await paymentRow(paymentId)).status).toBe("pending");
    expect(await wonChanges(cid)).toBe(0);
  });

  it("reordered: the refund comes before the completion — it waits, then both apply once", async () => {
    const cid = await newConversation(A, "7033");
    const { paymentId } = await bill(A, cid, 8000, stAccountA);
    const p = await paymentRow(paymentId);
    // Capture the events instead of delivering them, then deliver them in the wrong order, twice.
    st.setWebhookUrl(stripeAccount.secretKey, null);
    await st.pay(p.providerPaymentId!);
    const session = st.sessions.get(p.providerPaymentId!)!;
    const now = Math.floor(Date.now() / 1000);
    const completed = JSON.stringify({ id: "evt_completed_r", object: "event", type: "checkout.session.completed", created: now, data: { object: { ...session, account: undefined, charge: undefined } } });
    const refunded = JSON.stringify({ id: "evt_refunded_r", object: "event", type: "charge.refunded", created: now, data: { object: { id: "ch_r", object: "charge", amount: 8000, amount_refunded: 8000, currency: "eur", payment_intent: session.payment_intent } } });
    st.setWebhookUrl(stripeAccount.secretKey, `${pipeline.url}/webhooks/stripe/${stAccountA}`);
    const sign = (body: string) => ({ "stripe-signature": stripeSignature(body, stripeAccount.webhookSecret) });
    expect((await post(`/webhooks/stripe/${stAccountA}`, refunded, sign(refunded))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect((await paymentRow(paymentId)).status).toBe("pending");
    for (const body of [completed, completed, refunded]) expect((await post(`/webhooks/stripe/${stAccountA}`, body, sign(body))).status).toBe(200);
    await expect.poll(async () => (await paymentRow(paymentId)).status, { timeout: 10_000 }).toBe("refunded");
    expect(await paymentRow(paymentId)).toMatchObject({ refundedAmount: 8000 });
    expect(await wonChanges(cid)).toBe(1);
    const view = await env.caller(A.manager.token).payments.forConversation({ projectId: A.project.id, conversationId: cid });
    expect(view!.revenue).toBe(0);
  });

  it("an expired session is canceled", async () => {
    const cid = await newConversation(A, "7034");
    const { paymentId } = await bill(A, cid, 3000, stAccountA);
    await st.expire((await paymentRow(paymentId)).providerPaymentId!);
    await expect.poll(async () => (await paymentRow(paymentId)).status, { timeout: 5000 }).toBe("canceled");
  });
});
