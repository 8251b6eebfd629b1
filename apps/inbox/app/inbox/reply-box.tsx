import { useMutation } from "@tanstack/react-query";
import { AudioLines, Loader2, Mic, Paperclip, SendHorizontal, X } from "lucide-react";
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { Button, errorMessage, i18next, secondsLeft, uploadWithProgress, useT, useTRPC, type UploadProgress } from "@threadline/ui";
import { loadDraft, saveDraft } from "./drafts.ts";
import { isTextField } from "./hooks.ts";
import { TemplateList, useTemplatePicker } from "./template-picker.tsx";
import { RecordingBar, VoiceDraftChip, voiceUrl, type VoiceDraft } from "./voice-draft.tsx";
import { useVoiceRecorder, type Recording } from "./voice-recorder.ts";

// The server's limit (MAX_REPLY_LENGTH in core), checked here so a long text is not lost to an error.
const MAX_LENGTH = 4096;
const MAX_HEIGHT = 200;

// The server's upload limit (MAX_UPLOAD_BYTES in core), checked before sending the bytes.
const MAX_FILE_BYTES = 20 * 1024 * 1024;
// The server's limit for voicing a text (MAX_VOICED_TEXT in core).
const MAX_VOICED = 1000;

export type UploadedFile = { storageKey: string; fileName: string; mime: string };

/** Stores a file for a reply, reporting its progress; the reply then refers to it. */
async function uploadFile(projectId: string, file: File, onProgress: (p: UploadProgress) => void = () => {}, signal?: AbortSignal): Promise<UploadedFile> {
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

function base64Blob(base64: string, type: string): Blob {
  return new Blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], { type });
}

/**
 * The reply box: keeps a draft per conversation, Enter sends, Shift+Enter adds a line; the
 * paperclip attaches one file (a photo goes as a photo, anything else as a document). The
 * microphone records a voice message; «Озвучить» has the text spoken in the project's voice.
 * Either is listened to in the box before it is sent. «/» opens the project's saved replies.
 */
