import { bigint, index, integer, jsonb, numeric, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { at, createdAt, id } from "./columns.ts";
import { channels } from "./channels.ts";
import { projects } from "./tenancy.ts";

// A history import: its cursor and counts commit with each page, so a restart resumes exactly.
export const importRuns = pgTable(
  "import_runs",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    channelId: uuid("channel_id")
      .notNull()
      .references(() => channels.id, { onDelete: "cascade" }),
    source: text("source").$type<"vk_api" | "telegram_export">().notNull(),
    state: text("state")
      .$type<"queued" | "running" | "paused" | "done" | "failed" | "cancelled">()
      .notNull()
      .default("queued"),
    cursor: jsonb("cursor").$type<Record<string, unknown>>().notNull().default({}),
    totalDialogs: integer("total_dialogs"),
    doneDialogs: integer("done_dialogs").notNull().default(0),
    importedMessages: bigint("imported_messages", { mode: "number" }).notNull().default(0),
    apiRequests: integer("api_requests").notNull().default(0),
    lastError: text("last_error"),
    startedAt: at("started_at"),
    finishedAt: at("finished_at"),
    createdAt: createdAt(),
  },
  (t) => [index("import_runs_channel").on(t.channelId, t.createdAt.desc())],
);

// Spend: one row per paid provider call (LLM tokens, TTS characters).
export const usageRecords = pgTable(
  "usage_records",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    provider: text("provider").notNull(),
    feature: text("feature").notNull(),
    model: text("model"),
    inputUnits: integer("input_units").notNull().default(0),
    outputUnits: integer("output_units").notNull().default(0),
    costUsd: numeric("cost_usd", { precision: 12, scale: 6 }).notNull().default("0"),
    conversationId: uuid("conversation_id"),
    createdAt: createdAt(),
  },
  (t) => [index("usage_records_project_time").on(t.projectId, t.createdAt.desc())],
);
