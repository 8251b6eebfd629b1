import { fork, type ChildProcess } from "node:child_process";
import { childEnvironment, type Logger } from "@threadline/config";

export type SuperviseOptions = {
  /** The module the child runs (with this process's Node options, e.g. a TypeScript loader). */
  entry: string;
  /** Added to this process's environment for the child. */
  env: Record<string, string>;
  name: string;
  logger: Logger;
  /** How long a stopping child may take before it is killed. */
  graceMs?: number;
  /** First wait before a restart; it doubles while the child keeps dying young, up to 30 s. */
  restartDelayMs?: number;
};

/** A child that lived this long was healthy: its restart waits the first delay again. */
const HEALTHY_AFTER_MS = 60_000;
const MAX_RESTART_DELAY_MS = 30_000;

/**
 * How long to wait before starting a child that died after `livedMs`, and the wait after that: a
 * child that dies young again and again is given more and more time (up to 30 s); one that had
 * been healthy starts again after the first delay.
 */
export function restartDelay(current: number, livedMs: number, first: number): { wait: number; next: number } {
  const wait = livedMs > HEALTHY_AFTER_MS ? first : current;
  return { wait, next: Math.min(wait * 2, MAX_RESTART_DELAY_MS) };
}

/**
 * Runs a child process and starts it again whenever it dies, until `stop`. The child sees the
 * IPC channel close if this process dies, so it never outlives its parent (see main.ts).
 */
export function superviseChild(options: SuperviseOptions) {
  const first = options.restartDelayMs ?? 1000;
  let delay = first;
  let stopping = false;
  let child: ChildProcess | null = null;
  let timer: NodeJS.Timeout | null = null;
  let starts = 0;

  function start() {
    timer = null;
    const startedAt = Date.now();
    starts++;
    const proc = fork(options.entry, [], { env: childEnvironment(options.env), stdio: "inherit" });
    child = proc;
    proc.on("exit", (code, signal) => {
      if (child === proc) child = null;
      if (stopping) return;
      const { wait, next } = restartDelay(delay, Date.now() - startedAt, first);
      delay = next;
      options.logger.error({ child: options.name, code, signal, restartInMs: wait }, "child process exited; starting it again");
      timer = setTimeout(start, wait);
    });
  }

  start();
  return {
    /** The running child's pid, if one runs. */
    get pid() {
      return child?.pid ?? null;
    },
    get starts() {
      return starts;
    },
    stop: async () => {
      stopping = true;
      if (timer) clearTimeout(timer);
      const proc = child;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
      proc.kill("SIGTERM");
      const killer = setTimeout(() => proc.kill("SIGKILL"), options.graceMs ?? 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
