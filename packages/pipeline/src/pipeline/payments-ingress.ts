import express, { type Request, type Response, type Router } from "express";
import type { Logger } from "@threadline/config";
import type { Db, PaymentProvider } from "@threadline/db";
import type { SecretKeyring } from "@threadline/domain/crypto.ts";
import type { Endpoints } from "@threadline/domain/endpoints.ts";
import { DomainError } from "@threadline/domain/errors.ts";
import type { PaymentJob } from "@threadline/domain/job-payloads.ts";
import { accountForWebhook, gatewayFor } from "@threadline/domain/payments/accounts.ts";
import { PaymentNotificationError, PaymentProviderError } from "@threadline/domain/payments/gateway.ts";

// Payment notifications are small JSON documents; anything larger is not one.
export const MAX_PAYMENT_WEBHOOK_BODY = "64kb";
/** How long the ingress waits for YooKassa while it reads a notified payment again. */
export const PAYMENT_VERIFY_TIMEOUT_MS = 10_000;

export type PaymentIngressDeps = {
  db: Db;
  secretKey: SecretKeyring;
  endpoints: Readonly<Endpoints>;
  enqueuePayment: (job: PaymentJob) => Promise<unknown>;
  logger: Logger;
};

/**
 * POST /webhooks/yookassa/:accountId and /webhooks/stripe/:accountId: the account by its id, the
 * notification verified by its provider's rule on the raw body (Stripe's signature; YooKassa's
 * payment read again from the API with the account's keys), then queued with a deterministic id
 * and acknowledged. Nothing is stored here. An unknown account, a forged or malformed
 * notification gets a 4xx; a provider that cannot be asked right now, a 503 (it sends again).
 */
export function paymentWebhookRoutes(router: Router, deps: PaymentIngressDeps): void {
  const raw = express.raw({ limit: MAX_PAYMENT_WEBHOOK_BODY, type: () => true });

  const handle = (provider: PaymentProvider) => async (req: Request, res: Response) => {
    const accountId = String(req.params.accountId);
    try {
      const account = await accountForWebhook(deps.db, accountId);
      if (!account || account.provider !== provider) {
        res.status(404).json({ error: "unknown account" });
        return;
      }
      if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
        res.status(400).json({ error: "empty body" });
        return;
      }
      const gateway = gatewayFor(account, { secretKey: deps.secretKey, endpoints: deps.endpoints, timeoutMs: PAYMENT_VERIFY_TIMEOUT_MS });
      const update = await gateway.verifyNotification({ body: req.body, headers: req.headers });
      if (update) await deps.enqueuePayment({ projectId: account.projectId, accountId: account.id, update });
      res.json({ ok: true });
    } catch (err) {
      if (err instanceof PaymentNotificationError) {
        deps.logger.warn({ accountId, provider, msg: err.message }, "payment notification rejected");
        res.status(err.httpStatus).json({ error: err.message });
        return;
      }
      // The provider could not be asked, or the keys were saved for another API address: the
      // provider sends the notification again later.
      if (err instanceof PaymentProviderError || err instanceof DomainError) deps.logger.warn({ accountId, provider, msg: err.message }, "payment notification not verified yet");
      else deps.logger.error({ err, accountId, provider }, "payment notification failed");
      res.status(503).json({ error: "temporarily unavailable" });
    }
  };

  router.post("/webhooks/yookassa/:accountId", raw, handle("yookassa"));
  router.post("/webhooks/stripe/:accountId", raw, handle("stripe"));
}
