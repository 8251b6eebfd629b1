import type { Db } from "@threadline/db";
import { ingestEvent, type IngestResult } from "../conversations/ingest.ts";
import type { Publish } from "../events.ts";
import type { InboundJob, MediaJob } from "../jobs/index.ts";

export type InboundDeps = {
  db: Db;
  publish: Publish;
  enqueueMedia: (job: MediaJob) => Promise<unknown>;
  /** Called for every new client message (the first-contact agent hooks in here). */
  onClientMessage?: (job: InboundJob, result: Extract<IngestResult, { kind: "message" }>) => Promise<void>;
};

/** The inbound worker's step: store the event, fetch its files in the background, tell the screens. */
export async function processInbound(deps: InboundDeps, job: InboundJob): Promise<IngestResult> {
  const result = await ingestEvent(deps.db, { id: job.channelId, projectId: job.projectId, kind: job.kind }, job.event);
  if (result.kind === "message") {
    if (!result.created) return result;
    for (const attachmentId of result.attachmentIds) await deps.enqueueMedia({ projectId: job.projectId, attachmentId });
    await deps.publish({
      type: "conversation.message",
      projectId: job.projectId,
      conversationId: result.conversationId,
      messageId: result.messageId,
      direction: result.direction,
      assigneeId: result.assigneeId,
    });
    if (result.direction === "in") await deps.onClientMessage?.(job, result);
  } else if (result.kind === "updated" && result.conversationId) {
    await deps.publish({ type: "conversation.updated", projectId: job.projectId, conversationId: result.conversationId });
  }
  return result;
}
