import { randomBytes } from "node:crypto";
import { asc, eq, sql } from "drizzle-orm";
import { channels, type InTenant, type Tx } from "@threadline/db";
import { isChannelError, storedFailure, type TelegramAdapter } from "@threadline/channels";
import type { Member } from "../access/member.ts";
import { recordAudit } from "../audit/service.ts";
import { encryptSecret, type SecretKeyring } from "../crypto.ts";
import { telegramAdapter, vkAdapter, type Endpoints } from "../endpoints.ts";
import { badRequest, conflict, notFound } from "../errors.ts";

/**
 * How a channel receives: the platform calls our webhook (needs a public URL), or a worker polls
 * it (VK Bots Long Poll, Telegram getUpdates) — for installations without a public address.
 */
export type Delivery = "webhook" | "polling";
export const deliveries = ["webhook", "polling"] as const satisfies readonly Delivery[];

const deliveryOf = sql<Delivery>`coalesce(${channels.settings}->>'delivery', 'webhook')`;

/** Channel rows as a browser may see them: never the token or the webhook secret. */
export async function listChannels(tx: Tx) {
  return tx
    .select({ id: channels.id, kind: channels.kind, name: channels.name, externalId: channels.externalId, state: channels.state, delivery: deliveryOf, createdAt: channels.createdAt })
    .from(channels)
    .orderBy(asc(channels.createdAt));
}

/** The platforms are reached at the operator's endpoints, never at an address a tenant gives. */
export type ConnectContext = { secretKey: SecretKeyring; workerUrl: string; endpoints: Readonly<Endpoints> };

/**
 * A platform's refusal while connecting, as a person can act on it: what is wrong and what to do.
 * Nothing was stored and nothing is retried: the owner fixes it and presses «Подключить» again.
 */
function platformError(e: unknown): never {
  if (isChannelError(e)) {
    const platform = e.channel === "vk" ? "VK" : "Telegram";
    if (e.kind === "auth" && e.channel === "vk") {
      throw badRequest(
        "channels.vkKeyRejected",
        "VK не принял ключ доступа: он неверный, отозван или создан для другого сообщества. Создайте новый ключ в «Управление → Работа с API» этого сообщества с правами на сообщения, фотографии и документы и вставьте его целиком",
      );
    }
    if (e.kind === "auth") {
      throw badRequest("channels.tokenRejected", "Telegram не принял токен: проверьте, что он скопирован из @BotFather целиком и бот не удалён. Если токен отозван, получите новый командой /token в @BotFather");
    }
    if (e.kind === "unavailable") {
      throw badRequest("channels.unreachable", `${platform} не отвечает серверу Threadline: канал не подключён. Попробуйте ещё раз через минуту; если не выйдет — сообщите администратору сервера, что у сервера нет связи с ${platform}`, { platform });
    }
    throw badRequest("channels.platformError", `${platform} отказал: ${e.reasonRu}. Канал не подключён — исправьте это и нажмите «Подключить» ещё раз`, { platform, reason: storedFailure(e.reason) });
  }
  throw e;
}

async function insertChannel(tx: Tx, member: Member, values: Omit<typeof channels.$inferInsert, "projectId">) {
  const existing = await tx.select({ id: channels.id }).from(channels).where(eq(channels.externalId, values.externalId));
  if (existing.some(Boolean)) throw conflict("channels.alreadyHere", "Этот канал уже подключён к проекту");
  try {
    const [row] = await tx.insert(channels).values({ ...values, projectId: member.projectId }).returning({ id: channels.id });
    return row!.id;
  } catch (e) {
    if ((e as { cause?: { code?: string } }).cause?.code === "23505") throw conflict("channels.elsewhere", "Этот канал уже подключён к другому проекту");
    throw e;
  }
}

/**
 * Connects a Telegram bot: checks the token with getMe, stores it encrypted, and points the bot's
 * webhook at this installation with a fresh secret token. Telegram is asked with no transaction
 * open; a webhook it refuses takes the stored channel away again.
 */
export async function connectTelegram(inTenant: InTenant, member: Member, ctx: ConnectContext, input: { token: string; delivery?: Delivery }) {
  const delivery = input.delivery ?? "webhook";
  const adapter = telegramAdapter(ctx.endpoints, input.token);
  const me = await adapter.describe().catch(platformError);
  const secret = randomBytes(24).toString("base64url");
  const id = await inTenant((tx) =>
    insertChannel(tx, member, {
      kind: "telegram",
      name: me.username ? `@${me.username}` : me.name,
      externalId: me.externalId,
      tokenEnc: encryptSecret(input.token, ctx.secretKey),
      webhookSecret: secret,
      settings: { delivery },
    }),
  );
  await undoOnFailure(inTenant, id, () => pointTelegram(adapter, ctx, { id, secret, delivery }));
  await inTenant((tx) => recordAudit(tx, { projectId: member.projectId, actorUserId: member.userId, action: "channel.connected", targetType: "channel", targetId: id, details: { kind: "telegram", name: me.name, delivery } }));
  return { id, name: me.name };
}

