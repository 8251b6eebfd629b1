import { Redis } from "ioredis";
import type { Env, Logger } from "@threadline/config";
import { appDatabaseUrl, createDb } from "@threadline/db";
import { redisPublisher, storageFromEnv } from "@threadline/domain";
import { createQueues } from "@threadline/pipeline/jobs";
import { ChannelDirectory, lowerCpuPriority, startWorkers } from "@threadline/pipeline";
import { startImportWorker } from "@threadline/pipeline/import";

/** The queue jobs: inbound storing, sends, media, the agent, lead timeouts, imports, housekeeping. */
export function startJobs(env: Env, logger: Logger) {
  lowerCpuPriority(env.WORKER_JOBS_NICE, logger);
  const db = createDb(appDatabaseUrl(env.DATABASE_URL, env.APP_DATABASE_PASSWORD, env.APP_DATABASE_URL), { max: 20 });
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  const queues = createQueues(redis);
  const channels = new ChannelDirectory(db, env.SECRET_KEY);
  const publish = redisPublisher(redis);
  const storage = storageFromEnv(env);

  const workers = startWorkers({ db, publish, channels, storage, connection: redis, logger, enqueueMedia: queues.enqueueMedia, secretKey: env.SECRET_KEY });
  // History imports: one run at a time per job, resumed from the run's cursor after any crash.
  const imports = startImportWorker({ db, channels, publish, connection: redis, logger, enqueueMedia: queues.enqueueMedia });
  logger.info({ nice: env.WORKER_JOBS_NICE }, "jobs running");

  return {
    close: async () => {
      await Promise.all([workers.close(), imports.close()]);
      await queues.close();
      await db.$close();
      redis.disconnect();
    },
  };
}
