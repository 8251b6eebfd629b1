import { Paperclip, X } from "lucide-react";
import { fileSize, secondsLeft, useT, type UploadProgress } from "@threadline/ui";
import type { Upload } from "./file-upload.ts";

/** The file attached to a reply: its name and size, its upload's progress, and remove (or cancel). */
export function AttachmentChip({ file, upload, onRemove }: { file: File; upload: Upload | null; onRemove: () => void }) {
  const t = useT();
  return (
    <div className="mx-auto mb-2 flex max-w-4xl">
      <span data-testid="reply-file" className="inline-flex items-center gap-2 rounded-md bg-slate-100 px-2 py-1 text-sm text-slate-700">
        <Paperclip className="h-3.5 w-3.5" />
        <span className="max-w-72 truncate">{file.name}</span>
        <span className="text-slate-400">{fileSize(file.size)}</span>
        {upload ? <UploadMeter progress={upload.progress} /> : null}
        <button
          type="button"
          className="rounded p-0.5 hover:bg-slate-200"
          aria-label={upload ? t("inbox.cancelUpload") : t("inbox.removeFile")}
          title={upload ? t("inbox.cancelUpload") : t("inbox.removeFile")}
          onClick={() => (upload ? upload.abort.abort() : onRemove())}
        >
          <X className="h-3.5 w-3.5" />
        </button>
      </span>
    </div>
  );
}

/** How far a file's upload has got: a small bar, the percentage and the time left. */
export function UploadMeter({ progress }: { progress: UploadProgress }) {
  const t = useT();
  const percent = Math.min(100, Math.round((100 * progress.sent) / Math.max(1, progress.total)));
  const left = secondsLeft(progress);
  return (
    <span className="inline-flex items-center gap-2" data-testid="reply-file-upload">
      <span role="progressbar" aria-label={t("inbox.uploading")} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} className="h-1.5 w-24 overflow-hidden rounded bg-slate-200">
        <span className="block h-full bg-sky-600 transition-[width]" style={{ width: `${percent}%` }} />
      </span>
      <span className="tabular-nums text-slate-500">
        {left != null && left > 0 ? t("inbox.uploadingLeft", { percent, seconds: left }) : t("inbox.uploadingPercent", { percent })}
      </span>
    </span>
  );
}
