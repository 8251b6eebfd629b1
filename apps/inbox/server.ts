import { fileURLToPath } from "node:url";
import { loadEnv } from "@threadline/config";
import { createServerDeps, filesHandler, startWebApp, uploadsHandler } from "@threadline/api/http";
import { attachRealtime } from "@threadline/api/realtime";

const env = loadEnv();
const deps = createServerDeps(env, "inbox");
const server = await startWebApp({
  deps,
  clientDir: fileURLToPath(new URL("./build/client", import.meta.url)),
  port: env.INBOX_PORT,
  host: env.HOST,
  publicUrl: env.PUBLIC_INBOX_URL,
  extend: (app) => {
    app.get("/files/:attachmentId", filesHandler(deps, deps.storage));
    app.post("/uploads", ...uploadsHandler(deps, deps.storage));
  },
});
// Sockets are opened from the apps' own pages only (their public URLs; unset: this server's host).
const allowedOrigins = [env.PUBLIC_INBOX_URL, env.PUBLIC_ADMIN_URL].filter((u): u is string => !!u);
const realtime = attachRealtime(server, { db: deps.db, redisUrl: env.REDIS_URL, logger: deps.logger, allowedOrigins: allowedOrigins.length ? allowedOrigins : undefined });
deps.logger.info({ port: env.INBOX_PORT }, "inbox listening");

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    void realtime
      .close()
      .then(() => deps.close()).finally(() => process.exit(0));
  });
}
