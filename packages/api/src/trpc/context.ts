import type { Redis } from "ioredis";
import type { Db } from "@threadline/db";
import type { Logger } from "@threadline/config";
import { LoginLimiter } from "@threadline/domain/auth/rate-limit.ts";
import type { Publish } from "@threadline/domain/events.ts";
import type { OutboundJob } from "@threadline/pipeline/jobs";
import type { FileStorage } from "@threadline/domain/storage.ts";

export type CookieOptions = { maxAgeSeconds?: number };

export type ServerDeps = {
  db: Db;
  redis: Redis;
  publish: Publish;
  logger: Logger;
  secretKey: string;
  cookieSecure: boolean;
  /** Absolute URLs people are sent to (invitation links). */
  urls: { inbox: string; admin: string; worker: string };
  limiter?: LoginLimiter;
  /** Attachment bytes (uploads for replies). */
  storage: FileStorage;
  /** Background work the API hands over (outbound sends). */
  jobs: { enqueueOutbound: (job: OutboundJob) => Promise<unknown> };
};

/** What a transport (Express, fetch) hands over for one request. */
export type RequestInfo = {
  cookies: Record<string, string | undefined>;
  ip: string;
  userAgent?: string;
  setCookie: (name: string, value: string, options: CookieOptions) => void;
};

// The session is not read here: a procedure inside a project reads it together with the
// membership (one statement), the others through authedProcedure.
export type Context = ServerDeps & { limiter: LoginLimiter; request: RequestInfo };

export function createContextFactory(deps: ServerDeps) {
  const limiter = deps.limiter ?? new LoginLimiter(deps.redis);
  return async (request: RequestInfo): Promise<Context> => ({ ...deps, limiter, request });
}

/** Parses a Cookie header without a dependency. */
export function parseCookies(header: string | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    if (k) out[k] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

export function serializeCookie(name: string, value: string, options: CookieOptions & { secure: boolean }): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, "Path=/", "HttpOnly", "SameSite=Lax"];
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${options.maxAgeSeconds}`);
  if (options.secure) parts.push("Secure");
  return parts.join("; ");
}
