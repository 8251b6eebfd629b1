import { fileURLToPath } from "node:url";
import { loadEnv } from "@threadline/config";
import { createServerDeps, startWebApp, telegramImportHandler } from "@threadline/api/http";
import { attachRealtime } from "@threadline/api/realtime";

const env = loadEnv();
const deps = createServerDeps(env, "admin");
const server = await startWebApp({
  deps,
  clientDir: fileURLToPath(new URL("./build/client", import.meta.url)),
  port: env.ADMIN_PORT,
  host: env.HOST,
  publicUrl: env.PUBLIC_ADMIN_URL,
  extend: (app) => {
    app.post("/imports/telegram", telegramImportHandler(deps));
  },
});
// Live import progress for the import page.
// Sockets are opened from the apps' own pages only (their public URLs; unset: this server's host).
const allowedOrigins = [env.PUBLIC_INBOX_URL, env.PUBLIC_ADMIN_URL].filter((u): u is string => !!u);
const realtime = attachRealtime(server, { db: deps.db, redisUrl: env.REDIS_URL, logger: deps.logger, allowedOrigins: allowedOrigins.length ? allowedOrigins : undefined });
deps.logger.info({ port: env.ADMIN_PORT }, "admin listening");

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    server.close();
    void realtime
      .close()
      .then(() => deps.close())
      .finally(() => process.exit(0));
  });
}
