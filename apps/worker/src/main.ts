import { fileURLToPath } from "node:url";
import { createLogger, loadEnv } from "@threadline/config";
import { startIngress } from "./ingress.ts";
import { startJobs } from "./jobs.ts";
import { superviseChild } from "./supervise.ts";

// One worker, two processes: the ingress answers the platforms' webhooks and the jobs store,
// send and run the agent. Kept apart, a busy job never delays an ack, and the jobs process can
// yield the CPU to the ingress (WORKER_JOBS_NICE). WORKER_ROLE runs one of them alone, e.g. to
// scale the jobs on other machines; "all" (the default) runs the ingress here and the jobs in a
// child process it restarts if it dies.
const env = loadEnv();
const logger = createLogger(env.WORKER_ROLE === "jobs" ? "worker-jobs" : "worker", env.LOG_LEVEL);
for (const warning of env.warnings) logger.warn(warning);

const parts: { close: () => Promise<void> }[] = [];
if (env.WORKER_ROLE === "jobs") parts.push(startJobs(env, logger));
else {
  const jobs = env.WORKER_ROLE === "all" ? superviseChild({ entry: fileURLToPath(import.meta.url), env: { WORKER_ROLE: "jobs" }, name: "jobs", logger }) : null;
  // /healthz also says whether the job process runs and how often it has been started.
  parts.push(startIngress(env, logger, () => (jobs ? { jobs: { running: jobs.pid !== null, starts: jobs.starts } } : {})));
  if (jobs) parts.push({ close: () => jobs.stop() });
}

let closing = false;
function shutDown() {
  if (closing) return;
  closing = true;
  void Promise.all(parts.map((p) => p.close()))
    .catch((err: unknown) => logger.error({ err }, "shutdown failed"))
    .finally(() => process.exit(0));
}
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, shutDown);
// A supervised child stops with its parent, however the parent ended.
if (process.send) process.on("disconnect", shutDown);
