import { index, pgTable, text, unique, uuid } from "drizzle-orm/pg-core";
import { at, createdAt, id } from "./columns.ts";
import { memberships, projects } from "./tenancy.ts";

// Saved replies of a project: managers insert them into the reply box with «/» and a few letters
// of the title. `{имя}` in the text becomes the client's first name.
export const replyTemplates = pgTable(
  "reply_templates",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    text: text("text").notNull(),
    createdBy: uuid("created_by").references(() => memberships.id),
    createdAt: createdAt(),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (t) => [index("reply_templates_project_title").on(t.projectId, t.title), unique("reply_templates_project_id").on(t.projectId, t.id)],
);
