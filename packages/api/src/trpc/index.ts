import { createCallerFactory } from "./init.ts";
import { appRouter } from "./router.ts";

export { appRouter, type AppRouter } from "./router.ts";
export const createCaller = createCallerFactory(appRouter);
export { createContextFactory, parseCookies, serializeCookie, type Context, type ServerDeps, type RequestInfo } from "./context.ts";
export { fetchHandler } from "./fetch.ts";
