import { setPriority } from "node:os";
import type { Env, Logger } from "@threadline/config";

/**
 * Lowers this process's CPU priority (nice). The job process does this so that, when the machine
 * is busy, the webhook ingress gets the CPU first: the platforms time its answer and redeliver
 * when it is late, while jobs only wait a little longer in the queue.
 */
export function lowerCpuPriority(nice: number, logger: Logger) {
  try {
    setPriority(nice);
  } catch (err) {
    // Some containers forbid it; the process still works, with the ingress less favoured.
    logger.warn({ err, nice }, "could not lower the CPU priority of the job process");
  }
}

/**
 * The CPU priority (nice) of a job process by its role: inbound storing (a manager waits for it)
 * as the ingress unless WORKER_INBOUND_NICE says otherwise, sends and imports next
 * (WORKER_JOBS_NICE, also every job in one process), the agent last (WORKER_AGENT_NICE).
 */
export function jobRoleNice(env: Pick<Env, "WORKER_INBOUND_NICE" | "WORKER_JOBS_NICE" | "WORKER_AGENT_NICE">, role: "jobs" | "inbound" | "agent" | "delivery"): number {
  if (role === "inbound") return env.WORKER_INBOUND_NICE;
  if (role === "agent") return env.WORKER_AGENT_NICE;
  return env.WORKER_JOBS_NICE;
}
