export { loadEnv, childEnvironment, ConfigError, type Env } from "./env.ts";
export { createLogger, type Logger } from "./logger.ts";
