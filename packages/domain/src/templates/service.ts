import { asc, eq } from "drizzle-orm";
import { replyTemplates, type Tx } from "@threadline/db";
import { assertCan, type Member } from "../access/member.ts";
import { recordAudit } from "../audit/service.ts";
import { badRequest, notFound } from "../errors.ts";
import { MAX_REPLY_LENGTH } from "../conversations/reply.ts";

export const MAX_TEMPLATES = 500;

export type TemplateInput = { title: string; text: string };

function validate(input: TemplateInput): TemplateInput {
  const title = input.title.trim();
  const text = input.text.trim();
  if (!title) throw badRequest("templates.titleRequired", "Назовите шаблон");
  if (!text) throw badRequest("templates.textRequired", "Напишите текст шаблона");
  if (text.length > MAX_REPLY_LENGTH) throw badRequest("templates.tooLong", `Текст длиннее ${MAX_REPLY_LENGTH} символов`, { max: MAX_REPLY_LENGTH });
  return { title, text };
}

/** The project's saved replies, by title: what the reply box offers after «/». */
export function listTemplates(tx: Tx, member: Member) {
  assertCan(member, "conversations.reply");
  return tx
    .select({ id: replyTemplates.id, title: replyTemplates.title, text: replyTemplates.text, updatedAt: replyTemplates.updatedAt })
    .from(replyTemplates)
    .orderBy(asc(replyTemplates.title), asc(replyTemplates.id))
    .limit(MAX_TEMPLATES);
}

export async function createTemplate(tx: Tx, member: Member, input: TemplateInput) {
  assertCan(member, "project.settings");
  const values = validate(input);
  const existing = await tx.$count(replyTemplates);
  if (existing >= MAX_TEMPLATES) throw badRequest("templates.tooMany", `Не больше ${MAX_TEMPLATES} шаблонов в проекте`, { count: MAX_TEMPLATES });
  const [row] = await tx.insert(replyTemplates).values({ projectId: member.projectId, ...values, createdBy: member.membershipId }).returning({ id: replyTemplates.id });
  await recordAudit(tx, { projectId: member.projectId, actorUserId: member.userId, action: "template.created", targetType: "template", targetId: row!.id, details: { name: values.title } });
  return { id: row!.id };
}

export async function updateTemplate(tx: Tx, member: Member, id: string, input: TemplateInput) {
  assertCan(member, "project.settings");
  const values = validate(input);
  const [row] = await tx.update(replyTemplates).set({ ...values, updatedAt: new Date() }).where(eq(replyTemplates.id, id)).returning({ id: replyTemplates.id });
  if (!row) throw notFound("template");
  await recordAudit(tx, { projectId: member.projectId, actorUserId: member.userId, action: "template.updated", targetType: "template", targetId: id, details: { name: values.title } });
}

export async function removeTemplate(tx: Tx, member: Member, id: string) {
  assertCan(member, "project.settings");
  const [row] = await tx.delete(replyTemplates).where(eq(replyTemplates.id, id)).returning({ title: replyTemplates.title });
  if (!row) throw notFound("template");
  await recordAudit(tx, { projectId: member.projectId, actorUserId: member.userId, action: "template.removed", targetType: "template", targetId: id, details: { name: row.title } });
}
