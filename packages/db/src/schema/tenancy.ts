import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { at, createdAt, id } from "./columns.ts";
import { users } from "./identity.ts";

export type ProjectSettings = {
  timezone?: string;
  /** Voiced replies: the ElevenLabs voice (the key itself is `elevenlabs_key_enc`). */
  voice?: { voiceId: string; modelId?: string };
  /** The traffic team's tracked links (Telegram start / VK ref), newest first. */
  trackedLinks?: TrackedLink[];
};

/** A tracked link for a campaign: its address carries the UTM tags as a start payload or VK ref. */
export type TrackedLink = {
  id: string;
  name: string;
  kind: "telegram" | "vk";
  target: string;
  payload: string;
  refSource?: string;
  url: string;
  tags: { source?: string; medium?: string; campaign?: string; content?: string };
  createdAt: string;
};

export const projects = pgTable("projects", {
  id: id(),
  name: text("name").notNull(),
  slug: text("slug").notNull().unique(),
  settings: jsonb("settings").$type<ProjectSettings>().notNull().default({}),
  // Provider keys, encrypted with SECRET_KEY (see crypto in @threadline/domain). Never sent to browsers.
  openaiKeyEnc: text("openai_key_enc"),
  elevenlabsKeyEnc: text("elevenlabs_key_enc"),
  // The provider base URL each key was saved for: a key is never sent to another host. When the
  // operator's URL (OPENAI_BASE_URL, ELEVENLABS_BASE_URL) differs, the key counts as absent.
  openaiKeyBaseUrl: text("openai_key_base_url"),
  elevenlabsKeyBaseUrl: text("elevenlabs_key_base_url"),
  createdAt: createdAt(),
});

// A role template of one project: what its members may do and which contact fields they may see.
export const roles = pgTable(
  "roles",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    name: text("name").notNull(),
    permissions: text("permissions").array().notNull().default([]),
    hiddenFields: text("hidden_fields").array().notNull().default([]),
    system: boolean("system").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("roles_project_key").on(t.projectId, t.key)],
);

export const memberships = pgTable(
  "memberships",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    roleId: uuid("role_id")
      .notNull()
      .references(() => roles.id),
    // Position in the project's lead rotation (lower first).
    rotationOrder: integer("rotation_order").notNull().default(0),
    active: boolean("active").notNull().default(true),
    deactivatedAt: at("deactivated_at"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("memberships_project_user").on(t.projectId, t.userId), index("memberships_user_idx").on(t.userId)],
);

export const invitations = pgTable(
  "invitations",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    roleId: uuid("role_id")
      .notNull()
      .references(() => roles.id),
    tokenHash: text("token_hash").notNull().unique(),
    invitedBy: uuid("invited_by").references(() => users.id),
    expiresAt: at("expires_at").notNull(),
    acceptedAt: at("accepted_at"),
    revokedAt: at("revoked_at"),
    createdAt: createdAt(),
  },
  (t) => [index("invitations_project_idx").on(t.projectId)],
);

export const auditLog = pgTable(
  "audit_log",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    actorUserId: uuid("actor_user_id").references(() => users.id),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [index("audit_log_project_time").on(t.projectId, t.createdAt.desc())],
);
