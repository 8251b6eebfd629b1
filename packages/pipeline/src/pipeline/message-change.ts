import { and, eq, isNull } from "drizzle-orm";
import { conversations, messages, withTenant } from "@threadline/db";
import { isChannelError, storedFailure } from "@threadline/channels";
import type { Logger } from "@threadline/config";
import type { MessageChangeJob } from "@threadline/domain/job-payloads.ts";
import { refreshLastMessage } from "@threadline/domain/conversations/aggregates.ts";
import { recordChannelFailure } from "@threadline/domain/channels/health.ts";
import { MAX_SLOT_WAIT_MS, RetryLater, type OutboundDeps } from "./outbound.ts";
import { sendRules } from "./rate-limits.ts";

export type MessageChangeOutcome = "edited" | "deleted" | "failed" | "skipped";

/** The platform's own id of a stored message: Telegram keys are `chat:message` (ingest's messageKey). */
const platformMessageId = (kind: "telegram" | "vk", key: string) => (kind === "telegram" ? key.slice(key.lastIndexOf(":") + 1) : key);

/**
 * Edits or deletes a member's message on its platform, within the token's shared rate limits,
 * and only then on the stored message. A refusal (too old, not found) leaves the message as it
 * was and records the reason next to it; a delete that has already happened makes a later edit
 * of the same message a no-op.
 */
export async function changeMessage(deps: OutboundDeps & { logger?: Logger }, job: MessageChangeJob, opts: { finalAttempt: boolean }): Promise<MessageChangeOutcome> {
  const loaded = await withTenant(deps.db, job.projectId, async (tx) => {
    const [row] = await tx
      .select({ message: messages, chatId: conversations.externalChatId, businessConnectionId: conversations.businessConnectionId, assigneeId: conversations.assigneeId })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(eq(messages.id, job.messageId));
    return row ?? null;
  });
  if (!loaded || loaded.message.deletedAt || !loaded.message.externalId) return "skipped";
  const { message } = loaded;
  const publish = () =>
    deps.publish({ type: "conversation.message", projectId: job.projectId, conversationId: message.conversationId, messageId: message.id, direction: "out", assigneeId: loaded.assigneeId });
  const record = async (patch: Partial<typeof messages.$inferInsert>) => {
    await withTenant(deps.db, job.projectId, async (tx) => {
      await tx.update(messages).set(patch).where(and(eq(messages.id, message.id), isNull(messages.deletedAt)));
      // The list line follows the new text, or the message before a deleted one.
      if (patch.text !== undefined || patch.deletedAt) await refreshLastMessage(tx, message.conversationId);
    });
    await publish();
  };

  const channel = await deps.channels.adapter(message.channelId);
  if (!channel) {
    await record({ changeFailure: storedFailure({ code: "channel.disabled" }) });
    return "failed";
  }
  const ref = { chatId: loaded.chatId, externalMessageId: platformMessageId(channel.config.kind, message.externalId!), ...(loaded.businessConnectionId ? { businessConnectionId: loaded.businessConnectionId } : {}) };
  const slot = await deps.limits.take(sendRules(channel.config, loaded.chatId, loaded.businessConnectionId ?? undefined), MAX_SLOT_WAIT_MS);
  if (!slot.ok) throw new RetryLater(slot.waitMs, "rate limit");
  if (job.change.kind === "dropButtons") {
    // The buttons of a decided proposal: a refusal (too old, deleted) leaves them, and the press
    // still gets its «устарело» / «уже оформлен» answer; nothing is recorded on the message.
    try {
      await channel.adapter.removeButtons({ ...ref, text: message.text, caption: message.kind !== "text" });
      return "edited";
    } catch (err) {
      if (isChannelError(err) && err.retryable && !opts.finalAttempt) throw new RetryLater(err.retryAfterMs ?? 1000, err.message);
      deps.logger?.warn({ err, messageId: message.id }, "proposal buttons left on the message");
      return "failed";
    }
  }
  try {
    if (job.change.kind === "delete") {
      await channel.adapter.deleteMessage(ref);
      await record({ deletedAt: new Date(), changeFailure: null });
      return "deleted";
    }
    await channel.adapter.editMessage({ ...ref, text: job.change.text, caption: message.kind !== "text" });
    await record({ text: job.change.text, editedAt: new Date(), changeFailure: null });
    return "edited";
  } catch (err) {
    // An edit or delete is harmless to repeat: the platform's refusals and limits decide.
    if (isChannelError(err)) {
      if (err.retryable && !opts.finalAttempt) throw new RetryLater(err.retryAfterMs ?? 1000, err.message);
      await record({ changeFailure: storedFailure(err.reason) });
      if (err.kind === "auth") await recordChannelFailure(deps.db, { projectId: job.projectId, channelId: message.channelId }, err, deps.publish);
      return "failed";
    }
    if (opts.finalAttempt) {
      await record({ changeFailure: storedFailure({ code: "channel.sendFailed" }) });
      return "failed";
    }
    throw err;
  }
}
