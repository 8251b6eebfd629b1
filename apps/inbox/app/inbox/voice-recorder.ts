import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";

// VK takes voice messages of up to five minutes; the recording stops there by itself.
export const MAX_RECORDING_SECONDS = 5 * 60;

// Ogg/Opus goes out as it is (Firefox); WebM/Opus (Chromium) is rewrapped as Ogg on the server.
const PREFERRED_TYPES = ["audio/ogg;codecs=opus", "audio/webm;codecs=opus"];

export type Recording = { blob: Blob; url: string; seconds: number };

export type RecorderState =
  | { phase: "idle" }
  | { phase: "starting" }
  | { phase: "recording"; seconds: number }
  | { phase: "failed"; reason: "denied" | "unsupported" | "no-device" };

export function supportedRecordingType(): string | null {
  if (typeof MediaRecorder === "undefined" || !navigator.mediaDevices?.getUserMedia) return null;
  return PREFERRED_TYPES.find((type) => MediaRecorder.isTypeSupported(type)) ?? null;
}

/**
 * The microphone of the reply box: start asks for the microphone and records, stop hands the
 * recording over, cancel throws it away. The microphone is released as soon as recording ends.
 */
export function useVoiceRecorder(onRecorded: (recording: Recording) => void) {
  const [state, setState] = useState<RecorderState>({ phase: "idle" });
  const recorder = useRef<MediaRecorder | null>(null);
  const keep = useRef(true);
  const startedAt = useRef(0);
  // The recording goes to the latest handler, whichever render started it.
  const deliver = useRef(onRecorded);
  useLayoutEffect(() => {
    deliver.current = onRecorded;
  });

  const finish = useCallback((save: boolean) => {
    keep.current = save;
    if (recorder.current?.state === "recording") recorder.current.stop();
  }, []);

  useEffect(() => {
    if (state.phase !== "recording") return;
    const timer = setInterval(() => {
      // A tick that fires after the recorder stopped, before this effect is cleaned up, must not
      // put the box back into «recording»: only a running recording counts on.
      if (!recorder.current) return;
      const seconds = Math.floor((Date.now() - startedAt.current) / 1000);
      if (seconds >= MAX_RECORDING_SECONDS) finish(true);
      else setState((current) => (current.phase === "recording" ? { phase: "recording", seconds } : current));
    }, 250);
    return () => clearInterval(timer);
  }, [state.phase, finish]);

  // Leaving the conversation mid-recording drops the recording and frees the microphone.
  useEffect(() => () => finish(false), [finish]);

  const start = useCallback(async () => {
    const mimeType = supportedRecordingType();
    if (!mimeType) return setState({ phase: "failed", reason: "unsupported" });
    setState({ phase: "starting" });
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true } });
    } catch (error) {
      const name = (error as DOMException).name;
      return setState({ phase: "failed", reason: name === "NotFoundError" || name === "OverconstrainedError" ? "no-device" : "denied" });
    }
    const chunks: Blob[] = [];
    const media = new MediaRecorder(stream, { mimeType, audioBitsPerSecond: 32_000 });
    media.ondataavailable = (e) => e.data.size > 0 && chunks.push(e.data);
    media.onstop = () => {
      stream.getTracks().forEach((track) => track.stop());
      recorder.current = null;
      setState({ phase: "idle" });
      if (!keep.current || chunks.length === 0) return;
      const blob = new Blob(chunks, { type: media.mimeType || mimeType });
      deliver.current({ blob, url: URL.createObjectURL(blob), seconds: Math.max(1, Math.round((Date.now() - startedAt.current) / 1000)) });
    };
    recorder.current = media;
    keep.current = true;
    startedAt.current = Date.now();
    media.start(1000);
    setState({ phase: "recording", seconds: 0 });
  }, []);

  return { state, start, stop: () => finish(true), cancel: () => finish(false), dismiss: () => setState({ phase: "idle" }) };
}

/** 0:07, 1:42 */
export function clock(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}
