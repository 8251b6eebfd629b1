import type express from "express";
import type { Env } from "@threadline/config";
import { attachRealtime } from "../realtime/index.ts";
import { createServerDeps } from "./deps.ts";
import { startWebApp } from "./web-app.ts";

type AppDeps = ReturnType<typeof createServerDeps>;

export type ServeAppOptions = {
  /** Which app this process serves: picks its port, public URL and log name. */
  app: "inbox" | "admin";
  /** The built single-page app (react-router build → build/client). */
  clientDir: string;
  /** The app's own routes (uploads, imports) besides the API and its pages. */
  routes?: (app: express.Express, deps: AppDeps) => void;
};

/**
 * A web app process: its dependencies, the HTTP server, live events over sockets, and a clean
 * shutdown on SIGINT/SIGTERM (stop listening, close sockets, then the database and queues).
 */
export async function serveApp(env: Env, options: ServeAppOptions) {
  const port = options.app === "inbox" ? env.INBOX_PORT : env.ADMIN_PORT;
  const deps = createServerDeps(env, options.app);
  const server = await startWebApp({
    deps,
    clientDir: options.clientDir,
    port,
    host: env.HOST,
    publicUrl: options.app === "inbox" ? env.PUBLIC_INBOX_URL : env.PUBLIC_ADMIN_URL,
    docsUrl: env.PUBLIC_DOCS_URL,
    extend: (app) => options.routes?.(app, deps),
  });
  // Sockets are opened from the apps' own pages only (their public URLs; unset: this server's host).
  const allowedOrigins = [env.PUBLIC_INBOX_URL, env.PUBLIC_ADMIN_URL].filter((u): u is string => !!u);
  const realtime = attachRealtime(server, { db: deps.db, redis: env.redis, logger: deps.logger, allowedOrigins: allowedOrigins.length ? allowedOrigins : undefined });
  deps.logger.info({ port }, `${options.app} listening`);

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      server.close();
      void realtime
        .close()
        .then(() => deps.close())
        .finally(() => process.exit(0));
    });
  }
}
