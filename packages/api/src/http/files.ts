import { and, eq } from "drizzle-orm";
import type { Request, Response } from "express";
import { attachments, conversations, messages, withTenant } from "@threadline/db";
import { can } from "@threadline/domain/access/member.ts";
import { memberOfSession } from "@threadline/domain/access/load.ts";
import { SESSION_COOKIE, sessionIdOf } from "@threadline/domain/auth/sessions.ts";
import { visibleTo } from "@threadline/domain/conversations/list.ts";
import { DomainError } from "@threadline/domain/errors.ts";
import { showsInline, storedFileType } from "@threadline/domain/file-types.ts";
import type { FileStorage } from "@threadline/domain/storage.ts";
import { parseCookies, type ServerDeps } from "../trpc/context.ts";

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Content-Disposition with the file's name: an ASCII stand-in for old clients and the exact name
 * in RFC 5987 form (every byte outside attr-char percent-encoded, so no quote or line break gets in).
 */
export function contentDisposition(kind: "inline" | "attachment", fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\%]/g, "_") || "file";
  const exact = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${exact}`;
}

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
      // Rows stored before types were checked go through the same allow-list.
      const type = storedFileType(row.mime);
      res.setHeader("content-type", type);
      res.setHeader("content-length", String(file.size));
      // Only images, sound, video and PDF show in the page; the rest downloads. Even shown, the
      // file is its own sandboxed origin with nothing allowed, so it can never act as a page of ours.
      res.setHeader("content-disposition", contentDisposition(showsInline(type) ? "inline" : "attachment", row.fileName ?? "file"));
      res.setHeader("content-security-policy", "default-src 'none'; sandbox");
      res.setHeader("x-content-type-options", "nosniff");
      res.setHeader("cross-origin-resource-policy", "same-origin");
      res.setHeader("cache-control", "private, max-age=3600");
      file.stream.pipe(res);
    } catch (err) {
      if (err instanceof DomainError && err.status === "NOT_FOUND") return notFound();
      deps.logger.error({ err }, "file download failed");
      if (!res.headersSent) res.status(500).json({ error: "Не удалось отдать файл" });
    }
  };
}
