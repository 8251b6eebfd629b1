import Stripe from "stripe";
import { PaymentNotificationError, PaymentProviderError, type BillRequest, type CreatedBill, type PaymentGateway, type PaymentUpdate, type RawNotification } from "./gateway.ts";

// Stripe through its official SDK, pointed at the operator's STRIPE_API_URL: a bill is a Checkout
// Session; a webhook is believed only when stripe.webhooks.constructEvent accepts its raw body
// with the account's endpoint secret.

export type StripeConfig = { apiUrl: string; secretKey: string; webhookSecret: string | null; timeoutMs?: number };

/** How old a signed webhook may be (Stripe's own default tolerance). */
const SIGNATURE_TOLERANCE_SECONDS = 300;

export function stripeClient(config: Pick<StripeConfig, "apiUrl" | "secretKey" | "timeoutMs">): Stripe {
  const url = new URL(config.apiUrl);
  const protocol = url.protocol === "http:" ? "http" : "https";
  return new Stripe(config.secretKey, {
    host: url.hostname,
    port: url.port || (protocol === "http" ? 80 : 443),
    protocol,
    timeout: config.timeoutMs ?? 15_000,
    // The idempotency key makes a retried create safe; one retry for a dropped connection.
    maxNetworkRetries: 1,
    telemetry: false,
  });
}

function failure(err: unknown): PaymentProviderError {
  if (err instanceof Stripe.errors.StripeAuthenticationError || err instanceof Stripe.errors.StripePermissionError) {
    return new PaymentProviderError("keyRejected", `Stripe refused the key: ${err.message}`);
  }
  if (err instanceof Stripe.errors.StripeConnectionError) {
    return new PaymentProviderError(/timed? ?out/i.test(err.message) ? "timeout" : "unavailable", `Stripe did not answer: ${err.message}`);
  }
  if (err instanceof Stripe.errors.StripeInvalidRequestError || err instanceof Stripe.errors.StripeCardError) {
    return new PaymentProviderError("rejected", `Stripe refused the session: ${err.message}`);
  }
  return new PaymentProviderError("unavailable", `Stripe failed: ${(err as Error).message}`);
}

export class StripeGateway implements PaymentGateway {
  private readonly stripe: Stripe;
  constructor(private readonly config: StripeConfig) {
    this.stripe = stripeClient(config);
  }

  async createBill(request: BillRequest): Promise<CreatedBill> {
    try {
      const session = await this.stripe.checkout.sessions.create(
        {
          mode: "payment",
          line_items: [{ quantity: 1, price_data: { currency: request.currency.toLowerCase(), unit_amount: request.amount, product_data: { name: request.description } } }],
          success_url: request.returnUrl,
          cancel_url: request.returnUrl,
          client_reference_id: request.paymentId,
          metadata: { payment_id: request.paymentId, project_id: request.projectId },
          ...(request.receipt?.customer.email ? { customer_email: request.receipt.customer.email } : {}),
        },
        { idempotencyKey: request.paymentId },
      );
      if (!session.url) throw new PaymentProviderError("unavailable", "Stripe answered without a checkout URL");
      return { providerPaymentId: session.id, confirmationUrl: session.url };
    } catch (err) {
      if (err instanceof PaymentProviderError) throw err;
      throw failure(err);
    }
  }

  async verifyNotification(raw: RawNotification): Promise<PaymentUpdate | null> {
    const signature = raw.headers["stripe-signature"];
    if (typeof signature !== "string" || !signature) throw new PaymentNotificationError(400, "no Stripe-Signature header");
    if (!this.config.webhookSecret) throw new PaymentNotificationError(401, "the account has no endpoint secret");
    let event: Stripe.Event;
    try {
      event = this.stripe.webhooks.constructEvent(raw.body, signature, this.config.webhookSecret, SIGNATURE_TOLERANCE_SECONDS);
    } catch (err) {
      if (err instanceof Stripe.errors.StripeSignatureVerificationError) throw new PaymentNotificationError(400, "the signature does not match");
      throw new PaymentNotificationError(400, "malformed event");
    }
    return updateFromEvent(event);
  }
}

const upper = (c: string | null | undefined) => (c ?? "").toUpperCase();
const intentOf = (pi: string | { id: string } | null | undefined) => (typeof pi === "string" ? pi : (pi?.id ?? undefined));

/** The events a bill's life is made of; others are acknowledged and left alone. */
export function updateFromEvent(event: Stripe.Event): PaymentUpdate | null {
  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded": {
      const s = event.data.object;
      if (s.payment_status !== "paid") return null;
      return { ref: { kind: "payment", id: s.id }, dedupeKey: event.id, status: "succeeded", amount: s.amount_total ?? 0, currency: upper(s.currency), refundedAmount: 0, intentId: intentOf(s.payment_intent), paymentId: s.metadata?.payment_id };
    }
    case "checkout.session.expired":
    case "checkout.session.async_payment_failed": {
      const s = event.data.object;
      return { ref: { kind: "payment", id: s.id }, dedupeKey: event.id, status: "canceled", amount: s.amount_total ?? 0, currency: upper(s.currency), refundedAmount: 0, paymentId: s.metadata?.payment_id };
    }
    case "charge.refunded": {
      const c = event.data.object;
      const intent = intentOf(c.payment_intent);
      if (!intent) return null;
      return { ref: { kind: "intent", id: intent }, dedupeKey: event.id, status: "refunded", amount: c.amount, currency: upper(c.currency), refundedAmount: c.amount_refunded, intentId: intent };
    }
    default:
      return null;
  }
}
