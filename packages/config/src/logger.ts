import { pino, type Logger } from "pino";

export type { Logger };

// One logger for every process: JSON lines, with the service name; callers add project_id
// through child loggers so that every line of a tenant's work can be found.
export function createLogger(service: string, level = "info"): Logger {
  return pino({ name: service, level, base: { service } });
}
