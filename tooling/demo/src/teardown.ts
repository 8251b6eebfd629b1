import { describeError } from "./errors.ts";

/**
 * What a launcher started, to be stopped in reverse order: services before Redis before Postgres.
 * A failing step is reported and the rest still run.
 */
export class Teardown {
  private steps: { name: string; stop: () => Promise<void> }[] = [];
  private running: Promise<string[]> | undefined;

  private late: Promise<string | undefined>[] = [];

  /** Something added after the teardown has begun is stopped at once (it started too late to be kept). */
  add(name: string, stop: () => Promise<void>): void {
    if (this.running) {
      this.late.push(stop().then(() => undefined, (error: unknown) => `${name}: ${describeError(error)}`));
      return;
    }
    this.steps.push({ name, stop });
  }

  /** Resolves to the problems met stopping what was added after the teardown began. */
  async settleLate(): Promise<string[]> {
    return (await Promise.all(this.late)).filter((p): p is string => p !== undefined);
  }

  /** Runs once; later calls get the same result. Resolves to the problems met, if any. */
  run(): Promise<string[]> {
    this.running ??= (async () => {
      const problems: string[] = [];
      for (const step of this.steps.reverse()) {
        try {
          await step.stop();
        } catch (error) {
          problems.push(`${step.name}: ${describeError(error)}`);
        }
      }
      this.steps = [];
      return problems;
    })();
    return this.running;
  }
}
