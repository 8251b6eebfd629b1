import { desc, eq, lt, and, sql } from "drizzle-orm";
import { auditLog, roles, users, type Tx } from "@threadline/db";

export type AuditEntry = {
  projectId: string;
  actorUserId: string | null;
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
};

/** Written in the same transaction as the change it records: no change without its entry. */
export async function recordAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values({ ...entry, details: entry.details ?? {} });
}

// Whom or what an entry is about, by name as it is now: the employee, the client, the channel,
// the role; for an import, its channel. Looked up for the page's rows only.
const targetName = sql<string | null>`case ${auditLog.targetType}
  when 'membership' then (select u.name from memberships m join users u on u.id = m.user_id where m.id::text = ${auditLog.targetId})
  when 'user' then (select u.name from users u where u.id::text = ${auditLog.targetId})
  when 'conversation' then (select ct.name from conversations c join contacts ct on ct.id = c.contact_id where c.id::text = ${auditLog.targetId})
  when 'channel' then (select ch.name from channels ch where ch.id::text = ${auditLog.targetId})
  when 'role' then (select r.name from roles r where r.id::text = ${auditLog.targetId})
  when 'import_run' then (select ch.name from import_runs r join channels ch on ch.id = r.channel_id where r.id::text = ${auditLog.targetId})
  end`;

// What an import brought in so far (for entries about an import run).
const importSummary = sql<{ source: string; state: string; dialogs: number; totalDialogs: number | null; messages: number; error: string | null } | null>`case when ${auditLog.targetType} = 'import_run' then (
  select json_build_object('source', r.source, 'state', r.state, 'dialogs', r.done_dialogs, 'totalDialogs', r.total_dialogs, 'messages', r.imported_messages, 'error', r.last_error)
  from import_runs r where r.id::text = ${auditLog.targetId}) end`;

// The new assignee of an assignment, by name.
const assigneeName = sql<string | null>`case when ${auditLog.action} = 'conversation.assigned' then (
  select u.name from memberships m join users u on u.id = m.user_id where m.id::text = ${auditLog.details}->>'assigneeId') end`;

/**
 * A page of the log, newest first, with what the page needs to read as sentences: the target's
 * name, an import's figures, the assignee's name, and the project's role names by key (role
 * changes store keys).
 */
export async function listAudit(tx: Tx, projectId: string, opts: { limit: number; before?: Date }) {
  const [entries, roleRows] = await Promise.all([
    tx
      .select({
        id: auditLog.id,
        action: auditLog.action,
        targetType: auditLog.targetType,
        targetId: auditLog.targetId,
        details: auditLog.details,
        createdAt: auditLog.createdAt,
        actorName: users.name,
        actorEmail: users.email,
        targetName,
        importSummary,
        assigneeName,
      })
      .from(auditLog)
      .leftJoin(users, eq(users.id, auditLog.actorUserId))
      .where(and(eq(auditLog.projectId, projectId), opts.before ? lt(auditLog.createdAt, opts.before) : undefined))
      .orderBy(desc(auditLog.createdAt))
      .limit(opts.limit),
    tx.select({ key: roles.key, name: roles.name }).from(roles).where(eq(roles.projectId, projectId)),
  ]);
  const roleNames = Object.fromEntries(roleRows.map((r) => [r.key, r.name]));
  return entries.map((e) => ({ ...e, roleNames }));
}
