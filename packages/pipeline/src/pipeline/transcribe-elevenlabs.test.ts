import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { ChannelAdapter, InboundAttachment } from "@threadline/channels";
import { attachments, usageRecords, withTenant } from "@threadline/db";
import { ElevenLabsSimulator, OpenAiSimulator, simulatedVoice } from "@threadline/simulators/ai";
import { clientMessage, createTestEnv, projectToday, type TestEnv } from "@threadline/testing";
import { ChannelDirectory, type ChannelConfig } from "./channels.ts";
import { readIncomingFiles, type TranscribeDeps } from "./transcribe.ts";

// Voice notes transcribed by ElevenLabs (Scribe) when the project chooses it in the agent's
// settings, with the project's own ElevenLabs key: the transcript shown in the thread and its
// cost in spend; a refused key leaves the voice and a clear reason on the message; a project
// without a key of its own never borrows another's.
let env: TestEnv;
type Tenant = Awaited<ReturnType<TestEnv["createTenant"]>>;
const KEY_A = "el-key-project-a";
const KEY_B = "el-key-project-b";
const elevenlabs = new ElevenLabsSimulator({ apiKeys: [KEY_A, KEY_B] });
const openai = new OpenAiSimulator();
const SPOKEN = "добрый день хочу заказать торт на субботу";
const voiceBytes = simulatedVoice(SPOKEN);

/** The platform: the voice note the client sent. */
class Platform extends ChannelDirectory {
  constructor() {
    super(env.db, env.deps.secretKey);
  }
  override async adapter(channelId: string) {
    const download = async () => ({ data: new Uint8Array(voiceBytes), size: voiceBytes.length, mime: "audio/ogg" });
    return { config: { id: channelId } as ChannelConfig, adapter: { downloadAttachment: download } as unknown as ChannelAdapter };
  }
}

let deps: TranscribeDeps;
beforeAll(async () => {
  env = await createTestEnv();
  await elevenlabs.start();
  await openai.start();
  env.useEndpoints({ elevenlabsBaseUrl: elevenlabs.baseUrl, openaiBaseUrl: openai.baseURL });
  deps = { db: env.db, channels: new Platform(), storage: env.deps.storage, publish: env.deps.publish, secretKey: env.deps.secretKey, endpoints: env.deps.endpoints };
});
afterAll(async () => {
  await elevenlabs.stop();
  await openai.stop();
  await env?.close();
});

/** A project whose voice notes go to ElevenLabs, with its own key (or none), chosen as the owner does. */
async function elevenLabsProject(name: string, apiKey: string | null): Promise<Tenant> {
  const T = await env.createTenant(name);
  const owner = env.caller(T.owner.token);
  // The project also has a model key: ElevenLabs is chosen, so OpenAI's speech-to-text is not asked.
  await owner.agent.update({ projectId: T.project.id, llm: { model: "gpt-4o-mini", apiKey: openai.apiKey }, transcription: "elevenlabs" });
  if (apiKey) await owner.voice.updateSettings({ projectId: T.project.id, apiKey });
  return T;
}

let chat = 7000;
async function voiceNote(T: Tenant) {
  const voice: InboundAttachment = { kind: "voice", fileId: `v${chat}`, mime: "audio/ogg" };
  const { conversationId, messageId } = await env.ingest(T.channel, clientMessage({ chatId: String(chat++), text: "", attachments: [voice] }));
  return { conversationId, messageId, job: { projectId: T.project.id, conversationId, messageId } };
}

async function shown(T: Tenant, conversationId: string, messageId: number) {
  const { items } = await env.caller(T.manager.token).conversations.messages({ projectId: T.project.id, conversationId });
  return items.find((m) => m.id === messageId)!;
}

