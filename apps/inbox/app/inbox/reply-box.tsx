import { Paperclip, SendHorizontal, X } from "lucide-react";
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { Button, errorMessage, useT } from "@threadline/ui";
import { loadDraft, saveDraft } from "./drafts.ts";
import { isTextField } from "./hooks.ts";

// The server's limit (MAX_REPLY_LENGTH in core), checked here so a long text is not lost to an error.
const MAX_LENGTH = 4096;
const MAX_HEIGHT = 200;

// The server's upload limit (MAX_UPLOAD_BYTES in core), checked before sending the bytes.
const MAX_FILE_BYTES = 20 * 1024 * 1024;

export type UploadedFile = { storageKey: string; fileName: string; mime: string };

/** Stores a file for a reply; the reply then refers to it. */
export async function uploadFile(projectId: string, file: File): Promise<UploadedFile> {
  const res = await fetch(`/uploads?projectId=${encodeURIComponent(projectId)}`, {
    method: "POST",
    headers: { "content-type": file.type || "application/octet-stream", "x-file-name": encodeURIComponent(file.name) },
    body: file,
  });
  const body = (await res.json().catch(() => ({}))) as UploadedFile & { error?: string };
  if (!res.ok) throw new Error(body.error ?? `Не удалось загрузить файл (${res.status})`);
  return body;
}

/**
 * The reply box: keeps a draft per conversation, Enter sends, Shift+Enter adds a line; the
 * paperclip attaches one file (a photo goes as a photo, anything else as a document).
 */
export function ReplyBox({
  conversationId,
  disabledReason,
  error,
  onSend,
}: {
  conversationId: string;
  disabledReason?: string;
  error: unknown;
  onSend: (text: string, file?: File) => Promise<unknown>;
}) {
  const t = useT();
  const [text, setText] = useState(() => loadDraft(conversationId));
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const picker = useRef<HTMLInputElement>(null);
  const field = useRef<HTMLTextAreaElement>(null);
  const tooLong = text.trim().length > MAX_LENGTH;

  useEffect(() => saveDraft(conversationId, text), [conversationId, text]);

  useLayoutEffect(() => {
    const el = field.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, MAX_HEIGHT)}px`;
  }, [text]);

  // Typing anywhere in the inbox (not in another field) goes into the reply, as in Telegram.
  useEffect(() => {
    if (disabledReason) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.key.length !== 1) return;
      if (isTextField(e.target) || document.querySelector("[role=dialog]")) return;
      field.current?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [disabledReason]);

  const send = () => {
    const value = text.trim();
    if ((!value && !file) || disabledReason || tooLong) return;
    const attached = file ?? undefined;
    setText("");
    setFile(null);
    setFileError(null);
    // On failure the text and the file come back, unless the manager has already started anew.
    onSend(value, attached).catch((e: Error) => {
      setText((current) => current || value);
      if (attached) setFile((current) => current ?? attached);
      setFileError(e.message);
    });
  };

  const pick = (chosen: File | undefined) => {
    if (!chosen) return;
    if (chosen.size > MAX_FILE_BYTES) {
      setFileError(t("inbox.fileTooLarge", { max: MAX_FILE_BYTES / 1024 / 1024 }));
      return;
    }
    setFileError(null);
    setFile(chosen);
    field.current?.focus();
  };

  if (disabledReason) {
    return (
      <div className="shrink-0 border-t border-slate-200 bg-white px-6 py-3">
        <p className="mx-auto max-w-4xl rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-500">{disabledReason}</p>
      </div>
    );
  }

  const problem = tooLong ? t("inbox.replyTooLong", { max: MAX_LENGTH }) : (fileError ?? errorMessage(error));
  return (
    <div className="shrink-0 border-t border-slate-200 bg-white px-6 py-3">
      {file ? (
        <div className="mx-auto mb-2 flex max-w-4xl">
          <span data-testid="reply-file" className="inline-flex items-center gap-2 rounded-md bg-slate-100 px-2 py-1 text-sm text-slate-700">
            <Paperclip className="h-3.5 w-3.5" />
            <span className="max-w-72 truncate">{file.name}</span>
            <span className="text-slate-400">{Math.max(1, Math.round(file.size / 1024))} КБ</span>
            <button type="button" className="rounded p-0.5 hover:bg-slate-200" aria-label={t("inbox.removeFile")} onClick={() => setFile(null)}>
              <X className="h-3.5 w-3.5" />
            </button>
          </span>
        </div>
      ) : null}
      <div className="mx-auto flex max-w-4xl items-end gap-2">
        <input ref={picker} type="file" className="hidden" data-testid="reply-file-input" onChange={(e) => (pick(e.target.files?.[0]), (e.target.value = ""))} />
        <Button variant="ghost" size="icon" className="h-9 w-9 shrink-0" onClick={() => picker.current?.click()} title={t("inbox.attach")} aria-label={t("inbox.attach")}>
          <Paperclip className="h-4 w-4" />
        </Button>
        <textarea
          ref={field}
          data-testid="reply-input"
          rows={1}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              send();
            }
          }}
          placeholder={t("inbox.replyPlaceholder")}
          aria-label={t("inbox.replyPlaceholder")}
          aria-invalid={tooLong || undefined}
          className="min-h-9 flex-1 resize-none rounded-md border border-slate-300 bg-white px-3 py-2 text-sm leading-5 text-slate-900 placeholder:text-slate-400 focus:border-sky-500 focus:outline-none focus:ring-1 focus:ring-sky-500"
        />
        <Button variant="primary" size="icon" className="h-9 w-9 shrink-0" onClick={send} disabled={(!text.trim() && !file) || tooLong} title={`${t("inbox.send")} (Enter)`} aria-label={t("inbox.send")}>
          <SendHorizontal className="h-4 w-4" />
        </Button>
      </div>
      {problem ? (
        <p role="alert" className="mx-auto mt-1.5 max-w-4xl text-xs text-red-600">
          {problem}
        </p>
      ) : null}
    </div>
  );
}
