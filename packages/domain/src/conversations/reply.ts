import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { attachments, conversations, messages, type Tx } from "@threadline/db";
import { assertCan, type Member } from "../access/member.ts";
import { badRequest } from "../errors.ts";
import { addDelta, deltaOf, deltaParams, messagePreview } from "./aggregates.ts";
import { storedFileType } from "../file-types.ts";
import { getConversation, giveConversation } from "./thread.ts";

export const MAX_REPLY_LENGTH = 4096;

/** A reply's file: an upload, or a file of the media library (`mediaId`), whose platform reference the send reuses. */
export type ReplyFile = { kind: "photo" | "document" | "voice"; storageKey: string; fileName: string; mime: string; size: number; durationSec?: number | null; mediaId?: string };

/**
 * Records a manager's reply as pending and returns what the outbound queue needs. The platform
 * send happens in the worker; the message shows at once with a "sending" mark. A manager's own
 * reply pauses the agent in this conversation, and makes an unassigned conversation theirs.
 */
export async function createReply(tx: Tx, member: Member, conversationId: string, input: { text: string; file?: ReplyFile }) {
  assertCan(member, "conversations.reply");
  const c = await getConversation(tx, member, conversationId);
  const text = input.text.trim();
  if (!text && !input.file) throw badRequest("reply.empty", "Напишите сообщение или приложите файл");
  if (text.length > MAX_REPLY_LENGTH) throw badRequest("reply.tooLong", `Сообщение длиннее ${MAX_REPLY_LENGTH} символов`, { max: MAX_REPLY_LENGTH });
  if (!c.contact.active) throw badRequest("reply.contactDenied", "Клиент запретил сообщения: отправить ответ нельзя");
  const now = new Date();
  const [message] = await tx
    .insert(messages)
    .values({
      projectId: member.projectId,
      conversationId,
      channelId: c.channel.id,
      clientKey: randomUUID(),
      direction: "out",
      author: "member",
      authorMembershipId: member.membershipId,
      kind: input.file?.kind ?? "text",
      text,
      sentAt: now,
      delivery: "pending",
    })
    .returning();
  if (input.file) {
    await tx.insert(attachments).values({ projectId: member.projectId, messageId: message!.id, kind: input.file.kind, mime: storedFileType(input.file.mime), size: input.file.size, fileName: input.file.fileName, storageKey: input.file.storageKey, durationSec: input.file.durationSec ?? null, mediaId: input.file.mediaId ?? null, state: "ready" });
  }
  await tx
    .update(conversations)
    .set({
      ...addDelta(deltaParams(deltaOf([{ id: message!.id, sentAt: now, direction: "out", author: "member", authorId: member.membershipId, preview: messagePreview(text, input.file?.kind ?? "text", input.file?.fileName) }])!)),
      aiEnabled: false,
      ...(c.aiEnabled ? { aiToggledBy: member.membershipId, aiToggledAt: now } : {}),
    })
    .where(eq(conversations.id, conversationId));
  // Answering a conversation nobody has is taking it: the lead pipeline then leaves it with this
  // member instead of handing it to the next one in rotation.
  if (!c.assigneeId && member.permissions.has("inbox.use")) await giveConversation(tx, member, { id: conversationId, stage: c.stage }, member.membershipId, "took_over");
  return { messageId: message!.id, channelId: c.channel.id, conversationId };
}

/**
 * A reply with several files (a saved reply's): the text goes with the first file, each further
 * file as its own message after it, since a message carries one file on both platforms.
 */
export async function createReplies(tx: Tx, member: Member, conversationId: string, input: { text: string; files: ReplyFile[] }) {
  const [first, ...rest] = input.files;
  const sent = [await createReply(tx, member, conversationId, { text: input.text, file: first })];
  for (const file of rest) sent.push(await createReply(tx, member, conversationId, { text: "", file }));
  return sent;
}
