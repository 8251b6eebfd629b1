import { GrammyError, HttpError } from "grammy";
import { ChannelError, isNetworkFailure, platformUnavailable, type ChannelErrorOptions } from "../errors.ts";

// Telegram Bot API errors → what the outbound queue should do. 429 carries retry_after in
// seconds; 403 means the client blocked the bot or never started it.

type Reason = Pick<ChannelErrorOptions, "reason" | "reasonRu">;

function forbiddenReason(description: string): Reason {
  const text = description.toLowerCase();
  if (text.includes("blocked by the user")) return { reason: { code: "channel.clientBlocked" }, reasonRu: "клиент заблокировал бота" };
  if (text.includes("user is deactivated")) return { reason: { code: "channel.clientDeleted" }, reasonRu: "аккаунт клиента удалён" };
  if (text.includes("can't initiate conversation")) return { reason: { code: "channel.clientNeverWrote" }, reasonRu: "клиент ещё не писал боту" };
  return { reason: { code: "channel.clientDenied" }, reasonRu: "Telegram запретил писать этому клиенту" };
}

function badRequestReason(description: string): Reason {
  const text = description.toLowerCase();
  if (text.includes("chat not found")) return { reason: { code: "channel.chatNotFound" }, reasonRu: "чат с клиентом не найден в Telegram" };
  if (text.includes("file is too big")) return { reason: { code: "channel.telegram.fileTooBig" }, reasonRu: "файл больше 20 МБ — Telegram не отдаёт его боту" };
  if (text.includes("message is too long")) return { reason: { code: "channel.messageTooLong" }, reasonRu: "сообщение слишком длинное для Telegram" };
  if (text.includes("message is not modified")) return { reason: { code: "channel.messageNotModified" }, reasonRu: "текст не изменился" };
  if (text.includes("message can't be deleted") || text.includes("message can't be edited")) return { reason: { code: "channel.messageTooOld" }, reasonRu: "Telegram больше не даёт изменить или удалить это сообщение" };
  if (text.includes("message to edit not found") || text.includes("message to delete not found")) return { reason: { code: "channel.messageNotFound" }, reasonRu: "сообщение не найдено в Telegram" };
  if (text.includes("business connection")) return { reason: { code: "channel.telegram.businessInvalid" }, reasonRu: "подключение Telegram Business недействительно" };
  return { reason: { code: "channel.rejected", params: { platform: "Telegram" } }, reasonRu: "Telegram отклонил запрос" };
}

export function toTelegramChannelError(error: unknown): unknown {
  if (error instanceof ChannelError) return error;
  if (error instanceof GrammyError) {
    const base = { channel: "telegram" as const, message: error.message, platformCode: error.error_code, cause: error };
    const code = error.error_code;
    if (code === 429) {
      const seconds = error.parameters.retry_after ?? 1;
      return new ChannelError({
        ...base,
        kind: "rate_limited",
        reason: { code: "channel.telegram.retryAfter", params: { seconds } },
        reasonRu: `Telegram просит подождать ${seconds} с, повторим`,
        retryAfterMs: seconds * 1000,
      });
    }
    if (code === 401 || code === 404) {
      // The Bot API answers 404 for a token it does not know at all.
      return new ChannelError({ ...base, kind: "auth", reason: { code: "channel.telegram.badToken" }, reasonRu: "токен бота недействителен — переподключите канал" });
    }
    if (code === 403) return new ChannelError({ ...base, kind: "client_denied", ...forbiddenReason(error.description) });
    if (code >= 500) return platformUnavailable("telegram", error, { answered: true });
    if (code === 409) {
      return new ChannelError({ ...base, kind: "invalid_request", reason: { code: "channel.telegram.webhookConflict" }, reasonRu: "бот уже получает обновления другим способом (вебхук или другой процесс)" });
    }
    return new ChannelError({ ...base, kind: "invalid_request", ...badRequestReason(error.description) });
  }
  if (error instanceof HttpError || isNetworkFailure(error)) return platformUnavailable("telegram", error);
  return error;
}

export async function mapTelegramErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toTelegramChannelError(error);
  }
}
