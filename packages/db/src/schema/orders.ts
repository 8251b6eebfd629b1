import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, text, unique, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { at, createdAt, id } from "./columns.ts";
import { catalogProducts } from "./catalog.ts";
import { channels } from "./channels.ts";
import { contacts, conversations } from "./conversations.ts";
import { memberships, projects } from "./tenancy.ts";

// Orders taken in a conversation (by the menu bot or a manager). Lines copy the product's name,
// price and options at order time, so a later price change or an archived product never changes
// an order; the total is what a payment bills, in the project's currency.

export const orderStatuses = ["new", "confirmed", "preparing", "ready", "done", "cancelled"] as const;
export type OrderStatus = (typeof orderStatuses)[number];
export type OrderSource = "menu" | "manager" | "agent";
export type OrderFulfilment = "pickup" | "delivery";
export type OrderLineOption = { group: string; name: string; priceDeltaMinor: number };

export const orders = pgTable(
  "orders",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    /** Per project, from 1: what the client and the barista call it («заказ №12»). */
    number: integer("number").notNull(),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    channelId: uuid("channel_id")
      .notNull()
      .references(() => channels.id, { onDelete: "cascade" }),
    status: text("status").$type<OrderStatus>().notNull().default("new"),
    source: text("source").$type<OrderSource>().notNull(),
    customerName: text("customer_name").notNull().default(""),
    /** E.164, or null when the order was taken without one. */
    phone: text("phone"),
    fulfilment: text("fulfilment").$type<OrderFulfilment>().notNull().default("pickup"),
    pickupTime: text("pickup_time"),
    address: text("address"),
    comment: text("comment").notNull().default(""),
    totalMinor: integer("total_minor").notNull(),
    currency: text("currency").notNull(),
    createdByMembershipId: uuid("created_by_membership_id").references(() => memberships.id),
    updatedAt: at("updated_at").notNull().defaultNow(),
    createdAt: createdAt(),
  },
  (t) => [
    check("orders_total_positive", sql`${t.totalMinor} > 0`),
    uniqueIndex("orders_project_number").on(t.projectId, t.number),
    // A payment names its order with the project: an order of another project cannot be named.
    unique("orders_project_id").on(t.projectId, t.id),
    index("orders_board").on(t.projectId, t.status, t.createdAt),
    index("orders_conversation").on(t.conversationId, t.createdAt),
  ],
);

export const orderItems = pgTable(
  "order_items",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    orderId: uuid("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    /** The product it came from, while it exists (archived products stay). */
    productId: uuid("product_id").references(() => catalogProducts.id, { onDelete: "set null" }),
    name: text("name").notNull(),
    unitPriceMinor: integer("unit_price_minor").notNull(),
    options: jsonb("options").$type<OrderLineOption[]>().notNull().default([]),
    quantity: integer("quantity").notNull().default(1),
    lineTotalMinor: integer("line_total_minor").notNull(),
    sortOrder: integer("sort_order").notNull().default(0),
  },
  (t) => [
    check("order_items_quantity_positive", sql`${t.quantity} > 0`),
    check("order_items_price_positive", sql`${t.unitPriceMinor} > 0`),
    index("order_items_order").on(t.orderId),
  ],
);

/** Every status an order went through: from, to, who (client, member or the system) and when. */
export const orderStatusEvents = pgTable(
  "order_status_events",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    orderId: uuid("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    fromStatus: text("from_status").$type<OrderStatus>(),
    toStatus: text("to_status").$type<OrderStatus>().notNull(),
    actorKind: text("actor_kind").$type<"client" | "member" | "system">().notNull(),
    actorMembershipId: uuid("actor_membership_id").references(() => memberships.id),
    createdAt: createdAt(),
  },
  (t) => [index("order_status_events_order").on(t.orderId, t.createdAt)],
);

export type OrderProposalStatus = "pending" | "confirmed" | "cancelled" | "replaced";
/** A proposed line as the client was shown it: ids to order by, name and price to compare with the catalog at confirm. */
export type OrderProposalLine = { productId: string; optionIds: string[]; name: string; options: { name: string; priceDeltaMinor: number }[]; quantity: number; unitPriceMinor: number };

/**
 * An order the agent proposed from the client's words, waiting for «да»: pending until it expires,
 * confirmed once (then `order_id` is the order it became), cancelled by the client, or replaced by
 * a newer proposal in the same conversation (a new order in words, or the same at a new price).
 */
export const orderProposals = pgTable(
  "order_proposals",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    status: text("status").$type<OrderProposalStatus>().notNull().default("pending"),
    lines: jsonb("lines").$type<OrderProposalLine[]>().notNull(),
    totalMinor: integer("total_minor").notNull(),
    currency: text("currency").notNull(),
    expiresAt: at("expires_at").notNull(),
    decidedAt: at("decided_at"),
    orderId: uuid("order_id").references(() => orders.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("order_proposals_conversation").on(t.conversationId, t.createdAt)],
);

/**
 * The menu bot's state in one conversation: the one live menu message (older ones are expired),
 * a token and a version that every button carries (a button of another menu, or one pressed twice,
 * is refused), the screen, the cart and the checkout answers so far.
 */
export const menuSessions = pgTable("menu_sessions", {
  conversationId: uuid("conversation_id")
    .primaryKey()
    .references(() => conversations.id, { onDelete: "cascade" }),
  projectId: uuid("project_id")
    .notNull()
    .references(() => projects.id, { onDelete: "cascade" }),
  token: text("token").notNull(),
  version: integer("version").notNull().default(0),
  menuMessageId: text("menu_message_id"),
  state: jsonb("state").$type<Record<string, unknown>>().notNull().default({}),
  updatedAt: at("updated_at").notNull().defaultNow(),
});
