import express, { type Request, type Response } from "express";
import { isChannelError, verifyAndParseTelegramUpdate, verifyAndParseVkCallback, type ChannelEvent } from "@threadline/channels";
import type { Logger } from "@threadline/config";
import { timingSafeEqual } from "node:crypto";
import { SECRET_TOKEN_HEADER } from "@threadline/channels";
import type { Db } from "@threadline/db";
import type { SecretKeyring } from "@threadline/domain/crypto.ts";
import type { Endpoints } from "@threadline/domain/endpoints.ts";
import { answerStart, staffBotForWebhook } from "@threadline/domain/staff/alerts.ts";
import type { InboundJob } from "../jobs/index.ts";
import type { ChannelDirectory } from "./channels.ts";
import { paymentWebhookRoutes, type PaymentIngressDeps } from "./payments-ingress.ts";

// Platforms send small JSON updates; anything larger is not one of theirs.
export const MAX_WEBHOOK_BODY = "256kb";

export type IngressDeps = {
  channels: ChannelDirectory;
  enqueueInbound: (job: InboundJob) => Promise<unknown>;
  logger: Logger;
  /** Payment providers' notifications (/webhooks/yookassa|stripe/:accountId). */
  payments?: Omit<PaymentIngressDeps, "logger">;
  /** The projects' staff-notification bots (members link their Telegram with /start <token>). */
  staffBots?: { db: Db; secretKey: SecretKeyring; endpoints: Readonly<Endpoints> };
};

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== "string") return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Webhook endpoints: verify the source, answer VK's confirmation, enqueue each event with a
 * deterministic job id, ack fast. Nothing is stored here; forged or malformed input gets a 4xx.
 */
export function webhookRouter(deps: IngressDeps) {
  const router = express.Router();
  const json = express.json({ limit: MAX_WEBHOOK_BODY, strict: false, type: () => true });

  async function enqueueAll(channel: { id: string; projectId: string; kind: "vk" | "telegram" }, events: ChannelEvent[]) {
    await Promise.all(events.map((event) => deps.enqueueInbound({ channelId: channel.id, projectId: channel.projectId, kind: channel.kind, event })));
  }

  function fail(res: Response, err: unknown, channelId: string) {
    if (isChannelError(err)) {
      deps.logger.warn({ channelId, kind: err.kind, msg: err.message }, "webhook rejected");
      res.status(err.httpStatus).json({ error: err.message });
      return;
    }
    deps.logger.error({ err, channelId }, "webhook failed");
    res.status(503).json({ error: "temporarily unavailable" });
  }

  router.post("/webhooks/vk/:channelId", json, async (req: Request, res: Response) => {
    const channelId = String(req.params.channelId);
    try {
      const channel = await deps.channels.get(channelId);
      if (!channel || channel.kind !== "vk") {
        res.status(404).json({ error: "unknown channel" });
        return;
      }
      const result = verifyAndParseVkCallback({
        body: req.body,
        channel: { groupId: Number(channel.externalId), secret: channel.webhookSecret, confirmation: channel.confirmation ?? "" },
      });
      if (result.kind === "confirmation") {
        res.type("text/plain").send(result.text);
        return;
      }
      if (result.kind === "events") await enqueueAll(channel, result.events);
      // VK redelivers anything not answered with exactly "ok".
      res.type("text/plain").send("ok");
    } catch (err) {
      fail(res, err, channelId);
    }
  });

  router.post("/webhooks/telegram/:channelId", json, async (req: Request, res: Response) => {
    const channelId = String(req.params.channelId);
    try {
      const channel = await deps.channels.get(channelId);
      if (!channel || channel.kind !== "telegram") {
        res.status(404).json({ error: "unknown channel" });
        return;
      }
      const result = verifyAndParseTelegramUpdate({ headers: req.headers, body: req.body, channel: { secret: channel.webhookSecret } });
      if (result.kind === "events") await enqueueAll(channel, result.events);
      res.json({ ok: true });
    } catch (err) {
      fail(res, err, channelId);
    }
  });

  if (deps.payments) paymentWebhookRoutes(router, { ...deps.payments, logger: deps.logger });
  // A project's staff bot: only /start <token> means anything. Acked first; the answer follows.
  router.post("/webhooks/staff-bot/:projectId", json, async (req: Request, res: Response) => {
    const projectId = String(req.params.projectId);
    const staff = deps.staffBots;
    try {
      const bot = staff && uuidPattern.test(projectId) ? await staffBotForWebhook(staff.db, projectId, staff) : null;
      if (!bot) return void res.status(404).json({ error: "unknown bot" });
      if (!sameSecret(req.headers[SECRET_TOKEN_HEADER], bot.secret)) return void res.status(401).json({ error: "bad secret" });
      res.json({ ok: true });
      const message = (req.body as { message?: { text?: unknown; chat?: { id?: unknown }; from?: { username?: unknown } } } | null)?.message;
      const start = typeof message?.text === "string" ? /^\/start\s+([\w-]{10,100})$/.exec(message.text.trim()) : null;
      const chatId = message?.chat?.id;
      if (!start || (typeof chatId !== "number" && typeof chatId !== "string")) return;
      const username = typeof message?.from?.username === "string" ? message.from.username : null;
      await answerStart(staff!.db, projectId, bot.adapter, { token: start[1]!, chatId: String(chatId), username });
    } catch (err) {
      if (res.headersSent) deps.logger.warn({ err, projectId }, "staff bot answer failed");
      else fail(res, err, projectId);
    }
  });

  // Malformed JSON and oversized bodies are the sender's fault: 400 / 413, never a 500.
  router.use((err: { type?: string; status?: number }, _req: Request, res: Response, next: (e?: unknown) => void) => {
    if (err?.type === "entity.too.large") return void res.status(413).json({ error: "body too large" });
    if (err?.type === "entity.parse.failed") return void res.status(400).json({ error: "malformed JSON" });
    next(err);
  });
  return router;
}
