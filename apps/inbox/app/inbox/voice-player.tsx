import { Pause, Play } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { i18next, useT } from "@threadline/ui";
import { duration } from "./format.ts";

/** Speeds a manager steps through, as messengers offer them for voice notes. */
export const VOICE_SPEEDS = [1, 1.5, 2] as const;

// One voice plays at a time: starting another pauses the one playing.
let playing: HTMLAudioElement | null = null;

/**
 * A voice note's player: play/pause, the position against the stored length, seeking and speed.
 * The browser's own controls read no length from an Ogg/Opus file (they show «0:00 / 0:00»), so
 * the length comes from what was stored when the file arrived, and the browser's own when it has one.
 */
export function VoicePlayer({ src, storedSeconds }: { src: string; storedSeconds: number | null }) {
  const t = useT();
  const audio = useRef<HTMLAudioElement>(null);
  const [position, setPosition] = useState(0);
  const [isPlaying, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<(typeof VOICE_SPEEDS)[number]>(1);
  const [browserSeconds, setBrowserSeconds] = useState<number | null>(null);
  const total = storedSeconds ?? browserSeconds;

  useEffect(() => {
    const el = audio.current;
    if (!el) return;
    const onTime = () => setPosition(el.currentTime);
    const onPlay = () => {
      if (playing && playing !== el) playing.pause();
      playing = el;
      setPlaying(true);
    };
    const onPause = () => setPlaying(false);
    const onEnded = () => {
      setPlaying(false);
      setPosition(0);
      el.currentTime = 0;
    };
    const onMeta = () => setBrowserSeconds(Number.isFinite(el.duration) && el.duration > 0 ? el.duration : null);
    const listeners: Record<string, () => void> = { timeupdate: onTime, play: onPlay, pause: onPause, ended: onEnded, loadedmetadata: onMeta, durationchange: onMeta };
    for (const [name, fn] of Object.entries(listeners)) el.addEventListener(name, fn);
    return () => {
      for (const [name, fn] of Object.entries(listeners)) el.removeEventListener(name, fn);
      if (playing === el) playing = null;
    };
  }, []);

  const toggle = () => {
    const el = audio.current;
    if (!el) return;
    if (el.paused) void el.play().catch(() => setPlaying(false));
    else el.pause();
  };
  const seek = (seconds: number) => {
    const el = audio.current;
    if (!el) return;
    el.currentTime = seconds;
    setPosition(seconds);
  };
  const nextSpeed = () => {
    const next = VOICE_SPEEDS[(VOICE_SPEEDS.indexOf(speed) + 1) % VOICE_SPEEDS.length]!;
    if (audio.current) audio.current.playbackRate = next;
    setSpeed(next);
  };
  const started = isPlaying || position > 0;

  return (
    <span data-testid="voice-player" className="flex w-64 max-w-full items-center gap-2">
      <audio ref={audio} preload="metadata" src={src} aria-label={t("inbox.attachment.voice")} />
      <button
        type="button"
        onClick={toggle}
        aria-label={isPlaying ? t("inbox.voicePlayer.pause") : t("inbox.voicePlayer.play")}
        className="flex h-9 w-9 shrink-0 items-center justify-center rounded-full bg-sky-600 text-white hover:bg-sky-700 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
      >
        {isPlaying ? <Pause className="h-4 w-4" aria-hidden /> : <Play className="ml-0.5 h-4 w-4" aria-hidden />}
      </button>
      <span className="flex min-w-0 flex-1 flex-col gap-0.5">
        <input
          type="range"
          min={0}
          max={total ?? 0}
          step={0.1}
          value={Math.min(position, total ?? position)}
          disabled={!total}
          onChange={(e) => seek(Number(e.currentTarget.value))}
          aria-label={t("inbox.voicePlayer.position")}
          aria-valuetext={total ? `${duration(position)} / ${duration(total)}` : duration(position)}
          className="h-1.5 w-full cursor-pointer accent-sky-600 disabled:cursor-default"
        />
        <span className="flex items-center justify-between text-xs tabular-nums text-slate-500">
          <span>
            {started ? <span data-testid="voice-position">{duration(position)}</span> : null}
            {started && total ? " / " : null}
            {total ? (
              <span data-testid="voice-duration" title={t("inbox.attachment.duration")}>
                {duration(total)}
              </span>
            ) : null}
          </span>
          <button
            type="button"
            onClick={nextSpeed}
            aria-label={t("inbox.voicePlayer.speed")}
            className="rounded px-1 font-medium text-slate-600 hover:bg-slate-200/70"
          >
            {t("inbox.voicePlayer.speedValue", { speed: new Intl.NumberFormat(i18next.language === "en" ? "en-GB" : "ru-RU").format(speed) })}
          </button>
        </span>
      </span>
    </span>
  );
}
