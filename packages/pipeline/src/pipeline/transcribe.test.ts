import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import type { ChannelAdapter, InboundAttachment } from "@threadline/channels";
import { agentSettings, attachments, messages, projects, usageRecords, withTenant } from "@threadline/db";
import { encryptSecret } from "@threadline/domain/crypto.ts";
import { pdfWith } from "@threadline/domain/knowledge/fixtures.ts";
import { loadThread, processLeadMessage } from "@threadline/domain/leads/agent.ts";
import { OpenAiSimulator, simulatedVoice } from "@threadline/simulators/ai";
import { clientMessage, createTenantEnv, type TestEnv } from "@threadline/testing";
import { ChannelDirectory, type ChannelConfig } from "./channels.ts";
import { readIncomingFiles, type TranscribeDeps } from "./transcribe.ts";

let env: TestEnv;
let T: Awaited<ReturnType<TestEnv["createTenant"]>>;
const openai = new OpenAiSimulator();
const SPOKEN = "здравствуйте подскажите до скольки вы сегодня работаете";
const files: Record<string, Buffer> = { voice1: simulatedVoice(SPOKEN), pdf1: pdfWith(["Invoice 2024-117", "Requisites: INN 7701234567"]) };

/** The platform: the voice note and the PDF the client sent. */
class Platform extends ChannelDirectory {
  constructor() {
    super(env.db, env.deps.secretKey);
  }
  override async adapter(channelId: string) {
    const download = async (a: InboundAttachment) => {
      const data = files[a.fileId ?? ""]!;
      return { data: new Uint8Array(data), size: data.length, mime: a.kind === "voice" ? "audio/ogg" : "application/pdf" };
    };
    return { config: { id: channelId } as ChannelConfig, adapter: { downloadAttachment: download } as unknown as ChannelAdapter };
  }
}

let deps: TranscribeDeps;
beforeAll(async () => {
  ({ env, T } = await createTenantEnv("Кофейня"));
  await openai.start();
  await env.owner
    .update(projects)
    .set({ openaiKeyEnc: encryptSecret(openai.apiKey, env.deps.secretKey), openaiKeyBaseUrl: openai.baseURL })
    .where(eq(projects.id, T.project.id));
  await withTenant(env.db, T.project.id, (tx) =>
    tx.insert(agentSettings).values({ projectId: T.project.id, enabled: true, transcriptionModel: "whisper-1", script: { facts: { hours: "ежедневно с 8:00 до 22:00" } } }),
  );
  deps = { db: env.db, channels: new Platform(), storage: env.deps.storage, publish: env.deps.publish, secretKey: env.deps.secretKey, endpoints: { openaiBaseUrl: openai.baseURL, elevenlabsBaseUrl: "http://127.0.0.1:9" } };
});
afterAll(async () => {
  await openai.stop();
  await env?.close();
});

const inT = <R>(fn: Parameters<typeof withTenant<R>>[2]) => withTenant(env.db, T.project.id, fn);
const searchFinds = (conversationId: string, words: string) =>
  inT((tx) =>
    tx
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.conversationId, conversationId), sql`${messages.textSearch} @@ plainto_tsquery('russian', ${words})`)),
  );

describe("what the client sends is read", () => {
  it("a voice note is transcribed before the agent's turn: stored, searchable, its cost recorded, and answered", async () => {
    const voice: InboundAttachment = { kind: "voice", fileId: "voice1", mime: "audio/ogg" };
    const { conversationId, messageId } = await env.ingest(T.channel, clientMessage({ chatId: "3001", text: "", attachments: [voice] }));
    expect(await readIncomingFiles(deps, { projectId: T.project.id, conversationId, messageId })).toBe(1);
    const [row] = await inT((tx) => tx.select({ transcript: messages.transcript }).from(messages).where(eq(messages.id, messageId)));
    expect(row!.transcript).toBe(SPOKEN);
    expect(await searchFinds(conversationId, "работают")).toEqual([{ id: messageId }]);
    const [usage] = await inT((tx) => tx.select().from(usageRecords).where(eq(usageRecords.conversationId, conversationId)));
    expect(usage).toMatchObject({ feature: "transcription", model: "whisper-1" });
    expect(Number(usage!.costUsd)).toBeGreaterThan(0);
    const turn = await processLeadMessage(env.leadDeps, { projectId: T.project.id, conversationId, messageId });
    expect(turn.replies.map((r) => r.text).join(" ")).toContain("22:00");
    // Read once: the next turn does not send it again.
    expect(await readIncomingFiles(deps, { projectId: T.project.id, conversationId, messageId })).toBe(0);
    expect(openai.transcriptions).toHaveLength(1);
  });

  it("a PDF's text is extracted: stored on the message, searchable and in the thread the agent reads", async () => {
    const pdf: InboundAttachment = { kind: "document", fileId: "pdf1", mime: "application/pdf", fileName: "invoice.pdf" };
    const { conversationId, messageId } = await env.ingest(T.channel, clientMessage({ chatId: "3002", text: "реквизиты", attachments: [pdf] }));
    expect(await readIncomingFiles(deps, { projectId: T.project.id, conversationId, messageId })).toBe(1);
    const [row] = await inT((tx) => tx.select({ transcript: messages.transcript }).from(messages).where(eq(messages.id, messageId)));
    expect(row!.transcript).toContain("7701234567");
    expect(await searchFinds(conversationId, "invoice")).toEqual([{ id: messageId }]);
    const thread = await inT((tx) => loadThread(tx, conversationId));
    expect(thread.messages.at(-1)?.text).toContain("INN 7701234567");
    const [a] = await inT((tx) => tx.select({ state: attachments.state }).from(attachments).where(eq(attachments.messageId, messageId)));
    expect(a!.state).toBe("ready");
  });

  it("without a speech-to-text model a voice note is left for a person, and nothing is charged", async () => {
    await withTenant(env.db, T.project.id, (tx) => tx.update(agentSettings).set({ transcriptionModel: null }).where(eq(agentSettings.projectId, T.project.id)));
    const { conversationId, messageId } = await env.ingest(T.channel, clientMessage({ chatId: "3003", text: "", attachments: [{ kind: "voice", fileId: "voice1" }] }));
    expect(await readIncomingFiles(deps, { projectId: T.project.id, conversationId, messageId })).toBe(0);
    expect(await inT((tx) => tx.select().from(usageRecords).where(eq(usageRecords.conversationId, conversationId)))).toEqual([]);
  });
});
