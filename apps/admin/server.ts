import { fileURLToPath } from "node:url";
import { loadEnv } from "@threadline/config";
import { catalogPhotoHandler, serveApp, telegramImportHandler, uploadsHandler } from "@threadline/api/http";

// Live import progress for the import page arrives over the realtime sockets serveApp attaches.
await serveApp(loadEnv(), {
  app: "admin",
  clientDir: fileURLToPath(new URL("./build/client", import.meta.url)),
  routes: (app, deps) => {
    app.post("/imports/telegram", telegramImportHandler(deps));
    app.post("/catalog/photo", catalogPhotoHandler(deps, deps.storage));
    // Knowledge base documents are stored here first, then taken by knowledge.addUpload.
    app.post("/uploads", ...uploadsHandler(deps, deps.storage));
  },
});
