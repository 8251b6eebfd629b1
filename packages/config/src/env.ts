import { z } from "zod";
import { appDatabaseUrl, APP_ROLE, DEFAULT_APP_DATABASE_PASSWORD, LOCAL_DATABASE_URL } from "./database.ts";
import { ConfigError, nodeEnvSchema, parseEnv, refuse } from "./parse.ts";
import { resolveSecretKeys } from "./secrets.ts";
import { redisConnectionOptions, type RedisConnectionOptions } from "./redis.ts";

/** An http(s) URL without query or fragment; a trailing slash is dropped. */
const baseUrl = z
  .string()
  .url()
  .refine((v) => /^https?:\/\//.test(v) && !/[?#]/.test(v), "must be an http(s) URL without ? or #")
  .transform((v) => v.replace(/\/+$/, ""));

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.origin === value.replace(/\/$/, "");
  } catch {
    return false;
  }
}

// The single place that reads process.env. Every process validates what it needs at start-up
// and fails with a message naming the variable, instead of failing later on first use.
const envSchema = z.object({
  NODE_ENV: nodeEnvSchema,
  // The owner's URL: an app process reads it only to derive APP_DATABASE_URL outside production.
  DATABASE_URL: z.string().url().optional(),
  // The role the apps connect as: owns no table and cannot bypass row-level security.
  // Required in production; elsewhere derived from DATABASE_URL (user threadline_app).
  APP_DATABASE_URL: z.string().url().optional(),
  APP_DATABASE_PASSWORD: z.string().min(8).optional(),
  REDIS_URL: z.string().url().default("redis://127.0.0.1:6379"),
  // High availability: the Sentinels (host:port,…) and the name of the primary they monitor; every
  // Redis connection then asks them where the primary is (REDIS_URL gives password, db and TLS).
  REDIS_SENTINELS: z.string().optional(),
  REDIS_SENTINEL_NAME: z.string().min(1).optional(),
  REDIS_SENTINEL_PASSWORD: z.string().min(1).optional(),
  // 32+ chars; encrypts channel tokens and provider keys at rest. SECRET_KEY_PREVIOUS
  // (comma-separated) still decrypts what older keys sealed, until they are re-encrypted (README: Configuration).
  SECRET_KEY: z.string().min(32).optional(),
  SECRET_KEY_PREVIOUS: z.string().optional(),
  PUBLIC_INBOX_URL: z.string().url().optional(),
  PUBLIC_ADMIN_URL: z.string().url().optional(),
  PUBLIC_WORKER_URL: z.string().url().optional(),
  PUBLIC_DOCS_URL: z.string().url().optional(),
  INBOX_PORT: z.coerce.number().int().positive().default(3000),
  ADMIN_PORT: z.coerce.number().int().positive().default(3001),
  WORKER_PORT: z.coerce.number().int().positive().default(3002),
  DOCS_PORT: z.coerce.number().int().positive().default(3003),
  HOST: z.string().default("127.0.0.1"),
  // What a worker process runs: the webhook ingress; a kind of queue job (inbound: storing client
  // messages and publishing them to the inbox; agent: the first-contact agent; delivery: sends,
  // files, imports, housekeeping); every job ("jobs"); or everything ("all": the ingress here and
  // one child process per job role, started and restarted by this one).
  WORKER_ROLE: z.enum(["all", "ingress", "jobs", "inbound", "agent", "delivery"]).default("all"),
  // CPU priority (nice, 0–19) each job process gives itself: under load the CPU goes to the
  // ingress and inbound storing first (a platform and a manager wait for them), then to sends,
  // and the agent gets what is left; the jobs catch up from their queues.
  WORKER_JOBS_NICE: z.coerce.number().int().min(0).max(19).default(10),
  WORKER_INBOUND_NICE: z.coerce.number().int().min(0).max(19).default(0),
  WORKER_AGENT_NICE: z.coerce.number().int().min(0).max(19).default(19),
  // A job-only process (WORKER_ROLE inbound, agent, delivery or jobs) answers GET /healthz on this
  // port when set; the ingress (and "all") answers on WORKER_PORT.
  WORKER_HEALTH_PORT: z.coerce.number().int().positive().optional(),
  STORAGE_DIR: z.string().default(".data/storage"),
  // Attachments go to an S3-compatible bucket instead of STORAGE_DIR when S3_BUCKET is set.
  S3_BUCKET: z.string().min(3).optional(),
  S3_REGION: z.string().default("us-east-1"),
  S3_ENDPOINT: z.string().url().optional(),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: z
    .enum(["true", "false"])
    .default("true")
    .transform((v) => v === "true"),
  S3_PREFIX: z.string().optional(),
  // Where the platforms and providers are reached: operator settings, never a tenant's. A provider
  // key is used only with the base URL it was saved for (changing one asks for the key again).
  TELEGRAM_API_ROOT: baseUrl.default("https://api.telegram.org"),
  VK_API_BASE_URL: baseUrl.default("https://api.vk.ru/method"),
  OPENAI_BASE_URL: baseUrl.default("https://api.openai.com/v1"),
  ELEVENLABS_BASE_URL: baseUrl.default("https://api.elevenlabs.io"),
  YOOKASSA_API_URL: baseUrl.default("https://api.yookassa.ru/v3"),
  STRIPE_API_URL: baseUrl.default("https://api.stripe.com"),
  // Exact origins (comma-separated) client files may also be fetched from, besides the platforms'
  // own https file hosts; only these may be http or private addresses (simulators, a local Bot API).
  MEDIA_FETCH_EXTRA_ORIGINS: z
    .string()
    .default("")
    .transform((value, ctx) => {
      const origins = value.split(",").map((s) => s.trim()).filter(Boolean);
      for (const origin of origins) {
        if (!isOrigin(origin)) ctx.addIssue({ code: "custom", message: `"${origin}" is not an origin such as http://127.0.0.1:8081` });
      }
      return origins.map((o) => new URL(o).origin);
    }),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  // Which hops in front of the apps are trusted reverse proxies, whose X-Forwarded-For names the
  // client's address (sign-in limits, session records): empty = none (the socket's address is the
  // client's), a number of hops (1 = one proxy such as nginx in front), or a comma-separated list
  // of proxy addresses / CIDR ranges (10.0.0.0/8, 127.0.0.1).
  TRUST_PROXY: z
    .string()
    .trim()
    .regex(/^(\d+|[0-9A-Fa-f:.\/,\s]*)$/, "a number of hops or a comma-separated list of IP addresses / CIDR ranges")
    .default(""),
  // Cookies are marked Secure (sent over https only): by default everywhere but development/test.
  COOKIE_SECURE: z.enum(["true", "false"]).optional(),
});

