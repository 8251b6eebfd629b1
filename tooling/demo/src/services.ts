import { join } from "node:path";
import { LaunchError, describeError } from "./errors.ts";
import { describeExit, startProcess, type ManagedProcess, type ProcessLedger } from "./processes.ts";
import { dataDir, logsDir, repoRoot, shownPath } from "./paths.ts";

export type ServiceName = "inbox" | "admin" | "worker" | "docs";
export const SERVICE_NAMES: readonly ServiceName[] = ["inbox", "admin", "worker", "docs"];

export type ServicePorts = Record<ServiceName, number>;

const portVariable: Record<ServiceName, string> = { inbox: "INBOX_PORT", admin: "ADMIN_PORT", worker: "WORKER_PORT", docs: "DOCS_PORT" };
const publicUrlVariable: Record<ServiceName, string> = {
  inbox: "PUBLIC_INBOX_URL",
  admin: "PUBLIC_ADMIN_URL",
  worker: "PUBLIC_WORKER_URL",
  docs: "PUBLIC_DOCS_URL",
};

export function serviceUrl(port: number): string {
  return `http://127.0.0.1:${port}`;
}

/**
 * The environment of a launcher (demo, e2e, bench) and what it starts: development unless
 * NODE_ENV says otherwise, since an unset NODE_ENV means production (the strict checks).
 */
export function launcherEnvironment(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, NODE_ENV: base.NODE_ENV ?? "development" };
}

// What only the launcher's own migration step may see: the owner's URL and the app role's password.
const OWNER_ONLY = ["DATABASE_URL", "APP_DATABASE_PASSWORD"] as const;

export type ServiceEnvOptions = {
  /** The app role's URL: all the apps get of the database (row-level security binds it). */
  appDatabaseUrl: string;
  redisUrl: string;
  /** Ports of the services that will run; their public URLs point at them unless already set. */
  ports: Partial<ServicePorts>;
  /** Environment to start from; default: this process's. */
  base?: NodeJS.ProcessEnv;
  /** Set on top (the simulators' addresses as the platform and provider endpoints). */
  extra?: Record<string, string>;
};

/**
 * The environment every service is started with, as the apps' config loader reads it: the app
 * role's URL and never the owner's (the launcher migrates before it starts them).
 */
export function serviceEnv(options: ServiceEnvOptions): NodeJS.ProcessEnv {
  const base = launcherEnvironment(options.base ?? process.env);
  const env: NodeJS.ProcessEnv = {
    ...base,
    APP_DATABASE_URL: options.appDatabaseUrl,
    REDIS_URL: options.redisUrl,
    HOST: "127.0.0.1",
    STORAGE_DIR: base.STORAGE_DIR ?? join(dataDir, "storage"),
    NO_UPDATE_NOTIFIER: "1",
    ...options.extra,
  };
  for (const name of OWNER_ONLY) delete env[name];
  for (const name of SERVICE_NAMES) {
    const port = options.ports[name];
    if (port === undefined) continue;
    env[portVariable[name]] = String(port);
    env[publicUrlVariable[name]] = base[publicUrlVariable[name]] ?? serviceUrl(port);
  }
  return env;
}

function commandFor(name: ServiceName, port: number): { args: string[]; healthPath: string } {
  if (name === "docs") {
    return { args: ["run", "serve", "-w", "@threadline/docs", "--", "--port", String(port), "--host", "127.0.0.1", "--no-open"], healthPath: "/" };
  }
  return { args: ["run", "start", "-w", `@threadline/${name}`], healthPath: "/healthz" };
}

export type RunningService = {
  name: ServiceName;
  url: string;
  /** What is polled to tell it is ready. */
  healthUrl: string;
  process: ManagedProcess;
  stop(): Promise<void>;
};

export type StartServicesOptions = {
  env: NodeJS.ProcessEnv;
  ports: Partial<ServicePorts>;
  /** Folder for <service>.log; default .data/logs. */
  logDir?: string;
  ledger?: ProcessLedger;
  /** How long each service may take to answer its health check. */
  timeoutMs?: number;
  /** Called as each service is spawned, before it is ready: lets a caller stop it on interruption. */
  onStart?: (service: RunningService) => void;
  /** Each line a service prints. */
  onLine?: (service: ServiceName, line: string, stream: "stdout" | "stderr") => void;
};

/**
 * Starts the services together and waits until each answers its health check (`/healthz`; the
 * docs: their front page). If one fails, all of them are stopped and the error names the
 * service and its log file.
 */
export async function startServices(names: ServiceName[], options: StartServicesOptions): Promise<RunningService[]> {
  const started: RunningService[] = [];
  for (const name of names) {
    const port = options.ports[name];
    if (port === undefined) throw new LaunchError(`No port was given for ${name}.`);
    const { args, healthPath } = commandFor(name, port);
    const proc = startProcess({
      name,
      command: "npm",
      args,
      cwd: repoRoot,
      env: options.env,
      logFile: join(options.logDir ?? logsDir, `${name}.log`),
      ledger: options.ledger,
      onLine: options.onLine ? (line, stream) => options.onLine?.(name, line, stream) : undefined,
    });
    const service: RunningService = { name, url: serviceUrl(port), healthUrl: serviceUrl(port) + healthPath, process: proc, stop: () => proc.stop() };
    started.push(service);
    options.onStart?.(service);
  }
  try {
    await Promise.all(started.map((s) => waitForHealth(s, options.timeoutMs ?? 120_000)));
  } catch (error) {
    await stopServices(started);
    throw error;
  }
  return started;
}

/** Stops services together (each: SIGTERM to its process group, SIGKILL after a grace period). */
export async function stopServices(services: RunningService[]): Promise<void> {
  await Promise.all(services.map((s) => s.stop()));
}

/** Polls the service's health URL until it answers 2xx; fails early when the process exits. */
export async function waitForHealth(service: RunningService, timeoutMs: number): Promise<void> {
  const { healthUrl } = service;
  const deadline = Date.now() + timeoutMs;
  const log = shownPath(service.process.logFile);
  let lastProblem = "no answer yet";
  while (Date.now() < deadline) {
    if (!service.process.running) {
      const exit = await service.process.exited;
      throw new LaunchError(`${service.name} ${describeExit(exit)} before it was ready. See ${log}:\n${service.process.tail(15)}`);
    }
    try {
      const response = await fetch(healthUrl, { signal: AbortSignal.timeout(3_000) });
      if (response.ok) return;
      lastProblem = `${healthUrl} answered ${response.status}`;
    } catch (error) {
      lastProblem = `${healthUrl}: ${describeError((error as { cause?: unknown }).cause ?? error)}`;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new LaunchError(`${service.name} was not ready within ${Math.round(timeoutMs / 1000)} s (${lastProblem}). See ${log}:\n${service.process.tail(15)}`);
}
