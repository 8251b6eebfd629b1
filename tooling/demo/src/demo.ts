// `npm run demo`: the whole product on this machine, from a fresh clone, with one command.
// Postgres (embedded unless DATABASE_URL is set) → Redis (redis-server unless REDIS_URL is set) →
// migrations → demo data → builds → inbox, admin, worker, docs. Ctrl-C stops everything.
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import exitHook from "async-exit-hook";
import { ConfigError, loadEnv, loadOwnerEnv } from "@threadline/config";
import { endpointsFromEnv, seedDemo, type DemoAccount } from "@threadline/domain";
import { storageFromEnv } from "@threadline/domain/storage.ts";
import { createQueues } from "@threadline/pipeline/jobs";
import { appDatabaseUrl, createDb, migrate } from "@threadline/db";
import { buildApps, needsBuild, type BuiltApp } from "./build.ts";
import { LaunchError, describeError } from "./errors.ts";
import { dataDir, logsDir, shownPath } from "./paths.ts";
import { portIsFree } from "./ports.ts";
import { startPostgres } from "./postgres.ts";
import { ProcessLedger, ownProcessGroup, processAlive, stopAllStarted } from "./processes.ts";
import { requireRedisServer, startRedis } from "./redis.ts";
import { SERVICE_NAMES, launcherEnvironment, serviceEnv, startServices, stopServices, type RunningService, type ServiceName, type ServicePorts } from "./services.ts";
import { Teardown } from "./teardown.ts";
import { startDemoSimulators, startDemoWorld } from "./world.ts";

const verbose = process.env.DEMO_VERBOSE === "1";
const teardown = new Teardown();
let stopping: Promise<void> | undefined;
/** Settles when the start-up sequence has ended: finished, failed or given up after an interruption. */
let startUpEnded: Promise<void> = Promise.resolve();
/** How long a stop waits for a start-up step in flight (Postgres starting, migrations) to end. */
const STEP_WAIT_MS = 60_000;

/** Thrown between start-up steps once a stop has begun: nothing more is started. */
class Interrupted extends Error {}

function checkpoint() {
  if (stopping) throw new Interrupted("interrupted");
}

function step(text: string) {
  console.log(`› ${text}`);
}

/**
 * Stops what was started, then exits. Safe to call more than once, at any moment: a stop during
 * start-up ends the child processes at once (builds, services coming up), lets the step in flight
 * finish or fail (the sequence starts nothing after it), then stops everything in reverse order.
 */
function shutDown(code: number, reason?: string): Promise<void> {
  stopping ??= (async () => {
    if (reason) console.log(`\n${reason}`);
    await stopAllStarted();
    await Promise.race([startUpEnded, sleep(STEP_WAIT_MS)]);
    const problems = [...(await teardown.run()), ...(await teardown.settleLate())];
    await stopAllStarted(); // Anything a step started after the first sweep.
    for (const p of problems) console.error(`Could not stop ${p}`);
    if (reason) console.log("Stopped.");
    process.exit(problems.length && code === 0 ? 1 : code);
  })();
  return stopping;
}

// Ctrl-C, SIGTERM, SIGHUP: the first signal starts the stop; later ones (a terminal and npm both
// pass Ctrl-C on) find it under way. The embedded Postgres package exits through the same hook,
// so the process ends only once both have finished (or after the limit below).
exitHook((done) => {
  if (typeof done !== "function") return; // Plain exit: process groups are killed on the way out.
  void shutDown(0, "Stopping…").finally(done);
});
exitHook.forceExitTimeout(STEP_WAIT_MS + 60_000);

// `npm run demo` runs this file through npm → sh → npm → sh → node with tsx as a loader (not the
// tsx command: it relays signals to a child of its own and kills that child with SIGKILL when it
// does not report a signal within a few milliseconds, which left everything else running). A SIGTERM sent to the first npm
// alone (a supervisor's `kill`) ends npm and the first shell but never reaches this process. The
// first npm leads the process group of the job, so when the group's leader is gone, the job is over.
function stopWhenJobEnds() {
  const leader = ownProcessGroup();
  if (!leader || leader === process.pid) return;
  const timer = setInterval(() => {
    if (!processAlive(leader)) {
      clearInterval(timer);
      void shutDown(0, "The command that started the demo has ended. Stopping…");
    }
  }, 1_000);
  timer.unref();
}