export function ReplyBox({
  projectId,
  conversationId,
  disabledReason,
  clientName,
  error,
  onSend,
}: {
  projectId: string;
  conversationId: string;
  disabledReason?: string;
  /** For «{имя}» in saved replies. */
  clientName?: string;
  error: unknown;
  onSend: (text: string, file?: UploadedFile) => Promise<unknown>;
}) {
  const t = useT();
  const trpc = useTRPC();
  const [text, setText] = useState(() => loadDraft(conversationId));
  const [file, setFile] = useState<File | null>(null);
  const [voice, setVoice] = useState<VoiceDraft | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [sendingVoice, setSendingVoice] = useState(false);
  // A file being uploaded before its reply is sent: its progress, and how to cancel it.
  const [upload, setUpload] = useState<{ progress: UploadProgress; abort: AbortController } | null>(null);
  const picker = useRef<HTMLInputElement>(null);
  const field = useRef<HTMLTextAreaElement>(null);
  const tooLong = text.trim().length > MAX_LENGTH;
  const speak = useMutation(trpc.voice.speak.mutationOptions());
  const fromRecording = useMutation(trpc.voice.fromRecording.mutationOptions());
  const recorder = useVoiceRecorder((recording: Recording) => setVoice({ source: "recorded", recording }));
  const recording = recorder.state.phase === "recording" || recorder.state.phase === "starting";
  const stale = voice?.source === "voiced" && voice.text !== text.trim();
  const templates = useTemplatePicker({ projectId, text, clientName, onPick: (filled) => (setText(filled), field.current?.focus()) });

  // The preview's audio lives in the tab until the voice is sent or dropped.
  const previewUrl = voice ? voiceUrl(voice) : null;
  useEffect(() => () => (previewUrl ? URL.revokeObjectURL(previewUrl) : undefined), [previewUrl]);

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

  const voiceTheText = () => {
    const value = text.trim();
    if (!value || value.length > MAX_VOICED || speak.isPending) return;
    setFileError(null);
    speak.mutate(
      { projectId, conversationId, text: value },
      {
        onSuccess: (voiced) =>
          setVoice({
            source: "voiced",
            url: URL.createObjectURL(base64Blob(voiced.audioBase64, voiced.mime)),
            text: value,
            characters: voiced.characters,
            withCaption: voice?.source === "voiced" ? voice.withCaption : true,
            upload: { storageKey: voiced.storageKey, fileName: voiced.fileName, mime: voiced.mime },
          }),
      },
    );
  };

  /** A recording goes up through /uploads and comes back as Ogg/Opus, ready to go as voice. */
  const storedVoice = async (draft: VoiceDraft): Promise<UploadedFile> => {
    if (draft.source === "voiced") return draft.upload;
    const { blob } = draft.recording;
    const type = blob.type.split(";")[0] || "audio/webm";
    const uploaded = await uploadFile(projectId, new File([blob], type === "audio/ogg" ? "voice.ogg" : "voice.webm", { type }));
    return fromRecording.mutateAsync({ projectId, storageKey: uploaded.storageKey });
  };

  const sendVoice = (draft: VoiceDraft) => {
    if (stale || sendingVoice) return;
    // A voiced text leaves the box with its voice (as the caption, if kept); a recording goes alone.
    const caption = draft.source === "voiced" && draft.withCaption ? draft.text : "";
    const typed = text;
    if (draft.source === "voiced") setText("");
    setSendingVoice(true);
    setFileError(null);
    storedVoice(draft)
      .then((stored) => onSend(caption, stored))
      .then(() => setVoice((current) => (current === draft ? null : current)))
      .catch((e: Error) => {
        setText((current) => current || typed);
        setFileError(e.message);
      })
      .finally(() => setSendingVoice(false));
  };

  /** The text goes at once; with a file, once the file is uploaded (its progress shows on it). */
  const send = () => {
    if (voice) return sendVoice(voice);
    const value = text.trim();
    if ((!value && !file) || disabledReason || tooLong || upload) return;
    setFileError(null);
    const sendNow = (stored?: UploadedFile, attached?: File) => {
      setText("");
      setFile(null);
      // On failure the text and the file come back, unless the manager has already started anew.
      onSend(value, stored).catch((e: Error) => {
        setText((current) => current || value);
        if (attached) setFile((current) => current ?? attached);
        setFileError(e.message);
      });
    };
    if (!file) return sendNow();
    const attached = file;
    const abort = new AbortController();
    setUpload({ progress: { sent: 0, total: attached.size, startedAt: Date.now() }, abort });
    uploadFile(projectId, attached, (progress) => setUpload({ progress, abort }), abort.signal)
      .then((stored) => sendNow(stored, attached))
      .catch((e: Error) => {
        if (!(e instanceof DOMException && e.name === "AbortError")) setFileError(e.message);
      })
      .finally(() => setUpload(null));
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

  const recorderProblem = recorder.state.phase === "failed" ? t(`voice.mic.${recorder.state.reason}`) : null;
  const problem = tooLong ? t("inbox.replyTooLong", { max: MAX_LENGTH }) : (fileError ?? recorderProblem ?? errorMessage(speak.error) ?? errorMessage(error));
  const canVoice = !!text.trim() && text.trim().length <= MAX_VOICED && voice?.source !== "recorded";
  return (
    <div className="shrink-0 border-t border-slate-200 bg-white px-6 py-3">
      {file ? (
        <div className="mx-auto mb-2 flex max-w-4xl">
          <span data-testid="reply-file" className="inline-flex items-center gap-2 rounded-md bg-slate-100 px-2 py-1 text-sm text-slate-700">
            <Paperclip className="h-3.5 w-3.5" />
            <span className="max-w-72 truncate">{file.name}</span>
            <span className="text-slate-400">{Math.max(1, Math.round(file.size / 1024))} КБ</span>
            {upload ? <UploadMeter progress={upload.progress} /> : null}
            <button
              type="button"
              className="rounded p-0.5 hover:bg-slate-200"
              aria-label={upload ? t("inbox.cancelUpload") : t("inbox.removeFile")}
              title={upload ? t("inbox.cancelUpload") : t("inbox.removeFile")}
              onClick={() => (upload ? upload.abort.abort() : setFile(null))}
            >
              <X className="h-3.5 w-3.5" />
            </button>
          </span>
        </div>
      ) : null}
      {voice ? (
        <VoiceDraftChip
          draft={voice}
          stale={stale}
          onCaption={(withCaption) => setVoice((v) => (v?.source === "voiced" ? { ...v, withCaption } : v))}
          onDiscard={() => setVoice(null)}
        />
      ) : null}
      <div className="relative mx-auto flex max-w-4xl items-end gap-2">
        <TemplateList picker={templates} />
        <input ref={picker} type="file" className="hidden" data-testid="reply-file-input" onChange={(e) => (pick(e.target.files?.[0]), (e.target.value = ""))} />
        <Button variant="ghost" size="icon" className="h-9 w-9 shrink-0" onClick={() => picker.current?.click()} title={t("inbox.attach")} aria-label={t("inbox.attach")}>
          <Paperclip className="h-4 w-4" />
        </Button>
        {recording ? (
          <RecordingBar seconds={recorder.state.phase === "recording" ? recorder.state.seconds : 0} onStop={recorder.stop} onCancel={recorder.cancel} />
        ) : (
          <textarea
            ref={field}
            data-testid="reply-input"
            rows={1}
            value={text}
            readOnly={!!upload}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (templates.onKeyDown(e)) return;
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
        )}
        {recording ? null : (
          <>
            <Button
              variant="ghost"
              size="sm"
              className="h-9 shrink-0 gap-1.5 px-2.5"
              onClick={voiceTheText}
              disabled={!canVoice || speak.isPending}
              title={text.trim().length > MAX_VOICED ? t("voice.tooLong", { max: MAX_VOICED }) : t("voice.speakTitle")}
            >
              {speak.isPending ? <Loader2 className="h-4 w-4 animate-spin" /> : <AudioLines className="h-4 w-4" />}
              {speak.isPending ? t("voice.speaking") : t("voice.speak")}
            </Button>
            <Button variant="ghost" size="icon" className="h-9 w-9 shrink-0" onClick={() => void recorder.start()} disabled={!!voice || !!file} title={t("voice.record")} aria-label={t("voice.record")}>
              <Mic className="h-4 w-4" />
            </Button>
          </>
        )}
        <Button
          variant="primary"
          size="icon"
          className="h-9 w-9 shrink-0"
          onClick={send}
          disabled={recording || sendingVoice || !!upload || (voice ? stale : (!text.trim() && !file) || tooLong)}
          title={`${voice ? t("voice.send") : t("inbox.send")} (Enter)`}
          aria-label={voice ? t("voice.send") : t("inbox.send")}
        >
          {sendingVoice ? <Loader2 className="h-4 w-4 animate-spin" /> : <SendHorizontal className="h-4 w-4" />}
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

/** How far a file's upload has got: a small bar, the percentage and the time left. */
function UploadMeter({ progress }: { progress: UploadProgress }) {
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
