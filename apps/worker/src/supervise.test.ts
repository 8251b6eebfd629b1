import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "@threadline/config";
import { restartDelay, superviseChild } from "./supervise.ts";

const logger = createLogger("supervise-test", "silent");
const dir = mkdtempSync(join(tmpdir(), "supervise-"));
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((s) => s()));
});

/** A child that records each start, dies on its first `crashes` starts, then stays up until SIGTERM. */
function childScript(name: string, crashes: number) {
  const log = join(dir, `${name}.log`);
  const entry = join(dir, `${name}.mjs`);
  writeFileSync(log, "");
  writeFileSync(
    entry,
    `import { appendFileSync, readFileSync } from "node:fs";
const starts = readFileSync(${JSON.stringify(log)}, "utf8").split("\\n").filter((l) => l.startsWith("start")).length + 1;
appendFileSync(${JSON.stringify(log)}, "start " + process.env.ROLE + "\\n");
if (starts <= ${crashes}) process.exit(3);
process.on("SIGTERM", () => { appendFileSync(${JSON.stringify(log)}, "stopped\\n"); process.exit(0); });
setInterval(() => {}, 1000);
`,
  );
  return { entry, lines: () => readFileSync(log, "utf8").split("\n").filter(Boolean) };
}

describe("the worker's job process is supervised", () => {
  it("a child that keeps dying young waits longer each time, up to 30 s; after a healthy run, the first delay again", () => {
    const waits: number[] = [];
    let delay = 1000;
    for (let i = 0; i < 7; i++) {
      const { wait, next } = restartDelay(delay, 500, 1000);
      waits.push(wait);
      delay = next;
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    expect(restartDelay(delay, 5 * 60_000, 1000)).toEqual({ wait: 1000, next: 2000 });
  });

  it("a child that dies is started again, with its environment", async () => {
    const child = childScript("crashing", 2);
    const s = superviseChild({ entry: child.entry, env: { ROLE: "jobs" }, name: "jobs", logger, restartDelayMs: 50 });
    stops.push(s.stop);
    await expect.poll(() => child.lines(), { timeout: 5000 }).toEqual(["start jobs", "start jobs", "start jobs"]);
    expect(s.starts).toBe(3);
    await expect.poll(() => s.pid).not.toBeNull();
  });

  it("stop ends the child with SIGTERM and does not start it again", async () => {
    const child = childScript("steady", 0);
    const s = superviseChild({ entry: child.entry, env: { ROLE: "jobs" }, name: "jobs", logger, restartDelayMs: 50 });
    await expect.poll(() => child.lines()).toEqual(["start jobs"]);
    await s.stop();
    expect(child.lines()).toEqual(["start jobs", "stopped"]);
    await new Promise((r) => setTimeout(r, 200));
    expect(s.starts).toBe(1);
    expect(s.pid).toBeNull();
  });

  it("a child that ignores SIGTERM is killed after the grace period", async () => {
    const entry = join(dir, "stubborn.mjs");
    const ready = join(dir, "stubborn.ready");
    writeFileSync(ready, "");
    writeFileSync(entry, `import { writeFileSync } from "node:fs"; process.on("SIGTERM", () => {}); writeFileSync(${JSON.stringify(ready)}, "ready"); setInterval(() => {}, 1000);`);
    const s = superviseChild({ entry, env: {}, name: "jobs", logger, graceMs: 200 });
    await expect.poll(() => readFileSync(ready, "utf8")).toBe("ready");
    const started = Date.now();
    await s.stop();
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(s.pid).toBeNull();
  });
});
