// A pipeline step before the agent's turn: the client's new voice notes are transcribed (the
// project's OpenAI-compatible key and its speech-to-text model) and the text of new PDF documents
// is extracted, so the agent, the copilot, the inbox and search read them as text. The file is
// fetched into storage first if the media job has not done it yet. A file that cannot be read is
// logged and the turn goes on without it.
import { buffer } from "node:stream/consumers";
import { eq } from "drizzle-orm";
import { transcribeAudio } from "@threadline/ai";
import { attachments, withTenant } from "@threadline/db";
import type { Logger } from "@threadline/config";
import { decryptSecret, type SecretKeyring } from "@threadline/domain/crypto.ts";
import { PUBLIC_ENDPOINTS, type Endpoints } from "@threadline/domain/endpoints.ts";
import { assigneeOf } from "@threadline/domain/conversations/thread.ts";
import { extractDocumentText } from "@threadline/domain/knowledge/extract.ts";
import { filesToRead, saveTranscript } from "@threadline/domain/knowledge/transcripts.ts";
import { llmKeyFor, loadAgentConfig } from "@threadline/domain/leads/settings.ts";
import type { AiJob } from "../jobs/index.ts";
import { fetchAttachment, type MediaDeps } from "./media.ts";

/** OpenAI's own limit on an uploaded audio file; PDFs larger than this are not read either. */
const MAX_FILE_BYTES = 25 * 1024 * 1024;

export type TranscribeDeps = MediaDeps & { secretKey?: SecretKeyring; endpoints?: Readonly<Pick<Endpoints, "openaiBaseUrl">>; logger?: Logger };

export async function readIncomingFiles(deps: TranscribeDeps, job: AiJob): Promise<number> {
  const { projectId, conversationId } = job;
  const baseURL = (deps.endpoints ?? PUBLIC_ENDPOINTS).openaiBaseUrl;
  const found = await withTenant(deps.db, projectId, async (tx) => {
    const notes = await filesToRead(tx, conversationId);
    if (notes.length === 0) return null;
    const config = await loadAgentConfig(tx, projectId);
    const keyEnc = llmKeyFor(config, baseURL);
    const stt = config.transcriptionModel && keyEnc && deps.secretKey ? { model: config.transcriptionModel, apiKey: decryptSecret(keyEnc, deps.secretKey) } : null;
    return { stt, notes };
  });
  if (!found) return 0;
  let done = 0;
  for (const note of found.notes) {
    if (note.kind === "voice" && !found.stt) continue;
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
        note.kind === "voice" && found.stt
          ? await transcribeAudio({ apiKey: found.stt.apiKey, model: found.stt.model, baseURL, timeoutMs: 60_000, maxRetries: 1 }, { data, fileName: "voice.ogg", mime: note.mime ?? "audio/ogg" })
          : { text: await extractDocumentText("pdf", data).catch(() => ""), usage: null };
      const assigneeId = await withTenant(deps.db, projectId, async (tx) => {
        await saveTranscript(tx, projectId, conversationId, note.messageId, result.text, result.usage);
        return assigneeOf(tx, conversationId);
      });
      await deps.publish({ type: "conversation.updated", projectId, conversationId, assigneeId });
      done++;
    } catch (err) {
      deps.logger?.warn({ projectId, conversationId, messageId: note.messageId, err: err instanceof Error ? err.message : String(err) }, "client file not read");
    }
  }
  return done;
}
