import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProcessLedger, groupAlive, startProcess } from "./processes.ts";

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "threadline-processes-"));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe("child processes", () => {
  it("stops the whole process group, grandchildren included", async () => {
    const proc = startProcess({
      name: "sleeper",
      command: "sh",
      args: ["-c", "sleep 60 & sleep 60; echo never"],
      cwd: root,
      env: process.env,
      logFile: join(root, "sleeper.log"),
    });
    expect(groupAlive(proc.pid)).toBe(true);
    await proc.stop(2_000);
    expect(groupAlive(proc.pid)).toBe(false);
    expect(proc.running).toBe(false);
  });

  it("kills a group that ignores SIGTERM after the grace period", async () => {
    const proc = startProcess({
      name: "stubborn",
      command: "sh",
      args: ["-c", "trap '' TERM; echo ready; while true; do sleep 1; done"],
      cwd: root,
      env: process.env,
      logFile: join(root, "stubborn.log"),
    });
    await new Promise((r) => setTimeout(r, 300));
    await proc.stop(500);
    expect(groupAlive(proc.pid)).toBe(false);
    expect(proc.tail()).toContain("ready");
  });

  it("lets the next launcher stop what a killed one left running", async () => {
    const file = join(root, "ledger.json");
    const left = startProcess({
      name: "left-behind",
      command: "sleep",
      args: ["60"],
      cwd: root,
      env: process.env,
      logFile: join(root, "left.log"),
      ledger: new ProcessLedger(file),
    });
    // A new launcher knows nothing but the file.
    const stopped = await new ProcessLedger(file).stopLeftovers();
    expect(stopped).toEqual([`left-behind (pid ${left.pid})`]);
    expect(groupAlive(left.pid)).toBe(false);
    expect(await new ProcessLedger(file).stopLeftovers()).toEqual([]);
  });
});
