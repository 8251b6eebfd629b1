import { z } from "zod";
import { DEFAULT_APP_DATABASE_PASSWORD, LOCAL_DATABASE_URL } from "./database.ts";
import { nodeEnvSchema, parseEnv, refuse } from "./parse.ts";
import { resolveSecretKeys, type SecretKeys } from "./secrets.ts";

// The owner's settings, for the commands that need the owner role: `npm run db:migrate`, the
// secrets rotation and the launchers. App processes never read these (see env.ts).
const ownerSchema = z.object({
  NODE_ENV: nodeEnvSchema,
  // A superuser or the schema's owner: creates the tables, the app role and its grants.
  DATABASE_URL: z.string().url().optional(),
  // The app role's password, set by every migration run.
  APP_DATABASE_PASSWORD: z.string().min(8).optional(),
  SECRET_KEY: z.string().min(32).optional(),
  SECRET_KEY_PREVIOUS: z.string().optional(),
});

export type OwnerEnv = { NODE_ENV: z.infer<typeof nodeEnvSchema>; DATABASE_URL: string; APP_DATABASE_PASSWORD: string };

/** DATABASE_URL and APP_DATABASE_PASSWORD; production refuses the local defaults. */
export function loadOwnerEnv(source: Record<string, string | undefined> = process.env): OwnerEnv {
  const env = parseEnv(ownerSchema, source);
  const problems: string[] = [];
  if (env.NODE_ENV === "production") {
    if (!env.DATABASE_URL) problems.push("DATABASE_URL is not set: set it to the database owner's URL (a superuser or the schema's owner) for this command.");
    if (!env.APP_DATABASE_PASSWORD) problems.push("APP_DATABASE_PASSWORD is not set: choose the app role's password (16+ random characters); this command sets it, and the apps' APP_DATABASE_URL carries it.");
    else if (env.APP_DATABASE_PASSWORD === DEFAULT_APP_DATABASE_PASSWORD) problems.push("APP_DATABASE_PASSWORD is the public default: choose another (16+ random characters) and put the same one in the apps' APP_DATABASE_URL.");
  }
  refuse(problems, source);
  return {
    NODE_ENV: env.NODE_ENV,
    DATABASE_URL: env.DATABASE_URL ?? LOCAL_DATABASE_URL,
    APP_DATABASE_PASSWORD: env.APP_DATABASE_PASSWORD ?? DEFAULT_APP_DATABASE_PASSWORD,
  };
}

/** SECRET_KEY and SECRET_KEY_PREVIOUS alone, checked as loadEnv checks them: for the secrets rotation. */
export function loadSecretKeys(source: Record<string, string | undefined> = process.env): SecretKeys {
  const env = parseEnv(ownerSchema, source);
  const problems: string[] = [];
  const keys = resolveSecretKeys(env.SECRET_KEY, env.SECRET_KEY_PREVIOUS, env.NODE_ENV === "production", problems);
  refuse(problems, source);
  return keys;
}
