import { ChannelError } from "./errors.ts";
import type { ChannelKind, OutboundFile, OutboundFileKind, OutboundFileRef } from "./types.ts";

export const isFileRef = (file: OutboundFile | OutboundFileRef): file is OutboundFileRef => "platformRef" in file;

const MB = 1024 * 1024;

/** The largest file a bot or community may upload, by kind (Bot API: photos 10 MB, files 50 MB; VK: photos 50 MB, documents 200 MB). */
export const PLATFORM_UPLOAD_LIMITS: Record<ChannelKind, Record<OutboundFileKind, number>> = {
  telegram: { photo: 10 * MB, document: 50 * MB, voice: 50 * MB },
  vk: { photo: 50 * MB, document: 200 * MB, voice: 200 * MB },
};

const platformName = (channel: ChannelKind) => (channel === "vk" ? "VK" : "Telegram");

/** Refuses a file the platform would not take, before any byte is sent. */
export function assertUploadFits(channel: ChannelKind, file: OutboundFile): void {
  const max = PLATFORM_UPLOAD_LIMITS[channel][file.kind];
  if (file.data.byteLength <= max) return;
  const maxMb = Math.round(max / MB);
  throw new ChannelError({
    channel,
    kind: "invalid_request",
    message: `${file.kind} of ${file.data.byteLength} bytes is over the ${maxMb} MB limit`,
    reason: { code: "channel.fileTooBigForPlatform", params: { platform: platformName(channel), maxMb } },
    reasonRu: `файл больше ${maxMb} МБ — ${platformName(channel)} не примет его`,
  });
}

/**
 * A saved file reference the platform refused (Telegram: "wrong file identifier", "file reference
 * expired"; VK: error 100 on the attachment): the caller drops it and uploads the file again.
 */
export function fileRefRefused(channel: ChannelKind, cause: ChannelError): ChannelError {
  return new ChannelError({
    channel,
    kind: "invalid_request",
    message: `saved file refused: ${cause.message}`,
    reason: { code: "channel.fileRefRefused", params: { platform: platformName(channel) } },
    reasonRu: `${platformName(channel)} больше не узнаёт сохранённый файл`,
    ...(cause.platformCode !== undefined ? { platformCode: cause.platformCode } : {}),
    cause,
  });
}
