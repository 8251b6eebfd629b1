import { asc, eq, inArray } from "drizzle-orm";
import { mediaFiles, replyTemplateMedia, replyTemplates, type Tx } from "@threadline/db";
import { assertCan, type Member } from "../access/member.ts";
import { recordAudit } from "../audit/service.ts";
import { badRequest, notFound } from "../errors.ts";
import { MAX_REPLY_LENGTH } from "../conversations/reply.ts";
import { mediaByIds } from "../media/library.ts";

export const MAX_TEMPLATES = 500;
/** Files one saved reply may carry: each goes as its own message after the text. */
export const MAX_TEMPLATE_FILES = 5;

export type TemplateInput = { title: string; text: string; mediaIds?: string[] };

function validate(input: TemplateInput) {
  const title = input.title.trim();
  const text = input.text.trim();
  const mediaIds = [...new Set(input.mediaIds ?? [])];
  if (!title) throw badRequest("templates.titleRequired", "Назовите шаблон");
  // A saved reply of files alone is fine; one with neither is not.
  if (!text && mediaIds.length === 0) throw badRequest("templates.textRequired", "Напишите текст шаблона");
  if (text.length > MAX_REPLY_LENGTH) throw badRequest("templates.tooLong", `Текст длиннее ${MAX_REPLY_LENGTH} символов`, { max: MAX_REPLY_LENGTH });
  if (mediaIds.length > MAX_TEMPLATE_FILES) throw badRequest("templates.tooManyFiles", `Не больше ${MAX_TEMPLATE_FILES} файлов в шаблоне`, { max: MAX_TEMPLATE_FILES });
  return { title, text, mediaIds };
}

/** Replaces a template's files; each must be in this project's library (RLS hides the others). */
async function setTemplateMedia(tx: Tx, projectId: string, templateId: string, mediaIds: string[]) {
  await mediaByIds(tx, mediaIds);
  await tx.delete(replyTemplateMedia).where(eq(replyTemplateMedia.templateId, templateId));
  if (mediaIds.length) await tx.insert(replyTemplateMedia).values(mediaIds.map((mediaId, position) => ({ projectId, templateId, mediaId, position })));
}

/** The project's saved replies, by title, with their files: what the reply box offers after «/». */
export async function listTemplates(tx: Tx, member: Member) {
  assertCan(member, "conversations.reply");
  const rows = await tx
    .select({ id: replyTemplates.id, title: replyTemplates.title, text: replyTemplates.text, updatedAt: replyTemplates.updatedAt })
    .from(replyTemplates)
    .orderBy(asc(replyTemplates.title), asc(replyTemplates.id))
    .limit(MAX_TEMPLATES);
  const files = rows.length
    ? await tx
        .select({ templateId: replyTemplateMedia.templateId, id: mediaFiles.id, name: mediaFiles.name, mime: mediaFiles.mime, kind: mediaFiles.kind, size: mediaFiles.size })
        .from(replyTemplateMedia)
        .innerJoin(mediaFiles, eq(mediaFiles.id, replyTemplateMedia.mediaId))
        .where(inArray(replyTemplateMedia.templateId, rows.map((r) => r.id)))
        .orderBy(asc(replyTemplateMedia.position))
    : [];
  return rows.map((row) => ({ ...row, media: files.filter((f) => f.templateId === row.id).map(({ templateId: _, ...file }) => file) }));
}

export async function createTemplate(tx: Tx, member: Member, input: TemplateInput) {
  assertCan(member, "project.settings");
  const values = validate(input);
  const existing = await tx.$count(replyTemplates);
  if (existing >= MAX_TEMPLATES) throw badRequest("templates.tooMany", `Не больше ${MAX_TEMPLATES} шаблонов в проекте`, { count: MAX_TEMPLATES });
  const [row] = await tx.insert(replyTemplates).values({ projectId: member.projectId, title: values.title, text: values.text, createdBy: member.membershipId }).returning({ id: replyTemplates.id });
  await setTemplateMedia(tx, member.projectId, row!.id, values.mediaIds);
  await recordAudit(tx, { projectId: member.projectId, actorUserId: member.userId, action: "template.created", targetType: "template", targetId: row!.id, details: { name: values.title } });
  return { id: row!.id };
}

export async function updateTemplate(tx: Tx, member: Member, id: string, input: TemplateInput) {
  assertCan(member, "project.settings");
  const values = validate(input);
  const [row] = await tx.update(replyTemplates).set({ title: values.title, text: values.text, updatedAt: new Date() }).where(eq(replyTemplates.id, id)).returning({ id: replyTemplates.id });
  if (!row) throw notFound("template");
  // Without a list the files stay as they were.
  if (input.mediaIds) await setTemplateMedia(tx, member.projectId, id, values.mediaIds);
  await recordAudit(tx, { projectId: member.projectId, actorUserId: member.userId, action: "template.updated", targetType: "template", targetId: id, details: { name: values.title } });
}

export async function removeTemplate(tx: Tx, member: Member, id: string) {
  assertCan(member, "project.settings");
  const [row] = await tx.delete(replyTemplates).where(eq(replyTemplates.id, id)).returning({ title: replyTemplates.title });
  if (!row) throw notFound("template");
  await recordAudit(tx, { projectId: member.projectId, actorUserId: member.userId, action: "template.removed", targetType: "template", targetId: id, details: { name: row.title } });
}
