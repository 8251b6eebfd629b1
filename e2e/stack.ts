import { join } from "node:path";
import { Teardown, dataDir } from "@threadline/demo";

/** Logs of the services the end-to-end run starts (git-ignored with the rest of .data/). */
export const e2eLogDir = join(dataDir, "e2e", "logs");

// globalSetup and globalTeardown run in the same runner process but may be loaded as separate
// module instances: what was started is handed over through a global.
const key = Symbol.for("threadline.e2e.teardown");
type WithTeardown = { [key]?: Teardown };

export function rememberTeardown(teardown: Teardown): void {
  (globalThis as WithTeardown)[key] = teardown;
}

export function takeTeardown(): Teardown | undefined {
  const teardown = (globalThis as WithTeardown)[key];
  delete (globalThis as WithTeardown)[key];
  return teardown;
}
