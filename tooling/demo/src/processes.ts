import { execFileSync, spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export type ExitInfo = { code: number | null; signal: NodeJS.Signals | null; error?: Error };

/** A child process started in its own process group, its output written to a log file. */
export type ManagedProcess = {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Settles when the process has exited, or could not be started at all. */
  readonly exited: Promise<ExitInfo>;
  readonly running: boolean;
  /** The last lines of its output for error messages, without stack frames and npm's epilogue (both stay in the log). */
  tail(lines?: number): string;
  /** SIGTERM to the whole process group, SIGKILL after `graceMs`; resolves when the group is gone. */
  stop(graceMs?: number): Promise<void>;
};

export type StartProcessOptions = {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  logFile: string;
  /** Called with each line of output as it arrives. */
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
  /** Where the process is recorded, so that a later run can stop it if this one is killed. */
  ledger?: ProcessLedger;
};

// Process groups this process started and has not stopped yet. If the launcher exits without
// stopping them (an uncaught error, a forced exit), they are killed on the way out.
const liveGroups = new Set<number>();
let exitGuardInstalled = false;

function guardExit() {
  if (exitGuardInstalled) return;
  exitGuardInstalled = true;
  process.on("exit", () => {
    for (const pgid of liveGroups) signalGroup(pgid, "SIGKILL");
  });
}

/** True while any process of the group exists (EPERM: it exists but belongs to another user). */
export function groupAlive(pgid: number): boolean {
  return signalExists(-pgid);
}

export function processAlive(pid: number): boolean {
  return signalExists(pid);
}

function signalExists(target: number): boolean {
  try {
    process.kill(target, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Stops every process group this process started and has not stopped yet (builds, services still
 * starting): a launcher that is interrupted half-way does not wait for them to finish.
 */
export async function stopAllStarted(graceMs = 5_000): Promise<void> {
  await Promise.all([...liveGroups].map(async (pgid) => {
    await stopGroup(pgid, graceMs);
    liveGroups.delete(pgid);
  }));
}

export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

export async function waitUntil(done: () => boolean, timeoutMs: number, intervalMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() >= deadline) return false;
    await sleep(intervalMs);
  }
  return true;
}

/** Stops a process group: SIGTERM, then SIGKILL if it is still there after `graceMs`. */
export async function stopGroup(pgid: number, graceMs = 10_000): Promise<void> {
  if (!groupAlive(pgid)) return;
  signalGroup(pgid, "SIGTERM");
  if (await waitUntil(() => !groupAlive(pgid), graceMs)) return;
  signalGroup(pgid, "SIGKILL");
  await waitUntil(() => !groupAlive(pgid), 5_000);
}

export function startProcess(options: StartProcessOptions): ManagedProcess {
  const { name, command, args, cwd, env, logFile, onLine, ledger } = options;
  mkdirSync(dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile, { flags: "a" });
  log.write(`\n=== ${new Date().toISOString()} ${command} ${args.join(" ")}\n`);
  const recent: string[] = [];

  const child = spawn(command, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const pid = child.pid ?? -1;
  let running = pid > 0;
  if (running) {
    guardExit();
    liveGroups.add(pid);
    ledger?.record(name, pid);
  }

  for (const stream of ["stdout", "stderr"] as const) {
    let partial = "";
    child[stream].setEncoding("utf8");
    child[stream].on("data", (chunk: string) => {
      log.write(chunk);
      const lines = (partial + chunk).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        recent.push(line);
        if (recent.length > 200) recent.shift();
        onLine?.(line, stream);
      }
    });
  }

  const exited = new Promise<ExitInfo>((resolve) => {
    child.once("error", (error) => {
      running = false;
      log.write(`=== could not start: ${error.message}\n`);
      resolve({ code: null, signal: null, error });
    });
    child.once("exit", (code, signal) => {
      running = false;
      resolve({ code, signal });
    });
  });
  child.once("close", () => log.end());

  return {
    name,
    pid,
    logFile,
    exited,
    get running() {
      return running;
    },
    tail(lines = 20) {
      return recent
        .filter((l) => l.trim() !== "" && !/^\s+at /.test(l) && !/^npm (error|ERR!)/.test(l))
        .slice(-lines)
        .join("\n");
    },
    async stop(graceMs = 10_000) {
      if (pid <= 0) return;
      await stopGroup(pid, graceMs);
      liveGroups.delete(pid);
      ledger?.forget(pid);
    },
  };
}

/** A line per exit for messages: "exited with code 1", "was killed by SIGKILL", "could not start: …". */
export function describeExit(exit: ExitInfo): string {
  if (exit.error) return `could not start: ${exit.error.message}`;
  if (exit.signal) return `was stopped by ${exit.signal}`;
  return `exited with code ${exit.code}`;
}

/**
 * When a process started, as the operating system tells it: with the pid, it identifies the
 * process, so a recorded pid that was since reused by something else is never signalled.
 */
export function processStartTime(pid: number): string | undefined {
  try {
    if (existsSync("/proc/self/stat")) {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // Fields after the command name (which may contain spaces) start at field 3; start time is 22.
      return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
    }
    return execFileSync("ps", ["-o", "lstart=", "-p", String(pid)], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The process group this process belongs to (the shell's job), when the system tells it. */
export function ownProcessGroup(): number | undefined {
  try {
    if (existsSync("/proc/self/stat")) {
      const stat = readFileSync("/proc/self/stat", "utf8");
      return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
    }
    return Number(execFileSync("ps", ["-o", "pgid=", "-p", String(process.pid)], { encoding: "utf8" }).trim()) || undefined;
  } catch {
    return undefined;
  }
}

type LedgerEntry = { name: string; pid: number; startedAt?: string };

/**
 * A file listing the process groups a launcher has running. A launcher killed with SIGKILL cannot
 * stop its children; the next run reads the file and stops those that are still the same processes.
 */
export class ProcessLedger {
  constructor(readonly file: string) {}

  private read(): LedgerEntry[] {
    try {
      const entries: unknown = JSON.parse(readFileSync(this.file, "utf8"));
      return Array.isArray(entries) ? (entries as LedgerEntry[]) : [];
    } catch {
      return [];
    }
  }

  private write(entries: LedgerEntry[]) {
    if (entries.length === 0) {
      rmSync(this.file, { force: true });
      return;
    }
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(this.file, JSON.stringify(entries, null, 2));
  }

  record(name: string, pid: number) {
    this.write([...this.read().filter((e) => e.pid !== pid), { name, pid, startedAt: processStartTime(pid) }]);
  }

  forget(pid: number) {
    this.write(this.read().filter((e) => e.pid !== pid));
  }

  /** Stops the recorded process groups that are still running; returns their names. */
  async stopLeftovers(): Promise<string[]> {
    const stopped: string[] = [];
    for (const entry of this.read()) {
      // The recorded leader still running (the same process: same start time), or gone while its
      // group lives on: a pid that is some live group's id is never given to a new process.
      const leaderAlive = processAlive(entry.pid);
      const same = leaderAlive ? entry.startedAt !== undefined && processStartTime(entry.pid) === entry.startedAt : true;
      if (same && groupAlive(entry.pid)) {
        await stopGroup(entry.pid);
        stopped.push(`${entry.name} (pid ${entry.pid})`);
      }
    }
    this.write([]);
    return stopped;
  }
}
