import { z } from "zod";

// The single place that reads process.env. Every process validates what it needs at start-up
// and fails with a message naming the variable, instead of failing later on first use.
const envSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  DATABASE_URL: z.string().url().default("postgres://postgres@127.0.0.1:5432/threadline"),
  // The role the apps connect as: owns no table and cannot bypass row-level security.
  // Derived from DATABASE_URL (user threadline_app) when unset.
  APP_DATABASE_URL: z.string().url().optional(),
  APP_DATABASE_PASSWORD: z.string().min(8).default("threadline_app_local"),
  REDIS_URL: z.string().url().default("redis://127.0.0.1:6379"),
  // 32+ chars; encrypts channel tokens and provider keys at rest.
  SECRET_KEY: z.string().min(32).default("threadline-local-development-secret-key-0001"),
  PUBLIC_INBOX_URL: z.string().url().optional(),
  PUBLIC_ADMIN_URL: z.string().url().optional(),
  PUBLIC_WORKER_URL: z.string().url().optional(),
  PUBLIC_DOCS_URL: z.string().url().optional(),
  INBOX_PORT: z.coerce.number().int().positive().default(3000),
  ADMIN_PORT: z.coerce.number().int().positive().default(3001),
  WORKER_PORT: z.coerce.number().int().positive().default(3002),
  DOCS_PORT: z.coerce.number().int().positive().default(3003),
  HOST: z.string().default("127.0.0.1"),
  // What a worker process runs: the webhook ingress, the queue jobs, or both ("all": the ingress
  // here and the jobs in a child process it starts and restarts).
  WORKER_ROLE: z.enum(["all", "ingress", "jobs"]).default("all"),
  // CPU priority (nice, 0–19) the job process gives itself: under load the CPU goes to the
  // ingress first, whose answer the platforms time; the jobs catch up from the queue.
  WORKER_JOBS_NICE: z.coerce.number().int().min(0).max(19).default(10),
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
  // Cookies are marked Secure when the apps are served over https.
  COOKIE_SECURE: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true"),
});

export type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid environment:\n${lines.join("\n")}`);
  }
  if (parsed.data.S3_BUCKET && !(parsed.data.S3_ACCESS_KEY_ID && parsed.data.S3_SECRET_ACCESS_KEY)) {
    throw new ConfigError("S3_BUCKET is set: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set too.");
  }
  if (parsed.data.NODE_ENV === "production" && !source.SECRET_KEY) {
    throw new ConfigError("SECRET_KEY must be set in production (32+ random characters).");
  }
  return parsed.data;
}

/** The environment for a child process: this process's, with `overrides` on top. */
export function childEnvironment(overrides: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}
