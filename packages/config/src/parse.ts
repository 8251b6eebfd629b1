import { z } from "zod";

export class ConfigError extends Error {
  override name = "ConfigError";
}

// Unset means production: a deployment that forgets NODE_ENV gets the strict checks, never the
// developer defaults. The demo, e2e and bench launchers and vitest set development/test themselves.
export const nodeEnvSchema = z.enum(["development", "test", "production"]).default("production");
export type NodeEnv = z.infer<typeof nodeEnvSchema>;

/** Parses the environment with `schema`, or throws a ConfigError naming each bad variable. */
export function parseEnv<S extends z.ZodType>(schema: S, source: Record<string, string | undefined>): z.infer<S> {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid environment:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

/** One ConfigError listing every refusal, so an operator fixes them in one pass. */
export function refuse(problems: string[], source: Record<string, string | undefined>): void {
  if (!problems.length) return;
  const assumed = source.NODE_ENV ? "" : " (NODE_ENV is unset, so production is assumed; a developer machine sets NODE_ENV=development)";
  throw new ConfigError(`Refusing to start in production${assumed}:\n${problems.map((p) => `  ${p}`).join("\n")}`);
}
