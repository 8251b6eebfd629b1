// Files read as text: the client's voice notes and PDF documents the agent has not read yet and
// that have no text of their own yet; the text (a transcript, a PDF's text) is written back to the
// message, with the transcription's cost (a spend feature, "transcription").
import { and, asc, eq, inArray, isNull, or } from "drizzle-orm";
import type { TranscriptionUsage } from "@threadline/ai";
import { attachments, messages, usageRecords, type Tx } from "@threadline/db";

/** Voice notes transcribed per turn at most: a flood of them waits for the next turns. */
export const MAX_TRANSCRIPTIONS_PER_TURN = 5;

export async function filesToRead(tx: Tx, conversationId: string) {
  return tx
    .select({ messageId: messages.id, kind: attachments.kind, attachmentId: attachments.id, state: attachments.state, storageKey: attachments.storageKey, mime: attachments.mime, size: attachments.size })
    .from(messages)
    .innerJoin(attachments, eq(attachments.messageId, messages.id))
    .where(
      and(
        eq(messages.conversationId, conversationId),
        eq(messages.author, "client"),
        inArray(messages.kind, ["voice", "document"]),
        eq(messages.seenByAgent, false),
        isNull(messages.transcript),
        or(eq(attachments.kind, "voice"), and(eq(attachments.kind, "document"), eq(attachments.mime, "application/pdf"))),
      ),
    )
    .orderBy(asc(messages.id))
    .limit(MAX_TRANSCRIPTIONS_PER_TURN);
}

/** Stores a voice note's transcript (empty when nothing was heard) and the call's cost (seconds of audio as units). */
export async function saveTranscript(tx: Tx, projectId: string, conversationId: string, messageId: number, text: string, usage: TranscriptionUsage | null): Promise<void> {
  await tx.update(messages).set({ transcript: text.slice(0, 20_000), transcriptError: null }).where(eq(messages.id, messageId));
  if (usage) {
    await tx.insert(usageRecords).values({
      projectId,
      conversationId,
      provider: usage.provider,
      feature: usage.feature,
      model: usage.model,
      inputUnits: usage.seconds,
      outputUnits: 0,
      costUsd: usage.costUsd.toFixed(6),
    });
  }
}

/** Why a voice note could not be transcribed (a stored error code); the voice and its file stay. */
export async function saveTranscriptError(tx: Tx, messageId: number, code: string): Promise<void> {
  await tx.update(messages).set({ transcriptError: code }).where(eq(messages.id, messageId));
}