/**
 * Connects a VK community: checks the token, stores the confirmation string before VK's
 * handshake arrives (VK calls the URL to confirm it while the server is added, so the row is
 * committed first), then adds (or reuses) the Callback API server with a fresh secret. A polling
 * community needs no server (Long Poll is switched on in VK's settings).
 */
export async function connectVk(inTenant: InTenant, member: Member, ctx: ConnectContext, input: { token: string; groupId: number; delivery?: Delivery }) {
  const delivery = input.delivery ?? "webhook";
  const adapter = vkAdapter(ctx.endpoints, input.groupId, input.token);
  const me = await adapter.describe().catch(platformError);
  const confirmation = await adapter.fetchConfirmationCode().catch(platformError);
  const secret = randomBytes(24).toString("base64url").slice(0, 30);
  const id = await inTenant((tx) =>
    insertChannel(tx, member, {
      kind: "vk",
      name: me.name,
      externalId: String(input.groupId),
      tokenEnc: encryptSecret(input.token, ctx.secretKey),
      webhookSecret: secret,
      confirmation,
      settings: { delivery },
    }),
  );
  if (delivery === "webhook") await undoOnFailure(inTenant, id, () => adapter.registerWebhook({ url: `${ctx.workerUrl}/webhooks/vk/${id}`, secret }).catch((e: unknown) => Promise.reject(callbackRejected(e))));
  return { id, name: me.name };
}

/** A channel the platform would not point at us stays silent: it is taken away again. */
async function undoOnFailure(inTenant: InTenant, channelId: string, point: () => Promise<unknown>) {
  try {
    await point();
  } catch (e) {
    await inTenant((tx) => tx.delete(channels).where(eq(channels.id, channelId)));
    throw e;
  }
}

/** VK refused the Callback API address. */
export function callbackRejected(e: unknown) {
  const reason = isChannelError(e) ? e.reasonRu : (e as Error).message;
  const params = isChannelError(e) ? { reason: storedFailure(e.reason) } : { reason };
  return badRequest("channels.vkCallbackRejected", `VK не принял адрес для событий: ${reason}`, params);
}

// Telegram sends updates one way at a time: getUpdates is refused while a webhook is set.
async function pointTelegram(adapter: TelegramAdapter, ctx: ConnectContext, channel: { id: string; secret: string; delivery: Delivery }) {
  const pointed = channel.delivery === "webhook" ? adapter.registerWebhook({ url: `${ctx.workerUrl}/webhooks/telegram/${channel.id}`, secret: channel.secret }) : adapter.deleteWebhook();
  await pointed.catch(platformError);
}

/**
 * Switches how a channel receives, with no transaction open while the platform answers: Telegram's
 * webhook is set or removed first (a refusal changes nothing), then the switch is saved; for VK
 * the Callback API server is added after the switch is saved, as on connect (a refusal leaves the
 * switch saved and says why).
 */
export async function setChannelDelivery(inTenant: InTenant, member: Member, ctx: ConnectContext & { token: (tokenEnc: string) => string }, channelId: string, delivery: Delivery) {
  const [row] = await inTenant((tx) => tx.select().from(channels).where(eq(channels.id, channelId)));
  if (!row) throw notFound("channel");
  const before = (row.settings.delivery as Delivery | undefined) ?? "webhook";
  if (before === delivery) return { changed: false };
  if (row.kind === "telegram") await pointTelegram(telegramAdapter(ctx.endpoints, ctx.token(row.tokenEnc)), ctx, { id: row.id, secret: row.webhookSecret, delivery });
  await inTenant(async (tx) => {
    // A new polling session starts from the platform's present: the old cursor is dropped.
    await tx
      .update(channels)
      .set({ settings: sql`(${channels.settings} - 'pollCursor') || jsonb_build_object('delivery', ${delivery}::text)` })
      .where(eq(channels.id, channelId));
    await recordAudit(tx, { projectId: member.projectId, actorUserId: member.userId, action: "channel.delivery_changed", targetType: "channel", targetId: channelId, details: { name: row.name, from: before, to: delivery } });
  });
  if (row.kind === "vk" && delivery === "webhook") {
    const adapter = vkAdapter(ctx.endpoints, Number(row.externalId), ctx.token(row.tokenEnc));
    await adapter.registerWebhook({ url: `${ctx.workerUrl}/webhooks/vk/${row.id}`, secret: row.webhookSecret }).catch((e: unknown) => Promise.reject(callbackRejected(e)));
  }
  return { changed: true };
}

export async function setChannelState(tx: Tx, member: Member, channelId: string, state: "active" | "paused") {
  const [row] = await tx.update(channels).set({ state }).where(eq(channels.id, channelId)).returning({ id: channels.id, name: channels.name });
  if (!row) throw notFound("channel");
  await recordAudit(tx, { projectId: member.projectId, actorUserId: member.userId, action: state === "paused" ? "channel.paused" : "channel.resumed", targetType: "channel", targetId: channelId, details: { name: row.name } });
}
