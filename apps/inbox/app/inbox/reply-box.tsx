import { AudioLines, FileText, Loader2, Mic, Paperclip, SendHorizontal, X } from "lucide-react";
import { useRef, useState } from "react";
import { Button, errorCodeOf, errorMessage, PHONE_QUERY, useMediaQuery, useT } from "@threadline/ui";
import { AttachmentChip } from "./attachment-chip.tsx";
import { useCopilot } from "./copilot.tsx";
import { MAX_FILE_BYTES, useFileUpload, type UploadedFile } from "./file-upload.ts";
import { useDraftFile, useDraftLibrary, useReplyDraft, useReplyField } from "./reply-draft.ts";
import { TemplateList, useTemplatePicker } from "./template-picker.tsx";
import { RecordingBar, VoiceDraftChip } from "./voice-draft.tsx";
import { MAX_VOICED, useVoiceReply } from "./voice-reply.ts";

export type { UploadedFile } from "./file-upload.ts";

// The server's limit (MAX_REPLY_LENGTH in core), checked here so a long text is not lost to an error.
const MAX_LENGTH = 4096;

/**
 * The reply box: keeps a draft per conversation, Enter sends, Shift+Enter adds a line; the
 * paperclip attaches one file (a photo goes as a photo, anything else as a document). The
 * microphone records a voice message; «Озвучить» has the text spoken in the project's voice.
 * Either is listened to in the box before it is sent. «/» opens the project's saved replies.
 * After the handoff the copilot's suggestion shows above the box: Tab in the empty box or
 * «Вставить» puts it in the box to edit; it is never sent by itself.
 */
