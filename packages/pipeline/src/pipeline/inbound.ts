import { and, eq } from "drizzle-orm";
import { contacts, withTenant, type Db } from "@threadline/db";
import { VkAdapter, type ChannelEvent } from "@threadline/channels";
import type { ChannelDirectory } from "./channels.ts";
import type { ChannelRef, IngestResult } from "@threadline/domain/conversations/ingest.ts";
import { assigneeOf } from "@threadline/domain/conversations/thread.ts";
import type { Publish } from "@threadline/domain/events.ts";
import type { InboundBatchJob, InboundJob, MediaJob } from "../jobs/index.ts";

export type InboundDeps = {
  db: Db;
  /** Stores the event (the worker's group commit, see IngestBatcher). */
  ingest: (channel: ChannelRef, event: ChannelEvent) => Promise<IngestResult>;
  /** For names VK leaves out of its events. */
  channels?: ChannelDirectory;
  publish: Publish;
  enqueueMedia: (job: MediaJob) => Promise<unknown>;
  /** A press on a bot menu's button (the menu bot hooks in here); presses are not stored as messages. */
  onButton?: (job: InboundJob) => Promise<void>;
  /** Called for every new client message (the first-contact agent hooks in here). */
  onClientMessage?: (job: InboundJob, result: Extract<IngestResult, { kind: "message" }>) => Promise<void>;
};

/** What the inbound worker needs of a BullMQ job: its data, and a way to narrow it for the retry. */
export type InboundQueueJob = { data: InboundBatchJob | InboundJob; updateData: (data: InboundBatchJob) => Promise<void> };

/**
 * The inbound worker's job: its events are stored together (the group commit gathers them) and
 * handled each as below. If some fail, the job is retried with those alone: the others are done.
 */
export async function processInboundJob(deps: InboundDeps, job: InboundQueueJob): Promise<{ events: number }> {
  // A job of one event without `items` was queued by a version before batches.
  const items = "items" in job.data ? job.data.items : [job.data];
  const settled = await Promise.allSettled(items.map((item) => processInbound(deps, item)));
  const failed = items.filter((_, i) => settled[i]!.status === "rejected");
  if (!failed.length) return { events: items.length };
  if (failed.length < items.length) await job.updateData({ items: failed });
  throw (settled.find((s) => s.status === "rejected") as PromiseRejectedResult).reason;
}

/** One event's step: store the event, fetch its files in the background, tell the screens. */
export async function processInbound(deps: InboundDeps, job: InboundJob): Promise<IngestResult> {
  if (job.event.type === "button") {
    await deps.onButton?.(job);
    return { kind: "ignored", reason: "a button press" };
  }
  const result = await deps.ingest({ id: job.channelId, projectId: job.projectId, kind: job.kind }, job.event);
  if (result.kind === "message") {
    if (!result.created) return result;
    if (result.newConversation && job.kind === "vk" && !job.event.client.name && deps.channels) {
      await nameVkClient(deps, job, deps.channels).catch(() => undefined);
    }
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
    const conversationId = result.conversationId;
    const assigneeId = await withTenant(deps.db, job.projectId, (tx) => assigneeOf(tx, conversationId));
    await deps.publish({ type: "conversation.updated", projectId: job.projectId, conversationId, assigneeId });
  }
  return result;
}

// VK Callback events carry only the user id: the name and profile link come from users.get.
// A failure here costs only the name (the conversation shows the id until the next message).
async function nameVkClient(deps: InboundDeps, job: InboundJob, channels: ChannelDirectory) {
  const found = await channels.adapter(job.channelId);
  if (!found || !(found.adapter instanceof VkAdapter)) return;
  const [profile] = await found.adapter.fetchClientProfiles([job.event.client.externalUserId]);
  if (!profile?.name) return;
  await withTenant(deps.db, job.projectId, (tx) =>
    tx
      .update(contacts)
      .set({ name: profile.name!, profileUrl: profile.profileUrl ?? null })
      .where(and(eq(contacts.channelId, job.channelId), eq(contacts.externalId, job.event.client.externalUserId))),
  );
}
