// `npm run demo` interrupted at random moments of start-up and of steady state: one Ctrl-C (SIGINT
// to the whole job, as a terminal sends it) or one SIGTERM to the first npm (as a supervisor
// sends it) must leave nothing running: no Postgres, no redis-server, no node process.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApps } from "./build.ts";
import { repoRoot } from "./paths.ts";
import { freePort } from "./ports.ts";
import { groupAlive, signalGroup, waitUntil } from "./processes.ts";

const MARKER = "THREADLINE_DEMO_INTERRUPT_RUN";
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "threadline-demo-interrupt-"));
  chmodSync(dataDir, 0o755); // As root, Postgres runs as the user "postgres", who must reach its data.
  // The builds are the demo's own first step; done here so that the runs below time the rest.
  await buildApps(["inbox", "admin", "docs"], { logDir: join(dataDir, "logs") });
}, 1_200_000);

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

type Leftover = { pid: number; command: string };

/** Every process on the machine that inherited this run's marker: whatever the demo started. */
function processesOf(run: string): Leftover[] {
  const found: Leftover[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, "utf8");
      if (!environ.split("\0").includes(`${MARKER}=${run}`)) continue;
      const command = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ").trim();
      const state = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (state.slice(state.lastIndexOf(")") + 2).startsWith("Z")) continue; // Exited, not yet reaped.
      found.push({ pid: Number(entry), command });
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

type Run = {
  run: string;
  pid: number;
  output: () => string;
  exited: Promise<number | null>;
  /** Resolves when a line containing `text` has been printed. */
  printed(text: string, timeoutMs: number): Promise<void>;
};

async function startDemo(): Promise<Run> {
  const run = randomUUID();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    [MARKER]: run,
    DEMO_DATA_DIR: dataDir,
    INBOX_PORT: String(await freePort()),
    ADMIN_PORT: String(await freePort()),
    WORKER_PORT: String(await freePort()),
    DOCS_PORT: String(await freePort()),
    DEMO_CLIENT_PACE_MS: "1000",
    NO_UPDATE_NOTIFIER: "1",
  };
  for (const name of ["DATABASE_URL", "APP_DATABASE_URL", "APP_DATABASE_PASSWORD", "REDIS_URL", "NODE_ENV", "VITEST", "VITEST_POOL_ID", "VITEST_WORKER_ID"]) delete env[name];
  // Its own process group, as a shell runs a job: Ctrl-C reaches every process of the group.
  const child = spawn("npm", ["run", "demo"], { cwd: repoRoot, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const waiters: { text: string; resolve: () => void }[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      output += chunk;
      for (const w of waiters.filter((w) => output.includes(w.text))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    run,
    pid: child.pid!,
    output: () => output,
    exited,
    printed: (text, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        if (output.includes(text)) return resolve();
        const timer = setTimeout(() => reject(new Error(`"${text}" was not printed within ${timeoutMs / 1000} s. Output:\n${output}`)), timeoutMs);
        waiters.push({
          text,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
        void exited.then(() => {
          clearTimeout(timer);
          if (!output.includes(text)) reject(new Error(`The demo ended before printing "${text}". Output:\n${output}`));
        });
      }),
  };
}

/** Waits for the demo to end and for everything it started to be gone; fails naming what is left. */
async function expectNothingLeft(demo: Run, moment: string) {
  const ended = await Promise.race([demo.exited.then(() => true), sleep(150_000).then(() => false)]);
  // The job is over when its process group is; SIGTERM to npm alone ends npm first and the
  // launcher a moment later, once it sees the job has ended.
  const groupGone = await waitUntil(() => !groupAlive(demo.pid), 150_000, 200);
  const left = processesOf(demo.run);
  for (const p of left) {
    try {
      process.kill(p.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  signalGroup(demo.pid, "SIGKILL");
  const context = `${moment}\n--- demo output ---\n${demo.output()}`;
  expect(ended, `the demo did not exit: ${context}`).toBe(true);
  expect(groupGone, `the demo's process group is still running: ${context}`).toBe(true);
  expect(left, `left running: ${context}`).toEqual([]);
  expect(demo.output(), context).not.toContain("Could not stop");
}

const random = (min: number, max: number) => Math.round(min + Math.random() * (max - min));

describe("stopping the demo", () => {
  it("one Ctrl-C at a random moment of start-up stops everything started so far", async () => {
    // Twice: once early (Postgres, Redis, migrations) and once when the services are coming up.
    for (const after of [undefined, "› Starting"]) {
      const demo = await startDemo();
      if (after) await demo.printed(after, 240_000);
      const delay = random(after ? 0 : 1_000, 8_000);
      await sleep(delay);
      signalGroup(demo.pid, "SIGINT");
      await expectNothingLeft(demo, `SIGINT ${delay} ms after ${after ? `"${after}"` : "the start"}`);
    }
  }, 900_000);

  it("one Ctrl-C in steady state stops everything", async () => {
    const demo = await startDemo();
    await demo.printed("Stop with Ctrl-C", 300_000);
    const delay = random(0, 5_000);
    await sleep(delay);
    signalGroup(demo.pid, "SIGINT");
    await expectNothingLeft(demo, `SIGINT ${delay} ms into steady state`);
    expect(demo.output()).toContain("Stopped.");
  }, 600_000);

  it("a SIGTERM to the command that started it stops everything", async () => {
    const demo = await startDemo();
    await demo.printed("Stop with Ctrl-C", 300_000);
    const delay = random(0, 5_000);
    await sleep(delay);
    process.kill(demo.pid, "SIGTERM");
    await expectNothingLeft(demo, `SIGTERM to npm ${delay} ms into steady state`);
  }, 600_000);
});
