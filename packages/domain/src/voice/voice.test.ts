import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { isOggOpus, oggOpusSeconds } from "@threadline/ai";
import { ElevenLabsSimulator } from "@threadline/simulators/ai";
import { TelegramBotApiSimulator, VkApiSimulator } from "@threadline/simulators/channels";
import { attachments, channels, messages, projects, usageRecords, withTenant } from "@threadline/db";
import { claimUpload, recordUpload } from "../conversations/uploads.ts";
import { encryptSecret } from "../crypto.ts";
import { uploadPrefix } from "../conversations/uploads.ts";
import { ChannelDirectory, SharedRateLimits, sendOutbound } from "@threadline/pipeline/pipeline/index.ts";
import { clientMessage, createTestEnv, type TestEnv } from "@threadline/testing";
import { webmOpusToOgg } from "./webm.ts";

// A 1.2 s recording from Chromium's MediaRecorder (fake microphone), as the inbox uploads it.
const recording = readFileSync(new URL("./testdata/chromium-recording.webm", import.meta.url));

const sim = new ElevenLabsSimulator({ voices: ["voice-irina"] });
let env: TestEnv;
let T: Awaited<ReturnType<TestEnv["createTenant"]>>;

beforeAll(async () => {
  await sim.start();
  env = await createTestEnv();
  env.useEndpoints({ elevenlabsBaseUrl: sim.baseUrl });
  T = await env.createTenant("Voice");
});
afterAll(async () => {
  await env?.close();
  await sim.stop();
});

const speak = (text: string, who = T.manager.token, conversationId = T.conversationId) =>
  env.caller(who).voice.speak({ projectId: T.project.id, conversationId, text });
/** A file stored as /uploads stores it: the bytes, and the row that says it waits for a reply. */
async function uploaded(projectId: string, name: string, bytes: Uint8Array) {
  const key = `${uploadPrefix(projectId)}${name}`;
  await env.deps.storage.put(key, bytes);
  await withTenant(env.db, projectId, (tx) => recordUpload(tx, projectId, key));
  return key;
}
const failure = (p: Promise<unknown>) => p.then(() => null, (e: { code?: string; message?: string }) => ({ code: e.code, message: e.message }));
const usageRows = () => env.owner.select().from(usageRecords).where(eq(usageRecords.projectId, T.project.id));
const connectVoice = (patch: Record<string, string | null>) => env.caller(T.owner.token).voice.updateSettings({ projectId: T.project.id, ...patch });

describe("WebM recordings become Ogg/Opus voice messages", () => {
  it("rewraps Chromium's WebM/Opus packets into an Ogg stream of the same length", () => {
    const ogg = webmOpusToOgg(recording);
    expect(isOggOpus(ogg)).toBe(true);
    expect(oggOpusSeconds(ogg)).toBeGreaterThan(0.9);
    expect(oggOpusSeconds(ogg)).toBeLessThan(1.5);
    // Opus packets are copied, not re-encoded: the Ogg file is the WebM's audio plus page headers.
    expect(ogg.length).toBeLessThan(recording.length * 1.2);
  });

  it("refuses what is not a WebM recording", () => {
    expect(() => webmOpusToOgg(Buffer.from("not audio at all"))).toThrow(/WebM/);
    expect(() => webmOpusToOgg(recording.subarray(0, 40))).toThrow();
  });
});

