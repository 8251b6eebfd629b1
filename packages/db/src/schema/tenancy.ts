import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { at, createdAt, id } from "./columns.ts";
import { users } from "./identity.ts";
import type { ConversationIntent } from "./intents.ts";

export type ProjectSettings = {
  timezone?: string;
  /** How long a client may wait for a manager's answer before the assignee is reminded (minutes). */
  responseTargetMinutes?: number;
  /** Voiced replies: the ElevenLabs voice (the key itself is `elevenlabs_key_enc`). */
  voice?: { voiceId: string; modelId?: string };
  /** What the client is told when their order changes status (blank: the default text). */
  orderTemplates?: Partial<Record<"new" | "confirmed" | "preparing" | "ready" | "done" | "cancelled", string>>;
  /** The project's working hours: response times of members without their own count only these. */
  workHours?: WorkHours;
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

/** Shifts per weekday (0 = Sunday … 6), "HH:MM" in the project's time zone; `to` ≤ `from` runs past midnight. */
export type WorkHours = { days: Partial<Record<"0" | "1" | "2" | "3" | "4" | "5" | "6", { from: string; to: string }[]>> };

export type AlertSettings = { desktop?: boolean; sound?: boolean; telegram?: boolean };

export const projects = pgTable("projects", {
  id: id(),
  name: text("name").notNull(),
  slug: text("slug").notNull().unique(),
  /** ISO 4217 code of the project's prices and payments (catalog, orders, bills). */
  currency: text("currency").notNull().default("RUB"),
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
    // Rotation rules (see leads/rotation.ts): null = the role's default (an owner is out).
    inRotation: boolean("in_rotation"),
    rotationWeight: integer("rotation_weight").notNull().default(1),
    // Smooth weighted round robin: the member's running credit, changed only under the pointer lock.
    rotationCredit: integer("rotation_credit").notNull().default(0),
    // Working hours in the project's time zone; null = always on shift.
    workHours: jsonb("work_hours").$type<WorkHours>(),
    pausedUntil: at("paused_until"),
    pauseReason: text("pause_reason").$type<"vacation" | "sick" | "other">(),
    // The member's own alert choices (desktop, sound, Telegram).
    alertSettings: jsonb("alert_settings").$type<AlertSettings>().notNull().default({}),
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

// Which members take the leads of a channel or a traffic source (utm_source / ref source).
export const rotationRules = pgTable(
  "rotation_rules",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    channelId: uuid("channel_id"),
    source: text("source"),
    // Leads of this intent (purchase, question, support, complaint, spam) go to these members.
    intent: text("intent").$type<ConversationIntent>(),
    membershipIds: uuid("membership_ids").array().notNull().default([]),
    /** «Спам → в архив»: the rule archives the conversation instead of giving it to members. */
    archive: boolean("archive").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [index("rotation_rules_project_idx").on(t.projectId)],
);

// A member's Telegram chat with the project's staff-notification bot, and the one-time link token.
export const staffLinks = pgTable(
  "staff_links",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    membershipId: uuid("membership_id")
      .notNull()
      .references(() => memberships.id, { onDelete: "cascade" }),
    // sha256 of the deep-link token while one is pending; cleared when used.
    tokenHash: text("token_hash").unique(),
    tokenExpiresAt: at("token_expires_at"),
    chatId: text("chat_id"),
    telegramUsername: text("telegram_username"),
    linkedAt: at("linked_at"),
    // The member blocked the bot (403): nothing more is sent until they link again.
    blockedAt: at("blocked_at"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("staff_links_membership").on(t.membershipId)],
);

// The project's staff-notification bot (Telegram): its token, sealed; the webhook secret.
export const staffBots = pgTable("staff_bots", {
  projectId: uuid("project_id")
    .primaryKey()
    .references(() => projects.id, { onDelete: "cascade" }),
  tokenEnc: text("token_enc").notNull(),
  botId: text("bot_id").notNull(),
  username: text("username").notNull(),
  webhookSecret: text("webhook_secret").notNull(),
  createdAt: createdAt(),
});
