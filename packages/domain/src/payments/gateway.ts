import type { PaymentStatus } from "@threadline/db";

// One interface for the payment providers: create a bill (a hosted payment page the client is
// sent to) and turn a provider's notification into a verified update. Each provider proves its
// notifications its own way: YooKassa's are unsigned, so the payment is read again from its API;
// Stripe's are signed, checked with stripe.webhooks.constructEvent on the raw body.

export type ReceiptItem = { description: string; quantity: number; amount: number; vatCode: number };

export type BillRequest = {
  /** Our payment id: the provider's idempotency key, and metadata that names the bill. */
  paymentId: string;
  projectId: string;
  amount: number;
  currency: string;
  description: string;
  returnUrl: string;
  /** 54-FZ receipt (YooKassa), when the project turns receipts on. */
  receipt?: { customer: { phone?: string; email?: string }; items: ReceiptItem[] };
};

export type CreatedBill = { providerPaymentId: string; confirmationUrl: string };

/** Which payment a verified notification is about. */
export type PaymentRef = { kind: "payment"; id: string } | { kind: "intent"; id: string };

/**
 * What a provider says about a payment, verified. `dedupeKey` is the same for the same news
 * (a replay), `status` what the payment is now, `amount`/`currency` what was paid (minor units).
 */
export type PaymentUpdate = {
  ref: PaymentRef;
  dedupeKey: string;
  status: PaymentStatus;
  amount: number;
  currency: string;
  refundedAmount: number;
  intentId?: string;
  /** Our payment id as the provider keeps it in metadata, when it does. */
  paymentId?: string;
};

export type RawNotification = { body: Buffer; headers: Record<string, string | string[] | undefined> };

export interface PaymentGateway {
  createBill(request: BillRequest): Promise<CreatedBill>;
  /**
   * The update a notification proves, null for a notification about nothing we track (another
   * event type). Throws PaymentNotificationError for one that is forged or malformed.
   */
  verifyNotification(raw: RawNotification): Promise<PaymentUpdate | null>;
}

export type ProviderFailure = "timeout" | "keyRejected" | "rejected" | "unavailable";

/** A provider call that failed: why, in words the service turns into an error code. */
export class PaymentProviderError extends Error {
  override name = "PaymentProviderError";
  constructor(
    readonly kind: ProviderFailure,
    message: string,
  ) {
    super(message);
  }
}

/** A notification that is not the provider's (bad signature, unknown payment) or is not readable. */
export class PaymentNotificationError extends Error {
  override name = "PaymentNotificationError";
  constructor(
    readonly httpStatus: 400 | 401 | 404,
    message: string,
  ) {
    super(message);
  }
}

/** "1500.00" → 150000 (kopecks); null when it is not a money value. */
export function minorFromDecimal(value: unknown): number | null {
  if (typeof value !== "string" || !/^\d{1,12}(\.\d{1,2})?$/.test(value)) return null;
  const [whole, frac = ""] = value.split(".");
  return Number(whole) * 100 + Number(frac.padEnd(2, "0"));
}

/** 150000 → "1500.00". */
export function decimalFromMinor(amount: number): string {
  return `${Math.trunc(amount / 100)}.${String(amount % 100).padStart(2, "0")}`;
}
