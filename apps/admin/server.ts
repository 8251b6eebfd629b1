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
  extend: (app) => {
    app.post("/imports/telegram", telegramImportHandler(deps));
  },
});
// Live import progress for the import page.
const realtime = attachRealtime(server, { db: deps.db, redisUrl: env.REDIS_URL, logger: deps.logger });
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
