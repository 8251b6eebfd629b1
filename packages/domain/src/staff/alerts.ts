import { randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { isChannelError, type TelegramAdapter } from "@threadline/channels";
import { contacts, conversations, memberships, notifications, projects, staffBots, staffLinks, withTenant, type AlertSettings, type Db, type InTenant, type Tx } from "@threadline/db";
import type { Member } from "../access/member.ts";
import { recordAudit } from "../audit/service.ts";
import { decryptSecret, encryptSecret, sha256, type SecretKeyring } from "../crypto.ts";
import { telegramAdapter, type Endpoints } from "../endpoints.ts";
import { badRequest, DomainError } from "../errors.ts";

// Staff alerts: the member's own choices (desktop, sound, Telegram) and the project's staff
// notification bot — a Telegram bot each member links to with a one-time deep link, which then
// tells them of a lead assigned and of a client waiting too long.

/** How long a deep-link token may wait to be used. */
export const LINK_TOKEN_TTL_MS = 15 * 60_000;

export const DEFAULT_ALERTS: Required<AlertSettings> = { desktop: true, sound: true, telegram: true };

export type StaffBotContext = { secretKey: SecretKeyring; workerUrl: string; endpoints: Readonly<Endpoints> };

/** What the member's alert settings screen shows. */
export async function getAlertSettings(tx: Tx, member: Member, now = new Date()) {
  const [m] = await tx.select({ settings: memberships.alertSettings }).from(memberships).where(eq(memberships.id, member.membershipId));
  const [bot] = await tx.select({ username: staffBots.username }).from(staffBots);
  const [link] = await tx.select().from(staffLinks).where(eq(staffLinks.membershipId, member.membershipId));
  return {
    membershipId: member.membershipId,
    ...DEFAULT_ALERTS,
    ...m?.settings,
    bot: bot ? { username: bot.username } : null,
    telegram_link: link?.linkedAt
      ? { state: link.blockedAt ? ("blocked" as const) : ("linked" as const), username: link.telegramUsername, linkedAt: link.linkedAt }
      : link?.tokenExpiresAt && link.tokenExpiresAt > now
        ? { state: "pending" as const, username: null, linkedAt: null }
        : null,
  };
}

export async function updateAlertSettings(tx: Tx, member: Member, patch: AlertSettings) {
  const [m] = await tx.select({ settings: memberships.alertSettings }).from(memberships).where(eq(memberships.id, member.membershipId));
  await tx.update(memberships).set({ alertSettings: { ...m?.settings, ...patch } }).where(eq(memberships.id, member.membershipId));
}

/**
 * Connects the project's staff bot: the token is checked with getMe, the bot's webhook points at
 * this installation with a fresh secret, and the bot is stored sealed. Replaces a bot connected
 * before. Telegram is asked with no transaction open (decision 059).
 */
export async function connectStaffBot(inTenant: InTenant, actor: Member, ctx: StaffBotContext, token: string) {
  const adapter = telegramAdapter(ctx.endpoints, token);
  const me = await adapter.describe().catch((e: unknown) => {
    if (isChannelError(e) && e.kind === "auth") throw badRequest("channels.tokenRejected", "Токен не подошёл: проверьте, что он скопирован целиком и не отозван");
    throw e;
  });
  const secret = randomBytes(24).toString("base64url");
  await adapter.registerWebhook({ url: `${ctx.workerUrl}/webhooks/staff-bot/${actor.projectId}`, secret });
  const values = { tokenEnc: encryptSecret(token, ctx.secretKey), botId: me.externalId, username: me.username ?? me.name, webhookSecret: secret, createdAt: new Date() };
  await inTenant(async (tx) => {
    await tx.insert(staffBots).values({ projectId: actor.projectId, ...values }).onConflictDoUpdate({ target: staffBots.projectId, set: values });
    await recordAudit(tx, { projectId: actor.projectId, actorUserId: actor.userId, action: "staff_bot.connected", targetType: "project", targetId: actor.projectId, details: { username: values.username } });
  });
  return { username: values.username };
}

export async function staffBotOf(tx: Tx) {
  const [bot] = await tx.select({ username: staffBots.username, createdAt: staffBots.createdAt }).from(staffBots);
  return bot ?? null;
}

export async function removeStaffBot(tx: Tx, actor: Member) {
  const [bot] = await tx.delete(staffBots).returning({ username: staffBots.username });
  if (bot) await recordAudit(tx, { projectId: actor.projectId, actorUserId: actor.userId, action: "staff_bot.removed", targetType: "project", targetId: actor.projectId, details: { username: bot.username } });
}

/**
 * A one-time deep link for the member to link their Telegram: t.me/<bot>?start=<token>. Only the
 * token's hash is kept; a new link replaces the one before; it expires after LINK_TOKEN_TTL_MS.
 */
export async function createLinkToken(tx: Tx, member: Member, now = new Date()) {
  const bot = await staffBotOf(tx);
  if (!bot) throw badRequest("staffBot.notConfigured", "Бот для уведомлений сотрудников не подключён. Попросите администратора подключить его");
  const token = randomBytes(24).toString("base64url");
  const expiresAt = new Date(now.getTime() + LINK_TOKEN_TTL_MS);
  await tx
    .insert(staffLinks)
    .values({ projectId: member.projectId, membershipId: member.membershipId, tokenHash: sha256(token), tokenExpiresAt: expiresAt })
    .onConflictDoUpdate({ target: staffLinks.membershipId, set: { tokenHash: sha256(token), tokenExpiresAt: expiresAt } });
  return { url: `https://t.me/${bot.username}?start=${token}`, expiresAt };
}

export async function unlinkTelegram(tx: Tx, member: Member) {
  await tx.delete(staffLinks).where(eq(staffLinks.membershipId, member.membershipId));
}

/**
 * The bot received /start <token>: links the chat to the member the token was made for. A token
 * is used once; an unknown, used or expired one is refused with a clear error (the bot says it).
 */
export async function consumeLinkToken(tx: Tx, input: { token: string; chatId: string; username: string | null }, now = new Date()) {
  const [link] = await tx
    .select({ id: staffLinks.id, expiresAt: staffLinks.tokenExpiresAt, active: memberships.active })
    .from(staffLinks)
    .innerJoin(memberships, eq(memberships.id, staffLinks.membershipId))
    .where(eq(staffLinks.tokenHash, sha256(input.token)))
    .for("update");
  if (!link || !link.active) throw badRequest("staffBot.linkTokenInvalid", "Ссылка уже использована или недействительна. Получите новую в профиле");
  if (!link.expiresAt || link.expiresAt <= now) throw badRequest("staffBot.linkTokenExpired", "Срок ссылки истёк. Получите новую в профиле");
  await tx
    .update(staffLinks)
    .set({ tokenHash: null, tokenExpiresAt: null, chatId: input.chatId, telegramUsername: input.username, linkedAt: now, blockedAt: null })
    .where(eq(staffLinks.id, link.id));
}

/** What the webhook of a project's staff bot needs: the secret to check and the bot to answer with. */
export async function staffBotForWebhook(db: Db, projectId: string, ctx: Pick<StaffBotContext, "secretKey" | "endpoints">) {
  const [bot] = await withTenant(db, projectId, (tx) => tx.select().from(staffBots));
  if (!bot) return null;
  return { secret: bot.webhookSecret, adapter: telegramAdapter(ctx.endpoints, decryptSecret(bot.tokenEnc, ctx.secretKey)) };
}

/** The bot's answer to /start <token>, in Russian, from the outcome. */
export async function answerStart(db: Db, projectId: string, adapter: TelegramAdapter, input: { token: string; chatId: string; username: string | null }, now = new Date()) {
  let text: string;
  try {
    await withTenant(db, projectId, (tx) => consumeLinkToken(tx, input, now));
    const [p] = await withTenant(db, projectId, (tx) => tx.select({ name: projects.name }).from(projects));
    text = `Готово! Уведомления проекта «${p?.name ?? ""}» будут приходить сюда.`;
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    text = e.message;
  }
  await adapter.send({ chatId: input.chatId, text, idempotencyKey: `staff-link-${input.chatId}-${now.getTime()}` });
  return text;
}

export type AlertDeps = { secretKey: SecretKeyring; endpoints: Readonly<Endpoints>; inboxUrl: string };

/**
 * Sends one notification to its member's linked Telegram: the text, the client's name and a link
 * to the conversation. Nothing is sent to a fired member, one who turned Telegram alerts off or
 * who blocked the bot; a 403 from Telegram marks the link blocked, so it is not tried again until
 * the member links once more.
 */
export async function sendStaffAlert(db: Db, input: { projectId: string; notificationId: string }, deps: AlertDeps): Promise<"sent" | "skipped" | "blocked"> {
  const found = await withTenant(db, input.projectId, async (tx) => {
    const [row] = await tx
      .select({
        text: notifications.text,
        conversationId: notifications.conversationId,
        membershipId: notifications.membershipId,
        active: memberships.active,
        settings: memberships.alertSettings,
        chatId: staffLinks.chatId,
        blockedAt: staffLinks.blockedAt,
        contactName: contacts.name,
      })
      .from(notifications)
      .innerJoin(memberships, eq(memberships.id, notifications.membershipId))
      .innerJoin(staffLinks, eq(staffLinks.membershipId, notifications.membershipId))
      .leftJoin(conversations, eq(conversations.id, notifications.conversationId))
      .leftJoin(contacts, eq(contacts.id, conversations.contactId))
      .where(eq(notifications.id, input.notificationId));
    const [bot] = await tx.select({ tokenEnc: staffBots.tokenEnc }).from(staffBots);
    return row && bot ? { ...row, tokenEnc: bot.tokenEnc } : null;
  });
  if (!found || !found.active || !found.chatId || found.blockedAt || found.settings.telegram === false) return "skipped";
  const lines = [found.contactName ? `${found.text}: ${found.contactName}` : found.text];
  if (found.conversationId) lines.push(`${deps.inboxUrl}/p/${input.projectId}?c=${found.conversationId}`);
  const adapter = telegramAdapter(deps.endpoints, decryptSecret(found.tokenEnc, deps.secretKey));
  try {
    await adapter.send({ chatId: found.chatId, text: lines.join("\n"), idempotencyKey: `alert-${input.notificationId}` });
    return "sent";
  } catch (e) {
    if (isChannelError(e) && e.kind === "client_denied") {
      await withTenant(db, input.projectId, (tx) =>
        tx.update(staffLinks).set({ blockedAt: sql`now()` }).where(and(eq(staffLinks.membershipId, found.membershipId), eq(staffLinks.chatId, found.chatId!))),
      );
      return "blocked";
    }
    throw e;
  }
}
