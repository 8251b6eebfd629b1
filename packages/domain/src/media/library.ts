// The project's media library: files uploaded once and attached to saved replies (and so to
// replies). The bytes stay under the upload's key; the platforms' references to them are kept per
// channel by the outbound send (refs.ts).
import { asc, desc, eq, inArray } from "drizzle-orm";
import { channels, mediaChannelRefs, mediaFiles, replyTemplateMedia, replyTemplates, type Tx } from "@threadline/db";
import { assertCan, type Member } from "../access/member.ts";
import { recordAudit } from "../audit/service.ts";
import { claimUpload, isUploadKey, uploadKind, type UploadKind } from "../conversations/uploads.ts";
import { badRequest, DomainError, notFound } from "../errors.ts";
import type { FileStorage } from "../storage.ts";
import type { ReplyFile } from "../conversations/reply.ts";
import { libraryTypeOf, readHead } from "./content-type.ts";

export const MAX_MEDIA_FILES = 1000;

export type MediaFile = { id: string; name: string; mime: string; kind: UploadKind; size: number; createdAt: Date };

const columns = { id: mediaFiles.id, name: mediaFiles.name, mime: mediaFiles.mime, kind: mediaFiles.kind, size: mediaFiles.size, createdAt: mediaFiles.createdAt };

/** The library, newest first: whoever answers clients picks files from it. */
export function listMedia(tx: Tx, member: Member): Promise<MediaFile[]> {
  assertCan(member, "conversations.reply");
  return tx.select(columns).from(mediaFiles).orderBy(desc(mediaFiles.createdAt), desc(mediaFiles.id)).limit(MAX_MEDIA_FILES);
}

/**
 * Takes a file stored through /uploads into the library: only an upload of this project still
 * waiting (claimed here, so the sweeper leaves it and nothing takes it twice), while the library
 * has room. Its type is read from its bytes (a JPEG, PNG or WebP photo, a PDF, an Ogg voice note);
 * anything else is refused, and a refusal keeps the upload waiting (the transaction rolls back).
 */
export async function addMediaFromUpload(tx: Tx, member: Member, storage: FileStorage, input: { storageKey: string; fileName: string; mime: string }): Promise<MediaFile> {
  assertCan(member, "project.settings");
  if ((await tx.$count(mediaFiles)) >= MAX_MEDIA_FILES) throw badRequest("media.tooMany", `Не больше ${MAX_MEDIA_FILES} файлов в библиотеке`, { max: MAX_MEDIA_FILES });
  const waiting = isUploadKey(member.projectId, input.storageKey) && (await claimUpload(tx, input.storageKey));
  const opened = waiting ? await storage.open(input.storageKey) : null;
  if (!opened) throw new DomainError("NOT_FOUND", "media.uploadMissing", "Файл не найден: загрузите его ещё раз");
  const mime = libraryTypeOf(await readHead(opened.stream));
  if (!mime) throw badRequest("media.unsupportedType", "В библиотеку можно добавить фото (JPEG, PNG, WebP), PDF или голосовое (OGG)");
  const name = input.fileName.trim().slice(0, 255) || "file";
  const [row] = await tx
    .insert(mediaFiles)
    .values({ projectId: member.projectId, storageKey: input.storageKey, name, mime, kind: uploadKind(mime), size: opened.size, createdBy: member.membershipId })
    .returning(columns);
  await recordAudit(tx, { projectId: member.projectId, actorUserId: member.userId, action: "media.added", targetType: "media", targetId: row!.id, details: { name } });
  return row!;
}

/** A library file as its screen shows it: which saved replies carry it, which channels hold it. */
export type MediaFileInUse = MediaFile & { usedBy: { id: string; title: string }[]; channels: { id: string; name: string; kind: string; since: Date }[] };

/** The library with what uses it, for whoever manages it. */
export async function listMediaLibrary(tx: Tx, member: Member): Promise<MediaFileInUse[]> {
  assertCan(member, "project.settings");
  const files = await listMedia(tx, member);
  const ids = files.map((f) => f.id);
  if (ids.length === 0) return [];
  const [uses, refs] = await Promise.all([
    tx
      .select({ mediaId: replyTemplateMedia.mediaId, id: replyTemplates.id, title: replyTemplates.title })
      .from(replyTemplateMedia)
      .innerJoin(replyTemplates, eq(replyTemplates.id, replyTemplateMedia.templateId))
      .where(inArray(replyTemplateMedia.mediaId, ids))
      .orderBy(asc(replyTemplates.title)),
    tx
      .select({ mediaId: mediaChannelRefs.mediaId, id: channels.id, name: channels.name, kind: channels.kind, since: mediaChannelRefs.createdAt })
      .from(mediaChannelRefs)
      .innerJoin(channels, eq(channels.id, mediaChannelRefs.channelId))
      .where(inArray(mediaChannelRefs.mediaId, ids))
      .orderBy(asc(channels.name)),
  ]);
  return files.map((f) => ({
    ...f,
    usedBy: uses.filter((u) => u.mediaId === f.id).map(({ id, title }) => ({ id, title })),
    channels: refs.filter((r) => r.mediaId === f.id).map(({ id, name, kind, since }) => ({ id, name, kind, since })),
  }));
}

