import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Request, Response } from "express";
import { eq } from "drizzle-orm";
import { channels, withTenant } from "@threadline/db";
import { can } from "@threadline/domain/access/member.ts";
import { memberOfSession } from "@threadline/domain/access/load.ts";
import { SESSION_COOKIE, sessionIdOf } from "@threadline/domain/auth/sessions.ts";
import { DomainError } from "@threadline/domain/errors.ts";
import { createImportRun } from "@threadline/pipeline/import/runs.ts";
import { importTelegramExport } from "@threadline/pipeline/import/telegram-import.ts";
import { TelegramExportError } from "@threadline/pipeline/import/telegram-export.ts";
import { parseCookies, type ServerDeps } from "../trpc/context.ts";
import { answerUnread, BodyTooLarge, streamBody } from "./body.ts";

/** A full Telegram Desktop export of a busy account runs to hundreds of megabytes. */
export const MAX_TELEGRAM_EXPORT_BYTES = 512 * 1024 * 1024;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * POST /imports/telegram?projectId=…&channelId=… with a Telegram Desktop result.json as the raw
 * body. The body is streamed to a temporary file (never held in memory), imported into the
 * Telegram channel under a new import run, and the file removed. Answers the counts, or 400 with
 * the reason when the file is broken or not an export.
 */
export function telegramImportHandler(deps: Pick<ServerDeps, "db" | "logger">, maxBytes = MAX_TELEGRAM_EXPORT_BYTES) {
  const tooLargeMessage = `Файл больше ${Math.round(maxBytes / 1024 / 1024)} МБ`;
  return async (req: Request, res: Response) => {
    let dir: string | null = null;
    // The rest of the body is not read: the connection closes after the answer.
    const refuse = (status: number, error: string) => answerUnread(req, res, status, { error });
    try {
      const token = parseCookies(req.headers.cookie)[SESSION_COOKIE];
      if (!sessionIdOf(token)) return refuse(401, "Войдите в систему");
      const projectId = String(req.query.projectId ?? "");
      const channelId = String(req.query.channelId ?? "");
      if (!uuid.test(projectId)) return refuse(400, "Не указан проект");
      if (!uuid.test(channelId)) return refuse(400, "Не выбран канал");
      const member = await memberOfSession(deps.db, token, projectId);
      if (!member) return refuse(401, "Войдите в систему");
      if (!can(member, "import.manage")) return refuse(403, "Недостаточно прав для импорта истории");
      const [channel] = await withTenant(deps.db, projectId, (tx) =>
        tx.select({ id: channels.id, kind: channels.kind }).from(channels).where(eq(channels.id, channelId)),
      );
      if (!channel) return refuse(404, "Канал не найден");
      if (channel.kind !== "telegram") return refuse(400, "Экспорт Telegram Desktop загружается только в Telegram-канал");
      const declared = Number(req.headers["content-length"] ?? NaN);
      if (Number.isFinite(declared) && declared > maxBytes) return refuse(413, tooLargeMessage);

      dir = await mkdtemp(join(tmpdir(), "tl-tg-export-"));
      const filePath = join(dir, "result.json");
      const size = await streamBody(req, createWriteStream(filePath), maxBytes);
      if (size === 0) return refuse(400, "Файл пустой");

      const run = await withTenant(deps.db, projectId, (tx) => createImportRun(tx, { projectId, channelId, source: "telegram_export", actor: member }));
      const result = await importTelegramExport(deps.db, { projectId, runId: run.id, channel: { id: channel.id, projectId, kind: "telegram" }, filePath });
      res.json({ runId: run.id, ...result });
    } catch (err) {
      if (err instanceof BodyTooLarge) return refuse(413, tooLargeMessage);
      if (err instanceof TelegramExportError) return refuse(400, err.message);
      if (err instanceof DomainError) {
        const status = { NOT_FOUND: 404, CONFLICT: 409, FORBIDDEN: 403, UNAUTHORIZED: 401, BAD_REQUEST: 400, TOO_MANY_REQUESTS: 429 }[err.status];
        return refuse(status, err.message);
      }
      deps.logger.error({ err }, "telegram export import failed");
      refuse(500, "Не удалось импортировать файл");
    } finally {
      if (dir) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    }
  };
}
