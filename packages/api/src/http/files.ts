import { and, eq } from "drizzle-orm";
import type { Request, Response } from "express";
import { attachments, conversations, messages, withTenant } from "@threadline/db";
import { can } from "@threadline/domain/access/member.ts";
import { memberOfSession } from "@threadline/domain/access/load.ts";
import { SESSION_COOKIE, sessionIdOf } from "@threadline/domain/auth/sessions.ts";
import { visibleTo } from "@threadline/domain/conversations/list.ts";
import { DomainError } from "@threadline/domain/errors.ts";
import type { FileStorage } from "@threadline/domain/storage.ts";
import { parseCookies, type ServerDeps } from "../trpc/context.ts";

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Shown in the page; anything else downloads, so a crafted file cannot run as a page of ours.
const inlineTypes = /^(image\/(png|jpeg|gif|webp)|audio\/|video\/mp4|application\/pdf)/;

/**
 * GET /files/:attachmentId?projectId=… — an attachment's bytes for a member who may see its
 * conversation; 404 for everyone else, whatever the reason.
 */
export function filesHandler(deps: Pick<ServerDeps, "db" | "logger">, storage: FileStorage) {
  return async (req: Request, res: Response) => {
    const attachmentId = String(req.params.attachmentId ?? "");
    const projectId = String(req.query.projectId ?? "");
    const notFound = () => void res.status(404).json({ error: "Файл не найден" });
    try {
      const token = parseCookies(req.headers.cookie)[SESSION_COOKIE];
      if (!sessionIdOf(token)) return void res.status(401).json({ error: "Войдите в систему" });
      if (!uuid.test(attachmentId) || !uuid.test(projectId)) return notFound();
      const member = await memberOfSession(deps.db, token, projectId);
      if (!member) return void res.status(401).json({ error: "Войдите в систему" });
      if (!can(member, "inbox.use")) return notFound();
      const [row] = await withTenant(deps.db, projectId, (tx) =>
        tx
          .select({ storageKey: attachments.storageKey, mime: attachments.mime, fileName: attachments.fileName, state: attachments.state })
          .from(attachments)
          .innerJoin(messages, eq(messages.id, attachments.messageId))
          .innerJoin(conversations, eq(conversations.id, messages.conversationId))
          .where(and(eq(attachments.id, attachmentId), visibleTo(member))),
      );
      if (!row?.storageKey || row.state !== "ready") return notFound();
      const file = await storage.open(row.storageKey);
      if (!file) return notFound();
      const mime = row.mime ?? "application/octet-stream";
      const name = encodeURIComponent(row.fileName ?? "file");
      res.setHeader("content-type", mime);
      res.setHeader("content-length", String(file.size));
      res.setHeader("content-disposition", `${inlineTypes.test(mime) ? "inline" : "attachment"}; filename*=UTF-8''${name}`);
      res.setHeader("x-content-type-options", "nosniff");
      res.setHeader("cache-control", "private, max-age=3600");
      file.stream.pipe(res);
    } catch (err) {
      if (err instanceof DomainError && err.code === "NOT_FOUND") return notFound();
      deps.logger.error({ err }, "file download failed");
      if (!res.headersSent) res.status(500).json({ error: "Не удалось отдать файл" });
    }
  };
}
