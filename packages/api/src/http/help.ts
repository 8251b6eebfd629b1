import type { RequestHandler } from "express";

/** A help page's path in the help center: lowercase words and dashes, in folders (`inbox/phone`). */
const PAGE = /^[a-z0-9]+(?:-[a-z0-9]+)*(?:\/[a-z0-9]+(?:-[a-z0-9]+)*){0,3}$/;

/**
 * `GET /help/<page>`: the «Помощь» link of a screen. Redirects to that page of the help center at
 * PUBLIC_DOCS_URL (an operator setting; only its origin is used, the help center is served from «/»),
 * so the apps' pages need no address of their own. Anything that is not a page path is refused,
 * so the redirect can never lead off the help center; without PUBLIC_DOCS_URL it says so.
 */
export function helpHandler(docsUrl: string | undefined): RequestHandler {
  const origin = docsUrl ? new URL(docsUrl).origin : null;
  return (req, res) => {
    const page = String(req.path.replace(/^\/help\/?/, ""));
    res.setHeader("cache-control", "no-store");
    if (page !== "" && !PAGE.test(page)) return void res.status(404).type("text/plain; charset=utf-8").send("Такой страницы справки нет");
    if (!origin) return void res.status(503).type("text/plain; charset=utf-8").send("Адрес справки не настроен (PUBLIC_DOCS_URL)");
    res.redirect(302, `${origin}/${page}`);
  };
}
