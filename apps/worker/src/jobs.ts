import { Redis } from "ioredis";
import type { Env, Logger } from "@threadline/config";
import { createDb } from "@threadline/db";
import { endpointsFromEnv, redisPublisher, secretKeyringOf, storageFromEnv } from "@threadline/domain";
import { lowerCpuPriority } from "@threadline/pipeline";
import { composeWorker } from "@threadline/pipeline/worker";

/** The queue jobs: inbound storing, sends, media, the agent, lead timeouts, imports, housekeeping. */
export function startJobs(env: Env, logger: Logger) {
  lowerCpuPriority(env.WORKER_JOBS_NICE, logger);
  const db = createDb(env.APP_DATABASE_URL, { max: 20 });
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  const secretKey = secretKeyringOf(env);
  const worker = composeWorker({
    roles: ["jobs"],
    deps: { db, redis, secretKey, agentSecretKey: secretKey, endpoints: endpointsFromEnv(env), logger, publish: redisPublisher(redis), storage: storageFromEnv(env), staffAlerts: { inboxUrl: env.PUBLIC_INBOX_URL ?? `http://127.0.0.1:${env.INBOX_PORT}` } },
  });
  logger.info({ nice: env.WORKER_JOBS_NICE }, "jobs running");

  return {
    close: async () => {
      await worker.close();
      await db.$close();
      redis.disconnect();
    },
  };
}
