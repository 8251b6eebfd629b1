// A YooKassa API v3 simulator: POST /v3/payments (Basic shopId:secretKey, Idempotence-Key, amount,
// confirmation redirect, 54-FZ receipt), GET /v3/payments/{id}, its error bodies
// ({type:"error", id, code, description, parameter}), a hosted checkout page a client pays or
// cancels on, and the shop's HTTP notifications ({type:"notification", event, object}), unsigned
// as YooKassa's are.
import { randomBytes, randomUUID } from "node:crypto";
import { json, SimulatorServer, type RecordedRequest, type Reply } from "../ai/http.ts";
import { deliver, paymentPage, type Delivery } from "./common.ts";

// Bodies from a client under test: read field by field, checked as the real API checks them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;

export type YkShop = { shopId: string; secretKey: string; notificationUrl: string | null; receiptsRequired: boolean };

export type YkPayment = {
  id: string;
  status: "pending" | "waiting_for_capture" | "succeeded" | "canceled";
  paid: boolean;
  amount: { value: string; currency: string };
  income_amount?: { value: string; currency: string };
  refunded_amount?: { value: string; currency: string };
  description?: string;
  recipient: { account_id: string; gateway_id: string };
  created_at: string;
  captured_at?: string;
  confirmation?: { type: "redirect"; confirmation_url: string; return_url: string };
  cancellation_details?: { party: string; reason: string };
  receipt_registration?: "pending" | "succeeded";
  test: boolean;
  refundable: boolean;
  metadata: Record<string, string>;
};

const MONEY = /^\d{1,12}(\.\d{1,2})?$/;
const toMinor = (v: string) => Math.round(Number(v) * 100);
const fromMinor = (n: number) => `${Math.trunc(n / 100)}.${String(n % 100).padStart(2, "0")}`;

export class YooKassaSimulator extends SimulatorServer {
  readonly shops = new Map<string, YkShop>();
  readonly payments = new Map<string, YkPayment & { shopId: string; receipt?: unknown }>();
  readonly deliveries: Delivery[] = [];
  private readonly idempotency = new Map<string, { hash: string; reply: Reply }>();
  private pendingDeliveries: Promise<unknown>[] = [];

  /** The API root a client is configured with (YOOKASSA_API_URL). */
  get apiUrl(): string {
    return `${this.url}/v3`;
  }

  addShop(input: { notificationUrl?: string; receiptsRequired?: boolean; shopId?: string; secretKey?: string } = {}): YkShop {
    const shop: YkShop = {
      shopId: input.shopId ?? String(100000 + this.shops.size + Math.floor(Math.random() * 800000)),
      secretKey: input.secretKey ?? `test_${randomBytes(18).toString("base64url")}`,
      notificationUrl: input.notificationUrl ?? null,
      receiptsRequired: input.receiptsRequired ?? false,
    };
    this.shops.set(shop.shopId, shop);
    return shop;
  }

  /** The URL notifications go to, as set in the shop's personal account. */
  setNotificationUrl(shopId: string, url: string | null): void {
    const shop = this.shops.get(shopId);
    if (!shop) throw new Error(`no shop ${shopId}`);
    shop.notificationUrl = url;
  }

  protected faultBody(status: number): unknown {
    return { type: "error", id: randomUUID(), code: status >= 500 ? "internal_server_error" : "too_many_requests", description: "Simulated failure" };
  }

  private error(status: number, code: string, description: string, parameter?: string): Reply {
    return json(status, { type: "error", id: randomUUID(), code, description, ...(parameter ? { parameter } : {}) });
  }

  private shopOf(headers: RecordedRequest["headers"]): YkShop | null {
    const auth = headers.authorization;
    if (typeof auth !== "string" || !auth.startsWith("Basic ")) return null;
    const [shopId, secret] = Buffer.from(auth.slice(6), "base64").toString("utf8").split(":");
    const shop = this.shops.get(shopId ?? "");
    return shop && shop.secretKey === secret ? shop : null;
  }

  private view(p: YkPayment & { shopId: string; receipt?: unknown }): YkPayment {
    const { shopId: _shop, receipt: _receipt, ...out } = p;
    return out;
  }

