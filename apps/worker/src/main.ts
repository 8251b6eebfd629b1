import { createServer } from "node:http";
import express from "express";
import { Redis } from "ioredis";
import { createLogger, loadEnv } from "@threadline/config";
import { appDatabaseUrl, createDb } from "@threadline/db";
import { redisPublisher, storageFromEnv } from "@threadline/core";
import { createQueues } from "@threadline/core/jobs";
import { ChannelDirectory, startPollers, startWorkers, webhookRouter } from "@threadline/core/pipeline";
import { startImportWorker } from "@threadline/core/import";

const env = loadEnv();
const logger = createLogger("worker", env.LOG_LEVEL);
const db = createDb(appDatabaseUrl(env.DATABASE_URL, env.APP_DATABASE_PASSWORD, env.APP_DATABASE_URL), { max: 20 });
const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
const queues = createQueues(redis);
const channels = new ChannelDirectory(db, env.SECRET_KEY);
const publish = redisPublisher(redis);
const storage = storageFromEnv(env);

const workers = startWorkers({ db, publish, channels, storage, connection: redis, logger, enqueueMedia: queues.enqueueMedia, secretKey: env.SECRET_KEY });

// History imports: one run at a time per job, resumed from the run's cursor after any crash.
const imports = startImportWorker({ db, channels, publish, connection: redis, logger, enqueueMedia: queues.enqueueMedia });

// Channels without a public address: their updates are fetched by long polling into the same queue.
const pollers = startPollers({ db, channels, redis, enqueueInbound: queues.enqueueInbound, logger });

// Ingress: the public webhook endpoints. Acks as soon as the events are queued.
const app = express();
app.disable("x-powered-by");
app.get("/healthz", (_req, res) => void res.json({ ok: true }));
app.use(webhookRouter({ channels, enqueueInbound: queues.enqueueInbound, logger }));
const server = createServer(app);
server.listen(env.WORKER_PORT, env.HOST, () => logger.info({ port: env.WORKER_PORT }, "worker listening"));

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    server.close();
    void Promise.all([workers.close(), imports.close(), pollers.close()])
      .then(() => queues.close())
      .then(() => db.$close())
      .finally(() => process.exit(0));
  });
}
