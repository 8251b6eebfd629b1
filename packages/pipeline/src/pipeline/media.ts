import { eq } from "drizzle-orm";
import { attachments, messages, withTenant, type Db } from "@threadline/db";
import { isChannelError, storedFailure, type InboundAttachment } from "@threadline/channels";
import { assigneeOf } from "@threadline/domain/conversations/thread.ts";
import type { Publish } from "@threadline/domain/events.ts";
import { storedFileType } from "@threadline/domain/file-types.ts";
import type { MediaJob } from "../jobs/index.ts";
import type { FileStorage } from "@threadline/domain/storage.ts";
import type { ChannelDirectory } from "./channels.ts";

// Client files larger than this are kept as a link to the platform, not copied.
export const MAX_STORED_FILE = 50 * 1024 * 1024;

export type MediaDeps = { db: Db; channels: ChannelDirectory; storage: FileStorage; publish: Publish };

/** Fetches a client's file from the platform into storage; the message showed a placeholder meanwhile. */
export async function fetchAttachment(deps: MediaDeps, job: MediaJob, opts: { finalAttempt: boolean }): Promise<"ready" | "failed" | "skipped"> {
  const row = await withTenant(deps.db, job.projectId, async (tx) => {
    const [r] = await tx
      .select({ attachment: attachments, channelId: messages.channelId, conversationId: messages.conversationId })
      .from(attachments)
      .innerJoin(messages, eq(messages.id, attachments.messageId))
      .where(eq(attachments.id, job.attachmentId));
    return r;
  });
  if (!row || row.attachment.state !== "pending") return "skipped";
  const a = row.attachment;
  const done = async (patch: Partial<typeof attachments.$inferInsert>) => {
    const assigneeId = await withTenant(deps.db, job.projectId, async (tx) => {
      await tx.update(attachments).set(patch).where(eq(attachments.id, a.id));
      return assigneeOf(tx, row.conversationId);
    });
    await deps.publish({ type: "conversation.updated", projectId: job.projectId, conversationId: row.conversationId, assigneeId });
  };
  const channel = await deps.channels.adapter(row.channelId);
  if (!channel) {
    await done({ state: "failed", error: "Канал отключён" });
    return "failed";
  }
  const ref = a.platformFileId ?? "";
  const source: InboundAttachment = { kind: a.kind, ...(ref.startsWith("http") ? { url: ref } : { fileId: ref }), mime: a.mime ?? undefined, fileName: a.fileName ?? undefined };
  try {
    const file = await channel.adapter.downloadAttachment(source);
    if (file.size > MAX_STORED_FILE) {
      await done({ state: "failed", error: "Файл слишком большой для сохранения" });
      return "failed";
    }
    const key = `${job.projectId}/${a.id}`;
    await deps.storage.put(key, file.data);
    await done({ state: "ready", storageKey: key, size: file.size, mime: storedFileType(a.mime ?? file.mime) });
    return "ready";
  } catch (err) {
    // A refused link or a file the platform no longer has is final: trying again cannot help.
    const permanent = isChannelError(err) && !err.retryable;
    if (!opts.finalAttempt && !permanent) throw err;
    await done({ state: "failed", error: storedFailure(isChannelError(err) ? err.reason : { code: "channel.downloadFailed" }) });
    return "failed";
  }
}
