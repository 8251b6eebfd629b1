import { setPriority } from "node:os";
import type { Logger } from "@threadline/config";

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
