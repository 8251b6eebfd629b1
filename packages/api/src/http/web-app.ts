import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import express, { type Request as ExpressRequest, type Response as ExpressResponse } from "express";
import { fetchHandler } from "../trpc/fetch.ts";
import type { ServerDeps } from "../trpc/context.ts";
import { answerUnread, BodyTooLarge, readBody } from "./body.ts";
import { requestGuards } from "./guards.ts";
import { helpHandler } from "./help.ts";
import { securityHeaders } from "./security-headers.ts";

// tRPC inputs are small; reading stops, and 413 answers, as soon as a body passes this.
export const MAX_API_BODY = 1024 * 1024;

function toFetchRequest(req: ExpressRequest, body: Buffer | undefined): Request {
  const url = `http://${req.headers.host ?? "localhost"}${req.originalUrl}`;
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (Array.isArray(v)) v.forEach((x) => headers.append(k, x));
    else if (v !== undefined) headers.set(k, v);
  }
  headers.delete("transfer-encoding");
  return new Request(url, { method: req.method, headers, body: body ? new Uint8Array(body) : undefined });
}

async function sendFetchResponse(res: ExpressResponse, response: Response) {
  res.status(response.status);
  response.headers.forEach((value, key) => {
    if (key !== "set-cookie") res.setHeader(key, value);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) res.setHeader("set-cookie", cookies);
  res.send(Buffer.from(await response.arrayBuffer()));
}

export type WebAppOptions = {
  deps: ServerDeps;
  /** The built single-page app (react-router build → build/client). */
  clientDir: string;
  port: number;
  host: string;
  /** Extra routes (webhooks, uploads) mounted before the app's pages. */
  extend?: (app: express.Express) => void;
  /** The address people open the app at (PUBLIC_*_URL): its origin may POST, besides the request's own host. */
  publicUrl?: string;
  /** The help center (PUBLIC_DOCS_URL) that `/help/<page>` redirects to. */
  docsUrl?: string;
};

/** An app's HTTP server: /healthz, the tRPC API under /trpc, and the built pages. */
export async function startWebApp(options: WebAppOptions): Promise<Server> {
  const { deps, clientDir } = options;
  const app = express();
  app.disable("x-powered-by");
  const handle = fetchHandler(deps);
  const indexHtml = join(clientDir, "index.html");
  if (!existsSync(indexHtml)) throw new Error(`No built pages at ${clientDir}: run the app's build first (npm run build).`);

  app.use(securityHeaders({ indexHtml: readFileSync(indexHtml, "utf8") }));
  app.use(requestGuards({ publicUrl: options.publicUrl }));
  app.get("/healthz", (_req, res) => {
    res.json({ ok: true });
  });
  app.use("/trpc", async (req, res) => {
    try {
      const body = req.method === "GET" || req.method === "HEAD" ? undefined : await readBody(req, MAX_API_BODY);
      await sendFetchResponse(res, await handle(toFetchRequest(req, body), req.socket.remoteAddress ?? "unknown"));
    } catch (err) {
      if (err instanceof BodyTooLarge) return answerUnread(req, res, 413, { error: { message: `Запрос больше ${MAX_API_BODY / 1024 / 1024} МБ` } });
      deps.logger.error({ err }, "api transport failed");
      if (!res.headersSent) res.status(500).json({ error: { message: "Внутренняя ошибка" } });
    }
  });
  app.get("/help{/*page}", helpHandler(options.docsUrl));
  options.extend?.(app);

  app.use("/assets", express.static(join(clientDir, "assets"), { immutable: true, maxAge: "1y", fallthrough: false }));
  app.use(express.static(clientDir, { index: false }));
  // Every other path is a page of the single-page app.
  app.get("/{*path}", (_req, res) => {
    res.setHeader("cache-control", "no-cache");
    res.sendFile(indexHtml);
  });

  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return server;
}
