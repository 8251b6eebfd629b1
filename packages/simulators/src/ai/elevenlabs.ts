// An ElevenLabs simulator. Text-to-speech: POST /v1/text-to-speech/{voice_id} with the `xi-api-key`
// header answers like the real API — audio/mpeg for the default mp3_44100_128, audio/ogg for the
// opus_48000_* formats — with silent audio
// as long as the text would take to say; 401 for an unknown key, 422 for a request without text.
// Speech-to-text: POST /v1/speech-to-text (multipart: model_id, file) answers Scribe's JSON
// (language_code, text, words…) with the text a simulated voice note carries; 422 without a file.
import { boundaryOf, parseMultipart } from "../channels/multipart.ts";
import { AudioFormatError, silentMp3, silentOggOpus, silentPcm, silentWav } from "./audio.ts";
import { json, SimulatorServer, type RecordedRequest, type Reply } from "./http.ts";
import { spokenText } from "./openai.ts";

export interface ElevenLabsSimulatorOptions {
  /** Keys it accepts; ["el-simulator"] unless given. */
  apiKeys?: string[];
  /** Voices it knows; any voice id is accepted unless given. */
  voices?: string[];
}

// Russian speech runs at about 14 characters a second.
const CHARACTERS_PER_SECOND = 14;
const MAX_SECONDS = 60;

function audioFor(format: string, seconds: number): { type: string; bytes: Uint8Array } {
  const [codec, rate, bitrate] = format.split("_");
  const sampleRate = Number(rate);
  if (codec === "mp3") return { type: "audio/mpeg", bytes: silentMp3(seconds, sampleRate, Number(bitrate)) };
  if (codec === "wav") return { type: "audio/wav", bytes: silentWav(seconds, sampleRate) };
  if (codec === "pcm") return { type: "audio/pcm", bytes: silentPcm(seconds, sampleRate) };
  if (codec === "opus" && sampleRate === 48000) return { type: "audio/ogg", bytes: silentOggOpus(seconds) };
  throw new AudioFormatError(`Output format ${format} is not supported by the simulator`);
}

export class ElevenLabsSimulator extends SimulatorServer {
  readonly apiKeys: readonly string[];
  private readonly voices: readonly string[] | null;
  private counter = 0;

  constructor(options: ElevenLabsSimulatorOptions = {}) {
    super();
    this.apiKeys = options.apiKeys ?? ["el-simulator"];
    this.voices = options.voices ?? null;
  }

  get apiKey(): string {
    return this.apiKeys[0] ?? "";
  }

  /** What to pass as the SDK's baseUrl. */
  get baseUrl(): string {
    return this.url;
  }

  protected faultBody(status: number): unknown {
    if (status === 429) return { detail: { status: "too_many_concurrent_requests", message: "Too many concurrent requests." } };
    if (status === 401) return { detail: { status: "quota_exceeded", message: "This request exceeds your quota." } };
    return { detail: { status: "internal_error", message: "Internal server error." } };
  }

  protected handle(method: string, path: string, headers: RecordedRequest["headers"], body: unknown, query: URLSearchParams): Reply {
    const key = headers["xi-api-key"];
    if (typeof key !== "string" || !this.apiKeys.includes(key)) {
      return json(401, { detail: { status: "invalid_api_key", message: "Invalid API key" } });
    }
    if (method === "POST" && path === "/v1/speech-to-text") return this.transcribe(headers, body);
    const match = /^\/v1\/text-to-speech\/([^/]+)(\/stream)?$/.exec(path);
    if (method !== "POST" || !match?.[1]) return json(404, { detail: "Not Found" });
    const voiceId = decodeURIComponent(match[1]);
    if (this.voices && !this.voices.includes(voiceId)) {
      return json(404, { detail: { status: "voice_not_found", message: `A voice with the voice_id ${voiceId} was not found.` } });
    }
    const text = (body as { text?: unknown } | null)?.text;
    if (typeof text !== "string" || !text.trim()) {
      return json(422, { detail: [{ type: "missing", loc: ["body", "text"], msg: "Field required", input: body }] });
    }
    const format = query.get("output_format") ?? "mp3_44100_128";
    const characters = [...text].length;
    const seconds = Math.min(MAX_SECONDS, Math.max(0.5, characters / CHARACTERS_PER_SECOND));
    let audio: { type: string; bytes: Uint8Array };
    try {
      audio = audioFor(format, seconds);
    } catch (error) {
      return json(422, { detail: [{ type: "enum", loc: ["query", "output_format"], msg: (error as Error).message, input: format }] });
    }
    this.counter++;
    return {
      status: 200,
      headers: {
        "content-type": audio.type,
        "character-cost": String(characters),
        "request-id": `sim-${this.counter.toString().padStart(6, "0")}`,
      },
      body: audio.bytes,
    };
  }

  /** The speech-to-text requests received, oldest first. */
  get transcriptions(): RecordedRequest[] {
    return this.requests.filter((r) => r.path === "/v1/speech-to-text");
  }

  private transcribe(headers: RecordedRequest["headers"], body: unknown): Reply {
    const boundary = boundaryOf(String(headers["content-type"] ?? ""));
    const parts = boundary && Buffer.isBuffer(body) ? parseMultipart(body, boundary) : [];
    const missing = (field: string) => json(422, { detail: [{ type: "missing", loc: ["body", field], msg: "Field required", input: null }] });
    const modelId = parts.find((p) => p.name === "model_id")?.data.toString("utf8");
    if (!modelId) return missing("model_id");
    const file = parts.find((p) => p.name === "file");
    if (!file || file.data.length === 0) return missing("file");
    const text = spokenText(file.data);
    // Voice bitrate (~16 kbit/s), as the simulated notes are sized.
    const seconds = Math.max(1, Math.round(file.data.length / 2000));
    const tokens = text.split(/(\s+)/).filter(Boolean);
    const step = tokens.length ? seconds / tokens.length : 0;
    const words = tokens.map((t, i) => ({
      text: t,
      start: Math.round(i * step * 100) / 100,
      end: Math.round((i + 1) * step * 100) / 100,
      type: /^\s+$/.test(t) ? "spacing" : "word",
      speaker_id: "speaker_0",
      logprob: 0,
    }));
    this.counter++;
    return json(200, {
      language_code: "rus",
      language_probability: text ? 0.98 : 0,
      text,
      words,
      transcription_id: `sim-stt-${this.counter.toString().padStart(6, "0")}`,
      audio_duration_secs: seconds,
    });
  }
}
