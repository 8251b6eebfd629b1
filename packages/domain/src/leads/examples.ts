import { desc, eq } from "drizzle-orm";
import { wonExamples, type Tx } from "@threadline/db";
import type { Member } from "../access/member.ts";
import { redactText } from "../access/redact.ts";
import { recordAudit } from "../audit/service.ts";
import { notFound } from "../errors.ts";
import { memberName } from "../staff/member-name.ts";
import { loadThread } from "./agent.ts";

const SPEAKERS = { client: "Клиент", agent: "ИИ-агент", member: "Менеджер" } as const;

/**
 * Keeps a won conversation as an example for the agent: the thread as it stands, as messages and
 * as plain text. Marking the same conversation won again refreshes it.
 */
export async function addWonExample(tx: Tx, input: { projectId: string; conversationId: string; contactName: string; addedBy: string | null }) {
  const { messages: thread } = await loadThread(tx, input.conversationId);
  const lines = thread.filter((m) => m.text?.trim()).map((m) => ({ author: m.author, text: m.text!.trim() }));
  const text = lines.map((m) => `${SPEAKERS[m.author]}: ${m.text}`).join("\n");
  const values = { projectId: input.projectId, conversationId: input.conversationId, contactName: input.contactName, messages: lines, text, addedBy: input.addedBy, createdAt: new Date() };
  const [row] = await tx
    .insert(wonExamples)
    .values(values)
    .onConflictDoUpdate({ target: wonExamples.conversationId, set: { messages: lines, text, contactName: input.contactName, addedBy: input.addedBy } })
    .returning({ id: wonExamples.id });
  return row!.id;
}

/** The project's example library, newest first, as the member may read it (a hidden phone is masked). */
export async function listWonExamples(tx: Tx, member: Member, opts: { limit: number }) {
  const rows = await tx
    .select({
      id: wonExamples.id,
      conversationId: wonExamples.conversationId,
      contactName: wonExamples.contactName,
      text: wonExamples.text,
      messages: wonExamples.messages,
      createdAt: wonExamples.createdAt,
      addedByName: memberName(wonExamples.addedBy),
    })
    .from(wonExamples)
    .orderBy(desc(wonExamples.createdAt))
    .limit(opts.limit);
  return rows.map(({ messages, ...r }) => ({ ...r, text: redactText(member, r.text), messageCount: messages.length }));
}

export async function removeWonExample(tx: Tx, member: Member, exampleId: string) {
  const [row] = await tx.delete(wonExamples).where(eq(wonExamples.id, exampleId)).returning({ id: wonExamples.id, conversationId: wonExamples.conversationId });
  if (!row) throw notFound("example");
  await recordAudit(tx, { projectId: member.projectId, actorUserId: member.userId, action: "agent.example_removed", targetType: "conversation", targetId: row.conversationId });
}
