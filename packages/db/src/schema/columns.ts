import { customType, timestamp, uuid } from "drizzle-orm/pg-core";

export const id = () => uuid("id").primaryKey().defaultRandom();
export const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
export const at = (name: string) => timestamp(name, { withTimezone: true });

/** A Postgres full-text document; written by Postgres itself (a generated column), never by the app. */
export const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });
