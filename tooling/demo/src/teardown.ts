import { describeError } from "./errors.ts";

/**
 * What a launcher started, to be stopped in reverse order: services before Redis before Postgres.
 * A failing step is reported and the rest still run.
 */
export class Teardown {
  private steps: { name: string; stop: () => Promise<void> }[] = [];
  private running: Promise<string[]> | undefined;

  add(name: string, stop: () => Promise<void>): void {
    this.steps.push({ name, stop });
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
