import { Redis } from "ioredis";
import { createLogger, type Env } from "@threadline/config";
import { appDatabaseUrl, createDb } from "@threadline/db";
import { redisPublisher } from "@threadline/domain/events.ts";
import { createQueues } from "@threadline/pipeline/jobs";
import { storageFromEnv } from "@threadline/domain/storage.ts";
import type { ServerDeps } from "../trpc/context.ts";

/** The dependencies a web app process builds once at start-up from its environment. */
export function createServerDeps(env: Env, service: string): ServerDeps & { close: () => Promise<void> } {
  const db = createDb(appDatabaseUrl(env.DATABASE_URL, env.APP_DATABASE_PASSWORD, env.APP_DATABASE_URL));
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 3 });
  const queues = createQueues(new Redis(env.REDIS_URL, { maxRetriesPerRequest: null }));
  const local = (port: number) => `http://${env.HOST}:${port}`;
  return {
    db,
    redis,
    publish: redisPublisher(redis),
    logger: createLogger(service, env.LOG_LEVEL),
    secretKey: env.SECRET_KEY,
    cookieSecure: env.COOKIE_SECURE,
    urls: { inbox: env.PUBLIC_INBOX_URL ?? local(env.INBOX_PORT), admin: env.PUBLIC_ADMIN_URL ?? local(env.ADMIN_PORT), worker: env.PUBLIC_WORKER_URL ?? local(env.WORKER_PORT) },
    jobs: queues,
    storage: storageFromEnv(env),
    close: async () => {
      await queues.close();
      redis.disconnect();
      await db.$close();
    },
  };
}