export function ReplyBox({
  projectId,
  conversationId,
  disabledReason,
  clientName,
  copilot: copilotOn = false,
  lastInboundSeq,
  error,
  onSend,
}: {
  projectId: string;
  conversationId: string;
  disabledReason?: string;
  /** For «{имя}» in saved replies. */
  clientName?: string;
  /** The conversation is a person's now (handed over, or the agent is off in it): the copilot suggests. */
  copilot?: boolean;
  /** The client's newest message: a new one brings a new suggestion. */
  lastInboundSeq?: number | null;
  error: unknown;
  /**
   * `mediaIds`: library files of a picked saved reply, each sent after the text (and the file).
   * The answer names those no longer in the library, which did not go.
   */
  onSend: (text: string, file?: UploadedFile, mediaIds?: string[]) => Promise<{ missingMediaIds?: string[] } | void>;
}) {
  const t = useT();
  const phone = useMediaQuery(PHONE_QUERY);
  const [text, setText] = useReplyDraft(conversationId);
  const { file, setFile, upload, start: startUpload } = useFileUpload(projectId);
  useDraftFile(conversationId, file, setFile);
  const [fileError, setFileError] = useState<string | null>(null);
  const picker = useRef<HTMLInputElement>(null);
  const field = useReplyField(text, !disabledReason);
  const tooLong = text.trim().length > MAX_LENGTH;
  const voiceReply = useVoiceReply({ projectId, conversationId, text, setText, setProblem: setFileError, onSend });
  const { voice, stale, speak, recorder, recording } = voiceReply;
  const copilot = useCopilot({
    projectId,
    conversationId,
    enabled: copilotOn && !disabledReason,
    lastInboundSeq,
    onInsert: (suggested) => (setText((current) => (current.trim() ? `${current.trimEnd()}\n${suggested}` : suggested)), field.current?.focus()),
  });
  // A picked saved reply's library files, kept with the draft.
  const [libraryFiles, setLibraryFiles] = useDraftLibrary(conversationId);
  // Says which of them were removed from the library before the reply went.
  const [note, setNote] = useState<string | null>(null);
  const templates = useTemplatePicker({ projectId, text, clientName, onPick: (filled, files) => (setText(filled), setLibraryFiles(files), field.current?.focus()) });

  /** The text goes at once; with a file, once the file is uploaded (its progress shows on it). */
  const send = () => {
    if (voice) return voiceReply.sendVoice(voice);
    const value = text.trim();
    if ((!value && !file && !libraryFiles.length) || disabledReason || tooLong || upload) return;
    setFileError(null);
    setNote(null);
    const fromLibrary = libraryFiles;
    const sendNow = (stored?: UploadedFile, attached?: File) => {
      setText("");
      setFile(null);
      setLibraryFiles([]);
      // On failure the text and the files come back, unless the manager has already started anew.
      (fromLibrary.length ? onSend(value, stored, fromLibrary.map((f) => f.id)) : onSend(value, stored)).then(
        (sent) => {
          const missing = fromLibrary.filter((f) => sent?.missingMediaIds?.includes(f.id));
          if (missing.length) setNote(t("inbox.templates.filesGone", { count: missing.length, names: missing.map((f) => `«${f.name}»`).join(", ") }));
        },
        (e: Error) => {
          setText((current) => current || value);
          if (attached) setFile((current) => current ?? attached);
          // Files gone from the library do not come back: sending them again would fail again.
          if (errorCodeOf(e) !== "media.missing") setLibraryFiles((current) => (current.length ? current : fromLibrary));
          setFileError(errorMessage(e) ?? e.message);
        },
      );
    };
    if (!file) return sendNow();
    const attached = file;
    startUpload(
      attached,
      (stored) => sendNow(stored, attached),
      (e) => setFileError(e.message),
    );
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

  if (disabledReason) return <ReplyUnavailable reason={disabledReason} />;

  const recorderProblem = recorder.state.phase === "failed" ? t(`voice.mic.${recorder.state.reason}`) : null;
  const problem = tooLong ? t("inbox.replyTooLong", { max: MAX_LENGTH }) : (fileError ?? recorderProblem ?? errorMessage(speak.error) ?? errorMessage(error));
  return (
    <div className="shrink-0 border-t border-slate-200 bg-white px-3 py-3 pb-[max(0.75rem,env(safe-area-inset-bottom))] md:px-6">
      {copilot.panel}
      {file ? <AttachmentChip file={file} upload={upload} onRemove={() => setFile(null)} /> : null}
      {libraryFiles.length ? (
        <ul aria-label={t("inbox.templates.files", { count: libraryFiles.length })} className="mx-auto mb-2 flex max-w-4xl flex-wrap gap-1.5">
          {libraryFiles.map((f) => (
            <li key={f.id} className="flex items-center gap-1 rounded-md border border-slate-200 bg-slate-50 px-2 py-1 text-xs text-slate-700">
              <FileText className="h-3.5 w-3.5 text-slate-400" aria-hidden />
              <span className="max-w-48 truncate">{f.name}</span>
              <button type="button" className="text-slate-400 hover:text-slate-700" aria-label={t("inbox.templates.removeFile", { name: f.name })} onClick={() => setLibraryFiles(libraryFiles.filter((x) => x.id !== f.id))}>
                <X className="h-3 w-3" />
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {voice ? <VoiceDraftChip draft={voice} stale={stale} onCaption={voiceReply.setCaption} onDiscard={voiceReply.discard} /> : null}
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
              if (e.key === "Tab" && !e.shiftKey && copilot.text && !text.trim()) {
                e.preventDefault();
                setText(copilot.text);
                return;
              }
              if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
                e.preventDefault();
                send();
              }
            }}
            placeholder={phone ? t("inbox.replyPlaceholderPhone") : t("inbox.replyPlaceholder")}
            aria-label={t("inbox.replyPlaceholder")}
            aria-invalid={tooLong || undefined}
            className="min-h-9 min-w-0 flex-1 resize-none rounded-md border border-slate-300 bg-white px-3 py-2 text-base leading-5 md:text-sm text-slate-900 placeholder:text-slate-400 focus:border-sky-500 focus:outline-none focus:ring-1 focus:ring-sky-500"
          />
        )}
        {recording ? null : (
          <>
            <Button
              variant="ghost"
              size="sm"
              className="h-9 shrink-0 gap-1.5 px-2.5"
              onClick={voiceReply.voiceTheText}
              disabled={!voiceReply.canVoice || speak.isPending}
              title={text.trim().length > MAX_VOICED ? t("voice.tooLong", { max: MAX_VOICED }) : t("voice.speakTitle")}
              aria-label={speak.isPending ? t("voice.speaking") : t("voice.speak")}
            >
              {speak.isPending ? <Loader2 className="h-4 w-4 animate-spin" /> : <AudioLines className="h-4 w-4" />}
              <span className="hidden md:inline">{speak.isPending ? t("voice.speaking") : t("voice.speak")}</span>
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
          disabled={recording || voiceReply.sending || !!upload || (voice ? stale : (!text.trim() && !file && !libraryFiles.length) || tooLong)}
          title={`${voice ? t("voice.send") : t("inbox.send")} (Enter)`}
          aria-label={voice ? t("voice.send") : t("inbox.send")}
        >
          {voiceReply.sending ? <Loader2 className="h-4 w-4 animate-spin" /> : <SendHorizontal className="h-4 w-4" />}
        </Button>
      </div>
      {problem ? (
        <p role="alert" className="mx-auto mt-1.5 max-w-4xl text-xs text-red-600">
          {problem}
        </p>
      ) : null}
      {note && !problem ? (
        <p role="status" className="mx-auto mt-1.5 max-w-4xl text-xs text-amber-700">
          {note}
        </p>
      ) : null}
    </div>
  );
}

/** In place of the box when the manager cannot reply, saying why. */
function ReplyUnavailable({ reason }: { reason: string }) {
  return (
    <div className="shrink-0 border-t border-slate-200 bg-white px-3 py-3 md:px-6">
      <p className="mx-auto max-w-4xl rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-500">{reason}</p>
    </div>
  );
}
