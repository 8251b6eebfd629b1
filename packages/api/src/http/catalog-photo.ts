import type { Request, Response } from "express";
import { withTenant } from "@threadline/db";
import { can } from "@threadline/domain/access/member.ts";
import { memberOfSession } from "@threadline/domain/access/load.ts";
import { SESSION_COOKIE, sessionIdOf } from "@threadline/domain/auth/sessions.ts";
import { MAX_PHOTO_BYTES, photoTooLarge, setProductPhoto } from "@threadline/domain/catalog/photo.ts";
import { DomainError } from "@threadline/domain/errors.ts";
import type { FileStorage } from "@threadline/domain/storage.ts";
import { parseCookies, type ServerDeps } from "../trpc/context.ts";
import { answerUnread, BodyTooLarge, readBody } from "./body.ts";

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * POST /catalog/photo?projectId=…&productId=… with the image as the body: a product's photo.
 * The member and the permission are checked before the body is read; the body is capped at
 * 5 MB while it streams; the type is read from the bytes. Errors answer `{ error, errorCode, params }`.
 */
export function catalogPhotoHandler(deps: Pick<ServerDeps, "db" | "logger">, storage: FileStorage) {
  return async (req: Request, res: Response) => {
    const refuse = (status: number, error: string, errorCode?: string, params?: Record<string, unknown>) => answerUnread(req, res, status, { error, ...(errorCode ? { errorCode, params } : {}) });
    try {
      const token = parseCookies(req.headers.cookie)[SESSION_COOKIE];
      if (!sessionIdOf(token)) return refuse(401, "Войдите в систему", "auth.signInRequired");
      const projectId = String(req.query.projectId ?? "");
      const productId = String(req.query.productId ?? "");
      if (!uuid.test(projectId) || !uuid.test(productId)) return refuse(400, "Не указан товар", "notFound.product");
      const member = await memberOfSession(deps.db, token, projectId);
      if (!member) return refuse(401, "Войдите в систему", "auth.signInRequired");
      if (!can(member, "catalog.manage")) return refuse(403, "Недостаточно прав для этого действия", "access.forbidden");
      const data = await readBody(req, MAX_PHOTO_BYTES);
      const saved = await withTenant(deps.db, projectId, (tx) => setProductPhoto(tx, storage, projectId, productId, data));
      res.json(saved);
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        const e = photoTooLarge();
        return refuse(413, e.message, e.code, e.params);
      }
      if (err instanceof DomainError) return refuse(err.status === "NOT_FOUND" ? 404 : 400, err.message, err.code, err.params);
      deps.logger.error({ err }, "catalog photo failed");
      refuse(500, "Не удалось сохранить фото");
    }
  };
}
