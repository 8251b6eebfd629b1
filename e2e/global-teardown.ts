import { takeTeardown } from "./stack.ts";

/** Stops the apps and Redis that globalSetup started and drops the e2e database. */
export default async function globalTeardown(): Promise<void> {
  const problems = (await takeTeardown()?.run()) ?? [];
  if (problems.length) throw new Error(`The e2e stack did not stop cleanly:\n${problems.join("\n")}`);
}
