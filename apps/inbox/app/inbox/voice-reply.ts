import { useMutation } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTRPC } from "@threadline/ui";
import { uploadFile, type UploadedFile } from "./file-upload.ts";
import { voiceUrl, type VoiceDraft } from "./voice-draft.tsx";
import { useVoiceRecorder, type Recording } from "./voice-recorder.ts";

// The server's limit for voicing a text (MAX_VOICED_TEXT in core).
export const MAX_VOICED = 1000;

function base64Blob(base64: string, type: string): Blob {
  return new Blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], { type });
}

/**
 * A voice reply: recorded with the microphone, or the typed text spoken in the project's voice.
 * Either waits in the box as a draft to be listened to, then goes as a voice message.
 */
export function useVoiceReply({
  projectId,
  conversationId,
  text,
  setText,
  setProblem,
  onSend,
}: {
  projectId: string;
  conversationId: string;
  text: string;
  setText: (update: string | ((current: string) => string)) => void;
  /** Where a failure is said (null clears it). */
  setProblem: (message: string | null) => void;
  onSend: (text: string, file?: UploadedFile) => Promise<unknown>;
}) {
  const trpc = useTRPC();
  const [voice, setVoice] = useState<VoiceDraft | null>(null);
  const [sending, setSending] = useState(false);
  const speak = useMutation(trpc.voice.speak.mutationOptions());
  const fromRecording = useMutation(trpc.voice.fromRecording.mutationOptions());
  const recorder = useVoiceRecorder((recording: Recording) => setVoice({ source: "recorded", recording }));
  const recording = recorder.state.phase === "recording" || recorder.state.phase === "starting";
  // A voiced text no longer matches once the text is edited: it is voiced again before sending.
  const stale = voice?.source === "voiced" && voice.text !== text.trim();
  const canVoice = !!text.trim() && text.trim().length <= MAX_VOICED && voice?.source !== "recorded";

  // The preview's audio lives in the tab until the voice is sent or dropped.
  const previewUrl = voice ? voiceUrl(voice) : null;
  useEffect(() => () => (previewUrl ? URL.revokeObjectURL(previewUrl) : undefined), [previewUrl]);

  const voiceTheText = () => {
    const value = text.trim();
    if (!value || value.length > MAX_VOICED || speak.isPending) return;
    setProblem(null);
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
    if (stale || sending) return;
    // A voiced text leaves the box with its voice (as the caption, if kept); a recording goes alone.
    const caption = draft.source === "voiced" && draft.withCaption ? draft.text : "";
    const typed = text;
    if (draft.source === "voiced") setText("");
    setSending(true);
    setProblem(null);
    storedVoice(draft)
      .then((stored) => onSend(caption, stored))
      .then(() => setVoice((current) => (current === draft ? null : current)))
      .catch((e: Error) => {
        setText((current) => current || typed);
        setProblem(e.message);
      })
      .finally(() => setSending(false));
  };

  return {
    voice,
    stale,
    sending,
    canVoice,
    speak,
    recorder,
    recording,
    voiceTheText,
    sendVoice,
    setCaption: (withCaption: boolean) => setVoice((v) => (v?.source === "voiced" ? { ...v, withCaption } : v)),
    discard: () => setVoice(null),
  };
}
