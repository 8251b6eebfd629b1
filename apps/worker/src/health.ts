import { createServer, type Server } from "node:http";

/** Longest the health check waits for Redis before it says the process is not healthy. */
export const HEALTH_PING_TIMEOUT_MS = 1000;

/**
 * GET /healthz of a job-only process (WORKER_HEALTH_PORT): 200 while it can take jobs — Redis,
 * where its jobs come from, answers and it is not stopping — and 503 otherwise, so that an
 * orchestrator restarts a process stuck without Redis. Nothing else is served.
 */
export function startJobHealth(options: { role: string; port: number; host: string; ping: () => Promise<unknown>; stopping: () => boolean }): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== "GET" || req.url !== "/healthz") {
      res.writeHead(404).end();
      return;
    }
    const answer = (status: number, body: Record<string, unknown>) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (options.stopping()) return answer(503, { ok: false, role: options.role, stopping: true });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("Redis did not answer in time")), HEALTH_PING_TIMEOUT_MS)));
    Promise.race([options.ping(), timeout])
      .then(
        () => answer(200, { ok: true, role: options.role }),
        (err: unknown) => answer(503, { ok: false, role: options.role, redis: err instanceof Error ? err.message : String(err) }),
      )
      .finally(() => clearTimeout(timer));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve(server));
  });
}
