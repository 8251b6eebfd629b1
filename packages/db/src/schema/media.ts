import { foreignKey, index, integer, pgTable, primaryKey, text, unique, uuid } from "drizzle-orm/pg-core";
import { createdAt, id } from "./columns.ts";
import { channels } from "./channels.ts";
import { replyTemplates } from "./templates.ts";
import { memberships, projects } from "./tenancy.ts";

// The project's media library: files kept once (photos, PDFs, voice notes) that saved replies and
// any outbound message may carry. Rows that point at a library file reference it through
// (project_id, id), so they can never name another project's file.
export const mediaFiles = pgTable(
  "media_files",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    storageKey: text("storage_key").notNull().unique(),
    name: text("name").notNull(),
    mime: text("mime").notNull(),
    kind: text("kind").$type<"photo" | "document" | "voice">().notNull(),
    size: integer("size").notNull(),
    createdBy: uuid("created_by").references(() => memberships.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [unique("media_files_project_id").on(t.projectId, t.id), index("media_files_project_created").on(t.projectId, t.createdAt)],
);

// What a platform gave back the first time a library file went out on a channel (a Telegram
// file_id, a VK attachment string): later sends pass it instead of the bytes. Per channel, since
// a Telegram file_id belongs to one bot and a VK attachment to one community.
export const mediaChannelRefs = pgTable(
  "media_channel_refs",
  {
    projectId: uuid("project_id").notNull(),
    channelId: uuid("channel_id")
      .notNull()
      .references(() => channels.id, { onDelete: "cascade" }),
    mediaId: uuid("media_id").notNull(),
    platformRef: text("platform_ref").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.channelId, t.mediaId] }),
    foreignKey({ columns: [t.projectId, t.mediaId], foreignColumns: [mediaFiles.projectId, mediaFiles.id], name: "media_channel_refs_media_fk" }).onDelete("cascade"),
    index("media_channel_refs_media").on(t.mediaId),
  ],
);

// What a platform gave back for a one-off upload on a channel, by the SHA-256 of its bytes (and how
// it went: a photo's file_id does not send a document): the same file attached again, even as a
// new upload, goes by reference (decision 068).
export const uploadChannelRefs = pgTable(
  "upload_channel_refs",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    channelId: uuid("channel_id")
      .notNull()
      .references(() => channels.id, { onDelete: "cascade" }),
    contentHash: text("content_hash").notNull(),
    kind: text("kind").notNull(),
    platformRef: text("platform_ref").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.channelId, t.contentHash, t.kind] })],
);

// The files a saved reply carries, in order.
export const replyTemplateMedia = pgTable(
  "reply_template_media",
  {
    projectId: uuid("project_id").notNull(),
    templateId: uuid("template_id").notNull(),
    mediaId: uuid("media_id").notNull(),
    position: integer("position").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.templateId, t.mediaId] }),
    foreignKey({ columns: [t.projectId, t.templateId], foreignColumns: [replyTemplates.projectId, replyTemplates.id], name: "reply_template_media_template_fk" }).onDelete("cascade"),
    foreignKey({ columns: [t.projectId, t.mediaId], foreignColumns: [mediaFiles.projectId, mediaFiles.id], name: "reply_template_media_media_fk" }).onDelete("cascade"),
    index("reply_template_media_media").on(t.mediaId),
  ],
);
