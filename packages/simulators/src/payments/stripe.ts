// A Stripe simulator for the official SDK (host/port/protocol pointed here): POST and GET
// /v1/checkout/sessions (form-encoded bodies, Bearer secret key, Idempotency-Key replays), Stripe's
// error bodies ({error:{type, code, message, param}}), a hosted checkout page, and webhooks signed
// as Stripe signs them: Stripe-Signature: t=<unix>,v1=<HMAC-SHA256(secret, "<t>.<payload>")>.
import { createHmac, randomBytes } from "node:crypto";
import { json, SimulatorServer, type RecordedRequest, type Reply } from "../ai/http.ts";
import { deliver, paymentPage, parseForm, type Delivery } from "./common.ts";

// Bodies from a client under test: read field by field, checked as the real API checks them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;

export type StripeAccount = { secretKey: string; webhookSecret: string; webhookUrl: string | null };

export type StripeSession = {
  id: string;
  object: "checkout.session";
  mode: "payment";
  status: "open" | "complete" | "expired";
  payment_status: "unpaid" | "paid";
  amount_total: number;
  amount_subtotal: number;
  currency: string;
  url: string | null;
  success_url: string;
  cancel_url: string | null;
  client_reference_id: string | null;
  customer_email: string | null;
  payment_intent: string | null;
  metadata: Record<string, string>;
  created: number;
  expires_at: number;
  livemode: false;
  line_items_description: string;
};

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString("base64url").replace(/[-_]/g, "x")}`;

/** The Stripe-Signature header for a payload, as Stripe computes it. */
export function stripeSignature(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${createHmac("sha256", secret).update(`${timestamp}.${payload}`).digest("hex")}`;
}

export class StripeSimulator extends SimulatorServer {
  readonly accounts = new Map<string, StripeAccount>();
  readonly sessions = new Map<string, StripeSession & { account: string; charge?: { id: string; amount_refunded: number } }>();
  readonly deliveries: Delivery[] = [];
  private readonly idempotency = new Map<string, { hash: string; reply: Reply }>();
  private pendingDeliveries: Promise<unknown>[] = [];

  /** STRIPE_API_URL for clients. */
  get apiUrl(): string {
    return this.url;
  }

  addAccount(input: { webhookUrl?: string } = {}): StripeAccount {
    const account = { secretKey: `sk_test_${randomBytes(18).toString("hex")}`, webhookSecret: `whsec_${randomBytes(24).toString("base64url")}`, webhookUrl: input.webhookUrl ?? null };
    this.accounts.set(account.secretKey, account);
    return account;
  }

  setWebhookUrl(secretKey: string, url: string | null): void {
    const account = this.accounts.get(secretKey);
    if (!account) throw new Error("no such account");
    account.webhookUrl = url;
  }

  protected faultBody(status: number): unknown {
    return { error: { type: status >= 500 ? "api_error" : "rate_limit_error", message: "Simulated failure" } };
  }

  private error(status: number, type: string, message: string, param?: string, code?: string): Reply {
    return json(status, { error: { type, message, ...(param ? { param } : {}), ...(code ? { code } : {}) } }, { "request-id": id("req") });
  }

  private accountOf(headers: RecordedRequest["headers"]): StripeAccount | null {
    const auth = headers.authorization;
    if (typeof auth !== "string" || !auth.startsWith("Bearer ")) return null;
    return this.accounts.get(auth.slice(7)) ?? null;
  }

  private view(s: StripeSession & { account: string }): StripeSession {
    const { account: _a, charge: _c, ...out } = s as StripeSession & { account: string; charge?: unknown };
    return out;
  }

  protected handle(method: string, path: string, headers: RecordedRequest["headers"], body: unknown): Reply {
    const page = path.match(/^\/c\/pay\/(cs_[A-Za-z0-9_]+)(?:\/(pay|cancel))?$/);
    if (page) return this.checkout(method, page[1]!, page[2] as "pay" | "cancel" | undefined);
    const account = this.accountOf(headers);
    if (!account) return this.error(401, "invalid_request_error", "Invalid API Key provided");
    if (method === "POST" && path === "/v1/checkout/sessions") {
      const key = headers["idempotency-key"];
      const text = typeof body === "string" ? body : "";
      if (typeof key === "string" && key) {
        const seen = this.idempotency.get(`${account.secretKey}:${key}`);
        if (seen) {
          if (seen.hash !== text) return this.error(400, "idempotency_error", "Keys for idempotent requests can only be used with the same parameters they were first used with.");
          return { ...seen.reply, headers: { ...seen.reply.headers, "idempotent-replayed": "true" } };
        }
      }
      const reply = this.create(account, parseForm(text));
      if (typeof key === "string" && key && reply.status === 200) this.idempotency.set(`${account.secretKey}:${key}`, { hash: text, reply });
      return reply;
    }
    const one = path.match(/^\/v1\/checkout\/sessions\/([^/]+)$/);
    if (method === "GET" && one) {
      const s = this.sessions.get(one[1]!);
      if (!s || s.account !== account.secretKey) return this.error(404, "invalid_request_error", `No such checkout.session: '${one[1]}'`, "session", "resource_missing");
      return json(200, this.view(s));
    }
    return this.error(404, "invalid_request_error", `Unrecognized request URL (${method}: ${path}).`);
  }

