import { Queue, type ConnectionOptions } from "bullmq";

// The import queue: one job per run, keyed by the run so that starting or resuming twice queues
// one job. The job carries no progress: the run row holds the cursor.
export const IMPORT_QUEUE = "import";

export type ImportJob = { projectId: string; runId: string };

export function createImportQueue(connection: ConnectionOptions, prefix = "tl") {
  const queue = new Queue<ImportJob>(IMPORT_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: { attempts: 20, backoff: { type: "exponential", delay: 2000 }, removeOnComplete: 1000, removeOnFail: 5000 },
  });
  return {
    queue,
    /** Each resume is a new job (a finished job with the same id would swallow it). */
    enqueue: (job: ImportJob) => queue.add("run", job, { jobId: `run_${job.runId}_${Date.now()}` }),
    close: () => queue.close(),
  };
}

export type ImportQueue = ReturnType<typeof createImportQueue>;
