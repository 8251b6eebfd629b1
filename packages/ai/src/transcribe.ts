// Speech-to-text for clients' voice notes through an OpenAI-compatible `/v1/audio/transcriptions`
// (OpenAI's own, or any service that speaks it). The cost is per minute of audio and is returned
// as a usage record (feature "transcription") for the caller to store.
import OpenAI, { toFile } from "openai";
import { oggOpusSeconds } from "./ogg-opus.ts";
import type { LlmUsage } from "./usage.ts";

export interface TranscriptionConfig {
  apiKey: string;
  model: string;
  baseURL?: string;
  timeoutMs?: number;
  maxRetries?: number;
}

/** USD per minute of audio. */
const PER_MINUTE: Record<string, number> = { "whisper-1": 0.006, "gpt-4o-transcribe": 0.006, "gpt-4o-mini-transcribe": 0.003 };
const DEFAULT_PER_MINUTE = 0.006;

export const DEFAULT_TRANSCRIPTION_MODEL = "whisper-1";

/** The audio's length: from the Ogg pages when it is Ogg/Opus, else from its size at voice bitrate (~16 kbit/s). */
export function audioSeconds(data: Buffer): number {
  try {
    const s = oggOpusSeconds(data);
    if (s > 0) return s;
  } catch {
    // Not a well-formed Ogg/Opus stream: estimated by size below.
  }
  return Math.max(1, Math.round(data.length / 2000));
}

export function transcriptionCostUsd(model: string, seconds: number): number {
  return ((PER_MINUTE[model] ?? DEFAULT_PER_MINUTE) * seconds) / 60;
}

export interface TranscriptionResult {
  text: string;
  usage: LlmUsage;
}

export async function transcribeAudio(config: TranscriptionConfig, audio: { data: Buffer; fileName: string; mime: string }): Promise<TranscriptionResult> {
  const client = new OpenAI({ apiKey: config.apiKey, baseURL: config.baseURL, timeout: config.timeoutMs ?? 60_000, maxRetries: config.maxRetries ?? 1 });
  const file = await toFile(audio.data, audio.fileName, { type: audio.mime });
  const result = await client.audio.transcriptions.create({ file, model: config.model, language: "ru", response_format: "json" });
  const seconds = audioSeconds(audio.data);
  return {
    text: (result.text ?? "").trim(),
    usage: { provider: "openai", feature: "transcription", model: config.model, inputTokens: Math.round(seconds), outputTokens: 0, costUsd: transcriptionCostUsd(config.model, seconds) },
  };
}
