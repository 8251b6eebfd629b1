import { fileURLToPath } from "node:url";
import { loadEnv } from "@threadline/config";
import { createServerDeps, startWebApp, telegramImportHandler } from "@threadline/core/http";

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
deps.logger.info({ port: env.ADMIN_PORT }, "admin listening");

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    server.close();
    void deps.close().finally(() => process.exit(0));
  });
}
