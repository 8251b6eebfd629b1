import { randomUUID } from "node:crypto";
import express, { type Request, type Response } from "express";
import { can } from "@threadline/domain/access/member.ts";
import { memberOfSession } from "@threadline/domain/access/load.ts";
import { SESSION_COOKIE, sessionIdOf } from "@threadline/domain/auth/sessions.ts";
import { withTenant } from "@threadline/db";
import { recordUpload, uploadPrefix } from "@threadline/domain/conversations/uploads.ts";
import { DomainError } from "@threadline/domain/errors.ts";
import type { FileStorage } from "@threadline/domain/storage.ts";
import { parseCookies, type ServerDeps } from "../trpc/context.ts";

// The prefix is the domain's (voice recordings are stored under it too); the API keeps exporting it.
export { uploadPrefix };

// Telegram bots may send files up to 50 MB; a manager's attachment is kept well under that.
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type UploadKind = "photo" | "document" | "voice";

/** Photos go as photos (the platforms recompress them), OGG/Opus as voice, the rest as files. */
export function uploadKind(mime: string): UploadKind {
  if (/^image\/(jpeg|png|webp)$/.test(mime)) return "photo";
  if (/^audio\/ogg/.test(mime)) return "voice";
  return "document";
}

/**
 * POST /uploads?projectId=… with the file as the body (Content-Type its type, X-File-Name its
 * URL-encoded name): stores it for a reply and answers what the reply then refers to.
 */
export function uploadsHandler(deps: Pick<ServerDeps, "db" | "logger">, storage: FileStorage) {
  const body = express.raw({ type: () => true, limit: MAX_UPLOAD_BYTES });
  const handle = async (req: Request, res: Response) => {
    try {
      const token = parseCookies(req.headers.cookie)[SESSION_COOKIE];
      if (!sessionIdOf(token)) return void res.status(401).json({ error: "Войдите в систему" });
      const projectId = String(req.query.projectId ?? "");
      if (!uuid.test(projectId)) return void res.status(400).json({ error: "Не указан проект" });
      const member = await memberOfSession(deps.db, token, projectId);
      if (!member) return void res.status(401).json({ error: "Войдите в систему" });
      if (!can(member, "conversations.reply")) return void res.status(403).json({ error: "Недостаточно прав для отправки файлов" });
      const data = req.body as Buffer;
      if (!Buffer.isBuffer(data) || data.length === 0) return void res.status(400).json({ error: "Файл пустой" });
      const mime = String(req.headers["content-type"] ?? "application/octet-stream").split(";")[0]!.trim().toLowerCase();
      const fileName = decodeURIComponent(String(req.headers["x-file-name"] ?? "file")).replace(/[/\\\0]/g, "_").slice(0, 200) || "file";
      const storageKey = `${uploadPrefix(projectId)}${randomUUID()}`;
      await storage.put(storageKey, data);
      await withTenant(deps.db, projectId, (tx) => recordUpload(tx, projectId, storageKey));
      res.json({ storageKey, fileName, mime, size: data.length, kind: uploadKind(mime) });
    } catch (err) {
      if (err instanceof DomainError && err.code === "NOT_FOUND") return void res.status(404).json({ error: "Проект не найден" });
      deps.logger.error({ err }, "upload failed");
      if (!res.headersSent) res.status(500).json({ error: "Не удалось сохранить файл" });
    }
  };
  const tooLarge = (err: { type?: string }, _req: Request, res: Response, next: (e?: unknown) => void) => {
    if (err?.type === "entity.too.large") return void res.status(413).json({ error: `Файл больше ${MAX_UPLOAD_BYTES / 1024 / 1024} МБ` });
    next(err);
  };
  return [body, handle, tooLarge] as const;
}
