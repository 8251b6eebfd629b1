// What a role template can grant. Screens and actions are permissions; contact and conversation
// fields a role may not see are hidden fields, removed by the server from every response.
export const permissions = [
  "inbox.use",
  "conversations.viewAll",
  "conversations.reply",
  "conversations.assign",
  "channels.manage",
  "import.manage",
  "agent.manage",
  "project.settings",
  "staff.manage",
  "roles.manage",
  "audit.view",
  "analytics.spend",
  "analytics.traffic",
  "payments.view",
  "catalog.manage",
  "orders.manage",
] as const;
export type Permission = (typeof permissions)[number];

export const hideableFields = ["contact.profileUrl", "contact.phone", "conversation.attribution", "payments"] as const;
export type HideableField = (typeof hideableFields)[number];

export const roleKeys = ["owner", "admin", "manager", "finance", "traffic", "tech"] as const;
export type RoleKey = (typeof roleKeys)[number];

export type RoleTemplate = { key: RoleKey; name: string; permissions: Permission[]; hiddenFields: HideableField[] };

const all = [...permissions];

export const defaultRoleTemplates: RoleTemplate[] = [
  { key: "owner", name: "Владелец", permissions: all, hiddenFields: [] },
  { key: "admin", name: "Администратор", permissions: all.filter((p) => p !== "roles.manage"), hiddenFields: [] },
  {
    key: "manager",
    name: "Менеджер",
    permissions: ["inbox.use", "conversations.reply", "conversations.assign"],
    hiddenFields: ["contact.profileUrl", "conversation.attribution"],
  },
  {
    key: "finance",
    name: "Финансы",
    permissions: ["payments.view", "analytics.spend"],
    hiddenFields: ["contact.profileUrl", "contact.phone", "conversation.attribution"],
  },
  {
    key: "traffic",
    name: "Трафик",
    permissions: ["analytics.traffic"],
    // Revenue per campaign is what the traffic team buys traffic by.
    hiddenFields: ["contact.profileUrl", "contact.phone"],
  },
  {
    key: "tech",
    name: "Техспециалист",
    permissions: ["channels.manage", "import.manage", "agent.manage", "audit.view"],
    hiddenFields: ["contact.phone", "payments"],
  },
];

// The owner template keeps these so a project can never lock itself out of its own settings.
export const ownerLockedPermissions: Permission[] = ["staff.manage", "roles.manage", "project.settings"];

/** Screens of the admin console: a member sees the console when they hold any of these. */
export const adminPermissions: Permission[] = all.filter((p) => !p.startsWith("inbox.") && !p.startsWith("conversations."));
