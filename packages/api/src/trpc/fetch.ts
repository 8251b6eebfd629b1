import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { SESSION_COOKIE } from "@threadline/domain/auth/sessions.ts";
import { createContextFactory, parseCookies, serializeCookie, type ServerDeps } from "./context.ts";
import { appRouter } from "./index.ts";

/**
 * The tRPC endpoint as a fetch handler: (Request) → Response. Apps mount it under /trpc; the
 * client IP comes from the transport because a header could be forged.
 */
export function fetchHandler(deps: ServerDeps, endpoint = "/trpc") {
  const createContext = createContextFactory(deps);
  return (request: Request, ip: string): Promise<Response> => {
    const setCookies: string[] = [];
    return fetchRequestHandler({
      endpoint,
      req: request,
      router: appRouter,
      createContext: () =>
        createContext({
          cookies: parseCookies(request.headers.get("cookie")),
          ip,
          userAgent: request.headers.get("user-agent") ?? undefined,
          setCookie: (name, value, options) => setCookies.push(serializeCookie(name, value, { ...options, secure: deps.cookieSecure })),
        }),
      responseMeta({ errors }) {
        const headers = new Headers();
        for (const c of setCookies) headers.append("set-cookie", c);
        const retry = errors.map((e) => (e.cause as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds).find(Boolean);
        if (retry) headers.set("retry-after", String(retry));
        // A revoked session tells the browser to drop its cookie.
        if (errors.some((e) => e.code === "UNAUTHORIZED") && parseCookies(request.headers.get("cookie"))[SESSION_COOKIE]) {
          headers.append("set-cookie", serializeCookie(SESSION_COOKIE, "", { maxAgeSeconds: 0, secure: deps.cookieSecure }));
        }
        return { headers };
      },
    });
  };
}
