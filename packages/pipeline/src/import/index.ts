export { startImportWorker, vkAdapterOf, type ImportWorkerDeps } from "./worker.ts";
export { createImportQueue, IMPORT_QUEUE, type ImportJob, type ImportQueue } from "./queue.ts";
export { runVkImport, type RunOutcome } from "./vk-import.ts";
export type { ImportProgress } from "./vk-progress.ts";
export { importTelegramExport, exportMessageKey, type TelegramImportResult } from "./telegram-import.ts";
export { TelegramExportError } from "./telegram-export.ts";
export * from "./runs.ts";
