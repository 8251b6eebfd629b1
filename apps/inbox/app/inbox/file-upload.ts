import { useState } from "react";
import { i18next, uploadWithProgress, type UploadProgress } from "@threadline/ui";

// The server's upload limit (MAX_UPLOAD_BYTES in core), checked before sending the bytes.
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

export type UploadedFile = { storageKey: string; fileName: string; mime: string };

/** A file being uploaded before its reply is sent: its progress, and how to cancel it. */
export type Upload = { progress: UploadProgress; abort: AbortController };

/** Stores a file for a reply, reporting its progress; the reply then refers to it. */
export async function uploadFile(projectId: string, file: File, onProgress: (p: UploadProgress) => void = () => {}, signal?: AbortSignal): Promise<UploadedFile> {
  const headers = { "content-type": file.type || "application/octet-stream", "x-file-name": encodeURIComponent(file.name) };
  let answer;
  try {
    answer = await uploadWithProgress(`/uploads?projectId=${encodeURIComponent(projectId)}`, file, headers, onProgress, signal);
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new Error(i18next.t("inbox.uploadFailed"));
  }
  const body = (answer.body ?? {}) as UploadedFile & { error?: string };
  if (answer.status !== 200) throw new Error(body.error ?? i18next.t("inbox.uploadFailed"));
  return body;
}

/**
 * The file attached to a reply and its upload. `start` uploads it with its progress showing;
 * `onStored` gets the stored file, `onError` any failure except the manager's own cancel.
 */
export function useFileUpload(projectId: string) {
  const [file, setFile] = useState<File | null>(null);
  const [upload, setUpload] = useState<Upload | null>(null);
  const start = (attached: File, onStored: (stored: UploadedFile) => void, onError: (e: Error) => void) => {
    const abort = new AbortController();
    setUpload({ progress: { sent: 0, total: attached.size, startedAt: Date.now() }, abort });
    uploadFile(projectId, attached, (progress) => setUpload({ progress, abort }), abort.signal)
      .then(onStored)
      .catch((e: Error) => {
        if (!(e instanceof DOMException && e.name === "AbortError")) onError(e);
      })
      .finally(() => setUpload(null));
  };
  return { file, setFile, upload, start };
}
