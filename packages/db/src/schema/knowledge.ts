import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgTable, real, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, tsvector } from "./columns.ts";
import { conversations } from "./conversations.ts";
import { memberships, projects } from "./tenancy.ts";

// A project's knowledge base: documents the owner uploads (text, Markdown, PDF, DOCX), kept as
// their extracted text and split into passages the agent and the copilot search — Postgres
// full-text (Russian) and trigrams, and embeddings when the project has a model key.

export const kbDocuments = pgTable(
  "kb_documents",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    /** text | markdown | pdf | docx */
    kind: text("kind").$type<"text" | "markdown" | "pdf" | "docx">().notNull(),
    fileName: text("file_name"),
    sizeBytes: integer("size_bytes").notNull().default(0),
    /** The extracted text, as the passages were cut from it. */
    text: text("text").notNull().default(""),
    passageCount: integer("passage_count").notNull().default(0),
    createdBy: uuid("created_by").references(() => memberships.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("kb_documents_project").on(t.projectId, t.createdAt.desc())],
);

export const kbPassages = pgTable(
  "kb_passages",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    documentId: uuid("document_id")
      .notNull()
      .references(() => kbDocuments.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    /** The document's title, repeated so a passage is found by its subject too. */
    title: text("title").notNull(),
    text: text("text").notNull(),
    /** The passage's embedding, when the project has a model key. */
    embedding: real("embedding").array(),
    embeddingModel: text("embedding_model"),
    search: tsvector("search").generatedAlwaysAs(sql`to_tsvector('russian', title || ' ' || text)`),
  },
  (t) => [
    index("kb_passages_document").on(t.documentId, t.position),
    index("kb_passages_search").using("gin", t.search),
    // The project's embedded passages, scored by cosine in SQL at query time (decision 066).
    index("kb_passages_embedded").on(t.projectId, t.embeddingModel).where(sql`embedding is not null`),
  ],
);

/**
 * What one agent turn (or a sandbox question) retrieved and used: the passages found for the
 * client's message with their scores, the passages and rules the replies came from. Shown in the
 * inbox and in admin ("which passage answered"), read by the eval.
 */
export const agentTraces = pgTable(
  "agent_traces",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    /** null for the admin sandbox. */
    conversationId: uuid("conversation_id").references(() => conversations.id, { onDelete: "cascade" }),
    /** The client's message text the search ran on. */
    query: text("query").notNull().default(""),
    retrieved: jsonb("retrieved").$type<{ id: string; title: string; score: number }[]>().notNull().default([]),
    used: jsonb("used").$type<{ passages: { id: string; title: string }[]; rules: string[] }>().notNull().default({ passages: [], rules: [] }),
    /** Ids of the agent messages this turn wrote. */
    replyIds: jsonb("reply_ids").$type<number[]>().notNull().default([]),
    createdAt: createdAt(),
  },
  (t) => [index("agent_traces_conversation").on(t.conversationId, t.id)],
);
