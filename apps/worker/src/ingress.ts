import { createServer } from "node:http";
import express from "express";
import type { Env, Logger } from "@threadline/config";
import { createDb } from "@threadline/db";
import { connectRedis, endpointsFromEnv, secretKeyringOf } from "@threadline/domain";
import { composeWorker } from "@threadline/pipeline/worker";

/**
 * Everything that brings platform events in: the public webhook endpoints, which ack as soon as
 * the events are queued, and the long-polling loops of channels without a public address.
 */
export function startIngress(env: Env, logger: Logger, health: () => Record<string, unknown> = () => ({})) {
  // Channel settings (cached) and the pollers' scans are all this process reads.
  const db = createDb(env.APP_DATABASE_URL, { max: 4 });
  const redis = connectRedis(env.redis, { maxRetriesPerRequest: null });
  const worker = composeWorker({ roles: ["ingress"], deps: { db, redis, secretKey: secretKeyringOf(env), endpoints: endpointsFromEnv(env), logger } });

  const app = express();
  app.disable("x-powered-by");
  // The ingress is healthy while it answers, whatever the jobs do: their events wait in Redis.
  app.get("/healthz", (_req, res) => void res.json({ ok: true, ...health() }));
  app.use(worker.router!);
  const server = createServer(app);
  server.listen(env.WORKER_PORT, env.HOST, () => logger.info({ port: env.WORKER_PORT }, "worker listening"));

  return {
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await worker.close();
      await db.$close();
      redis.disconnect();
    },
  };
}
