/** What an import run's counters say when it brought no messages. */
export type RunCounters = { state: "queued" | "running" | "paused" | "done" | "failed" | "cancelled"; doneDialogs: number; importedMessages: number };

/**
 * Why a finished or stopped run shows «сообщений: 0», as an i18n key; null while it still runs or
 * when it brought messages. A failed run's reason is its error, shown next to it.
 */
export function whyNoMessages(run: RunCounters): "import.whyNoDialogs" | "import.whyNothingNew" | "import.whyCancelledEarly" | null {
  if (run.importedMessages > 0) return null;
  if (run.state === "done") return run.doneDialogs === 0 ? "import.whyNoDialogs" : "import.whyNothingNew";
  if (run.state === "cancelled") return run.doneDialogs === 0 ? "import.whyCancelledEarly" : "import.whyNothingNew";
  return null;
}
