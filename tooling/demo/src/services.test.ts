import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEnv } from "@threadline/config";
import { LaunchError } from "./errors.ts";
import { freePort } from "./ports.ts";
import { startProcess } from "./processes.ts";
import { serviceEnv, waitForHealth, type RunningService } from "./services.ts";

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "threadline-services-"));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function nodeService(script: string, port: number): RunningService {
  const proc = startProcess({
    name: "inbox",
    command: process.execPath,
    args: ["-e", script],
    cwd: root,
    env: process.env,
    logFile: join(root, "inbox.log"),
  });
  return { name: "inbox", url: `http://127.0.0.1:${port}`, healthUrl: `http://127.0.0.1:${port}/healthz`, process: proc, stop: () => proc.stop() };
}

describe("services", () => {
  it("waits until /healthz answers 200", async () => {
    const port = await freePort();
    const service = nodeService(
      `setTimeout(() => require("node:http").createServer((q, s) => { s.statusCode = q.url === "/healthz" ? 200 : 404; s.end(); }).listen(${port}, "127.0.0.1"), 500)`,
      port,
    );
    try {
      await waitForHealth(service, 10_000);
    } finally {
      await service.stop();
    }
  });

  it("names the service and its log when it exits before it is ready", async () => {
    const service = nodeService(`console.error("cannot connect to the database"); process.exit(3)`, await freePort());
    const failure = await waitForHealth(service, 10_000).then(() => undefined, (e: unknown) => e);
    expect(failure).toBeInstanceOf(LaunchError);
    const message = (failure as Error).message;
    expect(message).toContain("inbox exited with code 3 before it was ready");
    expect(message).toContain("inbox.log");
    expect(message).toContain("cannot connect to the database");
  });

  it("gives the apps their database, Redis and public URLs", () => {
    const env = serviceEnv({
      appDatabaseUrl: "postgres://threadline_app:pw@127.0.0.1:5432/threadline",
      redisUrl: "redis://127.0.0.1:6390",
      ports: { inbox: 4000, admin: 4001 },
      base: { PUBLIC_ADMIN_URL: "https://admin.example.test" },
    });
    expect(env).toMatchObject({
      APP_DATABASE_URL: "postgres://threadline_app:pw@127.0.0.1:5432/threadline",
      REDIS_URL: "redis://127.0.0.1:6390",
      INBOX_PORT: "4000",
      ADMIN_PORT: "4001",
      PUBLIC_INBOX_URL: "http://127.0.0.1:4000",
      PUBLIC_ADMIN_URL: "https://admin.example.test",
    });
    expect(env.WORKER_PORT).toBeUndefined();
  });

  it("never hands the apps the owner's database URL, and starts them in development unless told otherwise", () => {
    const base = { DATABASE_URL: "postgres://postgres:owner-pw@127.0.0.1:5432/threadline", APP_DATABASE_PASSWORD: "app-pw-app-pw", PATH: "/usr/bin" };
    const env = serviceEnv({ appDatabaseUrl: "postgres://threadline_app:app-pw-app-pw@127.0.0.1:5432/threadline", redisUrl: "redis://127.0.0.1:6390", ports: { worker: 4002 }, base });
    expect(env).not.toHaveProperty("DATABASE_URL");
    expect(env).not.toHaveProperty("APP_DATABASE_PASSWORD");
    expect(Object.values(env).join(" ")).not.toContain("owner-pw");
    expect(env.NODE_ENV).toBe("development");
    expect(env.PATH).toBe("/usr/bin");
    // What the apps' config loader makes of it: the app role, development defaults, no warning.
    const loaded = loadEnv(env);
    expect(loaded.APP_DATABASE_URL).toBe("postgres://threadline_app:app-pw-app-pw@127.0.0.1:5432/threadline");
    expect(loaded.warnings).toEqual([]);
    expect(serviceEnv({ appDatabaseUrl: "postgres://threadline_app:x@h/db", redisUrl: "redis://h", ports: {}, base: { NODE_ENV: "test" } }).NODE_ENV).toBe("test");
  });
});