describe("speech-to-text by ElevenLabs", () => {
  it("the choice is the owner's: shown back by the agent's settings", async () => {
    const T = await elevenLabsProject("ВыборSTT", null);
    expect((await env.caller(T.owner.token).agent.get({ projectId: T.project.id })).transcription).toBe("elevenlabs");
    const back = await env.caller(T.owner.token).agent.update({ projectId: T.project.id, transcription: "openai" });
    expect(back.transcription).toBe("openai");
    expect((await env.caller(T.owner.token).agent.update({ projectId: T.project.id, transcription: "off" })).transcription).toBe("off");
    await expect(env.caller(T.manager.token).agent.update({ projectId: T.project.id, transcription: "elevenlabs" })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("a voice note is transcribed with the project's key: shown in the thread, its cost in spend under ElevenLabs", async () => {
    const A = await elevenLabsProject("ГолосА", KEY_A);
    const before = elevenlabs.transcriptions.length;
    const { conversationId, messageId, job } = await voiceNote(A);
    expect(await readIncomingFiles(deps, job)).toBe(1);
    const calls = elevenlabs.transcriptions.slice(before);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.headers["xi-api-key"]).toBe(KEY_A);
    expect(String(calls[0]!.headers["content-type"])).toMatch(/^multipart\/form-data; boundary=/);
    expect(openai.transcriptions).toHaveLength(0);
    const m = await shown(A, conversationId, messageId);
    expect(m).toMatchObject({ kind: "voice", transcript: SPOKEN, transcriptError: null });
    const [usage] = await env.owner.select().from(usageRecords).where(eq(usageRecords.conversationId, conversationId));
    expect(usage).toMatchObject({ provider: "elevenlabs", feature: "transcription", model: "scribe_v1" });
    expect(usage!.inputUnits).toBeGreaterThan(0);
    expect(Number(usage!.costUsd)).toBeGreaterThan(0);
    const today = projectToday();
    const report = await env.caller(A.owner.token).analytics.spend({ projectId: A.project.id, from: today, to: today });
    expect(report.lines.map((l) => l.feature)).toContain("transcription");
  });

  it("a key ElevenLabs refuses: no transcript, the voice kept, the reason on the message, nothing charged", async () => {
    const T = await elevenLabsProject("ГолосПлохойКлюч", "el-wrong-key");
    const before = elevenlabs.transcriptions.length;
    const { conversationId, messageId, job } = await voiceNote(T);
    expect(await readIncomingFiles(deps, job)).toBe(0);
    expect(elevenlabs.transcriptions.slice(before).map((r) => r.headers["xi-api-key"])).toEqual(["el-wrong-key"]);
    const m = await shown(T, conversationId, messageId);
    expect(m.transcript).toBeNull();
    expect(m.transcriptError).toBe('transcription.keyRejected {"provider":"ElevenLabs"}');
    expect(m.attachments).toHaveLength(1);
    const [file] = await withTenant(env.db, T.project.id, (tx) => tx.select().from(attachments).where(eq(attachments.messageId, messageId)));
    expect(file).toMatchObject({ state: "ready", kind: "voice" });
    expect(await env.deps.storage.open(file!.storageKey!)).not.toBeNull();
    expect(await env.owner.select().from(usageRecords).where(eq(usageRecords.conversationId, conversationId))).toEqual([]);
  });

  it("a project without an ElevenLabs key of its own never uses another project's: nothing is sent, the reason is shown", async () => {
    await elevenLabsProject("ГолосСКлючом", KEY_B);
    const C = await elevenLabsProject("ГолосБезКлюча", null);
    const before = elevenlabs.requests.length;
    const { conversationId, messageId, job } = await voiceNote(C);
    expect(await readIncomingFiles(deps, job)).toBe(0);
    expect(elevenlabs.requests.length).toBe(before);
    const m = await shown(C, conversationId, messageId);
    expect(m).toMatchObject({ transcript: null, transcriptError: "transcription.notConfigured" });
    // Another project's message is not found by this one's manager, transcript or not.
    const A = await elevenLabsProject("ГолосЧужой", KEY_A);
    await expect(env.caller(A.manager.token).conversations.messages({ projectId: A.project.id, conversationId })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("the ElevenLabs simulator's speech-to-text", () => {
  const post = (headers: Record<string, string>, body?: FormData) => fetch(`${elevenlabs.baseUrl}/v1/speech-to-text`, { method: "POST", headers, body });
  it("answers Scribe's shape, 401 for an unknown key and 422 without a file", async () => {
    const form = new FormData();
    form.append("model_id", "scribe_v1");
    form.append("file", new Blob([voiceBytes], { type: "audio/ogg" }), "voice.ogg");
    const ok = await post({ "xi-api-key": KEY_A }, form);
    expect(ok.status).toBe(200);
    const json = (await ok.json()) as { language_code: string; text: string; words: { text: string; type: string }[] };
    expect(json).toMatchObject({ language_code: "rus", text: SPOKEN });
    expect(json.words.filter((w) => w.type === "word").map((w) => w.text).join(" ")).toBe(SPOKEN);
    expect((await post({ "xi-api-key": "nope" }, form)).status).toBe(401);
    const noFile = new FormData();
    noFile.append("model_id", "scribe_v1");
    const missing = await post({ "xi-api-key": KEY_A }, noFile);
    expect(missing.status).toBe(422);
    expect(await missing.json()).toMatchObject({ detail: [{ loc: ["body", "file"], msg: "Field required" }] });
  });
});
