import { fileURLToPath } from "node:url";
import { loadEnv } from "@threadline/config";
import { filesHandler, serveApp, uploadsHandler } from "@threadline/api/http";

await serveApp(loadEnv(), {
  app: "inbox",
  clientDir: fileURLToPath(new URL("./build/client", import.meta.url)),
  routes: (app, deps) => {
    app.get("/files/:attachmentId", filesHandler(deps, deps.storage));
    app.post("/uploads", ...uploadsHandler(deps, deps.storage));
  },
});
