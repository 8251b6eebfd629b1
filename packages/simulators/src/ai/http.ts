// A small in-process HTTP server on 127.0.0.1 with a random port, shared by the simulators.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  at: Date;
}

/** A failure the next request(s) get instead of a normal answer. */
export interface Fault {
  status: number;
  /** How many requests in a row fail; 1 unless given. */
  times?: number;
  /** Sent as retry-after (seconds, rounded up) and retry-after-ms. */
  retryAfterMs?: number;
  body?: unknown;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { "content-type": "application/json", ...headers }, body };
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  // Uploads (audio to transcribe) stay bytes.
  if (String(req.headers["content-type"] ?? "").startsWith("multipart/")) return Buffer.concat(chunks);
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function send(res: ServerResponse, reply: Reply): void {
  const payload =
    reply.body instanceof Uint8Array ? Buffer.from(reply.body) : typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
  res.writeHead(reply.status, { ...reply.headers, "content-length": Buffer.byteLength(payload).toString() });
  res.end(payload);
}

/** Base of the simulators: start/stop, a request log and injected faults. */
export abstract class SimulatorServer {
  readonly requests: RecordedRequest[] = [];
  private server: Server | null = null;
  private faults: Fault[] = [];
  private port = 0;
  /** How long each answer takes: real services take a second or more to synthesise or complete. */
  responseDelayMs = 0;

  /** The origin, e.g. "http://127.0.0.1:41234". */
  get url(): string {
    if (!this.server) throw new Error("The simulator is not started");
    return `http://127.0.0.1:${this.port}`;
  }

  /** On a random port, or the given one (an e2e stack points the services at it beforehand). */
  async start(port = 0): Promise<string> {
    if (this.server) return this.url;
    const server = createServer((req, res) => {
      void this.dispatch(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this.url;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The next request(s) fail with this status instead of being served. */
  failNext(fault: Fault): void {
    this.faults.push({ ...fault, times: fault.times ?? 1 });
  }

  protected abstract handle(method: string, path: string, headers: RecordedRequest["headers"], body: unknown, query: URLSearchParams): Reply;

  protected abstract faultBody(status: number): unknown;

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const body = await readBody(req);
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const method = req.method ?? "GET";
      this.requests.push({ method, path: url.pathname, headers: req.headers, body, at: new Date() });
      if (this.responseDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.responseDelayMs));
      const fault = this.faults[0];
      if (fault) {
        fault.times = (fault.times ?? 1) - 1;
        if (fault.times <= 0) this.faults.shift();
        const headers: Record<string, string> = {};
        if (fault.retryAfterMs !== undefined) {
          headers["retry-after"] = String(Math.ceil(fault.retryAfterMs / 1000));
          headers["retry-after-ms"] = String(fault.retryAfterMs);
        }
        send(res, json(fault.status, fault.body ?? this.faultBody(fault.status), headers));
        return;
      }
      send(res, this.handle(method, url.pathname, req.headers, body, url.searchParams));
    } catch (error) {
      send(res, json(500, { error: { message: error instanceof Error ? error.message : String(error), type: "server_error" } }));
    }
  }
}
