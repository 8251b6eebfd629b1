// A product process for the benchmarks, wired as apps/worker's two processes (composeWorker: the
// ingress; the BullMQ jobs, at the CPU priority the jobs process gives itself) and the inbox
// server's Socket.IO (attachRealtime) are, on the benchmark's own database and queue prefix.
// Started by stack.ts as a child process; reports its port and CPU use over IPC.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import express from "express";
import { Redis } from "ioredis";
import { createLogger, loadEnv } from "@threadline/config";
import { createDb } from "@threadline/db";
import { endpointsFromEnv, LocalDiskStorage, redisPublisher, type SecretKeyring } from "@threadline/domain";
import { DEFAULT_CONCURRENCY, jobRoleNice, lowerCpuPriority } from "@threadline/pipeline";
import { composeWorker, type WorkerRole } from "@threadline/pipeline/worker";
import { attachRealtime } from "@threadline/api/realtime";

export type ServerRole = "ingress" | "jobs" | "inbound" | "agent" | "delivery" | "realtime";
export type ServerConfig = {
  roles: ServerRole[];
  appUrl: string;
  redisUrl: string;
  prefix: string;
  secretKey: SecretKeyring;
  storageDir: string;
  /** 0: startWorkers' defaults, as apps/worker runs it. */
  inboundConcurrency: number;
  dbPool: number;
};

export type ServerMessage =
  | { type: "ready"; port: number | null }
  | { type: "stats"; cpuUserMs: number; cpuSystemMs: number; elapsedMs: number; loopP99Ms: number; loopMaxMs: number; rssMb: number };

const config = JSON.parse(process.env.BENCH_SERVER_CONFIG ?? "null") as ServerConfig | null;
if (!config) throw new Error("BENCH_SERVER_CONFIG is required (started by bench/src/stack.ts)");

const logger = createLogger(`bench-${config.roles.join("+")}`, "warn");
const db = createDb(config.appUrl, { max: config.dbPool });
const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
const closers: (() => Promise<unknown>)[] = [];

// A job role alone in its process, as apps/worker runs it: it yields the CPU by its role's nice
// (inbound storing first, the agent last). With the ingress in the same process (--layout one)
// there is nothing to yield to. Like the product, it reads WORKER_*_NICE.
const jobRole = config.roles.length === 1 ? config.roles.find((r) => r === "jobs" || r === "inbound" || r === "agent" || r === "delivery") : undefined;
if (jobRole) {
  const nice = jobRoleNice(loadEnv(), jobRole);
  if (nice > 0) lowerCpuPriority(nice, logger);
}
// The ingress and the jobs as apps/worker composes them; the benchmark's channels take webhooks,
// so no polling loops. apps/worker runs the jobs at their default concurrency; only the inbound
// one is varied here.
const roles = config.roles.filter((r): r is WorkerRole => r !== "realtime");
const worker = composeWorker({
  roles,
  deps: {
    db,
    redis,
    prefix: config.prefix,
    secretKey: config.secretKey,
    agentSecretKey: config.secretKey,
    // The platforms' addresses come from the environment the stack set, as apps/worker reads them.
    endpoints: endpointsFromEnv(loadEnv()),
    logger,
    polling: false,
    publish: redisPublisher(redis),
    storage: new LocalDiskStorage(config.storageDir),
    concurrency: config.inboundConcurrency ? { ...DEFAULT_CONCURRENCY, inbound: config.inboundConcurrency } : undefined,
  },
});

const server = createServer();
if (worker.router) {
  const app = express();
  app.disable("x-powered-by");
  app.use(worker.router);
  server.on("request", app);
}
if (config.roles.includes("realtime")) {
  const realtime = attachRealtime(server, { db, redis: config.redisUrl, logger });
  closers.push(() => realtime.close());
}

const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
let cpuStart = process.cpuUsage();
let wallStart = performance.now();

process.on("message", (msg: { type: string }) => {
  if (msg.type === "reset-stats") {
    cpuStart = process.cpuUsage();
    wallStart = performance.now();
    loop.reset();
  } else if (msg.type === "stats") {
    const cpu = process.cpuUsage(cpuStart);
    const stats: ServerMessage = {
      type: "stats",
      cpuUserMs: cpu.user / 1000,
      cpuSystemMs: cpu.system / 1000,
      elapsedMs: performance.now() - wallStart,
      loopP99Ms: loop.percentile(99) / 1e6,
      loopMaxMs: loop.max / 1e6,
      rssMb: process.memoryUsage().rss / 2 ** 20,
    };
    process.send?.(stats);
  } else if (msg.type === "stop") {
    server.close();
    void Promise.all([...closers.map((c) => c()), worker.close()])
      .then(() => db.$close())
      .finally(() => {
        redis.disconnect();
        process.exit(0);
      });
  }
});

const listens = config.roles.includes("ingress") || config.roles.includes("realtime");
if (listens) {
  server.listen(0, "127.0.0.1", () => process.send?.({ type: "ready", port: (server.address() as AddressInfo).port } satisfies ServerMessage));
} else {
  // Workers only: ready once the inbound worker is connected to Redis.
  void redis.ping().then(() => process.send?.({ type: "ready", port: null } satisfies ServerMessage));
}
// A parent that dies takes its children with it.
process.on("disconnect", () => process.exit(0));
