import { fileURLToPath } from "node:url";
import { createLogger, loadEnv } from "@threadline/config";
import { connectRedis } from "@threadline/domain";
import { redisWarnings } from "@threadline/pipeline/jobs";
import { startIngress } from "./ingress.ts";
import { startJobs } from "./jobs.ts";
import { startJobHealth } from "./health.ts";
import { superviseChild } from "./supervise.ts";

// One worker, several processes: the ingress answers the platforms' webhooks; the job processes
// store inbound messages (inbound), run the agent (agent) and send, fetch and import (delivery).
// Kept apart, a busy job never delays an ack, and a busy agent never delays a client's message on
// its way to the inbox: each job process yields the CPU by its role's nice. WORKER_ROLE runs one
// of them alone, e.g. to scale the jobs on other machines; "all" (the default) runs the ingress
// here and each job role in a child process it restarts if it dies.
const env = loadEnv();
const role = env.WORKER_ROLE;
const logger = createLogger(role === "all" || role === "ingress" ? "worker" : `worker-${role}`, env.LOG_LEVEL);
for (const warning of env.warnings) logger.warn(warning);
if (role === "all" || role === "ingress" || role === "jobs") {
  // The queues' Redis must never evict a key (one process of the deployment says so).
  const probe = connectRedis(env.redis, { maxRetriesPerRequest: 1, lazyConnect: true });
  void redisWarnings(probe)
    .then((warnings) => warnings.forEach((w) => logger.warn(w)))
    .finally(() => probe.disconnect());
}

const parts: { close: () => Promise<void> }[] = [];
let closing = false;
if (role !== "all" && role !== "ingress") {
  const jobs = startJobs(env, logger, role);
  parts.push(jobs);
  // A job-only process has no webhook port: its health check is its own, when asked for.
  if (env.WORKER_HEALTH_PORT) {
    const health = startJobHealth({ role, port: env.WORKER_HEALTH_PORT, host: env.HOST, ping: jobs.ping, stopping: () => closing });
    health.then(() => logger.info({ port: env.WORKER_HEALTH_PORT }, "health check listening"), (err: unknown) => logger.error({ err }, "health check port not opened"));
    parts.push({ close: () => health.then((server) => new Promise<void>((resolve) => server.close(() => resolve())), () => undefined) });
  }
} else {
  const entry = fileURLToPath(import.meta.url);
  const children = role === "all" ? (["inbound", "delivery", "agent"] as const).map((r) => ({ role: r, child: superviseChild({ entry, env: { WORKER_ROLE: r }, name: r, logger }) })) : [];
  // /healthz also says whether each job process runs and how often it has been started.
  const health = () => (children.length ? { jobs: Object.fromEntries(children.map(({ role: r, child }) => [r, { running: child.pid !== null, starts: child.starts }])) } : {});
  parts.push(startIngress(env, logger, health));
  for (const { child } of children) parts.push({ close: () => child.stop() });
}

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
