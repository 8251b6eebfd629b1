import type { NextFunction, Request, Response } from "express";
import { SESSION_COOKIE } from "@threadline/domain/auth/sessions.ts";
import { malformedSessionCookie, parseCookies } from "../trpc/context.ts";
import { answerUnread } from "./body.ts";

const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/** The origin (scheme://host[:port]) of a configured public URL, or null when unset or unusable. */
function originOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/**
 * Whether a state-changing request comes from one of the app's own pages. The app's origin is
 * its public URL (PUBLIC_INBOX_URL / PUBLIC_ADMIN_URL), or the host the request was sent to:
 * a page of another site cannot make a browser send our Host with its own Origin. A request
 * without Origin is a browser's same-origin one only if Sec-Fetch-Site says so; with neither, it
 * is no browser's cross-site request, and is let through only when it carries no session cookie
 * (a script signing in, a webhook): a cookie is exactly what a forged request would borrow.
 */
export function fromOwnPage(req: Pick<Request, "method" | "headers">, publicUrl: string | undefined): boolean {
  if (safeMethods.has(req.method)) return true;
  const origin = req.headers.origin;
  if (origin) {
    if (origin === originOf(publicUrl)) return true;
    const sent = originOf(origin);
    return sent !== null && sent !== "null" && new URL(sent).host === req.headers.host;
  }
  const site = req.headers["sec-fetch-site"];
  if (site) return site === "same-origin" || site === "none";
  return parseCookies(req.headers.cookie)[SESSION_COOKIE] === undefined;
}

/**
 * What every request to a web app passes first: a session cookie that can be read (else 400,
 * never a 500 deeper in), and, for POST and the like, an origin of the app's own (else 403).
 */
export function requestGuards(options: { publicUrl?: string }) {
  return (req: Request, res: Response, next: NextFunction) => {
    const damaged = malformedSessionCookie(req.headers.cookie, SESSION_COOKIE);
    if (damaged) return answerUnread(req, res, 400, { error: damaged });
    if (!fromOwnPage(req, options.publicUrl)) {
      return answerUnread(req, res, 403, { error: "Запрос пришёл не со страницы этого приложения (проверка Origin): откройте приложение по его адресу и повторите" });
    }
    next();
  };
}
