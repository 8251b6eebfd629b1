// The project's media library: files uploaded once and attached to saved replies (and so to
// replies). The bytes stay under the upload's key; the platforms' references to them are kept per
// channel by the outbound send (refs.ts).
import { desc, eq, inArray } from "drizzle-orm";
import { mediaFiles, type Tx } from "@threadline/db";
import { assertCan, type Member } from "../access/member.ts";
import { recordAudit } from "../audit/service.ts";
import { claimUpload, isUploadKey, uploadKind, type UploadKind } from "../conversations/uploads.ts";
import { badRequest, DomainError, notFound } from "../errors.ts";
import { storedFileType } from "../file-types.ts";
import type { FileStorage } from "../storage.ts";
import type { ReplyFile } from "../conversations/reply.ts";

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
 * waiting (claimed here, so the sweeper leaves it and nothing takes it twice). Its type is one of
 * the stored file types and decides how it goes out (photo, voice or document).
 */
export async function addMediaFromUpload(tx: Tx, member: Member, storage: FileStorage, input: { storageKey: string; fileName: string; mime: string }): Promise<MediaFile> {
  assertCan(member, "project.settings");
  const waiting = isUploadKey(member.projectId, input.storageKey) && (await claimUpload(tx, input.storageKey));
  const opened = waiting ? await storage.open(input.storageKey) : null;
  if (!opened) throw new DomainError("NOT_FOUND", "media.uploadMissing", "Файл не найден: загрузите его ещё раз");
  opened.stream.destroy();
  if ((await tx.$count(mediaFiles)) >= MAX_MEDIA_FILES) throw badRequest("media.tooMany", `Не больше ${MAX_MEDIA_FILES} файлов в библиотеке`, { max: MAX_MEDIA_FILES });
  const mime = storedFileType(input.mime);
  const name = input.fileName.trim().slice(0, 255) || "file";
  const [row] = await tx
    .insert(mediaFiles)
    .values({ projectId: member.projectId, storageKey: input.storageKey, name, mime, kind: uploadKind(mime), size: opened.size, createdBy: member.membershipId })
    .returning(columns);
  await recordAudit(tx, { projectId: member.projectId, actorUserId: member.userId, action: "media.added", targetType: "media", targetId: row!.id, details: { name } });
  return row!;
}

/**
 * Removes a file from the library and from the saved replies that carried it. Its bytes stay:
 * messages already sent with it still show it in their threads.
 */
export async function removeMedia(tx: Tx, member: Member, id: string): Promise<void> {
  assertCan(member, "project.settings");
  const [row] = await tx.delete(mediaFiles).where(eq(mediaFiles.id, id)).returning({ name: mediaFiles.name });
  if (!row) throw notFound("media");
  await recordAudit(tx, { projectId: member.projectId, actorUserId: member.userId, action: "media.removed", targetType: "media", targetId: id, details: { name: row.name } });
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
