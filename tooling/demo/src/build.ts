import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { LaunchError } from "./errors.ts";
import { describeExit, startProcess } from "./processes.ts";
import { logsDir, repoRoot, shownPath } from "./paths.ts";

export type BuiltApp = "inbox" | "admin" | "docs";

type BuildLayout = {
  /** Files whose newest change must be older than the newest output file. */
  sources: string[];
  /** The build's output folder or file. */
  output: string;
};

const skipped = new Set(["node_modules", "build", "dist", ".react-router", ".docusaurus", ".turbo", ".data"]);

function layout(app: BuiltApp): BuildLayout {
  const dir = join(repoRoot, "apps", app);
  if (app === "docs") {
    return {
      sources: ["docs", "src", "static", "i18n", "plugins", "docusaurus.config.mjs", "sidebars.mjs", "package.json"].map((p) => join(dir, p)),
      output: join(dir, "build", "index.html"),
    };
  }
  // The web apps bundle the workspace packages they depend on (UI, domain, …) into their build.
  return { sources: [dir, ...workspaceDependencies(dir).map((d) => join(d, "src"))], output: join(dir, "build", "client") };
}

/** Folders of the workspace packages that the package in `dir` depends on, directly or not. */
function workspaceDependencies(dir: string): string[] {
  const packagesDir = join(repoRoot, "packages");
  const byName = new Map<string, string>();
  for (const entry of existsSync(packagesDir) ? readdirSync(packagesDir) : []) {
    const manifest = readManifest(join(packagesDir, entry));
    if (manifest?.name) byName.set(manifest.name, join(packagesDir, entry));
  }
  const found = new Set<string>();
  const visit = (from: string) => {
    const manifest = readManifest(from);
    for (const name of Object.keys({ ...manifest?.dependencies, ...manifest?.devDependencies })) {
      const target = byName.get(name);
      if (target && !found.has(target)) {
        found.add(target);
        visit(target);
      }
    }
  };
  visit(dir);
  return [...found];
}

type Manifest = { name?: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string> };

function readManifest(dir: string): Manifest | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;
  } catch {
    return undefined;
  }
}

/** Newest modification time under `path` (0 when it does not exist). */
function newest(path: string): number {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let time = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (skipped.has(entry)) continue;
    time = Math.max(time, newest(join(path, entry)));
  }
  return time;
}

/** Whether the app's build output is missing or older than its sources. */
export function needsBuild(app: BuiltApp): boolean {
  const { sources, output } = layout(app);
  if (!existsSync(output)) return true;
  const built = newest(output);
  return sources.some((s) => newest(s) > built);
}

export type BuildOptions = {
  /** Build even when the output looks current. */
  force?: boolean;
  /** Folder for build-<app>.log. */
  logDir?: string;
  timeoutMs?: number;
};

/**
 * Builds the apps whose output is missing or stale (`npm run build -w @threadline/<app>`), in
 * parallel; returns the apps it built.
 */
export async function buildApps(apps: BuiltApp[], options: BuildOptions = {}): Promise<BuiltApp[]> {
  const stale = apps.filter((app) => options.force || needsBuild(app));
  await Promise.all(stale.map((app) => buildApp(app, options)));
  return stale;
}

async function buildApp(app: BuiltApp, options: BuildOptions) {
  if (!existsSync(join(repoRoot, "apps", app, "package.json"))) {
    throw new LaunchError(`apps/${app} does not exist in this checkout, so it cannot be built.`);
  }
  const logFile = join(options.logDir ?? logsDir, `build-${app}.log`);
  const build = startProcess({
    name: `build ${app}`,
    command: "npm",
    args: ["run", "build", "-w", `@threadline/${app}`],
    cwd: repoRoot,
    env: { ...process.env, NO_UPDATE_NOTIFIER: "1" },
    logFile,
  });
  const timeoutMs = options.timeoutMs ?? 600_000;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  const exit = await Promise.race([build.exited, timedOut]);
  clearTimeout(timer);
  if (exit === "timeout") {
    await build.stop();
    throw new LaunchError(`Building ${app} took longer than ${timeoutMs / 1000} s. See ${shownPath(logFile)}.`);
  }
  if (exit.code !== 0) {
    await build.stop();
    throw new LaunchError(`Building ${app} failed: npm run build -w @threadline/${app} ${describeExit(exit)}. See ${shownPath(logFile)}:\n${build.tail(15)}`);
  }
  await build.stop(); // Nothing should be left of it; makes sure.
}
