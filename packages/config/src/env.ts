import { z } from "zod";

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
  // Where the platforms and providers are reached: operator settings, never a tenant's. A provider
  // key is used only with the base URL it was saved for (changing one asks for the key again).
  TELEGRAM_API_ROOT: baseUrl.default("https://api.telegram.org"),
  VK_API_BASE_URL: baseUrl.default("https://api.vk.ru/method"),
  OPENAI_BASE_URL: baseUrl.default("https://api.openai.com/v1"),
  ELEVENLABS_BASE_URL: baseUrl.default("https://api.elevenlabs.io"),
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
