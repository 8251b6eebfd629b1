import { sql } from "drizzle-orm";
import { foreignKey, index, pgTable, primaryKey, text, unique, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { at, createdAt, id } from "./columns.ts";
import { contacts } from "./conversations.ts";
import { memberships, projects } from "./tenancy.ts";

// A project's own labels for its clients («VIP», «Опт») and the team's notes about a client.
// Attachments carry the project and reference the tag and the contact through (project_id, id),
// so a row can never join a tag or a contact of another project, whatever the code above does.

/** The colours a tag may have: names of the palette the inbox draws, not free CSS. */
export const tagColors = ["slate", "red", "orange", "amber", "green", "teal", "blue", "violet", "pink"] as const;
export type TagColor = (typeof tagColors)[number];

export const tags = pgTable(
  "tags",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    color: text("color").$type<TagColor>().notNull().default("slate"),
    createdAt: createdAt(),
  },
  (t) => [
    // «VIP» and «vip» are one tag.
    uniqueIndex("tags_project_name").on(t.projectId, sql`lower(${t.name})`),
    unique("tags_project_id").on(t.projectId, t.id),
  ],
);

export const contactTags = pgTable(
  "contact_tags",
  {
    projectId: uuid("project_id").notNull(),
    contactId: uuid("contact_id").notNull(),
    tagId: uuid("tag_id").notNull(),
    addedBy: uuid("added_by").references(() => memberships.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.contactId, t.tagId] }),
    foreignKey({ columns: [t.projectId, t.tagId], foreignColumns: [tags.projectId, tags.id], name: "contact_tags_tag_fk" }).onDelete("cascade"),
    foreignKey({ columns: [t.projectId, t.contactId], foreignColumns: [contacts.projectId, contacts.id], name: "contact_tags_contact_fk" }).onDelete("cascade"),
    // The list filtered by a tag starts from its contacts.
    index("contact_tags_tag").on(t.tagId, t.contactId),
  ],
);

export const contactNotes = pgTable(
  "contact_notes",
  {
    id: id(),
    projectId: uuid("project_id").notNull(),
    contactId: uuid("contact_id").notNull(),
    authorId: uuid("author_id").references(() => memberships.id, { onDelete: "set null" }),
    text: text("text").notNull(),
    createdAt: createdAt(),
    editedAt: at("edited_at"),
  },
  (t) => [
    foreignKey({ columns: [t.projectId, t.contactId], foreignColumns: [contacts.projectId, contacts.id], name: "contact_notes_contact_fk" }).onDelete("cascade"),
    index("contact_notes_contact").on(t.contactId, t.createdAt.desc()),
  ],
);
