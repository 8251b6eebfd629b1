import type { PaymentStatus } from "@threadline/db";
import {
  decimalFromMinor,
  minorFromDecimal,
  PaymentNotificationError,
  PaymentProviderError,
  type BillRequest,
  type CreatedBill,
  type PaymentGateway,
  type PaymentUpdate,
  type RawNotification,
} from "./gateway.ts";

// YooKassa API v3: POST /payments (Basic shopId:secretKey, Idempotence-Key), GET /payments/{id}.
// Notifications carry no signature: one is believed only after the payment it names is read
// again from the API with the shop's own keys.

export type YooKassaConfig = { apiUrl: string; shopId: string; secretKey: string; timeoutMs?: number };

type YkAmount = { value?: unknown; currency?: unknown };
type YkPayment = {
  id?: unknown;
  status?: unknown;
  amount?: YkAmount;
  refunded_amount?: YkAmount;
  confirmation?: { type?: unknown; confirmation_url?: unknown };
  metadata?: Record<string, unknown>;
};

const STATUSES: Record<string, PaymentStatus> = { pending: "pending", waiting_for_capture: "pending", succeeded: "succeeded", canceled: "canceled" };

/** YooKassa ids: 36 characters of hex and dashes; anything else is not one of its payments. */
const PAYMENT_ID = /^[0-9a-f-]{8,64}$/i;

export class YooKassaGateway implements PaymentGateway {
  constructor(private readonly config: YooKassaConfig) {}

  private async call(method: "GET" | "POST", path: string, body?: unknown, idempotenceKey?: string): Promise<{ status: number; json: Record<string, unknown> }> {
    const auth = Buffer.from(`${this.config.shopId}:${this.config.secretKey}`).toString("base64");
    let res: Response;
    try {
      res = await fetch(`${this.config.apiUrl.replace(/\/+$/, "")}${path}`, {
        method,
        headers: {
          authorization: `Basic ${auth}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...(idempotenceKey ? { "idempotence-key": idempotenceKey } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.config.timeoutMs ?? 15_000),
      });
    } catch (err) {
      const name = (err as { name?: string }).name;
      if (name === "TimeoutError" || name === "AbortError") throw new PaymentProviderError("timeout", "YooKassa did not answer in time");
      throw new PaymentProviderError("unavailable", `YooKassa is unreachable: ${(err as Error).message}`);
    }
    const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    return { status: res.status, json };
  }

  private failure(status: number, json: Record<string, unknown>): PaymentProviderError {
    const detail = typeof json.description === "string" ? json.description : `HTTP ${status}`;
    if (status === 401 || status === 403) return new PaymentProviderError("keyRejected", `YooKassa refused the keys: ${detail}`);
    if (status >= 500 || status === 429) return new PaymentProviderError("unavailable", `YooKassa is unavailable: ${detail}`);
    return new PaymentProviderError("rejected", `YooKassa refused the payment: ${detail}`);
  }

  async createBill(request: BillRequest): Promise<CreatedBill> {
    const amount = { value: decimalFromMinor(request.amount), currency: request.currency };
    const body: Record<string, unknown> = {
      amount,
      capture: true,
      confirmation: { type: "redirect", return_url: request.returnUrl },
      description: request.description.slice(0, 128),
      metadata: { payment_id: request.paymentId, project_id: request.projectId },
    };
    if (request.receipt) {
      body.receipt = {
        customer: request.receipt.customer.phone ? { phone: request.receipt.customer.phone.replace(/^\+/, "") } : { email: request.receipt.customer.email },
        items: request.receipt.items.map((item) => ({
          description: item.description.slice(0, 128),
          quantity: item.quantity.toFixed(2),
          amount: { value: decimalFromMinor(item.amount), currency: request.currency },
          vat_code: item.vatCode,
          payment_mode: "full_payment",
          payment_subject: "service",
        })),
      };
    }
    const { status, json } = await this.call("POST", "/payments", body, request.paymentId);
    if (status !== 200) throw this.failure(status, json);
    const payment = json as YkPayment;
    const url = payment.confirmation?.confirmation_url;
    if (typeof payment.id !== "string" || typeof url !== "string") throw new PaymentProviderError("unavailable", "YooKassa answered without a payment id or a confirmation URL");
    return { providerPaymentId: payment.id, confirmationUrl: url };
  }

  /** The payment as YooKassa has it now, or null when this shop has no such payment. */
  async getPayment(id: string): Promise<YkPayment | null> {
    const { status, json } = await this.call("GET", `/payments/${encodeURIComponent(id)}`);
    if (status === 404) return null;
    if (status !== 200) throw this.failure(status, json);
    return json as YkPayment;
  }

  async verifyNotification(raw: RawNotification): Promise<PaymentUpdate | null> {
    let note: { type?: unknown; event?: unknown; object?: { id?: unknown; payment_id?: unknown } };
    try {
      note = JSON.parse(raw.body.toString("utf8")) as typeof note;
    } catch {
      throw new PaymentNotificationError(400, "malformed JSON");
    }
    if (!note || typeof note !== "object" || note.type !== "notification" || typeof note.event !== "string" || !note.object || typeof note.object !== "object") {
      throw new PaymentNotificationError(400, "not a YooKassa notification");
    }
    // A refund names its payment; every other event is the payment itself.
    const id = note.event.startsWith("refund.") ? note.object.payment_id : note.object.id;
    if (typeof id !== "string" || !PAYMENT_ID.test(id)) throw new PaymentNotificationError(400, "the notification names no payment");
    if (!note.event.startsWith("payment.") && !note.event.startsWith("refund.")) return null;
    // The notification itself is not believed: the payment is what the API says it is.
    const payment = await this.getPayment(id).catch((err: unknown) => {
      // Keys the provider refuses now cannot confirm anything: the sender should not retry forever.
      if (err instanceof PaymentProviderError && err.kind === "keyRejected") throw new PaymentNotificationError(401, err.message);
      throw err;
    });
    if (!payment) throw new PaymentNotificationError(404, "YooKassa does not know this payment");
    return updateFromPayment(payment);
  }
}

/** A re-read payment as an update: refunded once any of it was refunded. */
export function updateFromPayment(payment: YkPayment): PaymentUpdate {
  const amount = minorFromDecimal(payment.amount?.value);
  const status = typeof payment.status === "string" ? STATUSES[payment.status] : undefined;
  if (typeof payment.id !== "string" || amount === null || !status || typeof payment.amount?.currency !== "string") {
    throw new PaymentNotificationError(400, "YooKassa returned a payment we cannot read");
  }
  const refunded = minorFromDecimal(payment.refunded_amount?.value) ?? 0;
  const final: PaymentStatus = status === "succeeded" && refunded > 0 ? "refunded" : status;
  const paymentId = payment.metadata?.payment_id;
  return {
    ref: { kind: "payment", id: payment.id },
    dedupeKey: final === "refunded" ? `refunded:${refunded}` : final,
    status: final,
    amount,
    currency: payment.amount.currency,
    refundedAmount: refunded,
    paymentId: typeof paymentId === "string" ? paymentId : undefined,
  };
}
