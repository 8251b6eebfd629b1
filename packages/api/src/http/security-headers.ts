import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import helmet from "helmet";

/**
 * The CSP hashes of a built page's inline scripts. React Router's SPA index.html starts the app
 * with a few inline scripts (its context, the module import, the hydration stream); allowing
 * exactly these, by hash, keeps every other inline script out.
 */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const [, attributes, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    if (/\bsrc\s*=/i.test(attributes!) || !body) continue;
    hashes.push(`'sha256-${createHash("sha256").update(body, "utf8").digest("base64")}'`);
  }
  return [...new Set(hashes)];
}

// The live connection (Socket.IO) goes to the page's own host; 'self' covers ws: only in newer browsers.
const socketSources = (req: IncomingMessage) => {
  const host = req.headers.host ?? "";
  return /^[a-z0-9.\-:[\]]+$/i.test(host) ? `ws://${host} wss://${host}` : "";
};

/**
 * Security headers for a web app's responses (helmet): a CSP that lets only the app's own
 * scripts run (the page's inline ones by hash), no framing by any site, no referrer to other
 * sites, nosniff, and the rest of helmet's defaults.
 */
export function securityHeaders(options: { indexHtml: string }) {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", ...inlineScriptHashes(options.indexHtml)],
        // React sets styles through the CSSOM; style attributes in markup come from UI libraries.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:", "blob:"],
        // Recorded and voiced drafts are played from blob: URLs before they are sent.
        mediaSrc: ["'self'", "blob:"],
        fontSrc: ["'self'", "data:"],
        connectSrc: ["'self'", (req) => socketSources(req as IncomingMessage)],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    referrerPolicy: { policy: "same-origin" },
    // Sent over HTTPS only by browsers' rules; subdomains are the operator's to decide.
    strictTransportSecurity: { maxAge: 180 * 86_400, includeSubDomains: false },
    xFrameOptions: { action: "deny" },
  });
}
