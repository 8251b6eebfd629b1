// Voicing a reply with the project's own ElevenLabs key and voice. Returns the audio and a usage
// record (ElevenLabs bills text-to-speech per character).
import { ElevenLabsClient, ElevenLabsError, ElevenLabsTimeoutError } from "@elevenlabs/elevenlabs-js";
import { ProviderError } from "./provider-error.ts";
import type { SpeechUsage } from "./usage.ts";

export interface SpeechConfig {
  apiKey: string;
  voiceId: string;
  /** ElevenLabs-compatible endpoint; the public API unless given. */
  baseUrl?: string;
  /** Multilingual v2 unless given: it speaks Russian. */
  modelId?: string;
  /** codec_sampleRate_bitrate, e.g. "mp3_44100_128" (the API's default). */
  outputFormat?: string;
  timeoutMs?: number;
  maxRetries?: number;
  /** USD per 1,000 characters, for a plan the built-in table does not match. */
  pricePer1kChars?: number;
}

export const DEFAULT_SPEECH_MODEL = "eleven_multilingual_v2";
export const DEFAULT_OUTPUT_FORMAT = "mp3_44100_128";

// USD per 1,000 characters at ElevenLabs' list API rates: Flash and Turbo bill half a credit per
// character, the multilingual models and v3 a full one.
const SPEECH_PRICES: readonly (readonly [prefix: string, per1k: number])[] = [
  ["eleven_flash", 0.05],
  ["eleven_turbo", 0.05],
  ["eleven_multilingual", 0.1],
  ["eleven_v3", 0.1],
  ["eleven_monolingual", 0.1],
];

export function speechCostUsd(modelId: string, characters: number, per1k?: number): number {
  const price = per1k ?? SPEECH_PRICES.find(([prefix]) => modelId.startsWith(prefix))?.[1] ?? 0;
  return Math.round(((characters * price) / 1000) * 1e8) / 1e8;
}

export type SpeechErrorKind = "auth" | "quota" | "rate_limit" | "server" | "network" | "request";

export class SpeechError extends ProviderError<SpeechErrorKind> {}

export interface SpeechResult {
  audio: Uint8Array;
  contentType: string;
  usage: SpeechUsage;
}

function contentTypeFor(format: string): string {
  if (format.startsWith("mp3")) return "audio/mpeg";
  if (format.startsWith("wav")) return "audio/wav";
  if (format.startsWith("opus")) return "audio/ogg";
  if (format.startsWith("ulaw") || format.startsWith("alaw")) return "audio/basic";
  return "application/octet-stream";
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** An ElevenLabs SDK failure (any endpoint) as a SpeechError of a kind the caller can act on. */
export function describeElevenLabsError(error: unknown): SpeechError {
  if (error instanceof ElevenLabsTimeoutError) return new SpeechError("network", "ElevenLabs did not answer in time");
  if (error instanceof ElevenLabsError) {
    const status = error.statusCode ?? null;
    const detail = JSON.stringify(error.body ?? "");
    if (status === 401) {
      const quota = /quota/i.test(detail);
      return new SpeechError(quota ? "quota" : "auth", quota ? "The ElevenLabs quota is used up" : "ElevenLabs rejected the API key", status);
    }
    if (status === 429) return new SpeechError("rate_limit", "ElevenLabs is rate limiting this key", status);
    if (status !== null && status >= 500) return new SpeechError("server", `ElevenLabs answered ${status}`, status);
    if (status === null) return new SpeechError("network", `ElevenLabs could not be reached: ${error.message}`);
    return new SpeechError("request", `ElevenLabs answered ${status}: ${detail}`, status);
  }
  return new SpeechError("network", error instanceof Error ? error.message : String(error));
}

/** The SDK's client for the project's key, at the given address (the public API unless given). */
export function elevenLabsClient(config: { apiKey: string; baseUrl?: string; timeoutMs?: number; maxRetries?: number }, defaultRetries: number): ElevenLabsClient {
  return new ElevenLabsClient({
    apiKey: config.apiKey,
    ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
    timeoutInSeconds: Math.ceil((config.timeoutMs ?? 60_000) / 1000),
    maxRetries: config.maxRetries ?? defaultRetries,
  });
}

/** Speaks `text` in the project's voice. Throws SpeechError with a kind the caller can act on. */
export async function synthesizeSpeech(config: SpeechConfig, text: string, feature = "tts"): Promise<SpeechResult> {
  const spoken = text.trim();
  if (!spoken) throw new SpeechError("request", "There is no text to speak");
  const modelId = config.modelId ?? DEFAULT_SPEECH_MODEL;
  const outputFormat = config.outputFormat ?? DEFAULT_OUTPUT_FORMAT;
  const client = elevenLabsClient(config, 2);
  try {
    const { data, rawResponse } = await client.textToSpeech
      .convert(config.voiceId, {
        text: spoken,
        modelId,
        outputFormat: outputFormat as Parameters<typeof client.textToSpeech.convert>[1]["outputFormat"],
      })
      .withRawResponse();
    const audio = await readAll(data);
    const characters = [...spoken].length;
    return {
      audio,
      contentType: rawResponse.headers.get("content-type") ?? contentTypeFor(outputFormat),
      usage: { provider: "elevenlabs", feature, model: modelId, characters, costUsd: speechCostUsd(modelId, characters, config.pricePer1kChars) },
    };
  } catch (error) {
    throw describeElevenLabsError(error);
  }
}
