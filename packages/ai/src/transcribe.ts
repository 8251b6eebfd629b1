// Speech-to-text for clients' voice notes, by the project's choice: an OpenAI-compatible
// `/v1/audio/transcriptions` (OpenAI's own, or any service that speaks it), or ElevenLabs' Scribe
// (`POST /v1/speech-to-text`, the project's ElevenLabs key). The cost is per minute of audio and is
// returned as a usage record (feature "transcription", with its provider) for the caller to store.
import OpenAI, { APIConnectionError, APIError, AuthenticationError, RateLimitError, toFile } from "openai";
import { oggOpusSeconds } from "./ogg-opus.ts";
import { describeElevenLabsError, elevenLabsClient, SpeechError } from "./tts.ts";

export interface TranscriptionConfig {
  apiKey: string;
  model: string;
  baseURL?: string;
  timeoutMs?: number;
  maxRetries?: number;
}

/** Failures as SpeechError kinds, the same for either provider. */
function describeOpenAiError(error: unknown): SpeechError {
  if (error instanceof AuthenticationError) return new SpeechError("auth", "The speech-to-text API rejected the key", 401);
  if (error instanceof RateLimitError) return new SpeechError("rate_limit", "The speech-to-text API is rate limiting this key", 429);
  if (error instanceof APIConnectionError) return new SpeechError("network", `The speech-to-text API could not be reached: ${error.message}`);
  if (error instanceof APIError) {
    const status = typeof error.status === "number" ? error.status : null;
    return new SpeechError(status !== null && status >= 500 ? "server" : "request", `The speech-to-text API answered ${status ?? "an error"}: ${error.message}`, status);
  }
  return new SpeechError("network", error instanceof Error ? error.message : String(error));
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

/** What a transcription cost: `seconds` of audio, stored as its input units. */
export interface TranscriptionUsage {
  provider: "openai" | "elevenlabs";
  feature: "transcription";
  model: string;
  seconds: number;
  costUsd: number;
}

export interface TranscriptionResult {
  text: string;
  usage: TranscriptionUsage;
}

export async function transcribeAudio(config: TranscriptionConfig, audio: { data: Buffer; fileName: string; mime: string }): Promise<TranscriptionResult> {
  const client = new OpenAI({ apiKey: config.apiKey, baseURL: config.baseURL, timeout: config.timeoutMs ?? 60_000, maxRetries: config.maxRetries ?? 1 });
  const file = await toFile(audio.data, audio.fileName, { type: audio.mime });
  let result: OpenAI.Audio.Transcription;
  try {
    result = await client.audio.transcriptions.create({ file, model: config.model, language: "ru", response_format: "json" });
  } catch (error) {
    throw describeOpenAiError(error);
  }
  const seconds = audioSeconds(audio.data);
  return {
    text: (result.text ?? "").trim(),
    usage: { provider: "openai", feature: "transcription", model: config.model, seconds: Math.round(seconds), costUsd: transcriptionCostUsd(config.model, seconds) },
  };
}

export interface ElevenLabsTranscriptionConfig {
  apiKey: string;
  /** ElevenLabs-compatible endpoint; the public API unless given. */
  baseUrl?: string;
  modelId?: string;
  timeoutMs?: number;
  maxRetries?: number;
}

export const ELEVENLABS_TRANSCRIPTION_MODEL = "scribe_v1";
/**
 * Scribe at USD 0.40 an hour of audio: the Starter plan's rate in ElevenLabs' speech-to-text
 * pricing table (elevenlabs.io/docs/capabilities/speech-to-text; larger plans pay 0.22–0.35), so
 * spend is never under-counted. A project on a larger plan sees a slightly higher figure.
 */
const ELEVENLABS_PER_HOUR = 0.4;

export function elevenLabsTranscriptionCostUsd(seconds: number): number {
  return Math.round(((ELEVENLABS_PER_HOUR * seconds) / 3600) * 1e8) / 1e8;
}

/** A voice note through ElevenLabs' Scribe. Throws SpeechError (auth, quota, …) on failure. */
export async function transcribeWithElevenLabs(config: ElevenLabsTranscriptionConfig, audio: { data: Buffer; fileName: string; mime: string }): Promise<TranscriptionResult> {
  const modelId = config.modelId ?? ELEVENLABS_TRANSCRIPTION_MODEL;
  const client = elevenLabsClient(config, 1);
  try {
    const result = await client.speechToText.convert({
      file: { data: audio.data, filename: audio.fileName, contentType: audio.mime },
      modelId,
      languageCode: "ru",
      tagAudioEvents: false,
    });
    // The service's own duration when it gives one; else the audio's, as the OpenAI path does.
    const seconds = result.audioDurationSecs ?? audioSeconds(audio.data);
    return {
      text: (result.text ?? "").trim(),
      usage: { provider: "elevenlabs", feature: "transcription", model: modelId, seconds: Math.round(seconds), costUsd: elevenLabsTranscriptionCostUsd(seconds) },
    };
  } catch (error) {
    throw describeElevenLabsError(error);
  }
}
