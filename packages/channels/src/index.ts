export type * from "./types.ts";
export type { ChannelAdapter } from "./adapter.ts";
export { createChannelAdapter, type ChannelConfig } from "./connect.ts";
export { ChannelError, isChannelError, type ChannelErrorKind, type ChannelErrorOptions } from "./errors.ts";
export { assertUploadFits, isFileRef, PLATFORM_UPLOAD_LIMITS } from "./file-refs.ts";
export { channelFailureCodes, storedFailure, type ChannelFailure, type ChannelFailureCode } from "./failures.ts";
export {
  decodeStartPayload,
  encodeStartPayload,
  START_PAYLOAD_MAX_LENGTH,
  telegramStartAttribution,
  vkRefAttribution,
} from "./attribution.ts";
export { eventJobId } from "./dedupe.ts";
export { MAX_WEBHOOK_BODY_BYTES } from "./payload.ts";
export { secretsMatch } from "./secret.ts";

export { verifyAndParseVkCallback, type VkCallbackChannel, type VkCallbackResult } from "./vk/callback.ts";
export { normaliseVkEvent, vkProfileUrl } from "./vk/events.ts";
export { VkAdapter, vkRandomId, VK_CALLBACK_EVENTS, type VkChannelConfig } from "./vk/adapter.ts";
export { VK_API_BASE_URL, VK_API_VERSION } from "./vk/api.ts";
export {
  VK_EXECUTE_LIMIT,
  VK_PAGE_LIMIT,
  type VkConversationPage,
  type VkConversationSummary,
  type VkHistoryRequest,
  type VkHistoryResult,
} from "./vk/history.ts";
export { toVkChannelError } from "./vk/errors.ts";

export {
  parseTelegramUpdate,
  SECRET_TOKEN_HEADER,
  TELEGRAM_ALLOWED_UPDATES,
  telegramProfileUrl,
  verifyAndParseTelegramUpdate,
  type HeaderSource,
} from "./telegram/update.ts";
export { TelegramAdapter, TELEGRAM_API_ROOT, type TelegramChannelConfig } from "./telegram/adapter.ts";
export { toTelegramChannelError } from "./telegram/errors.ts";
export { downloadFile, isPublicAddress, MAX_DOWNLOAD_BYTES, VK_FILE_HOSTS, type MediaFetchOptions } from "./download.ts";
