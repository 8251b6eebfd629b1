import { createLogger, type Env } from "@threadline/config";
import { createDb } from "@threadline/db";
import { secretKeyringOf } from "@threadline/domain/crypto.ts";
import { parseTrustProxy } from "@threadline/domain/client-ip.ts";
import { endpointsFromEnv } from "@threadline/domain/endpoints.ts";
import { redisPublisher } from "@threadline/domain/events.ts";
import { connectRedis } from "@threadline/domain/redis.ts";
import { createQueues } from "@threadline/pipeline/jobs/index.ts";
import { storageFromEnv } from "@threadline/domain/storage.ts";
import type { ServerDeps } from "../trpc/context.ts";

/** The dependencies a web app process builds once at start-up from its environment. */
export function createServerDeps(env: Env, service: string): ServerDeps & { close: () => Promise<void> } {
  const trustProxy = parseTrustProxy(env.TRUST_PROXY);
  const db = createDb(env.APP_DATABASE_URL);
  const redis = connectRedis(env.redis, { maxRetriesPerRequest: 3 });
  const queues = createQueues(connectRedis(env.redis, { maxRetriesPerRequest: null }));
  const local = (port: number) => `http://${env.HOST}:${port}`;
  const logger = createLogger(service, env.LOG_LEVEL);
  for (const warning of env.warnings) logger.warn(warning);
  return {
    db,
    redis,
    publish: redisPublisher(redis),
    logger,
    secretKey: secretKeyringOf(env),
    cookieSecure: env.COOKIE_SECURE,
    trustProxy,
    urls: { inbox: env.PUBLIC_INBOX_URL ?? local(env.INBOX_PORT), admin: env.PUBLIC_ADMIN_URL ?? local(env.ADMIN_PORT), worker: env.PUBLIC_WORKER_URL ?? local(env.WORKER_PORT) },
    endpoints: endpointsFromEnv(env),
    jobs: queues,
    storage: storageFromEnv(env),
    close: async () => {
      await queues.close();
      redis.disconnect();
      await db.$close();
    },
  };
}