describe("voice replies", () => {
  it("without a key and voice the project cannot voice, with a clear reason and no cost", async () => {
    const error = await failure(speak("Добрый день!"));
    expect(error).toEqual({ code: "BAD_REQUEST", message: expect.stringContaining("Озвучка не настроена") });
    expect(await usageRows()).toEqual([]);
  });

  it("the owner saves the ElevenLabs key and voice; the key is stored encrypted and never shown; a manager may not see them", async () => {
    const view = await connectVoice({ apiKey: sim.apiKey, voiceId: "voice-irina" });
    expect(view).toEqual({ hasKey: true, keyStale: false, voiceId: "voice-irina", modelId: "eleven_multilingual_v2" });
    const [row] = await env.owner.select().from(projects).where(eq(projects.id, T.project.id));
    expect(row!.elevenlabsKeyEnc).toMatch(/^v2\./);
    expect(row!.elevenlabsKeyEnc).not.toContain(sim.apiKey);
    expect((await failure(env.caller(T.manager.token).voice.settings({ projectId: T.project.id })))?.code).toBe("FORBIDDEN");
    // ElevenLabs' address is the operator's (ELEVENLABS_BASE_URL): an input naming one is refused.
    expect(await failure(connectVoice({ baseUrl: "http://127.0.0.1:9" }))).toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("baseUrl") });
  });

  it("a manager voices a text, hears it, and sends it as a voice message with the text as its caption; the cost is recorded", async () => {
    const text = "Анна, добрый день! Ваш заказ собран, курьер приедет завтра с 10 до 14.";
    const voiced = await speak(text);
    expect(voiced).toMatchObject({ fileName: "voice.ogg", mime: "audio/ogg", characters: [...text].length });
    expect(voiced.storageKey.startsWith(uploadPrefix(T.project.id))).toBe(true);
    expect(voiced.durationSec).toBeCloseTo([...text].length / 14, 0);
    const audio = Buffer.from(voiced.audioBase64, "base64");
    // Ogg/Opus, not the API's default MP3: the service asked for an opus format.
    expect(isOggOpus(audio)).toBe(true);

    const [usage] = await usageRows();
    expect(usage).toMatchObject({ provider: "elevenlabs", feature: "reply_voice", model: "eleven_multilingual_v2", inputUnits: [...text].length, conversationId: T.conversationId });
    expect(Number(usage!.costUsd)).toBeCloseTo(([...text].length * 0.1) / 1000, 6);

    const { messageId } = await env.caller(T.manager.token).conversations.reply({ projectId: T.project.id, conversationId: T.conversationId, text, file: voiced });
    const [message] = await env.owner.select().from(messages).where(eq(messages.id, messageId));
    expect(message).toMatchObject({ kind: "voice", text, delivery: "pending" });
    const [file] = await env.owner.select().from(attachments).where(eq(attachments.messageId, messageId));
    expect(file).toMatchObject({ kind: "voice", mime: "audio/ogg", size: audio.length, storageKey: voiced.storageKey });
    // Its length is stored from the generated audio and shown in the thread, never «0:00».
    expect(file!.durationSec).toBe(Math.round(oggOpusSeconds(audio)));
    expect(file!.durationSec).toBeGreaterThan(0);
    const thread = await env.caller(T.manager.token).conversations.messages({ projectId: T.project.id, conversationId: T.conversationId });
    expect(thread.items.find((m) => m.id === messageId)!.attachments[0]).toMatchObject({ kind: "voice", durationSec: file!.durationSec });
  });

  it("no transaction stays open while ElevenLabs is answering", async () => {
    const openTransactions = async () => {
      const [row] = await env.owner.execute<{ n: number }>(
        sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and usename = 'threadline_app' and state like 'idle in transaction%'`,
      );
      return row!.n;
    };
    sim.responseDelayMs = 600;
    try {
      const voicing = speak("Сейчас проверю и вернусь с ответом");
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(sim.requests.at(-1)?.path).toMatch(/^\/v1\/text-to-speech\//);
      expect(await openTransactions()).toBe(0);
      expect((await voicing).mime).toBe("audio/ogg");
    } finally {
      sim.responseDelayMs = 0;
    }
  });

  it("a text too long, or empty, is refused before ElevenLabs is asked", async () => {
    const before = sim.requests.length;
    expect(await failure(speak("а".repeat(1001)))).toEqual({ code: "BAD_REQUEST", message: expect.stringContaining("не длиннее 1000 символов") });
    expect((await failure(speak("   ")))?.code).toBe("BAD_REQUEST");
    expect(sim.requests.length).toBe(before);
  });

  it("ElevenLabs refusing (rate limit, exhausted quota, a revoked key) is told plainly and costs nothing", async () => {
    const before = (await usageRows()).length;
    sim.failNext({ status: 429, times: 2 });
    expect(await failure(speak("Здравствуйте"))).toEqual({ code: "TOO_MANY_REQUESTS", message: expect.stringContaining("перегружен") });
    sim.failNext({ status: 401 });
    expect(await failure(speak("Здравствуйте"))).toEqual({ code: "BAD_REQUEST", message: expect.stringContaining("закончились символы") });
    await connectVoice({ apiKey: "revoked-key" });
    expect(await failure(speak("Здравствуйте"))).toEqual({ code: "BAD_REQUEST", message: expect.stringContaining("не принял ключ") });
    expect((await usageRows()).length).toBe(before);
    await connectVoice({ apiKey: sim.apiKey });
  });

  it("only a member who may reply voices, and only in a conversation of their project", async () => {
    expect((await failure(speak("Привет", T.finance.token)))?.code).toMatch(/FORBIDDEN|NOT_FOUND/);
    const other = await env.createTenant("Voice other");
    expect((await failure(speak("Привет", T.manager.token, other.conversationId)))?.code).toBe("NOT_FOUND");
  });

  it("a recording uploaded as WebM is made a voice message in Ogg/Opus, which the reply sends as voice", async () => {
    const key = await uploaded(T.project.id, "recording-test", recording);
    const voice = await env.caller(T.manager.token).voice.fromRecording({ projectId: T.project.id, storageKey: key });
    expect(voice).toMatchObject({ fileName: "voice.ogg", mime: "audio/ogg" });
    expect(voice.storageKey).not.toBe(key);
    expect(voice.durationSec).toBeGreaterThan(0.9);
    const { messageId } = await env.caller(T.manager.token).conversations.reply({ projectId: T.project.id, conversationId: T.conversationId, text: "", file: voice });
    const [message] = await env.owner.select().from(messages).where(eq(messages.id, messageId));
    expect(message).toMatchObject({ kind: "voice", text: "" });
    // The recording's length, from the Ogg/Opus the reply sends: what the bubble shows.
    const [file] = await env.owner.select().from(attachments).where(eq(attachments.messageId, messageId));
    expect(file!.durationSec).toBe(Math.max(1, Math.round(voice.durationSec)));

    const pdf = await uploaded(T.project.id, "not-audio", Buffer.from("%PDF-1.4"));
    expect((await failure(env.caller(T.manager.token).voice.fromRecording({ projectId: T.project.id, storageKey: pdf })))?.message).toContain("не принимают как голосовое");
    expect((await failure(env.caller(T.manager.token).voice.fromRecording({ projectId: T.project.id, storageKey: "someone-else/uploads/x" })))?.message).toContain("не найдена");
  });

  it("a recording is taken only through this project's waiting uploads: no climbing out of the prefix, no other project's upload, no file without its row", async () => {
    const other = await env.createTenant("Voice foreign");
    const foreign = await uploaded(other.project.id, "foreign-recording", recording);
    // Stored under this project's prefix by path, but the file is the other project's.
    const climbing = `${uploadPrefix(T.project.id)}../../${foreign}`;
    await env.deps.storage.put(`${uploadPrefix(T.project.id)}unrecorded`, recording);
    for (const storageKey of [climbing, foreign, `${uploadPrefix(T.project.id)}unrecorded`]) {
      expect(await failure(env.caller(T.manager.token).voice.fromRecording({ projectId: T.project.id, storageKey }))).toMatchObject({ code: "NOT_FOUND" });
    }
    // The other project's upload still waits for its own reply.
    expect(await withTenant(env.db, other.project.id, (tx) => claimUpload(tx, foreign))).toBe(true);
  });

  it("on Telegram the voice goes with its length, and the length Telegram answers with is kept", async () => {
    const tg = new TelegramBotApiSimulator();
    await tg.start();
    env.useEndpoints({ telegramApiRoot: tg.apiRoot });
    try {
      const bot = tg.addBot({ username: "voice_length_bot" });
      const [row] = await withTenant(env.db, T.project.id, (tx) =>
        tx.insert(channels).values({ projectId: T.project.id, kind: "telegram", name: "TG", externalId: String(bot.botId), tokenEnc: encryptSecret(bot.token, env.deps.secretKey), webhookSecret: "tg-secret" }).returning(),
      );
      tg.simulateClientMessage({ botToken: bot.token, from: { id: 7401, first_name: "Лев" }, text: "Здравствуйте" });
      const { conversationId } = await env.ingest({ id: row!.id, projectId: T.project.id, kind: "telegram" }, { ...clientMessage({ chatId: "7401", text: "Здравствуйте" }), channel: "telegram" });
      const outbound = { db: env.db, channels: new ChannelDirectory(env.db, env.deps.secretKey, { endpoints: env.deps.endpoints }), storage: env.deps.storage, publish: env.deps.publish, limits: new SharedRateLimits(env.redis, env.queues.prefix), enqueueMessageChange: env.queues.enqueueMessageChange };
      const send = async (text: string) => {
        const voiced = await speak(text, T.manager.token, conversationId);
        const { messageId } = await env.caller(T.manager.token).conversations.reply({ projectId: T.project.id, conversationId, text: "", file: voiced });
        return messageId;
      };
      const fileOf = async (messageId: number) => (await env.owner.select().from(attachments).where(eq(attachments.messageId, messageId)))[0]!;

      // The stored length goes along as sendVoice's duration, and stays.
      const first = await send("Добрый день! Букет будет готов к пяти.");
      const stored = (await fileOf(first)).durationSec;
      expect(await sendOutbound(outbound, { projectId: T.project.id, messageId: first }, { finalAttempt: true })).toBe("sent");
      expect((await fileOf(first)).durationSec).toBe(stored);

      // A voice without a known length (stored before lengths were kept) takes Telegram's voice.duration.
      const second = await send("Доставка по городу бесплатная от двух тысяч рублей.");
      await env.owner.update(attachments).set({ durationSec: null }).where(eq(attachments.messageId, second));
      expect(await sendOutbound(outbound, { projectId: T.project.id, messageId: second }, { finalAttempt: true })).toBe("sent");
      const sent = tg.sentMessages(7401, { botToken: bot.token }).at(-1)!;
      expect(sent.kind).toBe("voice");
      // The simulator, like Telegram, estimates a length it was not given: ~16 kbit/s Opus.
      expect((await fileOf(second)).durationSec).toBe(Math.max(1, Math.round(sent.file!.data.length / 2000)));
    } finally {
      await tg.stop();
    }
  });

  it("a voiced reply reaches a VK client as an audio message (docs.getMessagesUploadServer type=audio_message)", async () => {
    const vk = new VkApiSimulator();
    await vk.start();
    env.useEndpoints({ vkApiBaseUrl: vk.apiBaseUrl });
    try {
      const community = vk.addCommunity({ name: "Кофейня" });
      const [row] = await withTenant(env.db, T.project.id, (tx) =>
        tx
          .insert(channels)
          .values({ projectId: T.project.id, kind: "vk", name: "VK", externalId: String(community.groupId), tokenEnc: encryptSecret(community.token, env.deps.secretKey), webhookSecret: "vk-secret" })
          .returning(),
      );
      vk.simulateClientMessage({ groupId: community.groupId, userId: 7301, text: "Здравствуйте" });
      const { conversationId } = await env.ingest({ id: row!.id, projectId: T.project.id, kind: "vk" }, { ...clientMessage({ chatId: "7301", text: "Здравствуйте" }), channel: "vk" });
      const text = "Добрый день! Столик на вечер свободен.";
      const voiced = await speak(text, T.manager.token, conversationId);
      const { messageId } = await env.caller(T.manager.token).conversations.reply({ projectId: T.project.id, conversationId, text: "", file: voiced });
      // The list shows what was sent, not the file's name.
      const listed = await env.caller(T.manager.token).conversations.list({ projectId: T.project.id, channelId: row!.id, limit: 5 });
      expect(listed.items.find((c) => c.id === conversationId)?.preview).toBe("🎤 Голосовое сообщение");
      const outbound = { db: env.db, channels: new ChannelDirectory(env.db, env.deps.secretKey, { endpoints: env.deps.endpoints }), storage: env.deps.storage, publish: env.deps.publish, limits: new SharedRateLimits(env.redis, env.queues.prefix), enqueueMessageChange: env.queues.enqueueMessageChange };
      expect(await sendOutbound(outbound, { projectId: T.project.id, messageId }, { finalAttempt: true })).toBe("sent");
      const [sent] = vk.sentMessages(7301, community.groupId);
      expect(sent!.text).toBe("");
      expect(sent!.attachments).toEqual([{ type: "audio_message", fileName: "voice.ogg", data: expect.any(Buffer) }]);
      expect(isOggOpus(sent!.attachments[0]!.data!)).toBe(true);
    } finally {
      await vk.stop();
    }
  });
});

describe("a stored ElevenLabs key and the operator's address", () => {
  it("is not sent once ELEVENLABS_BASE_URL changes: the settings ask for it again", async () => {
    await connectVoice({ apiKey: sim.apiKey, voiceId: "voice-irina" });
    const moved = new ElevenLabsSimulator({ voices: ["voice-irina"], apiKeys: [sim.apiKey] });
    await moved.start();
    try {
      env.useEndpoints({ elevenlabsBaseUrl: moved.baseUrl });
      expect(await env.caller(T.owner.token).voice.settings({ projectId: T.project.id })).toMatchObject({ hasKey: false, keyStale: true });
      expect(await failure(speak("Добрый день!"))).toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("Озвучка не настроена") });
      await connectVoice({ apiKey: sim.apiKey });
      expect(await env.caller(T.owner.token).voice.settings({ projectId: T.project.id })).toMatchObject({ hasKey: true, keyStale: false });
      expect((await speak("Добрый день!")).fileName).toBe("voice.ogg");
    } finally {
      env.useEndpoints({ elevenlabsBaseUrl: sim.baseUrl });
      await moved.stop();
    }
  });
});
