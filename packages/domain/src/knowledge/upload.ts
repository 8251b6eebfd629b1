// A document the owner uploaded through /uploads, taken into the knowledge base.
import type { Tx } from "@threadline/db";
import { assertCan, type Member } from "../access/member.ts";
import { claimUpload, isUploadKey } from "../conversations/uploads.ts";
import { badRequest, DomainError } from "../errors.ts";
import type { FileStorage } from "../storage.ts";
import { MAX_DOCUMENT_BYTES } from "./extract.ts";
import { addDocument, type DocumentView } from "./service.ts";

/**
 * Takes a waiting upload of this project (its uploads row claimed, so it is used once and the
 * sweeper leaves it), checks its stored size before reading a byte, and adds it as a document.
 * The stored bytes are removed after the commit by the caller's `removeLater`.
 */
export async function addUploadedDocument(
  tx: Tx,
  member: Member,
  storage: FileStorage,
  input: { storageKey: string; fileName: string; title?: string },
): Promise<{ document: DocumentView; storageKey: string }> {
  assertCan(member, "project.settings");
  const waiting = isUploadKey(member.projectId, input.storageKey) && (await claimUpload(tx, input.storageKey));
  const opened = waiting ? await storage.open(input.storageKey) : null;
  if (!opened) throw new DomainError("NOT_FOUND", "knowledge.uploadMissing", "Файл не найден: загрузите его ещё раз");
  if (opened.size > MAX_DOCUMENT_BYTES) {
    opened.stream.destroy();
    throw badRequest("knowledge.tooLarge", "Файл слишком большой", { mb: MAX_DOCUMENT_BYTES / 1024 / 1024 });
  }
  const chunks: Buffer[] = [];
  for await (const chunk of opened.stream) chunks.push(chunk as Buffer);
  const document = await addDocument(tx, member.projectId, member.membershipId, { fileName: input.fileName, title: input.title, data: Buffer.concat(chunks) });
  return { document, storageKey: input.storageKey };
}
