import { randomUUID } from "node:crypto";
import type { Request, Response } from "express";
import { can } from "@threadline/domain/access/member.ts";
import { memberOfSession } from "@threadline/domain/access/load.ts";
import { SESSION_COOKIE, sessionIdOf } from "@threadline/domain/auth/sessions.ts";
import { withTenant } from "@threadline/db";
import { recordUpload, uploadKind, uploadPrefix } from "@threadline/domain/conversations/uploads.ts";
import { DomainError } from "@threadline/domain/errors.ts";
import { storedFileType } from "@threadline/domain/file-types.ts";
import type { FileStorage } from "@threadline/domain/storage.ts";
import { parseCookies, type ServerDeps } from "../trpc/context.ts";
import { answerUnread, BodyTooLarge, readBody } from "./body.ts";

// The prefix is the domain's (voice recordings are stored under it too); the API keeps exporting it.
export { uploadPrefix };

// Telegram bots may send files up to 50 MB; a manager's attachment is kept well under that.
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * POST /uploads?projectId=… with the file as the body (Content-Type its type, X-File-Name its
 * URL-encoded name): stores it for a reply and answers what the reply then refers to.
 */
export function uploadsHandler(deps: Pick<ServerDeps, "db" | "logger">, storage: FileStorage) {
  const handle = async (req: Request, res: Response) => {
    // Who is sending, and whether they may, is settled before a byte of the body is read.
    const refuse = (status: number, error: string) => answerUnread(req, res, status, { error });
    try {
      const token = parseCookies(req.headers.cookie)[SESSION_COOKIE];
      if (!sessionIdOf(token)) return refuse(401, "Войдите в систему");
      const projectId = String(req.query.projectId ?? "");
      if (!uuid.test(projectId)) return refuse(400, "Не указан проект");
      const member = await memberOfSession(deps.db, token, projectId);
      if (!member) return refuse(401, "Войдите в систему");
      if (!can(member, "conversations.reply")) return refuse(403, "Недостаточно прав для отправки файлов");
      const data = await readBody(req, MAX_UPLOAD_BYTES);
      if (data.length === 0) return refuse(400, "Файл пустой");
      const mime = storedFileType(req.headers["content-type"]);
      const fileName = decodeURIComponent(String(req.headers["x-file-name"] ?? "file")).replace(/[/\\\0]/g, "_").slice(0, 200) || "file";
      const storageKey = `${uploadPrefix(projectId)}${randomUUID()}`;
      await storage.put(storageKey, data);
      await withTenant(deps.db, projectId, (tx) => recordUpload(tx, projectId, storageKey));
      res.json({ storageKey, fileName, mime, size: data.length, kind: uploadKind(mime) });
    } catch (err) {
      if (err instanceof BodyTooLarge) return refuse(413, `Файл больше ${MAX_UPLOAD_BYTES / 1024 / 1024} МБ`);
      if (err instanceof DomainError && err.status === "NOT_FOUND") return refuse(404, "Проект не найден");
      if (err instanceof URIError) return refuse(400, "Имя файла передано неверно");
      deps.logger.error({ err }, "upload failed");
      refuse(500, "Не удалось сохранить файл");
    }
  };
  return [handle] as const;
}
