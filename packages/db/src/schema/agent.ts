import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { at, createdAt, id } from "./columns.ts";
import { conversations } from "./conversations.ts";
import { memberships, projects } from "./tenancy.ts";

/** What a project changed in its agent script; everything left out keeps the Russian default. */
export type AgentScriptOverrides = {
  greeting?: string;
  facts?: Record<string, string>;
  faq?: { q: string[]; a: string }[];
  handoffTopics?: string[];
  askPhone?: string;
  askPhoneAgain?: string;
  reAskPhone?: string;
  unknownQuestion?: string;
  invalidPhone?: string;
  confirmPhone?: string;
  handoff?: string;
  decline?: string;
  maxPhoneAsks?: number;
  timeoutMinutes?: number;
  objections?: { q: string[]; a: string }[];
  /** Fields collected before the handoff; the phone always. */
  collect?: ("phone" | "name" | "date" | "address" | "budget")[];
  fieldAsks?: Partial<Record<"name" | "date" | "address" | "budget", string>>;
  /** The owner's instructions for the model: tone, what it may and may not say. */
  instructions?: string;
};

// The first-contact agent of a project: on or off (for the project, with a per-channel override),
// its script, and the project's language model when it has one (the key is on projects, encrypted).
export const agentSettings = pgTable("agent_settings", {
  projectId: uuid("project_id")
    .primaryKey()
    .references(() => projects.id, { onDelete: "cascade" }),
  enabled: boolean("enabled").notNull().default(true),
  // channel id → on / off; a channel not listed follows `enabled`.
  channels: jsonb("channels").$type<Record<string, boolean>>().notNull().default({}),
  script: jsonb("script").$type<AgentScriptOverrides>().notNull().default({}),
  llmModel: text("llm_model"),
  /** Speech-to-text model for clients' voice notes (OpenAI-compatible, the project's key); null: off. */
  transcriptionModel: text("transcription_model"),
  // Who transcribes voice notes: the OpenAI-compatible API (with transcriptionModel) or ElevenLabs
  // (Scribe, with the project's ElevenLabs key saved for voicing).
  transcriptionProvider: text("transcription_provider").$type<"openai" | "elevenlabs">().notNull().default("openai"),
  /** Embedding model for the knowledge base's search by meaning (the project's key); null: the default. */
  embeddingModel: text("embedding_model"),
  updatedBy: uuid("updated_by").references(() => memberships.id),
  updatedAt: at("updated_at").notNull().defaultNow(),
});

// Where the project's lead rotation stands: the member who got the last lead, by position, so a
// member leaving the rotation does not reset it. Locked with SELECT … FOR UPDATE while choosing.
export const leadRotations = pgTable("lead_rotations", {
  projectId: uuid("project_id")
    .primaryKey()
    .references(() => projects.id, { onDelete: "cascade" }),
  lastMembershipId: uuid("last_membership_id"),
  lastOrder: integer("last_order"),
  updatedAt: at("updated_at").notNull().defaultNow(),
});

// Won conversations kept as examples for the agent: the thread as it was when marked won.
export const wonExamples = pgTable(
  "won_examples",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    contactName: text("contact_name").notNull().default(""),
    messages: jsonb("messages").$type<{ author: "client" | "agent" | "member"; text: string }[]>().notNull().default([]),
    // The thread as plain text, one «Клиент: …» / «Менеджер: …» line per message.
    text: text("text").notNull().default(""),
    addedBy: uuid("added_by").references(() => memberships.id),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("won_examples_conversation").on(t.conversationId), index("won_examples_project_time").on(t.projectId, t.createdAt.desc())],
);
