import { ChannelError, isNetworkFailure, platformUnavailable } from "./errors.ts";
import type { ChannelKind, DownloadedFile } from "./types.ts";

/** Files larger than this are refused rather than held in memory (Telegram bots get ≤ 20 MB anyway). */
export const MAX_DOWNLOAD_BYTES = 50 * 1024 * 1024;

export async function downloadFile(channel: ChannelKind, url: string, signal?: AbortSignal): Promise<DownloadedFile> {
  let response: Response;
  try {
    response = await fetch(url, { signal });
  } catch (error) {
    if (isNetworkFailure(error)) throw platformUnavailable(channel, error);
    throw error;
  }
  if (response.status >= 500 || response.status === 429) {
    throw platformUnavailable(channel, new Error(`file server answered ${response.status}`), { answered: true });
  }
  if (!response.ok) {
    throw new ChannelError({
      channel,
      kind: "invalid_request",
      message: `file download answered ${response.status}`,
      reasonRu: "файл больше недоступен на платформе",
      platformCode: response.status,
    });
  }
  const declared = Number(response.headers.get("content-length") ?? 0);
  if (declared > MAX_DOWNLOAD_BYTES) throw tooLarge(channel, declared);
  const data = new Uint8Array(await response.arrayBuffer());
  if (data.byteLength > MAX_DOWNLOAD_BYTES) throw tooLarge(channel, data.byteLength);
  const mime = response.headers.get("content-type")?.split(";")[0]?.trim() || undefined;
  return { data, size: data.byteLength, ...(mime ? { mime } : {}) };
}

function tooLarge(channel: ChannelKind, size: number): ChannelError {
  return new ChannelError({
    channel,
    kind: "invalid_request",
    message: `file of ${size} bytes exceeds ${MAX_DOWNLOAD_BYTES}`,
    reasonRu: "файл слишком большой для сохранения",
  });
}
