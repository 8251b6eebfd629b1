import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { createLogger } from "@threadline/config";
import { createDb } from "@threadline/db";
import { LocalDiskStorage, redisPublisher, type Endpoints } from "@threadline/domain";
import { composeWorker, type WorkerRole } from "../index.ts";

// One job process composed as apps/worker composes its children, on a test environment's
// database and queue prefix (JOBS_PROCESS_CONFIG): for tests that need several processes, e.g.
// to see that their rate limits are shared. Says "ready" on stdout; stops on SIGTERM.

type Config = { appUrl: string; redisUrl: string; prefix: string; secretKey: string; endpoints: Endpoints; roles: WorkerRole[] };
const config = JSON.parse(process.env.JOBS_PROCESS_CONFIG ?? "null") as Config | null;
if (!config) throw new Error("JOBS_PROCESS_CONFIG is required");

const db = createDb(config.appUrl, { max: 4 });
const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
const worker = composeWorker({
  roles: config.roles,
  deps: {
    db,
    redis,
    prefix: config.prefix,
    secretKey: config.secretKey,
    endpoints: config.endpoints,
    logger: createLogger("test-jobs", "warn"),
    polling: false,
    publish: redisPublisher(redis),
    storage: new LocalDiskStorage(await mkdtemp(join(tmpdir(), "tl-jobs-"))),
  },
});
await redis.ping();
process.stdout.write("ready\n");
process.on("SIGTERM", () => {
  void worker
    .close()
    .then(() => db.$close())
    .finally(() => {
      redis.disconnect();
      process.exit(0);
    });
});