  private create(account: StripeAccount, form: Loose): Reply {
    if (form.mode !== "payment") return this.error(400, "invalid_request_error", "Missing required param: mode.", "mode", "parameter_missing");
    const items = Object.values((form.line_items ?? {}) as Loose);
    if (!items.length) return this.error(400, "invalid_request_error", "Missing required param: line_items.", "line_items", "parameter_missing");
    let total = 0;
    let currency = "";
    const names: string[] = [];
    for (const item of items) {
      const price = item.price_data ?? {};
      const amount = Number(price.unit_amount);
      if (!Number.isInteger(amount) || amount < 1) return this.error(400, "invalid_request_error", "Invalid integer: unit_amount", "line_items[0][price_data][unit_amount]", "parameter_invalid_integer");
      if (typeof price.currency !== "string" || !/^[a-z]{3}$/.test(price.currency)) return this.error(400, "invalid_request_error", "Invalid currency", "line_items[0][price_data][currency]", "invalid_currency");
      currency = price.currency;
      total += amount * Number(item.quantity ?? 1);
      names.push(String(price.product_data?.name ?? ""));
    }
    if (typeof form.success_url !== "string") return this.error(400, "invalid_request_error", "Missing required param: success_url.", "success_url", "parameter_missing");
    const sid = id("cs_test");
    const now = Math.floor(Date.now() / 1000);
    const session = {
      id: sid,
      object: "checkout.session" as const,
      mode: "payment" as const,
      status: "open" as const,
      payment_status: "unpaid" as const,
      amount_total: total,
      amount_subtotal: total,
      currency,
      url: `${this.url}/c/pay/${sid}`,
      success_url: form.success_url as string,
      cancel_url: (form.cancel_url as string) ?? null,
      client_reference_id: (form.client_reference_id as string) ?? null,
      customer_email: (form.customer_email as string) ?? null,
      payment_intent: null,
      metadata: (form.metadata ?? {}) as Record<string, string>,
      created: now,
      expires_at: now + 24 * 3600,
      livemode: false as const,
      line_items_description: names.join(", "),
      account: account.secretKey,
    };
    this.sessions.set(sid, session);
    return json(200, this.view(session));
  }

  private checkout(method: string, sid: string, action: "pay" | "cancel" | undefined): Reply {
    const s = this.sessions.get(sid);
    if (!s) return { status: 404, headers: { "content-type": "text/html; charset=utf-8" }, body: "<p>Session not found</p>" };
    if (method === "POST" && action && s.status === "open") {
      if (action === "pay") this.pay(sid);
      else this.expire(sid);
    }
    const state = s.status === "complete" ? "paid" : s.status === "expired" ? "canceled" : "open";
    const amount = new Intl.NumberFormat("ru-RU", { style: "currency", currency: s.currency.toUpperCase() }).format(s.amount_total / 100);
    return {
      status: 200,
      headers: { "content-type": "text/html; charset=utf-8" },
      body: paymentPage({ brand: "Stripe Checkout", title: s.line_items_description || "Payment", amount, status: state, payAction: `/c/pay/${sid}/pay`, cancelAction: `/c/pay/${sid}/cancel`, returnUrl: state === "paid" ? s.success_url : s.cancel_url }),
    };
  }

  /** Builds an event and posts it, signed, to the account's endpoint. */
  private emit(accountKey: string, type: string, object: unknown): Promise<Delivery | null> {
    const account = this.accounts.get(accountKey);
    if (!account?.webhookUrl) return Promise.resolve(null);
    const event = { id: id("evt"), object: "event", api_version: "2025-01-27.acacia", created: Math.floor(Date.now() / 1000), type, data: { object }, livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null } };
    const payload = JSON.stringify(event);
    const sent = deliver(this.deliveries, account.webhookUrl, payload, { "stripe-signature": stripeSignature(payload, account.webhookSecret) });
    this.pendingDeliveries.push(sent);
    return sent;
  }

  /** The client pays: the session completes with a PaymentIntent and checkout.session.completed is sent. */
  pay(sid: string): Promise<Delivery | null> {
    const s = this.sessions.get(sid);
    if (!s || s.status !== "open") return Promise.resolve(null);
    Object.assign(s, { status: "complete", payment_status: "paid", payment_intent: id("pi"), url: null, charge: { id: id("ch"), amount_refunded: 0 } });
    return this.emit(s.account, "checkout.session.completed", this.view(s));
  }

  /** The session expires unpaid: checkout.session.expired. */
  expire(sid: string): Promise<Delivery | null> {
    const s = this.sessions.get(sid);
    if (!s || s.status !== "open") return Promise.resolve(null);
    Object.assign(s, { status: "expired", url: null });
    return this.emit(s.account, "checkout.session.expired", this.view(s));
  }

  /** A refund of a paid session: charge.refunded naming its PaymentIntent. */
  refund(sid: string, amount?: number): Promise<Delivery | null> {
    const s = this.sessions.get(sid);
    if (!s?.charge || !s.payment_intent) return Promise.resolve(null);
    s.charge.amount_refunded = Math.min(s.amount_total, s.charge.amount_refunded + (amount ?? s.amount_total - s.charge.amount_refunded));
    const charge = { id: s.charge.id, object: "charge", amount: s.amount_total, amount_captured: s.amount_total, amount_refunded: s.charge.amount_refunded, currency: s.currency, paid: true, refunded: s.charge.amount_refunded === s.amount_total, payment_intent: s.payment_intent, status: "succeeded" };
    return this.emit(s.account, "charge.refunded", charge);
  }

  async settled(): Promise<void> {
    const all = this.pendingDeliveries;
    this.pendingDeliveries = [];
    await Promise.all(all);
  }
}
