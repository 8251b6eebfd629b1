import { and, eq } from "drizzle-orm";
import { channels, conversations, messages, type Tx } from "@threadline/db";
import { assertCan, can, type Member } from "../access/member.ts";
import { badRequest, conflict, forbidden, notFound } from "../errors.ts";
import type { MessageChangeJob } from "../job-payloads.ts";
import { MAX_REPLY_LENGTH } from "./reply.ts";
import { visibleTo } from "./list.ts";

/**
 * How long after sending the platform lets the business change its message: Telegram bots delete
 * their messages for 48 hours (and we hold edits to the same window, so a client never sees an
 * old message change); VK communities edit and delete for everyone within 24 hours.
 */
export const CHANGE_WINDOW_HOURS = { telegram: 48, vk: 24 } as const;
const PLATFORM = { telegram: "Telegram", vk: "VK" } as const;

export type MessageChange = { kind: "edit"; text: string } | { kind: "delete" };

/**
 * Checks that the member may change this message now and returns the job that changes it on the
 * platform. Nothing is written here: the stored message changes only when the platform has
 * accepted (pipeline/message-change.ts), so a refusal leaves it as it was.
 * The row is locked so that an edit and a delete of one message are checked one after the other.
 */
export async function requestMessageChange(tx: Tx, member: Member, messageId: number, change: MessageChange, now = new Date()): Promise<MessageChangeJob> {
  assertCan(member, "conversations.reply");
  const [row] = await tx
    .select({ message: messages, platform: channels.kind, businessConnectionId: conversations.businessConnectionId })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(channels, eq(channels.id, messages.channelId))
    .where(and(eq(messages.id, messageId), visibleTo(member)))
    .for("update", { of: messages });
  if (!row) throw notFound("message");
  const { message } = row;
  // Members answer for their own words; those who manage the staff may correct anyone's.
  if (message.author !== "member" || (message.authorMembershipId !== member.membershipId && !can(member, "staff.manage"))) {
    throw forbidden("messageChange.notOwn", "Изменять и удалять можно только свои сообщения");
  }
  if (message.deletedAt) throw conflict("messageChange.deleted", "Сообщение уже удалено");
  if (!message.externalId || (message.delivery !== "sent" && message.delivery !== "read")) {
    throw badRequest("messageChange.notSent", "Сообщение ещё не доставлено: изменить или удалить его нельзя");
  }
  const platform = row.platform as keyof typeof CHANGE_WINDOW_HOURS;
  const hours = CHANGE_WINDOW_HOURS[platform];
  if (now.getTime() - message.sentAt.getTime() > hours * 3600_000) {
    throw badRequest("messageChange.windowPassed", `${PLATFORM[platform]} позволяет изменять и удалять сообщения только в течение ${hours} ч после отправки — это время прошло`, { platform: PLATFORM[platform], hours });
  }
  if (row.businessConnectionId) throw badRequest("messageChange.business", "Сообщения Telegram Business нельзя изменить или удалить из Threadline");
  if (change.kind === "delete") return { projectId: member.projectId, messageId, change: { kind: "delete" }, requestedBy: member.membershipId };
  const text = change.text.trim();
  // A file's caption may be emptied; a text message may not.
  if (!text && message.kind === "text") throw badRequest("reply.empty", "Напишите сообщение или приложите файл");
  if (text.length > MAX_REPLY_LENGTH) throw badRequest("reply.tooLong", `Сообщение длиннее ${MAX_REPLY_LENGTH} символов`, { max: MAX_REPLY_LENGTH });
  if (platform === "vk" && message.kind !== "text") throw badRequest("messageChange.onlyText", "В VK можно изменить только текстовое сообщение");
  if (text === message.text) throw badRequest("messageChange.unchanged", "Текст не изменился");
  return { projectId: member.projectId, messageId, change: { kind: "edit", text }, requestedBy: member.membershipId };
}
