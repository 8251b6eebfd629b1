import { createServer } from "node:http";
import express from "express";
import { Redis } from "ioredis";
import type { Env, Logger } from "@threadline/config";
import { appDatabaseUrl, createDb } from "@threadline/db";
import { createQueues } from "@threadline/pipeline/jobs";
import { ChannelDirectory, startPollers, webhookRouter } from "@threadline/pipeline";

/**
 * Everything that brings platform events in: the public webhook endpoints, which ack as soon as
 * the events are queued, and the long-polling loops of channels without a public address.
 */
export function startIngress(env: Env, logger: Logger, health: () => Record<string, unknown> = () => ({})) {
  // Channel settings (cached) and the pollers' scans are all this process reads.
  const db = createDb(appDatabaseUrl(env.DATABASE_URL, env.APP_DATABASE_PASSWORD, env.APP_DATABASE_URL), { max: 4 });
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  const queues = createQueues(redis);
  const channels = new ChannelDirectory(db, env.SECRET_KEY);
  const pollers = startPollers({ db, channels, redis, enqueueInbound: queues.enqueueInbound, logger });

  const app = express();
  app.disable("x-powered-by");
  // The ingress is healthy while it answers, whatever the jobs do: their events wait in Redis.
  app.get("/healthz", (_req, res) => void res.json({ ok: true, ...health() }));
  app.use(webhookRouter({ channels, enqueueInbound: queues.enqueueInbound, logger }));
  const server = createServer(app);
  server.listen(env.WORKER_PORT, env.HOST, () => logger.info({ port: env.WORKER_PORT }, "worker listening"));

  return {
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await pollers.close();
      await queues.close();
      await db.$close();
      redis.disconnect();
    },
  };
}
