import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { attachments, contacts, conversations, messages, withTenant, type Db } from "@threadline/db";
import { isChannelError, isFileRef, storedFailure, type OutboundFile, type OutboundFileRef } from "@threadline/channels";
import { messageKey } from "@threadline/domain/conversations/ingest.ts";
import { decidedWhileSent, pendingProposalKeyboard } from "@threadline/domain/orders/proposals.ts";
import { photoType } from "@threadline/domain/catalog/photo.ts";
import { cachedFileRef, dropFileRef, saveFileRef, type FileRefKey } from "@threadline/domain/media/refs.ts";
import type { Publish } from "@threadline/domain/events.ts";
import type { MessageChangeJob, OutboundJob } from "../jobs/index.ts";
import type { FileStorage } from "@threadline/domain/storage.ts";
import type { ChannelDirectory } from "./channels.ts";
import { recordChannelFailure, recordChannelSuccess } from "@threadline/domain/channels/health.ts";
import { sendRules, type SharedRateLimits } from "./rate-limits.ts";

// No answer came back: the platform may have delivered it, so it is not sent again on its own.
const UNCONFIRMED = storedFailure({ code: "channel.unconfirmed" });

function setAttempt(db: Db, projectId: string, messageId: number, at: Date | null) {
  return withTenant(db, projectId, (tx) => tx.update(messages).set({ sendAttemptedAt: at }).where(and(eq(messages.id, messageId), eq(messages.delivery, "pending"))));
}

/** The platform asked to wait: the worker re-queues the job after `delayMs`. */
export class RetryLater extends Error {
  override name = "RetryLater";
  constructor(
    readonly delayMs: number,
    readonly reason: string,
  ) {
    super(`retry in ${delayMs} ms: ${reason}`);
  }
}

export type OutboundDeps = {
  db: Db;
  channels: ChannelDirectory;
  storage: FileStorage;
  publish: Publish;
  limits: SharedRateLimits;
  /** Queues a change of a sent message: the buttons of a proposal decided while it went out. */
  enqueueMessageChange: (job: MessageChangeJob) => Promise<unknown>;
};

/**
 * How long a send waits in place for its rate-limit slot; a longer wait (a group's per-minute
 * limit, a bot flooded by many processes) goes back to the queue as a delayed job instead.
 */
export const MAX_SLOT_WAIT_MS = 2000;
export type OutboundOutcome = "sent" | "failed" | "skipped";

async function readAll(stream: NodeJS.ReadableStream): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

/**
 * Sends one pending message through its channel. A message that is no longer pending is
 * skipped, so a redelivered job never sends twice; VK also dedupes by random_id from clientKey.
 * Where the platform cannot dedupe (Telegram), a send whose outcome is unknown is never repeated:
 * the message is marked for the manager to check.
 * Rate limits become RetryLater with the platform's delay; permanent refusals are recorded on the
 * message with a reason a manager can read.
 */
