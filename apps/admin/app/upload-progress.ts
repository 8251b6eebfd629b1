// A file upload that reports its progress: fetch() cannot tell how much of a request body has
// gone, XMLHttpRequest can. Telegram Desktop exports run to hundreds of megabytes.

export type UploadProgress = { sent: number; total: number; startedAt: number };
export type UploadAnswer = { status: number; body: unknown };

export function uploadWithProgress(url: string, file: Blob, contentType: string, onProgress: (p: UploadProgress) => void): Promise<UploadAnswer> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const startedAt = Date.now();
    xhr.open("POST", url);
    xhr.withCredentials = true;
    xhr.setRequestHeader("content-type", contentType);
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
