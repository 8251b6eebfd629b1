import type { Env, Logger } from "@threadline/config";
import { createDb } from "@threadline/db";
import { connectRedis, endpointsFromEnv, redisPublisher, secretKeyringOf, storageFromEnv } from "@threadline/domain";
import { jobRoleNice, lowerCpuPriority } from "@threadline/pipeline";
import { composeWorker } from "@threadline/pipeline/worker";

export type JobRole = "jobs" | "inbound" | "agent" | "delivery";

/** Queue jobs of one role (or all of them): inbound storing, sends, media, the agent, lead timeouts, imports, housekeeping. */
export function startJobs(env: Env, logger: Logger, role: JobRole = "jobs") {
  const nice = jobRoleNice(env, role);
  if (nice > 0) lowerCpuPriority(nice, logger);
  const db = createDb(env.APP_DATABASE_URL, { max: 20 });
  const redis = connectRedis(env.redis, { maxRetriesPerRequest: null });
  const secretKey = secretKeyringOf(env);
  const worker = composeWorker({
    roles: [role],
    deps: { db, redis, secretKey, agentSecretKey: secretKey, endpoints: endpointsFromEnv(env), logger, publish: redisPublisher(redis), storage: storageFromEnv(env), staffAlerts: { inboxUrl: env.PUBLIC_INBOX_URL ?? `http://127.0.0.1:${env.INBOX_PORT}` } },
  });
  logger.info({ role, nice }, "jobs running");

  return {
    /** Whether the process can take jobs: its Redis answers. */
    ping: () => redis.ping(),
    close: async () => {
      // Workers finish their running jobs (BullMQ's close waits for them) before the connections go.
      await worker.close();
      await db.$close();
      redis.disconnect();
    },
  };
}
