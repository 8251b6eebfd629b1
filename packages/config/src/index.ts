export { loadEnv, childEnvironment, type Env } from "./env.ts";
export { loadOwnerEnv, loadSecretKeys, type OwnerEnv } from "./owner-env.ts";
export { ConfigError, type NodeEnv } from "./parse.ts";
export { APP_ROLE, DEFAULT_APP_DATABASE_PASSWORD, appDatabaseUrl } from "./database.ts";
export { DEFAULT_SECRET_KEY, weakSecretKey, type SecretKeys } from "./secrets.ts";
export { createLogger, type Logger } from "./logger.ts";
export { redisConnectionOptions, parseSentinels, type RedisConnectionOptions } from "./redis.ts";
