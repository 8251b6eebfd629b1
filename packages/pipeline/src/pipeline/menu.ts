import { and, eq } from "drizzle-orm";
import { conversations, withTenant, type Db } from "@threadline/db";
import { isChannelError, type ChannelAdapter, type MenuChannel, type MenuShown, type OutboundFile, type SentMessage } from "@threadline/channels";
import { photoType } from "@threadline/domain/catalog/photo.ts";
import type { FileStorage } from "@threadline/domain/storage.ts";
import type { Logger } from "@threadline/config";
import type { Publish } from "@threadline/domain/events.ts";
import { pressProposalButton, type LeadDeps } from "@threadline/domain/leads/agent.ts";
import { isProposalButton } from "@threadline/domain/orders/proposals.ts";
import { handleMenuButton, handleMenuText, MENU_ANSWERS, recordMenuMessage, type MenuReply } from "@threadline/domain/menu/bot.ts";
import type { InboundJob, OutboundJob } from "../jobs/index.ts";
import type { ChannelConfig, ChannelDirectory } from "./channels.ts";
import { vkTokenRules, type RateRule, type SharedRateLimits } from "./rate-limits.ts";

// The menu bot's hop: a button press (or a checkout answer) is decided by the domain in one
// transaction, then the channel answers the press and edits or sends the menu. Presses never
// become messages in the thread; the order the menu takes does (its «принят» message).

export type MenuDeps = {
  db: Db;
  channels: ChannelDirectory;
  publish: Publish;
  enqueueOutbound: (job: OutboundJob) => Promise<unknown>;
  /** The platforms' per-token limits, shared with every other process's sends and imports. */
  limits?: SharedRateLimits;
  logger?: Logger;
  /** The lead pipeline: a press under the agent's order proposal is its «да» / «нет». */
  leads?: LeadDeps;
  /** Where the catalog's photos are: a product card shows its product's photo. */
  storage?: FileStorage;
};

/**
 * A menu's calls (the press's answer, the menu edited or sent) count against the token like any
 * other: VK's 20 requests a second per community token, which a quick client's presses would
 * otherwise pass (VK answers error 6 and the menu is not edited). Telegram's per-chat message
 * limit is for messages, not for answers and edits of one: they wait for nothing here.
 */
function menuCallRules(config: Pick<ChannelConfig, "kind" | "token">): RateRule[] {
  return config.kind === "vk" ? vkTokenRules(config.token) : [];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const isMenuChannel = (adapter: ChannelAdapter): adapter is ChannelAdapter & MenuChannel => "sendMenu" in adapter && "answerButton" in adapter;

async function perform(deps: MenuDeps, job: InboundJob, conversationId: string | null, reply: MenuReply, callbackId?: string) {
  const found = await deps.channels.adapter(job.channelId);
  if (!found || !isMenuChannel(found.adapter)) return;
  const channel = found.adapter;
  const rules = menuCallRules(found.config);
  // Each call takes a slot; one the platform still refused as too many (others on the token
  // that are not counted here, e.g. an admin reconnecting the channel) is tried again once.
  const call = async <T>(fn: () => Promise<T>): Promise<T> => {
    await deps.limits?.take(rules);
    try {
      return await fn();
    } catch (err) {
      if (!isChannelError(err) || err.kind !== "rate_limited") throw err;
      await sleep(err.retryAfterMs ?? 1000);
      await deps.limits?.take(rules);
      return await fn();
    }
  };
  const log = (err: unknown, what: string) => deps.logger?.warn({ err, channelId: job.channelId, what }, "menu bot step failed");
  // The press is answered first: the client's button stops spinning whatever follows.
  if (callbackId) await call(() => channel.answerButton({ callbackId, chatId: job.event.chatId, userId: job.event.client.externalUserId, ...reply.answer })).catch((err: unknown) => log(err, "answer"));
  if (reply.order) {
    for (const messageId of reply.order.outboundMessageIds) await deps.enqueueOutbound({ projectId: job.projectId, messageId });
    for (const event of reply.order.events) await deps.publish(event);
  }
  const screen = reply.show;
  if (!screen || !conversationId) return;
  const photo = screen.photoKey ? await productPhoto(deps, screen.photoKey).catch((err: unknown) => log(err, "photo")) : undefined;
  const record = (sent: SentMessage) => (reply.token ? withTenant(deps.db, job.projectId, (tx) => recordMenuMessage(tx, conversationId, reply.token!, sent.externalMessageId)) : undefined);
  const withPhoto = photo ? { photo } : {};
  if (screen.mode === "edit" && screen.messageId) {
    const messageId = screen.messageId;
    const shown: MenuShown = !screen.shownPhoto ? "text" : screen.shownPhoto === screen.photoKey ? "same-photo" : "other-photo";
    // A platform that could not change the message in place sent the screen anew: that one is live.
    const replaced = await call(() => channel.editMenu({ chatId: job.event.chatId, externalMessageId: messageId, text: screen.text, keyboard: screen.keyboard, ...withPhoto, shown })).catch((err: unknown) => log(err, "edit"));
    if (replaced) await record(replaced);
    return;
  }
  await record(await call(() => channel.sendMenu({ chatId: job.event.chatId, text: screen.text, keyboard: screen.keyboard, ...withPhoto })));
}

/** A product's photo from storage, to send with its card; a photo gone from storage shows the card as text. */
async function productPhoto(deps: MenuDeps, key: string): Promise<OutboundFile | undefined> {
  const opened = await deps.storage?.open(key);
  if (!opened) return undefined;
  const chunks: Buffer[] = [];
  for await (const c of opened.stream) chunks.push(Buffer.from(c as Buffer));
  const data = Buffer.concat(chunks);
  const mime = photoType(data);
  if (!mime) return undefined;
  return { kind: "photo", data, fileName: `product.${mime.slice("image/".length).replace("jpeg", "jpg")}`, mime };
}

async function conversationOf(deps: MenuDeps, job: InboundJob): Promise<string | null> {
  const [row] = await withTenant(deps.db, job.projectId, (tx) =>
    tx.select({ id: conversations.id }).from(conversations).where(and(eq(conversations.channelId, job.channelId), eq(conversations.externalChatId, job.event.chatId))),
  );
  return row?.id ?? null;
}

/** A press on a menu button (or under the agent's order proposal): checked and applied by the domain, answered and shown by the channel. */
export async function processMenuButton(deps: MenuDeps, job: InboundJob): Promise<void> {
  const event = job.event;
  if (event.type !== "button") return;
  const conversationId = await conversationOf(deps, job);
  if (isProposalButton(event.data) && deps.leads) {
    const answer = conversationId ? await pressProposalButton(deps.leads, { projectId: job.projectId, conversationId, data: event.data }) : { text: MENU_ANSWERS.foreign, alert: true };
    await perform(deps, job, null, { answer }, event.callbackId);
    return;
  }
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