/** Services' own output: quiet unless DEMO_VERBOSE=1; errors from their JSON logs are shown. */
function showServiceLine(service: ServiceName, line: string, stream: "stdout" | "stderr") {
  if (verbose) {
    (stream === "stderr" ? process.stderr : process.stdout).write(`[${service}] ${line}\n`);
    return;
  }
  if (!line.startsWith("{")) return;
  try {
    const record = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
    if ((record.level ?? 0) >= 50) {
      console.error(`[${service}] ${record.msg ?? ""}${record.err?.message ? `: ${record.err.message}` : ""}`);
    }
  } catch {
    // Not a log record.
  }
}

async function checkPorts(ports: ServicePorts) {
  const variables: Record<ServiceName, string> = { inbox: "INBOX_PORT", admin: "ADMIN_PORT", worker: "WORKER_PORT", docs: "DOCS_PORT" };
  const seen = new Map<number, ServiceName>();
  for (const name of SERVICE_NAMES) {
    const port = ports[name];
    const other = seen.get(port);
    if (other) throw new LaunchError(`${variables[name]} and ${variables[other]} are both ${port}: give each service its own port.`);
    seen.set(port, name);
    if (!(await portIsFree(port))) {
      throw new LaunchError(
        `Порт ${port} для ${name} занят. Освободите его или задайте другой: ${variables[name]}=${port + 10} npm run demo\n` +
          `Port ${port} for ${name} is taken. Free it or choose another: ${variables[name]}=${port + 10} npm run demo`,
      );
    }
  }
}

/** Which app each role works in: managers answer clients in the inbox, the others use the console. */
function appFor(role: DemoAccount["role"], urls: { inbox: string; admin: string }): string {
  return role === "manager" ? `inbox ${urls.inbox}` : role === "owner" || role === "admin" ? `admin ${urls.admin} (and inbox)` : `admin ${urls.admin}`;
}

