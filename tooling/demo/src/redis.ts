import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { connect } from "node:net";
import { LaunchError, describeError } from "./errors.ts";
import { freePort } from "./ports.ts";
import { describeExit, startProcess, type ProcessLedger } from "./processes.ts";
import { repoRoot, shownPath } from "./paths.ts";

export const REDIS_NOT_FOUND_MESSAGE =
  "redis-server не найден. Установите Redis (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) или укажите REDIS_URL.\n" +
  "redis-server was not found. Install Redis (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL.";

export class RedisNotFoundError extends LaunchError {
  override name = "RedisNotFoundError";
  constructor() {
    super(REDIS_NOT_FOUND_MESSAGE);
  }
}

export type RedisServer = {
  url: string;
  description: string;
  /** True when the launcher started it (and stops it). */
  started: boolean;
  /** The started redis-server's pid (and process group). */
  pid?: number;
  stop(): Promise<void>;
};

export type StartRedisOptions = {
  /** A running server to use instead of starting one (REDIS_URL). */
  redisUrl?: string;
  /** Output of the started server. */
  logFile: string;
  /** Where redis-server is looked up; default: PATH. */
  searchPath?: string;
  port?: number;
  ledger?: ProcessLedger;
  startTimeoutMs?: number;
};

/** The executable's full path when it is in one of the folders of `searchPath`. */
export function findExecutable(name: string, searchPath = process.env.PATH ?? ""): string | undefined {
  for (const dir of searchPath.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder.
    }
  }
  return undefined;
}

/** Throws RedisNotFoundError unless Redis is given by URL or redis-server can be started. */
export function requireRedisServer(options: Pick<StartRedisOptions, "redisUrl" | "searchPath">): void {
  if (!options.redisUrl && !findExecutable("redis-server", options.searchPath)) throw new RedisNotFoundError();
}

/**
 * The Redis for the demo: the one at `redisUrl` when given (checked to answer), otherwise a
 * redis-server from PATH on a free port, keeping nothing on disk.
 */
export async function startRedis(options: StartRedisOptions): Promise<RedisServer> {
  if (options.redisUrl) {
    await pingRedis(options.redisUrl, 5_000).catch((error: unknown) => {
      throw new LaunchError(`Redis at ${options.redisUrl} does not answer: ${describeError(error)}. Start it, or unset REDIS_URL to let the launcher start one.`);
    });
    return { url: options.redisUrl, description: `REDIS_URL ${options.redisUrl}`, started: false, stop: async () => {} };
  }
  const executable = findExecutable("redis-server", options.searchPath);
  if (!executable) throw new RedisNotFoundError();
  const port = options.port ?? (await freePort());
  const server = startProcess({
    name: "redis",
    command: executable,
    args: ["--save", "", "--appendonly", "no", "--port", String(port), "--bind", "127.0.0.1", "--daemonize", "no"],
    cwd: repoRoot,
    env: process.env,
    logFile: options.logFile,
    ledger: options.ledger,
  });
  const url = `redis://127.0.0.1:${port}`;
  const timeoutMs = options.startTimeoutMs ?? 15_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const exit = await Promise.race([server.exited, pingRedis(url, 1_000).then(() => "ready" as const, () => undefined)]);
    if (exit === "ready") break;
    if (exit) {
      throw new LaunchError(`redis-server ${describeExit(exit)} before answering on port ${port}. See ${shownPath(server.logFile)}:\n${server.tail(10)}`);
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new LaunchError(`redis-server did not answer PING on port ${port} within ${timeoutMs / 1000} s. See ${shownPath(server.logFile)}.`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, description: `redis-server on 127.0.0.1:${port}`, started: true, pid: server.pid, stop: () => server.stop(5_000) };
}

/**
 * Sends PING and waits for any Redis reply: +PONG, or an error such as -NOAUTH, which still
 * shows that a Redis server is listening.
 */
export function pingRedis(url: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (error) {
      reject(error);
      return;
    }
    if (parsed.protocol === "rediss:") {
      resolve(); // TLS: leave the check to the apps' client.
      return;
    }
    const socket = connect({ host: parsed.hostname || "127.0.0.1", port: Number(parsed.port || 6379) });
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    let reply = "";
    const finish = (error?: Error) => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    socket.once("error", (error) => finish(error));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      reply += chunk.toString("utf8");
      if (reply.includes("\r\n")) {
        if (reply.startsWith("+") || reply.startsWith("-")) finish();
        else finish(new Error(`unexpected reply ${JSON.stringify(reply.slice(0, 40))}`));
      }
    });
  });
}
