export { createServerDeps } from "./deps.ts";
export { startWebApp, type WebAppOptions } from "./web-app.ts";
export { filesHandler } from "./files.ts";
