import { APIError, UploadError } from "vk-io";
import type { ChannelFailure } from "../failures.ts";
import { ChannelError, isNetworkFailure, platformUnavailable, type ChannelErrorKind } from "../errors.ts";

// VK error codes (errors.json of the VK API schema) → what the outbound queue should do.
// VK gives no retry-after: error 6 is a per-second limit, so one second is enough; flood
// control (9) is about repeated sends, so we back off longer.

interface VkErrorRule {
  kind: ChannelErrorKind;
  reason: ChannelFailure;
  reasonRu: string;
  retryAfterMs?: number;
}

const RULES: Record<number, VkErrorRule> = {
  1: { kind: "unavailable", reason: { code: "channel.vk.unknown" }, reasonRu: "неизвестная ошибка VK, повторим отправку", retryAfterMs: 2000 },
  5: { kind: "auth", reason: { code: "channel.vk.badKey" }, reasonRu: "ключ доступа сообщества недействителен — переподключите канал" },
  6: { kind: "rate_limited", reason: { code: "channel.vk.tooManyRequests" }, reasonRu: "слишком много запросов к VK в секунду, повторим", retryAfterMs: 1000 },
  7: { kind: "auth", reason: { code: "channel.vk.noMessagesRight" }, reasonRu: "у ключа доступа нет прав на сообщения сообщества" },
  9: { kind: "rate_limited", reason: { code: "channel.vk.flood" }, reasonRu: "VK ограничил частоту отправки (flood control), повторим", retryAfterMs: 5000 },
  10: { kind: "unavailable", reason: { code: "channel.vk.serverError" }, reasonRu: "внутренняя ошибка сервера VK, повторим отправку", retryAfterMs: 2000 },
  15: { kind: "auth", reason: { code: "channel.vk.accessDenied" }, reasonRu: "доступ запрещён — проверьте права ключа сообщества" },
  27: { kind: "auth", reason: { code: "channel.vk.keyWrongMethod" }, reasonRu: "ключ сообщества не подходит для этого метода" },
  29: { kind: "rate_limited", reason: { code: "channel.vk.dailyLimit" }, reasonRu: "исчерпан суточный лимит вызовов VK", retryAfterMs: 3_600_000 },
  100: { kind: "invalid_request", reason: { code: "channel.vk.badParams" }, reasonRu: "VK отклонил параметры запроса" },
  113: { kind: "invalid_request", reason: { code: "channel.vk.badUser" }, reasonRu: "неверный идентификатор пользователя VK" },
  900: { kind: "client_denied", reason: { code: "channel.clientBlocked" }, reasonRu: "клиент добавил сообщество в чёрный список" },
  901: { kind: "client_denied", reason: { code: "channel.clientDenied" }, reasonRu: "клиент запретил сообщения" },
  902: { kind: "client_denied", reason: { code: "channel.clientDenied" }, reasonRu: "клиент запретил сообщения" },
  909: { kind: "invalid_request", reason: { code: "channel.messageTooOld" }, reasonRu: "VK больше не даёт изменить это сообщение" },
  920: { kind: "invalid_request", reason: { code: "channel.messageTooOld" }, reasonRu: "VK не даёт изменить это сообщение" },
  924: { kind: "invalid_request", reason: { code: "channel.messageTooOld" }, reasonRu: "VK больше не даёт удалить это сообщение для всех" },
  914: { kind: "invalid_request", reason: { code: "channel.messageTooLong" }, reasonRu: "сообщение слишком длинное для VK" },
  936: { kind: "invalid_request", reason: { code: "channel.chatNotFound" }, reasonRu: "диалог с клиентом не найден в VK" },
};

/** Turns whatever vk-io threw into a ChannelError; programming errors pass through unchanged. */
export function toVkChannelError(error: unknown): unknown {
  if (error instanceof ChannelError) return error;
  if (error instanceof APIError) {
    const code = Number(error.code);
    const rule = RULES[code] ?? { kind: "invalid_request", reason: { code: "channel.vk.error", params: { code } }, reasonRu: `VK вернул ошибку ${code}` };
    return new ChannelError({
      channel: "vk",
      kind: rule.kind,
      message: error.message,
      reason: rule.reason,
      reasonRu: rule.reasonRu,
      retryAfterMs: rule.retryAfterMs,
      platformCode: code,
      cause: error,
    });
  }
  if (error instanceof UploadError) {
    return new ChannelError({
      channel: "vk",
      kind: "invalid_request",
      message: `VK upload failed: ${error.message}`,
      reason: { code: "channel.fileRejected", params: { platform: "VK" } },
      reasonRu: "VK не принял файл",
      cause: error,
    });
  }
  if (isNetworkFailure(error)) return platformUnavailable("vk", error);
  return error;
}

export async function mapVkErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toVkChannelError(error);
  }
}