  protected handle(method: string, path: string, headers: RecordedRequest["headers"], body: unknown): Reply {
    const page = path.match(/^\/checkout\/([0-9a-f-]+)(?:\/(pay|cancel))?$/);
    if (page) return this.checkout(method, page[1]!, page[2] as "pay" | "cancel" | undefined);
    if (!path.startsWith("/v3/")) return this.error(404, "not_found", "Unknown path");
    const shop = this.shopOf(headers);
    if (!shop) return this.error(401, "invalid_credentials", "Basic authentication failed: check the shopId and the secret key");
    if (method === "POST" && path === "/v3/payments") return this.create(shop, headers, body);
    const one = path.match(/^\/v3\/payments\/([^/]+)$/);
    if (method === "GET" && one) {
      const p = this.payments.get(decodeURIComponent(one[1]!));
      if (!p || p.shopId !== shop.shopId) return this.error(404, "not_found", "Payment doesn't exist or access denied");
      return json(200, this.view(p));
    }
    return this.error(404, "not_found", "Unknown path");
  }

  private create(shop: YkShop, headers: RecordedRequest["headers"], body: unknown): Reply {
    const key = headers["idempotence-key"];
    if (typeof key !== "string" || !key) return this.error(400, "invalid_request", "Idempotence key is missing", "Idempotence-Key");
    const hash = JSON.stringify(body);
    const seen = this.idempotency.get(`${shop.shopId}:${key}`);
    if (seen) {
      if (seen.hash !== hash) return this.error(400, "invalid_request", "Idempotence key duplicated with another request body", "Idempotence-Key");
      return seen.reply;
    }
    const reply = this.validateAndCreate(shop, body);
    if (reply.status === 200) this.idempotency.set(`${shop.shopId}:${key}`, { hash, reply });
    return reply;
  }

  private validateAndCreate(shop: YkShop, body: unknown): Reply {
    const b = (body && typeof body === "object" ? body : {}) as Loose;
    if (!b.amount || typeof b.amount.value !== "string" || !MONEY.test(b.amount.value) || toMinor(b.amount.value) <= 0) return this.error(400, "invalid_request", "Invalid amount value", "amount.value");
    if (typeof b.amount.currency !== "string" || !/^[A-Z]{3}$/.test(b.amount.currency)) return this.error(400, "invalid_request", "Invalid currency", "amount.currency");
    if (!b.confirmation || b.confirmation.type !== "redirect" || typeof b.confirmation.return_url !== "string") return this.error(400, "invalid_request", "Confirmation type redirect needs return_url", "confirmation");
    if (b.receipt !== undefined || shop.receiptsRequired) {
      const r = b.receipt as Loose | undefined;
      if (!r) return this.error(400, "invalid_request", "Receipt is missing or illegal", "receipt");
      if (!r.customer || (typeof r.customer.phone !== "string" && typeof r.customer.email !== "string")) return this.error(400, "invalid_request", "Receipt customer needs a phone or an email", "receipt.customer");
      if (typeof r.customer.phone === "string" && !/^\d{11,15}$/.test(r.customer.phone)) return this.error(400, "invalid_request", "Invalid phone", "receipt.customer.phone");
      if (!Array.isArray(r.items) || !r.items.length) return this.error(400, "invalid_request", "Receipt items are missing", "receipt.items");
      let sum = 0;
      for (const item of r.items as Loose[]) {
        if (typeof item.description !== "string" || !item.description || item.description.length > 128) return this.error(400, "invalid_request", "Invalid item description", "receipt.items.description");
        if (!Number.isInteger(item.vat_code) || item.vat_code < 1 || item.vat_code > 12) return this.error(400, "invalid_request", "Invalid vat_code", "receipt.items.vat_code");
        if (!item.amount || !MONEY.test(item.amount.value ?? "")) return this.error(400, "invalid_request", "Invalid item amount", "receipt.items.amount");
        sum += toMinor(item.amount.value) * Number(item.quantity ?? 1);
      }
      if (sum !== toMinor(b.amount.value)) return this.error(400, "invalid_request", "The sum of receipt items differs from the payment amount", "receipt.items");
    }
    const id = `${randomBytes(4).toString("hex")}-000f-5000-${randomBytes(2).toString("hex")}-${randomBytes(6).toString("hex")}`;
    const payment = {
      id,
      status: "pending" as const,
      paid: false,
      amount: { value: fromMinor(toMinor(b.amount.value)), currency: b.amount.currency as string },
      description: typeof b.description === "string" ? b.description : undefined,
      recipient: { account_id: shop.shopId, gateway_id: "100500" },
      created_at: new Date().toISOString(),
      confirmation: { type: "redirect" as const, confirmation_url: `${this.url}/checkout/${id}`, return_url: b.confirmation.return_url as string },
      test: true,
      refundable: false,
      metadata: (b.metadata ?? {}) as Record<string, string>,
      shopId: shop.shopId,
      receipt: b.receipt,
    };
    this.payments.set(id, payment);
    return json(200, this.view(payment));
  }

