import { sql } from "drizzle-orm";
import { bigint, boolean, foreignKey, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { at, createdAt, id } from "./columns.ts";
import { contacts, conversations, messages } from "./conversations.ts";
import { orders } from "./orders.ts";
import { memberships, projects } from "./tenancy.ts";

export const paymentProviders = ["yookassa", "stripe"] as const;
export type PaymentProvider = (typeof paymentProviders)[number];

export const paymentStatuses = ["pending", "succeeded", "canceled", "refunded"] as const;
export type PaymentStatus = (typeof paymentStatuses)[number];

// A project's account at a payment provider. The keys are sealed like channel tokens and bound to
// the operator's API address they were saved for (YOOKASSA_API_URL / STRIPE_API_URL).
export const paymentAccounts = pgTable(
  "payment_accounts",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    provider: text("provider").$type<PaymentProvider>().notNull(),
    name: text("name").notNull(),
    // YooKassa shopId; for Stripe empty.
    shopId: text("shop_id").notNull().default(""),
    secretKeyEnc: text("secret_key_enc").notNull(),
    // Stripe's endpoint secret (whsec_…); YooKassa notifications are not signed.
    webhookSecretEnc: text("webhook_secret_enc"),
    apiBaseUrl: text("api_base_url").notNull(),
    currency: text("currency").notNull().default("RUB"),
    // 54-FZ receipts (YooKassa): send receipt items with this VAT code and the client's phone or e-mail.
    receipts: boolean("receipts").notNull().default(false),
    vatCode: integer("vat_code").notNull().default(1),
    returnUrl: text("return_url"),
    createdAt: createdAt(),
  },
  (t) => [index("payment_accounts_project_idx").on(t.projectId)],
);

// A bill: a link at a provider, or a payment a manager marked by hand (cash, transfer).
export const payments = pgTable(
  "payments",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    // Kept when the account is removed: the money was real.
    accountId: uuid("account_id").references(() => paymentAccounts.id, { onDelete: "set null" }),
    provider: text("provider").$type<PaymentProvider | "manual">().notNull(),
    method: text("method").$type<"link" | "cash" | "transfer">().notNull().default("link"),
    // YooKassa payment id / Stripe Checkout Session id.
    providerPaymentId: text("provider_payment_id"),
    // Stripe's PaymentIntent, learnt when the session completes (refunds name it).
    providerIntentId: text("provider_intent_id"),
    // Kept when the conversation or contact is deleted: revenue stays.
    conversationId: uuid("conversation_id").references(() => conversations.id, { onDelete: "set null" }),
    contactId: uuid("contact_id").references(() => contacts.id, { onDelete: "set null" }),
    // The order this bill is for, of the same project; kept as money when the order is deleted
    // (the migration's ON DELETE SET NULL ("order_id") leaves project_id alone).
    orderId: uuid("order_id"),
    messageId: bigint("message_id", { mode: "number" }).references(() => messages.id, { onDelete: "set null" }),
    amount: bigint("amount", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    refundedAmount: bigint("refunded_amount", { mode: "number" }).notNull().default(0),
    description: text("description").notNull(),
    status: text("status").$type<PaymentStatus>().notNull().default("pending"),
    confirmationUrl: text("confirmation_url"),
    createdBy: uuid("created_by").references(() => memberships.id, { onDelete: "set null" }),
    paidAt: at("paid_at"),
    canceledAt: at("canceled_at"),
    refundedAt: at("refunded_at"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("payments_provider_payment").on(t.provider, t.providerPaymentId),
    index("payments_project_created").on(t.projectId, t.createdAt.desc()),
    index("payments_conversation_idx").on(t.conversationId),
    index("payments_intent_idx").on(t.providerIntentId).where(sql`${t.providerIntentId} is not null`),
    foreignKey({ columns: [t.projectId, t.orderId], foreignColumns: [orders.projectId, orders.id], name: "payments_order_fk" }),
    // An order has at most one bill that is open or paid: billing it twice is refused even in a race.
    uniqueIndex("payments_order_open").on(t.orderId).where(sql`${t.orderId} is not null and ${t.status} in ('pending', 'succeeded')`),
  ],
);

// What happened to a payment, once each: the provider's notifications (deduplicated by their key),
// mismatches that were refused, manual marks.
export const paymentEvents = pgTable(
  "payment_events",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    paymentId: uuid("payment_id")
      .notNull()
      .references(() => payments.id, { onDelete: "cascade" }),
    kind: text("kind").$type<"created" | "succeeded" | "canceled" | "refunded" | "mismatch" | "manual">().notNull(),
    // The provider's event id, or the payment id and status for YooKassa: a replay finds it taken.
    dedupeKey: text("dedupe_key").notNull(),
    amount: bigint("amount", { mode: "number" }),
    currency: text("currency"),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("payment_events_dedupe").on(t.paymentId, t.dedupeKey)],
);
