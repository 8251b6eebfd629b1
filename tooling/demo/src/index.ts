// Building blocks of the local stack, shared by `npm run demo` and the end-to-end tests.
export { LaunchError, describeError } from "./errors.ts";
export { repoRoot, dataDir, logsDir, shownPath } from "./paths.ts";
export { freePort, portIsFree, preferredOrFreePort } from "./ports.ts";
export {
  startPostgres,
  startEmbeddedPostgres,
  stopLeftoverServer,
  postmasterPid,
  ensureDatabase,
  createDatabase,
  dropDatabase,
  databaseUrl,
  redactUrl,
  DEFAULT_DATABASE,
  type PostgresServer,
  type EmbeddedPostgresServer,
  type StartPostgresOptions,
  type EmbeddedPostgresOptions,
} from "./postgres.ts";
export { startRedis, pingRedis, findExecutable, requireRedisServer, RedisNotFoundError, REDIS_NOT_FOUND_MESSAGE, type RedisServer, type StartRedisOptions } from "./redis.ts";
export { buildApps, needsBuild, type BuiltApp, type BuildOptions } from "./build.ts";
export {
  startServices,
  stopServices,
  serviceEnv,
  launcherEnvironment,
  serviceUrl,
  waitForHealth,
  SERVICE_NAMES,
  type ServiceName,
  type ServicePorts,
  type RunningService,
  type StartServicesOptions,
  type ServiceEnvOptions,
} from "./services.ts";
export { startProcess, stopGroup, groupAlive, processAlive, ProcessLedger, describeExit, type ManagedProcess, type ExitInfo } from "./processes.ts";
export { Teardown } from "./teardown.ts";
