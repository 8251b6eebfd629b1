import { GrammyError, HttpError } from "grammy";
import { ChannelError, isNetworkFailure, platformUnavailable } from "../errors.ts";

// Telegram Bot API errors → what the outbound queue should do. 429 carries retry_after in
// seconds; 403 means the client blocked the bot or never started it.

function forbiddenReason(description: string): string {
  const text = description.toLowerCase();
  if (text.includes("blocked by the user")) return "клиент заблокировал бота";
  if (text.includes("user is deactivated")) return "аккаунт клиента удалён";
  if (text.includes("can't initiate conversation")) return "клиент ещё не писал боту";
  return "Telegram запретил писать этому клиенту";
}

function badRequestReason(description: string): string {
  const text = description.toLowerCase();
  if (text.includes("chat not found")) return "чат с клиентом не найден в Telegram";
  if (text.includes("file is too big")) return "файл больше 20 МБ — Telegram не отдаёт его боту";
  if (text.includes("message is too long")) return "сообщение слишком длинное для Telegram";
  if (text.includes("business connection")) return "подключение Telegram Business недействительно";
  return "Telegram отклонил запрос";
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
        reasonRu: `Telegram просит подождать ${seconds} с, повторим`,
        retryAfterMs: seconds * 1000,
      });
    }
    if (code === 401 || code === 404) {
      // The Bot API answers 404 for a token it does not know at all.
      return new ChannelError({ ...base, kind: "auth", reasonRu: "токен бота недействителен — переподключите канал" });
    }
    if (code === 403) return new ChannelError({ ...base, kind: "client_denied", reasonRu: forbiddenReason(error.description) });
    if (code >= 500) return platformUnavailable("telegram", error, { answered: true });
    if (code === 409) {
      return new ChannelError({ ...base, kind: "invalid_request", reasonRu: "бот уже получает обновления другим способом (вебхук или другой процесс)" });
    }
    return new ChannelError({ ...base, kind: "invalid_request", reasonRu: badRequestReason(error.description) });
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
