// A pipeline step before the agent's turn: the client's new voice notes are transcribed (by the
// project's choice: its OpenAI-compatible key and speech-to-text model, or its ElevenLabs key) and
// the text of new PDF documents is extracted, so the agent, the copilot, the inbox and search read
// them as text. The file is fetched into storage first if the media job has not done it yet. No
// transaction is open while a provider answers. A voice note the provider refused keeps its file
// and gets the reason (shown under it); the turn goes on without its text.
import { buffer } from "node:stream/consumers";
import { eq } from "drizzle-orm";
import { SpeechError, transcribeAudio, transcribeWithElevenLabs, type TranscriptionResult } from "@threadline/ai";
import { attachments, withTenant, type Tx } from "@threadline/db";
import type { Logger } from "@threadline/config";
import { decryptSecret, type SecretKeyring } from "@threadline/domain/crypto.ts";
import { PUBLIC_ENDPOINTS, type Endpoints } from "@threadline/domain/endpoints.ts";
import { assigneeOf } from "@threadline/domain/conversations/thread.ts";
import { extractDocumentText } from "@threadline/domain/knowledge/extract.ts";
import { filesToRead, saveTranscript, saveTranscriptError } from "@threadline/domain/knowledge/transcripts.ts";
import { llmKeyFor, loadAgentConfig } from "@threadline/domain/leads/settings.ts";
import { loadElevenLabsKey } from "@threadline/domain/voice/settings.ts";
import type { AiJob } from "../jobs/index.ts";
import { fetchAttachment, type MediaDeps } from "./media.ts";

/** OpenAI's own limit on an uploaded audio file; PDFs larger than this are not read either. */
const MAX_FILE_BYTES = 25 * 1024 * 1024;

export type TranscribeDeps = MediaDeps & { secretKey?: SecretKeyring; endpoints?: Readonly<Pick<Endpoints, "openaiBaseUrl" | "elevenlabsBaseUrl">>; logger?: Logger };

type Audio = { data: Buffer; fileName: string; mime: string };
/** The project's speech-to-text, its key opened; a reason when it was chosen but cannot run; null when off. */
type Stt = { provider: string; transcribe: (audio: Audio) => Promise<TranscriptionResult> } | { unavailable: string } | null;

async function sttOf(tx: Tx, deps: TranscribeDeps, projectId: string): Promise<Stt> {
  const endpoints = deps.endpoints ?? PUBLIC_ENDPOINTS;
  const config = await loadAgentConfig(tx, projectId);
  if (!deps.secretKey) return null;
  if (config.transcriptionProvider === "elevenlabs") {
    // The key read under this project's tenant: another project's key is never found here.
    const key = await loadElevenLabsKey(tx, projectId, deps.secretKey, endpoints);
    if (!key) return { unavailable: "transcription.notConfigured" };
    return { provider: "ElevenLabs", transcribe: (audio) => transcribeWithElevenLabs({ ...key, timeoutMs: 60_000, maxRetries: 1 }, audio) };
  }
  const keyEnc = llmKeyFor(config, endpoints.openaiBaseUrl);
  const model = config.transcriptionModel;
  if (!model || !keyEnc) return null;
  const apiKey = decryptSecret(keyEnc, deps.secretKey);
  return { provider: "OpenAI", transcribe: (audio) => transcribeAudio({ apiKey, model, baseURL: endpoints.openaiBaseUrl, timeoutMs: 60_000, maxRetries: 1 }, audio) };
}

const PROVIDER_ERRORS: Record<SpeechError["kind"], string> = {
  auth: "transcription.keyRejected",
  quota: "transcription.quota",
  rate_limit: "transcription.busy",
  server: "transcription.unavailable",
  network: "transcription.unavailable",
  request: "transcription.rejected",
};

export async function readIncomingFiles(deps: TranscribeDeps, job: AiJob): Promise<number> {
  const { projectId, conversationId } = job;
  const found = await withTenant(deps.db, projectId, async (tx) => {
    const notes = await filesToRead(tx, conversationId);
    if (notes.length === 0) return null;
    return { stt: notes.some((n) => n.kind === "voice") ? await sttOf(tx, deps, projectId) : null, notes };
  });
  if (!found) return 0;
  const { stt } = found;
  let done = 0;
  const failed = async (messageId: number, code: string) => {
    const assigneeId = await withTenant(deps.db, projectId, async (tx) => {
      await saveTranscriptError(tx, messageId, code);
      return assigneeOf(tx, conversationId);
    });
    await deps.publish({ type: "conversation.updated", projectId, conversationId, assigneeId });
  };
  for (const note of found.notes) {
    if (note.kind === "voice" && !stt) continue;
    if (note.kind === "voice" && stt && "unavailable" in stt) {
      await failed(note.messageId, stt.unavailable);
      continue;
    }
    try {
      let key = note.storageKey;
      if (note.state === "pending") {
        await fetchAttachment(deps, { projectId, attachmentId: note.attachmentId }, { finalAttempt: false });
        const [row] = await withTenant(deps.db, projectId, (tx) => tx.select({ key: attachments.storageKey }).from(attachments).where(eq(attachments.id, note.attachmentId)));
        key = row?.key ?? null;
      }
      if (!key || (note.size ?? 0) > MAX_FILE_BYTES) continue;
      const file = await deps.storage.open(key);
      if (!file || file.size > MAX_FILE_BYTES) continue;
      const data = await buffer(file.stream);
      const result =
        note.kind === "voice" && stt && "transcribe" in stt
          ? await stt.transcribe({ data, fileName: "voice.ogg", mime: note.mime ?? "audio/ogg" })
          : { text: await extractDocumentText("pdf", data).catch(() => ""), usage: null };
      const assigneeId = await withTenant(deps.db, projectId, async (tx) => {
        await saveTranscript(tx, projectId, conversationId, note.messageId, result.text, result.usage);
        return assigneeOf(tx, conversationId);
      });
      await deps.publish({ type: "conversation.updated", projectId, conversationId, assigneeId });
      done++;
    } catch (err) {
      // Stored as a code with the provider's name, worded by the inbox.
      if (err instanceof SpeechError && stt && "provider" in stt) {
        await failed(note.messageId, `${PROVIDER_ERRORS[err.kind]} ${JSON.stringify({ provider: stt.provider })}`).catch(() => {});
      }
      deps.logger?.warn({ projectId, conversationId, messageId: note.messageId, err: err instanceof Error ? err.message : String(err) }, "client file not read");
    }
  }
  return done;
}
