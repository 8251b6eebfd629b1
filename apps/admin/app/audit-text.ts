// One audit log entry as a person reads it: whom or what it was about and what changed, in words
// of the interface (role names, stages, permissions), never internal keys.
import { quoted, type useT } from "@threadline/ui";

type T = ReturnType<typeof useT>;

export type AuditRow = {
  action: string;
  details: Record<string, unknown>;
  targetName: string | null;
  assigneeName: string | null;
  importSummary: { source: string; state: string; dialogs: number; totalDialogs: number | null; messages: number; error: string | null } | null;
  roleNames: Record<string, string>;
};

const str = (v: unknown) => (typeof v === "string" ? v : undefined);
const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

function roleName(row: AuditRow, key: unknown): string {
  const k = str(key) ?? "";
  return row.roleNames[k] ?? k;
}

/** What changed in a role: permissions given and taken, fields hidden and shown. */
function roleChanges(t: T, details: Record<string, unknown>): string[] {
  const before = (details.before ?? {}) as { permissions?: unknown; hiddenFields?: unknown };
  const after = (details.after ?? {}) as { permissions?: unknown; hiddenFields?: unknown };
  const diff = (a: unknown, b: unknown) => list(b).filter((x) => !list(a).includes(x));
  const parts: string[] = [];
  const given = diff(before.permissions, after.permissions).map((p) => t(`permission.${p}`, { defaultValue: p }));
  const taken = diff(after.permissions, before.permissions).map((p) => t(`permission.${p}`, { defaultValue: p }));
  const hidden = diff(before.hiddenFields, after.hiddenFields).map((f) => t(`field.${f}`, { defaultValue: f }));
  const shown = diff(after.hiddenFields, before.hiddenFields).map((f) => t(`field.${f}`, { defaultValue: f }));
  if (given.length) parts.push(t("auditText.granted", { list: given.join(", ") }));
  if (taken.length) parts.push(t("auditText.revoked", { list: taken.join(", ") }));
  if (hidden.length) parts.push(t("auditText.hidden", { list: hidden.join(", ") }));
  if (shown.length) parts.push(t("auditText.shown", { list: shown.join(", ") }));
  return parts;
}

function importText(t: T, row: AuditRow): string {
  const s = row.importSummary;
  const channel = row.targetName ? quoted(row.targetName) : "";
  if (!s) return channel;
  const source = t(`auditText.importSource.${s.source}`, { defaultValue: s.source });
  const dialogs = s.totalDialogs !== null ? t("auditText.dialogsOf", { done: s.dialogs, total: s.totalDialogs }) : t("auditText.dialogs", { count: s.dialogs });
  return t("auditText.import", { source, channel, dialogs, messages: s.messages });
}

/** The «Подробности» of an entry. */
export function describeAudit(t: T, row: AuditRow): string {
  const d = row.details;
  const target = row.targetName ?? "";
  switch (row.action) {
    case "member.role_changed":
      return t("auditText.roleChanged", { name: target, from: roleName(row, d.from), to: roleName(row, d.to) });
    case "member.deactivated":
    case "member.reactivated":
      return target;
    case "member.invited":
      return t("auditText.invited", { email: str(d.email) ?? "", role: roleName(row, d.role) });
    case "member.joined":
      return [target, str(d.email)].filter(Boolean).join(", ");
    case "invitation.revoked":
    case "invitation.renewed":
      return str(d.email) ?? "";
    case "role.created":
      return quoted(str(d.name) ?? target);
    case "role.updated": {
      const changes = roleChanges(t, d);
      const name = quoted(target || roleName(row, d.key));
      return changes.length ? `${name}: ${changes.join("; ")}` : name;
    }
    case "conversation.assigned":
      return t("auditText.assigned", { client: target || t("auditText.noName"), to: row.assigneeName ?? "—" });
    case "conversation.archived":
    case "conversation.unarchived":
      return target || t("auditText.noName");
    case "conversation.stage_changed":
      return t("auditText.stage", { client: target || t("auditText.noName"), from: t(`inbox.stage.${str(d.from)}`), to: t(`inbox.stage.${str(d.to)}`) });
    case "agent.example_removed":
      return target ? t("auditText.example", { client: target }) : "";
    case "channel.connected":
      return t("auditText.channel", { kind: d.kind === "vk" ? "VK" : "Telegram", name: str(d.name) ?? target, delivery: t(`admin.deliveryKind.${str(d.delivery) ?? "webhook"}`) });
    case "channel.delivery_changed":
      return t("auditText.delivery", { name: str(d.name) ?? target, from: t(`admin.deliveryKind.${str(d.from)}`), to: t(`admin.deliveryKind.${str(d.to)}`) });
    case "channel.paused":
    case "channel.resumed":
      return quoted(str(d.name) ?? target);
    case "template.created":
    case "template.updated":
    case "template.removed":
    case "media.added":
    case "media.renamed":
    case "media.removed":
      return quoted(str(d.name) ?? "");
    case "project.created":
      return quoted(str(d.name) ?? "");
    case "project.updated":
      // The fields a person sets on the settings page; anything else is not theirs to read.
      return Object.keys(d)
        .map((k) => [t(`auditText.projectField.${k}`, { defaultValue: "" }), d[k]] as const)
        .filter(([label, value]) => label && (typeof value === "string" || typeof value === "number"))
        .map(([label, value]) => `${label}: ${String(value)}`)
        .join(", ");
    case "agent.updated":
      return agentChanges(t, d);
    case "payments.account_connected":
    case "payments.account_updated":
    case "payments.account_removed":
      return d.provider === "stripe" ? "Stripe" : d.provider === "yookassa" ? t("auditText.yookassa") : "";
    case "voice.updated":
      return d.keyChanged ? t("auditText.voiceKey") : "";
    default:
      if (row.action.startsWith("import.")) return importText(t, row);
      return target;
  }
}

function agentChanges(t: T, d: Record<string, unknown>): string {
  const parts: string[] = [];
  if (typeof d.enabled === "boolean") parts.push(t(d.enabled ? "auditText.agentOn" : "auditText.agentOff"));
  if (d.channels) parts.push(t("auditText.agentChannels"));
  const script = list(d.script);
  if (script.length) parts.push(t("auditText.agentScript", { list: script.map((k) => t(`auditText.scriptPart.${k}`, { defaultValue: k })).join(", ") }));
  if (d.llm) parts.push(t((d.llm as { keyChanged?: boolean }).keyChanged ? "auditText.agentKey" : "auditText.agentModel"));
  return parts.join("; ");
}
