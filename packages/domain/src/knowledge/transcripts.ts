// Files read as text: the client's voice notes and PDF documents the agent has not read yet and
// that have no text of their own yet; the text (a transcript, a PDF's text) is written back to the
// message, with the transcription's cost (a spend feature, "transcription").
import { and, asc, eq, inArray, isNull, or } from "drizzle-orm";
import type { LlmUsage } from "@threadline/ai";
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

/** Stores a voice note's transcript (empty when nothing was heard) and the call's cost. */
export async function saveTranscript(tx: Tx, projectId: string, conversationId: string, messageId: number, text: string, usage: LlmUsage | null): Promise<void> {
  await tx.update(messages).set({ transcript: text.slice(0, 20_000) }).where(eq(messages.id, messageId));
  if (usage) {
    await tx.insert(usageRecords).values({
      projectId,
      conversationId,
      provider: usage.provider,
      feature: usage.feature,
      model: usage.model,
      inputUnits: usage.inputTokens,
      outputUnits: usage.outputTokens,
      costUsd: usage.costUsd.toFixed(6),
    });
  }
}
