import type { ImportProgressEvent } from "@threadline/domain/events.ts";
import { progressPercent, type ImportRunState } from "./runs.ts";

/** What the runner publishes as it goes: the realtime contract's import event. */
export type ImportProgress = ImportProgressEvent;

/** Counts as the run's row holds them: they go on from where an earlier session left them. */
export type ImportCounts = { done: number; messages: number; requests: number };

/**
 * A run's progress as people see it: the counts, the rate and the time left of this session,
 * published at most once a second (the end of a run at once). A publish that fails is dropped:
 * the next one says it all again.
 */
export class ImportProgressReporter {
  /** This session's start and what it has done (the rate and the time left are of this session). */
  readonly session = { start: Date.now(), messages: 0, dialogs: 0 };
  private lastPublish = 0;

  constructor(
    private readonly run: { projectId: string; runId: string; channelId: string },
    private readonly counts: ImportCounts,
    /** The dialogs in the community, as the committed cursor knows them. */
    private readonly totalDialogs: () => number | null,
    private readonly publisher?: (event: ImportProgress) => Promise<void>,
  ) {}

  /** A commit's dialogs completed, messages stored and executes spent. */
  record(completed: number, inserted: number, executes: number): void {
    this.counts.done += completed;
    this.counts.messages += inserted;
    this.counts.requests += executes;
    this.session.messages += inserted;
    this.session.dialogs += completed;
  }

  async publish(state: ImportRunState, force = false): Promise<void> {
    if (!this.publisher) return;
    const now = Date.now();
    if (!force && now - this.lastPublish < 1000) return;
    this.lastPublish = now;
    const elapsed = Math.max(0.001, (now - this.session.start) / 1000);
    const dialogsRate = this.session.dialogs / elapsed;
    const total = this.totalDialogs();
    const { done, messages, requests } = this.counts;
    const left = done < (total ?? 0) ? (total ?? 0) - done : 0;
    await this.publisher({
      type: "import.progress",
      projectId: this.run.projectId,
      runId: this.run.runId,
      channelId: this.run.channelId,
      state,
      totalDialogs: total,
      doneDialogs: done,
      percent: progressPercent(state, done, total),
      importedMessages: messages,
      apiRequests: requests,
      messagesPerSecond: Math.round(this.session.messages / elapsed),
      etaSeconds: dialogsRate > 0 ? Math.round(left / dialogsRate) : null,
    }).catch(() => undefined);
  }
}