export async function sendOutbound(deps: OutboundDeps, job: OutboundJob, opts: { finalAttempt: boolean }): Promise<OutboundOutcome> {
  const loaded = await withTenant(deps.db, job.projectId, async (tx) => {
    const [row] = await tx
      .select({ message: messages, chatId: conversations.externalChatId, businessConnectionId: conversations.businessConnectionId, contactId: conversations.contactId, assigneeId: conversations.assigneeId })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(eq(messages.id, job.messageId));
    if (!row) return null;
    const files = await tx.select().from(attachments).where(eq(attachments.messageId, job.messageId));
    return { ...row, file: files[0] };
  });
  if (!loaded || loaded.message.delivery !== "pending") return "skipped";
  const { message } = loaded;

  const record = async (patch: Partial<typeof messages.$inferInsert>, contactInactive = false) => {
    await withTenant(deps.db, job.projectId, async (tx) => {
      // A send that went through clears the channel's error state (channels/health.ts).
      if (patch.delivery === "sent") await recordChannelSuccess(tx, message.channelId);
      // Contact before message, the order ingest locks them in: an echo or a client message
      // stored at the same moment waits instead of deadlocking with this.
      if (contactInactive) await tx.update(contacts).set({ active: false }).where(eq(contacts.id, loaded.contactId));
      await tx.update(messages).set(patch).where(and(eq(messages.id, message.id), eq(messages.delivery, "pending")));
    });
    await deps.publish({ type: "conversation.message", projectId: job.projectId, conversationId: message.conversationId, messageId: message.id, direction: "out", assigneeId: loaded.assigneeId });
  };

  const channel = await deps.channels.adapter(message.channelId);
  if (!channel) {
    await record({ delivery: "failed", failureReason: storedFailure({ code: "channel.disabled" }) });
    return "failed";
  }
  // An earlier send was handed to the platform and its answer never recorded (the worker died, or
  // the connection dropped): the message may be out. Where a repeat is not harmless, the manager
  // decides instead of the queue.
  if (message.sendAttemptedAt && !channel.adapter.idempotentSend) {
    await record({ delivery: "failed", failureReason: UNCONFIRMED });
    return "failed";
  }
  // A file goes by the platform's reference when this channel has one: a library file's by its id,
  // a one-off upload's by the hash of its bytes (read first, which costs no platform call).
  const stored = loaded.file?.storageKey ? loaded.file : undefined;
  const readFile = async (): Promise<OutboundFile | null> => {
    const opened = await deps.storage.open(stored!.storageKey!);
    if (!opened) return null;
    const data = await readAll(opened.stream);
    // A catalog photo the agent answered with names no type: its bytes say it, for the platform
    // and for the thread, which shows only the stored types it knows.
    const sniffed = !stored!.mime && stored!.kind === "photo" ? photoType(data) : null;
    if (sniffed) await withTenant(deps.db, job.projectId, (tx) => tx.update(attachments).set({ mime: sniffed }).where(eq(attachments.id, stored!.id)));
    return { kind: stored!.kind as OutboundFile["kind"], data, fileName: stored!.fileName ?? "file", mime: stored!.mime ?? sniffed ?? undefined, ...(stored!.durationSec ? { durationSec: stored!.durationSec } : {}) };
  };
  const upload = stored && !stored.mediaId ? await readFile() : null;
  const refKey: FileRefKey | undefined = stored?.mediaId
    ? { channelId: message.channelId, mediaId: stored.mediaId }
    : upload
      ? { channelId: message.channelId, contentHash: createHash("sha256").update(upload.data).digest("hex"), kind: upload.kind }
      : undefined;
  const cachedRef = refKey ? await withTenant(deps.db, job.projectId, (tx) => cachedFileRef(tx, refKey)) : undefined;
  let file: OutboundFile | OutboundFileRef | null | undefined;
  if (stored) {
    file = cachedRef ? { kind: stored.kind as OutboundFile["kind"], platformRef: cachedRef, fileName: stored.fileName ?? "file", ...(stored.durationSec ? { durationSec: stored.durationSec } : {}) } : (upload ?? (await readFile()));
    if (!file) {
      await record({ delivery: "failed", failureReason: storedFailure({ code: "channel.fileNotStored" }) });
      return "failed";
    }
  }
  // The token's limits, shared with every process sending on it (and a VK history import).
  const slot = await deps.limits.take(sendRules(channel.config, loaded.chatId, loaded.businessConnectionId ?? undefined), MAX_SLOT_WAIT_MS);
  if (!slot.ok) throw new RetryLater(slot.waitMs, "rate limit");
  await setAttempt(deps.db, job.projectId, message.id, new Date());
  // A proposal decided before its message went out is shown without buttons.
  const keyboard = await withTenant(deps.db, job.projectId, (tx) => pendingProposalKeyboard(tx, message.clientKey));
  const send = (withFile: OutboundFile | OutboundFileRef | undefined) =>
    channel.adapter.send({
      chatId: loaded.chatId,
      idempotencyKey: message.clientKey ?? String(message.id),
      text: message.text || undefined,
      file: withFile,
      businessConnectionId: loaded.businessConnectionId ?? undefined,
      // An order proposal's buttons; not in a Telegram Business chat (its presses are not the bot's).
      ...(keyboard && !loaded.businessConnectionId ? { keyboard } : {}),
    });
  try {
    let sent;
    try {
      sent = await send(file ?? undefined);
    } catch (err) {
      // The platform no longer knows the saved reference (and said so: nothing went out): forget
      // it and upload the file once more.
      if (!(refKey && file && isFileRef(file) && isChannelError(err) && err.reason.code === "channel.fileRefRefused")) throw err;
      await withTenant(deps.db, job.projectId, (tx) => dropFileRef(tx, refKey));
      file = upload ?? (await readFile());
      if (!file) {
        await record({ delivery: "failed", failureReason: storedFailure({ code: "channel.fileNotStored" }) });
        return "failed";
      }
      sent = await send(file);
    }
    // The platform's own length of a voice message is the one its client shows: keep it.
    if (sent.durationSec && stored && sent.durationSec !== stored.durationSec) {
      const durationSec = sent.durationSec;
      await withTenant(deps.db, job.projectId, (tx) => tx.update(attachments).set({ durationSec }).where(eq(attachments.id, stored.id)));
    }
    await record({ delivery: "sent", externalId: messageKey(channel.config.kind, loaded.chatId, sent.externalMessageId), failureReason: null });
    // Decided before its id was recorded, nothing could take the proposal's buttons off: now it can.
    if (keyboard && (await withTenant(deps.db, job.projectId, (tx) => decidedWhileSent(tx, message.clientKey)))) {
      await deps.enqueueMessageChange({ projectId: job.projectId, messageId: message.id, change: { kind: "dropButtons" }, requestedBy: "agent" });
    }
    // Kept once the message is recorded as sent: a lost reference costs only an upload next time.
    if (refKey && file && !isFileRef(file) && sent.fileRef) {
      const platformRef = sent.fileRef;
      await withTenant(deps.db, job.projectId, (tx) => saveFileRef(tx, refKey, { projectId: job.projectId, platformRef }));
    }
    return "sent";
  } catch (err) {
    if (isChannelError(err)) {
      if (err.outcomeUnknown && !channel.adapter.idempotentSend) {
        await record({ delivery: "failed", failureReason: UNCONFIRMED });
        return "failed";
      }
      if (err.retryable && !opts.finalAttempt) {
        // The platform answered that it did not send: the next attempt starts clean.
        if (!err.outcomeUnknown) await setAttempt(deps.db, job.projectId, message.id, null);
        throw new RetryLater(err.retryAfterMs ?? 1000, err.message);
      }
      await record({ delivery: "failed", failureReason: storedFailure(err.reason) }, err.kind === "client_denied");
      await recordChannelFailure(deps.db, { projectId: job.projectId, channelId: message.channelId }, err, deps.publish);
      return "failed";
    }
    if (opts.finalAttempt) {
      await record({ delivery: "failed", failureReason: storedFailure({ code: "channel.sendFailed" }) });
      return "failed";
    }
    throw err;
  }
}
