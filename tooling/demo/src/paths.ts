import { fileURLToPath } from "node:url";
import { join, relative, resolve } from "node:path";

/** The repository root: tooling/demo/src/ is three levels below it. */
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url)).replace(/\/$/, "");

/**
 * Local state of the launcher (git-ignored): Postgres data, logs, the record of started processes.
 * DEMO_DATA_DIR moves it elsewhere (a second demo beside the first, tests).
 */
export const dataDir = process.env.DEMO_DATA_DIR ? resolve(process.env.DEMO_DATA_DIR) : join(repoRoot, ".data");
export const logsDir = join(dataDir, "logs");

/** A path as a person reads it in messages: relative to the repository when inside it. */
export function shownPath(path: string): string {
  const rel = relative(repoRoot, path);
  return rel && !rel.startsWith("..") ? rel : path;
}
