import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LaunchError } from "./errors.ts";
import { freePort } from "./ports.ts";
import { postmasterPid, startEmbeddedPostgres, type EmbeddedPostgresServer } from "./postgres.ts";
import { processAlive, waitUntil } from "./processes.ts";

// One data folder for the whole file: initdb runs once, later tests reuse it as the launcher does.
let root: string;
let dataDir: string;
let logFile: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "threadline-pg-"));
  // As root the server runs as the "postgres" user, which must be able to enter the folder.
  chmodSync(root, 0o755);
  dataDir = join(root, "data");
  logFile = join(root, "postgres.log");
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

async function query(server: EmbeddedPostgresServer, text: string) {
  const sql = postgres(server.urlFor("postgres"), { max: 1, onnotice: () => {} });
  try {
    return await sql.unsafe(text);
  } finally {
    await sql.end();
  }
}

describe("embedded Postgres", () => {
  it("starts in an empty folder, answers a query and stops", async () => {
    const server = await startEmbeddedPostgres({ dataDir, logFile, port: await freePort() });
    const pid = postmasterPid(dataDir);
    try {
      const [row] = await query(server, "select current_setting('server_version_num')::int / 10000 as major");
      expect(row?.major).toBe(17);
      await query(server, "create table kept (id int)");
    } finally {
      await server.stop();
    }
    expect(pid).toBeDefined();
    expect(processAlive(pid!)).toBe(false);
    expect(existsSync(join(dataDir, "postmaster.pid"))).toBe(false);
  });

  it("reuses the initialised folder on the next start", async () => {
    const marker = readFileSync(join(dataDir, "threadline-initialised"), "utf8");
    const server = await startEmbeddedPostgres({ dataDir, logFile, port: await freePort() });
    try {
      await query(server, "select * from kept");
    } finally {
      await server.stop();
    }
    expect(readFileSync(join(dataDir, "threadline-initialised"), "utf8")).toBe(marker);
  });

  it("stops a server left running by a launcher killed with SIGKILL, then starts", async () => {
    const script = fileURLToPath(new URL("./testing/abandoned-postgres.ts", import.meta.url));
    const launcher = spawn(process.execPath, ["--import", "tsx", script, dataDir, logFile], { stdio: ["ignore", "pipe", "inherit"] });
    const started = await new Promise<{ pid: number; port: number }>((resolve, reject) => {
      let out = "";
      launcher.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("\n")) resolve(JSON.parse(out) as { pid: number; port: number });
      });
      launcher.once("exit", (code) => reject(new Error(`the launcher exited with ${code} before the server was ready`)));
    });
    launcher.kill("SIGKILL");
    await new Promise((r) => launcher.once("exit", r));
    expect(processAlive(started.pid)).toBe(true);
    expect(postmasterPid(dataDir)).toBe(started.pid);

    const notes: string[] = [];
    const server = await startEmbeddedPostgres({ dataDir, logFile, port: await freePort(), onNote: (n) => notes.push(n) });
    try {
      expect(processAlive(started.pid)).toBe(false);
      expect(notes.join("\n")).toContain(`pid ${started.pid}`);
      expect(postmasterPid(dataDir)).not.toBe(started.pid);
      await query(server, "select * from kept");
    } finally {
      await server.stop();
    }
  });

  it("starts over a postmaster.pid whose pid now belongs to another program", async () => {
    const pidFile = join(dataDir, "postmaster.pid");
    writeFileSync(pidFile, `${process.pid}\n${dataDir}\n0\n5432\n\n\n\n`);
    const server = await startEmbeddedPostgres({ dataDir, logFile, port: await freePort() });
    try {
      expect(postmasterPid(dataDir)).not.toBe(process.pid);
      await query(server, "select 1");
    } finally {
      await server.stop();
    }
  });

  it("explains a server that exits before it is ready instead of rejecting with undefined", async () => {
    const port = await freePort();
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, "127.0.0.1", resolve));
    try {
      const failure = await startEmbeddedPostgres({ dataDir, logFile, port }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(LaunchError);
      const message = (failure as Error).message;
      expect(message).toContain(`port ${port}`);
      expect(message).toContain("exited before it was ready");
      expect(message).toMatch(/could not bind|Address already in use/i);
      expect(message).not.toContain("undefined");
    } finally {
      await new Promise((r) => blocker.close(r));
    }
    // Nothing is left holding the folder.
    expect(await waitUntil(() => postmasterPid(dataDir) === undefined || !processAlive(postmasterPid(dataDir)!), 5_000)).toBe(true);
  });
});
