import { index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { at, createdAt, id } from "./columns.ts";
import { projects } from "./tenancy.ts";

export const channelKinds = ["vk", "telegram"] as const;
export type ChannelKind = (typeof channelKinds)[number];

export const channels = pgTable(
  "channels",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    kind: text("kind").$type<ChannelKind>().notNull(),
    name: text("name").notNull(),
    // VK community id or Telegram bot id.
    externalId: text("external_id").notNull(),
    tokenEnc: text("token_enc").notNull(),
    // VK Callback API `secret` / Telegram `secret_token`: proves a webhook came from the platform.
    webhookSecret: text("webhook_secret").notNull(),
    // VK Callback API confirmation string.
    confirmation: text("confirmation"),
    state: text("state").$type<"active" | "paused" | "error">().notNull().default("active"),
    // Health: why the channel is in the error state (an error code), since when, failures in a row.
    errorCode: text("error_code"),
    errorAt: at("error_at"),
    failureCount: integer("failure_count").notNull().default(0),
    settings: jsonb("settings").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("channels_kind_external").on(t.kind, t.externalId), index("channels_project_idx").on(t.projectId)],
);
