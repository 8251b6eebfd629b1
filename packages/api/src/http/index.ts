export { createServerDeps } from "./deps.ts";
export { startWebApp, type WebAppOptions } from "./web-app.ts";
export { filesHandler } from "./files.ts";
export { uploadsHandler, MAX_UPLOAD_BYTES } from "./uploads.ts";
export { catalogPhotoHandler } from "./catalog-photo.ts";
export { uploadKind, uploadPrefix } from "@threadline/domain/conversations/uploads.ts";
export { telegramImportHandler, MAX_TELEGRAM_EXPORT_BYTES } from "./telegram-import.ts";
export { serveApp, type ServeAppOptions } from "./serve.ts";