type Parsed = z.infer<typeof envSchema>;
/** An app process's settings: the app role's URL only, never the owner's. */
export type Env = Omit<Parsed, "DATABASE_URL" | "APP_DATABASE_PASSWORD" | "APP_DATABASE_URL" | "SECRET_KEY" | "SECRET_KEY_PREVIOUS" | "COOKIE_SECURE" | "REDIS_SENTINELS" | "REDIS_SENTINEL_NAME" | "REDIS_SENTINEL_PASSWORD"> & {
  /** How every Redis connection of the process is made (REDIS_URL, or the Sentinels). */
  redis: RedisConnectionOptions;
  APP_DATABASE_URL: string;
  SECRET_KEY: string;
  SECRET_KEY_PREVIOUS: string[];
  COOKIE_SECURE: boolean;
  /** Allowed but unsafe settings: the process logs each at start-up. */
  warnings: string[];
};

/**
 * The settings of an app process (inbox, admin, worker). In production it refuses to start
 * with a missing or public default secret, or without its own database role; each refusal
 * names the variable and what to do.
 */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const { DATABASE_URL, APP_DATABASE_URL, APP_DATABASE_PASSWORD, SECRET_KEY, SECRET_KEY_PREVIOUS, COOKIE_SECURE, REDIS_SENTINELS, REDIS_SENTINEL_NAME, REDIS_SENTINEL_PASSWORD, ...rest } = parseEnv(envSchema, source);
  const redis = redisConnectionOptions({ REDIS_URL: rest.REDIS_URL, REDIS_SENTINELS, REDIS_SENTINEL_NAME, REDIS_SENTINEL_PASSWORD });
  if (rest.S3_BUCKET && !(rest.S3_ACCESS_KEY_ID && rest.S3_SECRET_ACCESS_KEY)) {
    throw new ConfigError("S3_BUCKET is set: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set too.");
  }
  const production = rest.NODE_ENV === "production";
  const problems: string[] = [];
  const warnings: string[] = [];
  const keys = resolveSecretKeys(SECRET_KEY, SECRET_KEY_PREVIOUS, production, problems);

  const appUrl = production ? APP_DATABASE_URL : appDatabaseUrl(DATABASE_URL ?? LOCAL_DATABASE_URL, APP_DATABASE_PASSWORD ?? DEFAULT_APP_DATABASE_PASSWORD, APP_DATABASE_URL);
  if (production) {
    if (!appUrl) {
      problems.push(`APP_DATABASE_URL is not set: the apps connect only as the ${APP_ROLE} role (postgres://${APP_ROLE}:<APP_DATABASE_PASSWORD>@host:5432/db); the owner's DATABASE_URL is for \`npm run db:migrate\` alone.`);
    } else {
      const url = new URL(appUrl);
      if (decodeURIComponent(url.username) !== APP_ROLE) problems.push(`APP_DATABASE_URL connects as "${decodeURIComponent(url.username)}": it must be the ${APP_ROLE} role, which row-level security binds.`);
      else if (!url.password || decodeURIComponent(url.password) === DEFAULT_APP_DATABASE_PASSWORD) problems.push(`APP_DATABASE_URL has ${url.password ? "the public default" : "no"} password: choose one, run \`npm run db:migrate\` with it in APP_DATABASE_PASSWORD (that sets the role's password) and put it in APP_DATABASE_URL.`);
    }
    if (DATABASE_URL) warnings.push("DATABASE_URL is set in an app process, which connects with APP_DATABASE_URL only: remove the owner's URL from the app's environment.");
  }
  const cookieSecure = COOKIE_SECURE ? COOKIE_SECURE === "true" : production;
  if (production && COOKIE_SECURE === "false") warnings.push("COOKIE_SECURE=false: session cookies also travel over plain http; set it only when TLS ends in front of the apps and nothing reaches them over http.");
  refuse(problems, source);
  return { ...rest, APP_DATABASE_URL: appUrl!, SECRET_KEY: keys.current, SECRET_KEY_PREVIOUS: keys.previous, COOKIE_SECURE: cookieSecure, redis, warnings };
}

/** The environment for a child process: this process's, with `overrides` on top. */
export function childEnvironment(overrides: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}
