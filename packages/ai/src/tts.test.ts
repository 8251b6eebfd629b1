import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ElevenLabsSimulator } from "@threadline/simulators/ai";
import { isOggOpus, oggOpusSeconds } from "./ogg-opus.ts";
import { speechCostUsd, SpeechError, synthesizeSpeech, type SpeechConfig } from "./tts.ts";

const sim = new ElevenLabsSimulator({ voices: ["voice-anna"] });
let config: SpeechConfig;

beforeAll(async () => {
  await sim.start();
  config = { apiKey: sim.apiKey, voiceId: "voice-anna", baseUrl: sim.baseUrl, maxRetries: 0 };
});
afterAll(() => sim.stop());

/** Walks MPEG audio frame headers from start to end; returns the frame count or throws. */
function mp3Frames(bytes: Uint8Array): number {
  const bitrates = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
  let at = 0;
  let frames = 0;
  while (at < bytes.length) {
    if (bytes[at] !== 0xff || ((bytes[at + 1] ?? 0) & 0xe0) !== 0xe0) throw new Error(`no frame sync at ${at}`);
    const b2 = bytes[at + 2] ?? 0;
    const kbps = bitrates[b2 >> 4] ?? 0;
    const rate = [44100, 48000, 32000][(b2 >> 2) & 3] ?? 0;
    if (!kbps || !rate) throw new Error(`bad header at ${at}`);
    at += Math.floor((144 * kbps * 1000) / rate) + ((b2 >> 1) & 1);
    frames++;
  }
  if (at !== bytes.length) throw new Error("trailing bytes");
  return frames;
}

describe("synthesizeSpeech through the ElevenLabs SDK", () => {
  it("returns MP3 audio and a usage record", async () => {
    const text = "Здравствуйте! Мы работаем ежедневно с 8:00 до 22:00.";
    const result = await synthesizeSpeech(config, text, "agent_voice");
    expect(result.contentType).toBe("audio/mpeg");
    // About 14 characters a second, 1,152 samples per frame at 44.1 kHz.
    const frames = mp3Frames(result.audio);
    expect(frames).toBe(Math.ceil(((text.length / 14) * 44100) / 1152));
    expect(result.usage).toEqual({
      provider: "elevenlabs",
      feature: "agent_voice",
      model: "eleven_multilingual_v2",
      characters: text.length,
      costUsd: speechCostUsd("eleven_multilingual_v2", text.length),
    });
    expect(result.usage.costUsd).toBeGreaterThan(0);

    const request = sim.requests.at(-1);
    expect(request?.path).toBe("/v1/text-to-speech/voice-anna");
    expect(request?.headers["xi-api-key"]).toBe(sim.apiKey);
    expect(request?.body).toMatchObject({ text, model_id: "eleven_multilingual_v2" });
  });

  it("asks for the configured format and model", async () => {
    const result = await synthesizeSpeech({ ...config, outputFormat: "wav_16000", modelId: "eleven_flash_v2_5" }, "Добрый день");
    expect(result.contentType).toBe("audio/wav");
    expect(new TextDecoder().decode(result.audio.slice(0, 4))).toBe("RIFF");
    expect(result.usage.costUsd).toBeCloseTo((11 * 0.05) / 1000, 10);
  });

  it("answers Ogg/Opus for the opus formats, the format messengers play as voice", async () => {
    const text = "Заказ готов, ждём вас сегодня до восьми вечера";
    const result = await synthesizeSpeech({ ...config, outputFormat: "opus_48000_32" }, text);
    expect(result.contentType).toBe("audio/ogg");
    expect(isOggOpus(result.audio)).toBe(true);
    expect(oggOpusSeconds(result.audio)).toBeCloseTo([...text].length / 14, 1);
  });

  it("types errors the caller can act on", async () => {
    await expect(synthesizeSpeech({ ...config, apiKey: "wrong" }, "Привет")).rejects.toMatchObject({ name: "SpeechError", kind: "auth", status: 401 });
    await expect(synthesizeSpeech({ ...config, voiceId: "nobody" }, "Привет")).rejects.toMatchObject({ kind: "request", status: 404 });
    sim.failNext({ status: 401 });
    await expect(synthesizeSpeech(config, "Привет")).rejects.toMatchObject({ kind: "quota" });
    sim.failNext({ status: 500 });
    await expect(synthesizeSpeech(config, "Привет")).rejects.toMatchObject({ kind: "server" });
    await expect(synthesizeSpeech(config, "   ")).rejects.toBeInstanceOf(SpeechError);
    await expect(synthesizeSpeech({ ...config, baseUrl: "http://127.0.0.1:9", timeoutMs: 2000 }, "Привет")).rejects.toMatchObject({ kind: "network" });
  });

  it("retries a 429 as the SDK does", async () => {
    sim.failNext({ status: 429, retryAfterMs: 1000 });
    const before = sim.requests.length;
    const result = await synthesizeSpeech({ ...config, maxRetries: 1 }, "Привет");
    expect(result.audio.length).toBeGreaterThan(0);
    expect(sim.requests.length - before).toBe(2);
  });
});

describe("the ElevenLabs simulator", () => {
  it("answers 422 for a request without text", async () => {
    const response = await fetch(`${sim.baseUrl}/v1/text-to-speech/voice-anna`, {
      method: "POST",
      headers: { "xi-api-key": sim.apiKey, "content-type": "application/json" },
      body: JSON.stringify({ model_id: "eleven_multilingual_v2" }),
    });
    expect(response.status).toBe(422);
  });
});
