import { sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { messages, payments } from "@threadline/db";
import type { Viewer } from "../access/redact.ts";

/**
 * Whether a message is the one that carried a bill's link into the chat (its amount and its
 * payment page): payment data, left out for a role with payments hidden wherever messages are
 * shown (the thread, the list's preview, search excerpts). Probes the payments of the message's
 * own conversation, so the conversation index answers it.
 */
export function isBillMessage(message: { id: SQL | AnyPgColumn; conversationId: SQL | AnyPgColumn }): SQL<boolean> {
  return sql<boolean>`exists (select 1 from ${payments} where ${payments.conversationId} = ${message.conversationId} and ${payments.messageId} = ${message.id})`;
}

export const hidesPayments = (viewer: Viewer) => viewer.hiddenFields.has("payments");

/** Whether a conversation's newest message (the one its preview quotes) carried a bill. */
export function newestIsBill(conversation: { id: AnyPgColumn; lastMessageAt: AnyPgColumn }): SQL<boolean> {
  return sql<boolean>`exists (select 1 from ${payments} join ${messages} on ${messages.id} = ${payments.messageId} where ${payments.conversationId} = ${conversation.id} and ${messages.sentAt} >= ${conversation.lastMessageAt})`;
}