  private checkout(method: string, id: string, action: "pay" | "cancel" | undefined): Reply {
    const p = this.payments.get(id);
    if (!p) return { status: 404, headers: { "content-type": "text/html; charset=utf-8" }, body: "<p>Платёж не найден</p>" };
    if (method === "POST" && action) {
      if (p.status === "pending") {
        if (action === "pay") this.pay(id);
        else this.cancel(id);
      }
    }
    const state = p.status === "succeeded" ? "paid" : p.status === "canceled" ? "canceled" : "open";
    const amount = `${p.amount.value.replace(".", ",")} ${p.amount.currency === "RUB" ? "₽" : p.amount.currency}`;
    return {
      status: 200,
      headers: { "content-type": "text/html; charset=utf-8" },
      body: paymentPage({ brand: "ЮKassa", title: p.description ?? "Оплата заказа", amount, status: state, payAction: `/checkout/${id}/pay`, cancelAction: `/checkout/${id}/cancel`, returnUrl: p.confirmation?.return_url }),
    };
  }

  private notify(p: YkPayment & { shopId: string }, event: string, object: unknown): Promise<Delivery | null> {
    const shop = this.shops.get(p.shopId);
    if (!shop?.notificationUrl) return Promise.resolve(null);
    const sent = deliver(this.deliveries, shop.notificationUrl, JSON.stringify({ type: "notification", event, object }), {});
    this.pendingDeliveries.push(sent);
    return sent;
  }

  /** The client pays (the page's button, or a test): the payment succeeds and the shop is told. */
  pay(id: string): Promise<Delivery | null> {
    const p = this.payments.get(id);
    if (!p || p.status !== "pending") return Promise.resolve(null);
    Object.assign(p, { status: "succeeded", paid: true, captured_at: new Date().toISOString(), income_amount: { value: fromMinor(Math.round(toMinor(p.amount.value) * 0.965)), currency: p.amount.currency }, refundable: true, refunded_amount: { value: "0.00", currency: p.amount.currency } });
    if (p.receipt) p.receipt_registration = "succeeded";
    return this.notify(p, "payment.succeeded", this.view(p));
  }

  /** The client gives up (or the payment expires): canceled, and the shop is told. */
  cancel(id: string): Promise<Delivery | null> {
    const p = this.payments.get(id);
    if (!p || p.status !== "pending") return Promise.resolve(null);
    Object.assign(p, { status: "canceled", cancellation_details: { party: "yoo_money", reason: "expired_on_confirmation" } });
    return this.notify(p, "payment.canceled", this.view(p));
  }

  /** The shop refunds all or part of a paid payment. */
  refund(id: string, amount?: number): Promise<Delivery | null> {
    const p = this.payments.get(id);
    if (!p || p.status !== "succeeded") return Promise.resolve(null);
    const total = toMinor(p.amount.value);
    const already = toMinor(p.refunded_amount?.value ?? "0");
    const now = Math.min(total, already + (amount ?? total - already));
    p.refunded_amount = { value: fromMinor(now), currency: p.amount.currency };
    const refund = { id: randomUUID(), payment_id: id, status: "succeeded", amount: { value: fromMinor(now - already), currency: p.amount.currency }, created_at: new Date().toISOString() };
    return this.notify(p, "refund.succeeded", refund);
  }

  /** Waits for every notification sent so far to be answered. */
  async settled(): Promise<void> {
    const all = this.pendingDeliveries;
    this.pendingDeliveries = [];
    await Promise.all(all);
  }
}
