// A file upload that reports its progress: fetch() cannot tell how much of a request body has
// gone, XMLHttpRequest can. Replies carry files up to 20 MB, Telegram Desktop exports hundreds.

export type UploadProgress = { sent: number; total: number; startedAt: number };
export type UploadAnswer = { status: number; body: unknown };

/** POSTs the file as the body; `signal` aborts it (the promise then rejects with an AbortError). */
export function uploadWithProgress(
  url: string,
  file: Blob,
  headers: Record<string, string>,
  onProgress: (p: UploadProgress) => void,
  signal?: AbortSignal,
): Promise<UploadAnswer> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    signal?.addEventListener("abort", () => xhr.abort());
    xhr.onabort = () => reject(new DOMException("The upload was cancelled", "AbortError"));
    const startedAt = Date.now();
    xhr.open("POST", url);
    xhr.withCredentials = true;
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => onProgress({ sent: e.loaded, total: e.lengthComputable ? e.total : file.size, startedAt });
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => reject(new Error("network"));
    xhr.send(file);
  });
}

/** Seconds left at the pace so far, or null before there is a pace to go by. */
export function secondsLeft(p: UploadProgress, now = Date.now()): number | null {
  const elapsed = (now - p.startedAt) / 1000;
  if (p.sent <= 0 || elapsed < 0.5) return null;
  return Math.max(0, Math.ceil(((p.total - p.sent) / p.sent) * elapsed));
}
