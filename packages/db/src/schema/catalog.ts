import { sql } from "drizzle-orm";
import { boolean, check, index, integer, pgTable, primaryKey, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { at, createdAt, id } from "./columns.ts";
import { projects } from "./tenancy.ts";

// A project's price list: what the agent quotes, what managers put into orders and what the menu bot
// shows. Prices are in minor units of the project's currency (`projects.currency`). A product leaves
// the list by `archived_at` rather than deletion, so orders that hold it keep their lines.

export const catalogCategories = pgTable(
  "catalog_categories",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    sortOrder: integer("sort_order").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("catalog_categories_project_name").on(t.projectId, sql`lower(${t.name})`)],
);

export const catalogProducts = pgTable(
  "catalog_products",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    categoryId: uuid("category_id").references(() => catalogCategories.id, { onDelete: "set null" }),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    priceMinor: integer("price_minor").notNull(),
    /** false: on the stop-list (shown as unavailable, never offered). */
    available: boolean("available").notNull().default(true),
    /** The product's photo in the project's storage (a key from `storage`), or null. */
    photoKey: text("photo_key"),
    sortOrder: integer("sort_order").notNull().default(0),
    updatedAt: at("updated_at").notNull().defaultNow(),
    archivedAt: at("archived_at"),
    createdAt: createdAt(),
  },
  (t) => [
    check("catalog_products_price_positive", sql`${t.priceMinor} > 0`),
    uniqueIndex("catalog_products_project_name").on(t.projectId, sql`lower(${t.name})`).where(sql`${t.archivedAt} is null`),
    index("catalog_products_category").on(t.projectId, t.categoryId, t.sortOrder),
  ],
);

/** A choice on a product (size, milk, syrup) that changes its price by `price_delta_minor`. */
export const catalogOptions = pgTable(
  "catalog_options",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    productId: uuid("product_id")
      .notNull()
      .references(() => catalogProducts.id, { onDelete: "cascade" }),
    /** Options of one group exclude each other (one size); an empty group is a free add-on. */
    groupName: text("group_name").notNull().default(""),
    name: text("name").notNull(),
    priceDeltaMinor: integer("price_delta_minor").notNull().default(0),
    available: boolean("available").notNull().default(true),
    sortOrder: integer("sort_order").notNull().default(0),
  },
  (t) => [
    check("catalog_options_delta_not_negative", sql`${t.priceDeltaMinor} >= 0`),
    uniqueIndex("catalog_options_product_name").on(t.productId, sql`lower(${t.name})`),
  ],
);

/** «к капучино — круассан»: what to offer once with a product. */
export const catalogUpsells = pgTable(
  "catalog_upsells",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    productId: uuid("product_id")
      .notNull()
      .references(() => catalogProducts.id, { onDelete: "cascade" }),
    upsellProductId: uuid("upsell_product_id")
      .notNull()
      .references(() => catalogProducts.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.productId, t.upsellProductId] }), check("catalog_upsells_not_self", sql`${t.productId} <> ${t.upsellProductId}`)],
);
