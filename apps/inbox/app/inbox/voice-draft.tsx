import { AudioLines, Mic, Square, X } from "lucide-react";
import { Button, Checkbox, useT } from "@threadline/ui";
import { clock, type Recording } from "./voice-recorder.ts";

/** A voice message in the reply box before it is sent: the manager's recording or the voiced text. */
export type VoiceDraft =
  | { source: "recorded"; recording: Recording }
  | { source: "voiced"; url: string; text: string; characters: number; withCaption: boolean; upload: { storageKey: string; fileName: string; mime: string } };

export function voiceUrl(draft: VoiceDraft): string {
  return draft.source === "recorded" ? draft.recording.url : draft.url;
}

/** The voice waiting to be sent: listen back, keep or drop the text as a caption, or discard. */
export function VoiceDraftChip({
  draft,
  stale,
  onCaption,
  onDiscard,
}: {
  draft: VoiceDraft;
  stale: boolean;
  onCaption: (withCaption: boolean) => void;
  onDiscard: () => void;
}) {
  const t = useT();
  const Icon = draft.source === "recorded" ? Mic : AudioLines;
  return (
    <div className="mx-auto mb-2 flex max-w-4xl flex-wrap items-center gap-x-3 gap-y-1">
      <span data-testid="voice-draft" data-source={draft.source} className="inline-flex items-center gap-2 rounded-md bg-slate-100 py-1 pl-2 pr-1 text-sm text-slate-700">
        <Icon className="h-3.5 w-3.5 text-sky-700" />
        <span>{draft.source === "recorded" ? t("voice.recorded", { time: clock(draft.recording.seconds) }) : t("voice.voiced", { count: draft.characters })}</span>
        <audio data-testid="voice-preview" controls preload="metadata" src={voiceUrl(draft)} className="h-8 w-64 max-w-full" aria-label={t("voice.preview")} />
        <button type="button" className="rounded p-0.5 hover:bg-slate-200" aria-label={t("voice.discard")} title={t("voice.discard")} onClick={onDiscard}>
          <X className="h-3.5 w-3.5" />
        </button>
      </span>
      {draft.source === "voiced" ? (
        <label className="inline-flex items-center gap-1.5 text-xs text-slate-600">
          <Checkbox checked={draft.withCaption} onCheckedChange={(v) => onCaption(v === true)} aria-label={t("voice.withCaption")} />
          {t("voice.withCaption")}
        </label>
      ) : null}
      {stale ? <span className="text-xs text-amber-700">{t("voice.stale")}</span> : null}
    </div>
  );
}

/** While recording: the timer, stop (keeps the recording for listening back) and cancel. */
export function RecordingBar({ seconds, onStop, onCancel }: { seconds: number; onStop: () => void; onCancel: () => void }) {
  const t = useT();
  return (
    <div data-testid="voice-recording" className="flex min-h-9 flex-1 items-center gap-3 rounded-md border border-red-200 bg-red-50 px-3 text-sm text-red-700">
      <span className="h-2.5 w-2.5 animate-pulse rounded-full bg-red-600" aria-hidden />
      <span role="timer" className="font-medium tabular-nums">
        {clock(seconds)}
      </span>
      <span className="flex-1 text-red-600/80">{t("voice.recording")}</span>
      <Button variant="ghost" size="sm" onClick={onCancel}>
        {t("voice.cancelRecording")}
      </Button>
      <Button variant="primary" size="icon" className="h-7 w-7" onClick={onStop} title={t("voice.stopRecording")} aria-label={t("voice.stopRecording")}>
        <Square className="h-3.5 w-3.5 fill-current" />
      </Button>
    </div>
  );
}
