import { and, eq } from "drizzle-orm";
import { conversations, withTenant, type Db } from "@threadline/db";
import type { ChannelAdapter, MenuChannel } from "@threadline/channels";
import type { Logger } from "@threadline/config";
import type { Publish } from "@threadline/domain/events.ts";
import { handleMenuButton, handleMenuText, MENU_ANSWERS, recordMenuMessage, type MenuReply } from "@threadline/domain/menu/bot.ts";
import type { InboundJob, OutboundJob } from "../jobs/index.ts";
import type { ChannelDirectory } from "./channels.ts";

// The menu bot's hop: a button press (or a checkout answer) is decided by the domain in one
// transaction, then the channel answers the press and edits or sends the menu. Presses never
// become messages in the thread; the order the menu takes does (its «принят» message).

export type MenuDeps = {
  db: Db;
  channels: ChannelDirectory;
  publish: Publish;
  enqueueOutbound: (job: OutboundJob) => Promise<unknown>;
  logger?: Logger;
};

const isMenuChannel = (adapter: ChannelAdapter): adapter is ChannelAdapter & MenuChannel => "sendMenu" in adapter && "answerButton" in adapter;

async function perform(deps: MenuDeps, job: InboundJob, conversationId: string | null, reply: MenuReply, callbackId?: string) {
  const found = await deps.channels.adapter(job.channelId);
  if (!found || !isMenuChannel(found.adapter)) return;
  const channel = found.adapter;
  const log = (err: unknown, what: string) => deps.logger?.warn({ err, channelId: job.channelId, what }, "menu bot step failed");
  // The press is answered first: the client's button stops spinning whatever follows.
  if (callbackId) await channel.answerButton({ callbackId, chatId: job.event.chatId, userId: job.event.client.externalUserId, ...reply.answer }).catch((err: unknown) => log(err, "answer"));
  if (reply.order) {
    for (const messageId of reply.order.outboundMessageIds) await deps.enqueueOutbound({ projectId: job.projectId, messageId });
    for (const event of reply.order.events) await deps.publish(event);
  }
  const screen = reply.show;
  if (!screen || !conversationId) return;
  if (screen.mode === "edit" && screen.messageId) {
    await channel.editMenu({ chatId: job.event.chatId, externalMessageId: screen.messageId, text: screen.text, keyboard: screen.keyboard }).catch((err: unknown) => log(err, "edit"));
    return;
  }
  const sent = await channel.sendMenu({ chatId: job.event.chatId, text: screen.text, keyboard: screen.keyboard });
  if (reply.token) await withTenant(deps.db, job.projectId, (tx) => recordMenuMessage(tx, conversationId, reply.token!, sent.externalMessageId));
}

async function conversationOf(deps: MenuDeps, job: InboundJob): Promise<string | null> {
  const [row] = await withTenant(deps.db, job.projectId, (tx) =>
    tx.select({ id: conversations.id }).from(conversations).where(and(eq(conversations.channelId, job.channelId), eq(conversations.externalChatId, job.event.chatId))),
  );
  return row?.id ?? null;
}

/** A press on a menu button: checked and applied by the domain, answered and shown by the channel. */
export async function processMenuButton(deps: MenuDeps, job: InboundJob): Promise<void> {
  const event = job.event;
  if (event.type !== "button") return;
  const conversationId = await conversationOf(deps, job);
  const reply: MenuReply = conversationId
    ? await withTenant(deps.db, job.projectId, (tx) => handleMenuButton(tx, { projectId: job.projectId, conversationId, data: event.data, externalMessageId: event.externalMessageId }))
    : { answer: { text: MENU_ANSWERS.foreign, alert: true } };
  await perform(deps, job, conversationId, reply, event.callbackId);
}

/** A client's text: true when the menu took it (/start, «Меню», a checkout answer), so the agent stays out. */
export async function processMenuText(deps: MenuDeps, job: InboundJob, conversationId: string): Promise<boolean> {
  const event = job.event;
  if (event.type !== "message") return false;
  const reply = await withTenant(deps.db, job.projectId, (tx) => handleMenuText(tx, { projectId: job.projectId, conversationId, text: event.text }));
  if (!reply) return false;
  await perform(deps, job, conversationId, reply);
  return true;
}
