import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { SESSION_COOKIE } from "@threadline/domain/auth/sessions.ts";
import { clientIp, trustNone } from "@threadline/domain/client-ip.ts";
import { createContextFactory, parseCookies, serializeCookie, type ServerDeps } from "./context.ts";
import { appRouter } from "./router.ts";

// The calls of a batch run concurrently. Sign-in and invitations count password attempts, and a
// batch of them would be one request doing hundreds of guesses: auth calls come one per request.
function refuseBatchedAuth(info: { isBatchCall: boolean; calls: { path: string }[] } | undefined) {
  if (info?.isBatchCall && info.calls.some((call) => call.path.startsWith("auth."))) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "Запросы входа и приглашений нельзя объединять в пакет: отправляйте их по одному" });
  }
}

/**
 * The tRPC endpoint as a fetch handler: (Request, socket address) → Response. Apps mount it under
 * /trpc. The client's address is the socket's, or the forwarded one when the socket is a trusted
 * proxy (TRUST_PROXY): a header alone could be forged.
 */
export function fetchHandler(deps: ServerDeps, endpoint = "/trpc") {
  const createContext = createContextFactory(deps);
  return (request: Request, socketAddress: string): Promise<Response> => {
    const setCookies: string[] = [];
    return fetchRequestHandler({
      endpoint,
      req: request,
      router: appRouter,
      // Runs once per request, before any of its calls.
      createContext: ({ info }) => {
        refuseBatchedAuth(info);
        return createContext({
          cookies: parseCookies(request.headers.get("cookie")),
          ip: clientIp(socketAddress, request.headers.get("x-forwarded-for"), deps.trustProxy ?? trustNone),
          userAgent: request.headers.get("user-agent") ?? undefined,
          setCookie: (name, value, options) => setCookies.push(serializeCookie(name, value, { ...options, secure: deps.cookieSecure })),
        });
      },
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