function printAccounts(accounts: DemoAccount[], urls: { inbox: string; admin: string }) {
  const rows = [["project", "role", "email", "password", "app"], ...accounts.map((a) => [a.project, a.role, a.email, a.password, appFor(a.role, urls)])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  console.log("\nDemo accounts (manager@zerno.demo works in both projects: try the project switcher):");
  for (const row of rows) console.log(`  ${row.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd()}`);
}

async function main() {
  // The demo runs in development unless told otherwise: local defaults, cookies over http.
  const launcherEnv = launcherEnvironment();
  const env = loadEnv(launcherEnv);
  const owner = loadOwnerEnv(launcherEnv);
  stopWhenJobEnds();
  const ports: ServicePorts = { inbox: env.INBOX_PORT, admin: env.ADMIN_PORT, worker: env.WORKER_PORT, docs: env.DOCS_PORT };
  const ledger = new ProcessLedger(join(dataDir, "demo-processes.json"));

  const leftovers = await ledger.stopLeftovers();
  checkpoint();
  if (leftovers.length) step(`Stopped what an earlier launcher left running: ${leftovers.join(", ")}`);
  // Fail fast, before anything slow starts.
  requireRedisServer({ redisUrl: process.env.REDIS_URL });
  await checkPorts(ports);
  checkpoint();

  const pg = await startPostgres({
    databaseUrl: process.env.DATABASE_URL,
    dataDir: join(dataDir, "postgres"),
    logFile: join(logsDir, "postgres.log"),
    onNote: step,
  });
  teardown.add("Postgres", () => pg.stop());
  checkpoint();
  step(`Postgres: ${pg.description}`);

  const redis = await startRedis({ redisUrl: process.env.REDIS_URL, logFile: join(logsDir, "redis.log"), ledger });
  teardown.add("Redis", () => redis.stop());
  checkpoint();
  step(`Redis: ${redis.description}`);

  try {
    await migrate(pg.url, owner.APP_DATABASE_PASSWORD);
  } catch (error) {
    checkpoint();
    throw new LaunchError(`Migrating the database failed: ${describeError(error)}`);
  }
  const appUrl = appDatabaseUrl(pg.url, owner.APP_DATABASE_PASSWORD, process.env.DATABASE_URL ? process.env.APP_DATABASE_URL : undefined);
  const appDb = createDb(appUrl, { max: 2 });
  let accounts: DemoAccount[];
  try {
    accounts = await seedDemo(appDb);
  } catch (error) {
    checkpoint();
    throw new LaunchError(`Adding the demo data failed: ${describeError(error)}`);
  } finally {
    await appDb.$close();
  }
  checkpoint();
  step("Database migrated, demo projects and staff in place");

  const builds: BuiltApp[] = ["inbox", "admin", "docs"];
  const stale = builds.filter((app) => needsBuild(app));
  if (stale.length) {
    step(`Building ${stale.join(", ")} (the first start takes a few minutes; logs in ${shownPath(logsDir)}/build-*.log)`);
    await buildApps(stale);
  }
  checkpoint();

  // The simulators first: the services get their addresses as the operator's endpoint settings.
  const simulators = await startDemoSimulators();
  teardown.add("platform simulators", () => simulators.stop());
  checkpoint();

  step(`Starting ${SERVICE_NAMES.join(", ")} (logs in ${shownPath(logsDir)}/)`);
  const spawned: RunningService[] = [];
  teardown.add("services", () => stopServices(spawned));
  const servicesEnv = serviceEnv({ appDatabaseUrl: appUrl, redisUrl: redis.url, ports, base: launcherEnv, extra: simulators.env });
  const services = await startServices([...SERVICE_NAMES], {
    env: servicesEnv,
    ports,
    ledger,
    onStart: (s) => spawned.push(s),
    onLine: showServiceLine,
  });
  checkpoint();

  // The outside world: VK and Telegram simulators with a community and a bot per demo project,
  // connected as real channels, and scripted clients writing in.
  const worldDb = createDb(appUrl, { max: 2 });
  teardown.add("demo database connection", () => worldDb.$close());
  const workerUrl = services.find((s) => s.name === "worker")!.url;
  try {
    // The demo's till bills through the bill service and the worker's outbound queue ("tl").
    const redisAddress = new URL(redis.url);
    const queues = createQueues({ host: redisAddress.hostname, port: Number(redisAddress.port || 6379), password: redisAddress.password || undefined, db: Number(redisAddress.pathname.slice(1)) || 0, maxRetriesPerRequest: null });
    teardown.add("demo queues", () => Promise.all([queues.outbound.close(), queues.inbound.close(), queues.media.close(), queues.ai.close(), queues.leadTimeout.close(), queues.maintenance.close(), queues.payments.close()]).then(() => undefined));
    const cashier = {
      deps: { secretKey: env.SECRET_KEY, endpoints: endpointsFromEnv(loadEnv({ ...launcherEnv, ...simulators.env })), returnUrl: services.find((s) => s.name === "inbox")!.url },
      enqueueOutbound: queues.enqueueOutbound,
    };
    const world = await startDemoWorld({ db: worldDb, secretKey: env.SECRET_KEY, workerUrl, simulators, paceMs: Number(process.env.DEMO_CLIENT_PACE_MS ?? 7000), cashier, storage: storageFromEnv(loadEnv(servicesEnv)) });
    teardown.add("scripted clients", () => world.stop());
    checkpoint();
    step("Each project has a Telegram bot and a VK community; scripted clients are writing in");
  } catch (error) {
    checkpoint();
    throw new LaunchError(`Connecting the demo channels failed: ${describeError(error)}`);
  }

  console.log("");
  for (const s of services) console.log(`${s.name}: ${s.url}`);
  const urlOf = (name: ServiceName) => services.find((s) => s.name === name)!.url;
  printAccounts(accounts, { inbox: urlOf("inbox"), admin: urlOf("admin") });
  console.log(`\nLogs: ${shownPath(logsDir)}/<service>.log. Stop with Ctrl-C.`);

  for (const s of services) {
    void s.process.exited.then(() => {
      if (stopping) return;
      void shutDown(1, `${s.name} stopped unexpectedly. See ${shownPath(s.process.logFile)}:\n${s.process.tail(15)}\nStopping the rest…`);
    });
  }
}

// Anything that escapes (a library's stray promise) still ends in a readable message and a clean stop.
process.on("unhandledRejection", (reason) => {
  console.error(`\nUnexpected error: ${describeError(reason)}`);
  void shutDown(1);
});

startUpEnded = main().catch((error: unknown) => {
  // A failure caused by the stop itself (a server going away under a step) is not news.
  if (error instanceof Interrupted || stopping) return;
  const message = error instanceof LaunchError || error instanceof ConfigError ? error.message : `Unexpected error: ${describeError(error)}`;
  console.error(`\n${message}`);
  if (!(error instanceof LaunchError || error instanceof ConfigError) && error instanceof Error && error.stack) console.error(error.stack);
  void shutDown(1);
});
