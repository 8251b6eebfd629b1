import { sql } from "drizzle-orm";
import { bigint, index, integer, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { projects } from "./tenancy.ts";

// The words a project's messages are written in, for correcting a typo in a searched word
// (decision 063): a mistyped «доствка» is searched as «доставка», a word this project's clients
// and managers actually wrote. Filled from new messages by a housekeeping job, off the path that
// stores them; read only through `similar_search_words` (migration), for the current tenant.
export const searchLexicon = pgTable(
  "search_lexicon",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    word: text("word").notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.word] }), index("search_lexicon_word_trgm").using("gin", sql`${t.word} gin_trgm_ops`)],
);

/** How far the lexicon has read the messages (their ids grow with time): one row. */
export const searchLexiconProgress = pgTable("search_lexicon_progress", {
  id: integer("id").primaryKey().default(1),
  lastMessageId: bigint("last_message_id", { mode: "number" }).notNull().default(0),
});