/** Renames a library file: the name saved replies show and clients get the file under. */
export async function renameMedia(tx: Tx, member: Member, id: string, name: string): Promise<void> {
  assertCan(member, "project.settings");
  const trimmed = name.trim();
  if (!trimmed) throw badRequest("media.nameRequired", "Впишите название файла");
  const [row] = await tx.update(mediaFiles).set({ name: trimmed.slice(0, 255) }).where(eq(mediaFiles.id, id)).returning({ id: mediaFiles.id });
  if (!row) throw notFound("media");
  await recordAudit(tx, { projectId: member.projectId, actorUserId: member.userId, action: "media.renamed", targetType: "media", targetId: id, details: { name: trimmed } });
}

/**
 * Removes a file from the library. While saved replies carry it the removal is refused, naming
 * how many, unless `detach` says to take it out of them too. Its bytes stay: messages already
 * sent with it still show it in their threads.
 */
export async function removeMedia(tx: Tx, member: Member, id: string, opts: { detach?: boolean } = {}): Promise<void> {
  assertCan(member, "project.settings");
  const [file] = await tx.select({ id: mediaFiles.id }).from(mediaFiles).where(eq(mediaFiles.id, id)).for("update");
  if (!file) throw notFound("media");
  const used = await tx.$count(replyTemplateMedia, eq(replyTemplateMedia.mediaId, id));
  if (used > 0 && !opts.detach) throw badRequest("media.inUse", `Файл есть в шаблонах (${used}): уберите его из них или удалите вместе с ними`, { count: used });
  const [row] = await tx.delete(mediaFiles).where(eq(mediaFiles.id, id)).returning({ name: mediaFiles.name });
  await recordAudit(tx, { projectId: member.projectId, actorUserId: member.userId, action: "media.removed", targetType: "media", targetId: id, details: { name: row!.name, ...(used ? { detachedFrom: used } : {}) } });
}

const missingMedia = () => new DomainError("NOT_FOUND", "media.missing", "Файла больше нет в библиотеке");

/** Library files by id, in the order asked; any id not in this project's library is an error. */
export async function mediaByIds(tx: Tx, ids: string[]): Promise<(MediaFile & { storageKey: string })[]> {
  if (ids.length === 0) return [];
  const unique = [...new Set(ids)];
  const rows = await tx
    .select({ ...columns, storageKey: mediaFiles.storageKey })
    .from(mediaFiles)
    .where(inArray(mediaFiles.id, unique));
  const byId = new Map(rows.map((r) => [r.id, r]));
  if (unique.some((id) => !byId.has(id))) throw missingMedia();
  return unique.map((id) => byId.get(id)!);
}

/**
 * Library files as a reply's files: sent from the library's bytes, by reference where a channel has
 * one. A file removed from the library since the saved reply was picked (a draft kept for days) is
 * left out and named in `missing`, so the rest of the reply still goes; only a reply that would
 * carry nothing else fails. Another project's file is missing too: it is never sent.
 */
export async function libraryReplyFiles(tx: Tx, member: Member, ids: string[], hasOther: boolean): Promise<{ files: ReplyFile[]; missing: string[] }> {
  assertCan(member, "conversations.reply");
  const unique = [...new Set(ids)];
  if (unique.length === 0) return { files: [], missing: [] };
  const rows = await tx.select({ ...columns, storageKey: mediaFiles.storageKey }).from(mediaFiles).where(inArray(mediaFiles.id, unique));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const missing = unique.filter((id) => !byId.has(id));
  if (missing.length === unique.length && !hasOther) throw missingMedia();
  const files = unique.flatMap((id) => {
    const m = byId.get(id);
    return m ? [{ kind: m.kind, storageKey: m.storageKey, fileName: m.name, mime: m.mime, size: m.size, mediaId: m.id }] : [];
  });
  return { files, missing };
}
