import { parse as parseCookie } from "cookie";
import type { Redis } from "ioredis";
import type { Db } from "@threadline/db";
import type { Logger } from "@threadline/config";
import { LoginLimiter } from "@threadline/domain/auth/rate-limit.ts";
import { AiLimiter } from "@threadline/domain/leads/ai-limits.ts";
import { AgentHealth } from "@threadline/domain/leads/agent-health.ts";
import { EditLimiter } from "@threadline/domain/conversations/edit-limits.ts";
import type { TrustProxy } from "@threadline/domain/client-ip.ts";
import type { Endpoints } from "@threadline/domain/endpoints.ts";
import type { Publish } from "@threadline/domain/events.ts";
import type { Backlog, MessageChangeJob, OutboundJob } from "@threadline/pipeline/jobs/index.ts";
import type { FileStorage } from "@threadline/domain/storage.ts";
import type { SecretKeyring } from "@threadline/domain/crypto.ts";

export type CookieOptions = { maxAgeSeconds?: number };

export type ServerDeps = {
  db: Db;
  redis: Redis;
  publish: Publish;
  logger: Logger;
  secretKey: SecretKeyring;
  cookieSecure: boolean;
  /** Absolute URLs people are sent to (invitation links). */
  urls: { inbox: string; admin: string; worker: string };
  /** The platforms' and providers' addresses (operator settings). */
  endpoints: Readonly<Endpoints>;
  limiter?: LoginLimiter;
  /** Model calls people make by hand (copilot, sandbox), per member. */
  aiLimiter?: AiLimiter;
  /** The agent's model health per project, as the job processes record it. */
  agentHealth?: AgentHealth;
  /** Edits of sent messages, per member and per message. */
  editLimiter?: EditLimiter;
  /** Which hops are trusted proxies whose X-Forwarded-For is believed (TRUST_PROXY); none when unset. */
  trustProxy?: TrustProxy;
  /** Attachment bytes (uploads for replies). */
  storage: FileStorage;
  /** Background work the API hands over (outbound sends), and how far the agent's is behind. */
  jobs: { enqueueOutbound: (job: OutboundJob) => Promise<unknown>; enqueueMessageChange: (job: MessageChangeJob) => Promise<unknown>; agentBacklog: () => Promise<Backlog> };
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
export type Context = ServerDeps & { limiter: LoginLimiter; aiLimiter: AiLimiter; agentHealth: AgentHealth; editLimiter: EditLimiter; request: RequestInfo };

export function createContextFactory(deps: ServerDeps) {
  const limiter = deps.limiter ?? new LoginLimiter(deps.redis);
  const aiLimiter = deps.aiLimiter ?? new AiLimiter(deps.redis);
  const agentHealth = deps.agentHealth ?? new AgentHealth(deps.redis);
  const editLimiter = deps.editLimiter ?? new EditLimiter(deps.redis);
  return async (request: RequestInfo): Promise<Context> => ({ ...deps, limiter, aiLimiter, agentHealth, editLimiter, request });
}

/**
 * The request's cookies (the `cookie` package's parser: a value that is not valid percent-encoding
 * is kept as sent, never an exception). The web apps refuse a damaged session cookie earlier
 * with a 400 (malformedSessionCookie).
 */
export function parseCookies(header: string | null | undefined): Record<string, string> {
  return parseCookie(header ?? "") as Record<string, string>;
}

/** Why a Cookie header's session cookie cannot be read, or null when it can (or is absent). */
export function malformedSessionCookie(header: string | null | undefined, name: string): string | null {
  const raw = parseCookie(header ?? "", { decode: (value) => value })[name];
  if (raw === undefined) return null;
  try {
    decodeURIComponent(raw);
    return null;
  } catch {
    return "Cookie сессии повреждён: удалите cookie этого сайта в браузере и войдите снова";
  }
}

export function serializeCookie(name: string, value: string, options: CookieOptions & { secure: boolean }): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, "Path=/", "HttpOnly", "SameSite=Lax"];
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${options.maxAgeSeconds}`);
  if (options.secure) parts.push("Secure");
  return parts.join("; ");
}
