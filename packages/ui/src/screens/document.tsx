import { useEffect } from "react";
import { isRouteErrorResponse, Links, Meta, Outlet, Scripts, ScrollRestoration, useNavigate } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { i18next } from "../i18n/index.ts";
import { useVisualViewportHeight } from "../lib/viewport.ts";
import { ApiProvider, useTRPC } from "../trpc.tsx";

/** The HTML document every app renders its pages into. */
export function AppDocument({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <html lang="ru">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover, interactive-widget=resizes-content" />
        <title>{title}</title>
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

/** An app's root route: every page talks to the API through one provider. */
export function AppRoot() {
  useVisualViewportHeight();
  return (
    <ApiProvider>
      <Outlet />
    </ApiProvider>
  );
}

export function Loading() {
  return <p className="p-6 text-sm text-slate-500">{i18next.t("common.loading")}</p>;
}

export function RouteError({ error }: { error: unknown }) {
  const message = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : i18next.t("common.somethingWrong");
  return <main className="p-8 text-slate-700">{message}</main>;
}

/** The signed-in person and their projects; a signed-out visitor is sent to sign in. */
export function useMe() {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const me = useQuery(trpc.auth.me.queryOptions());
  useEffect(() => {
    if (me.data === null) navigate(`/login?next=${encodeURIComponent(window.location.pathname)}`, { replace: true });
  }, [me.data, navigate]);
  return me;
}
export type Me = NonNullable<ReturnType<typeof useMe>["data"]>;
