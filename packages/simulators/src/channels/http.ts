import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { boundaryOf, parseMultipart, type FormPart } from "./multipart.ts";

// The HTTP plumbing both simulators share: a loopback server that closes its long-poll
// connections on stop, and request parameters read the way the platforms read them.

export type RequestHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

export interface RunningServer {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startHttpServer(handler: RequestHandler, options: { host?: string; port?: number } = {}): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", `http://${req.headers.host ?? host}`);
    Promise.resolve(handler(req, res, url)).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: String(error) });
      else res.end();
    });
  });
  server.keepAliveTimeout = 1000;
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

export const MAX_BODY_BYTES = 60 * 1024 * 1024;

export class BodyTooLargeError extends Error {}

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new BodyTooLargeError(`body larger than ${limit} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export interface RequestParams {
  /** Every non-file field as text; JSON bodies keep their values (objects re-serialised). */
  fields: Map<string, unknown>;
  files: Map<string, FormPart>;
}

/** Query string, then the body: form-urlencoded, JSON or multipart, whichever the request sent. */
export function readParams(url: URL, contentType: string | undefined, body: Buffer): RequestParams {
  const fields = new Map<string, unknown>(url.searchParams);
  const files = new Map<string, FormPart>();
  const type = (contentType ?? "").toLowerCase();
  if (body.length === 0) return { fields, files };
  if (type.startsWith("application/json")) {
    const value: unknown = JSON.parse(body.toString("utf8"));
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      for (const [key, v] of Object.entries(value)) fields.set(key, v);
    }
  } else if (type.startsWith("multipart/form-data")) {
    const boundary = boundaryOf(contentType ?? "");
    if (boundary) {
      for (const part of parseMultipart(body, boundary)) {
        if (part.fileName !== undefined) files.set(part.name, part);
        else fields.set(part.name, part.data.toString("utf8"));
      }
    }
  } else {
    for (const [key, value] of new URLSearchParams(body.toString("utf8"))) fields.set(key, value);
  }
  return { fields, files };
}
