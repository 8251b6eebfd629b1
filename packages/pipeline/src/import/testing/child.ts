import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const entry = fileURLToPath(new URL("./worker-process.ts", import.meta.url));

export interface ImportChildEnv {
  databaseUrl: string;
  projectId: string;
  runId: string;
  groupId: number;
  token: string;
  apiBaseUrl: string;
  requestsPerSecond?: number;
}

export interface ImportChild {
  process: ChildProcess;
  /** Resolves with the worker's report, or null when it was killed. */
  done: Promise<{ outcome: string; maxRssMb: number } | null>;
  kill: () => void;
}

/** Starts an import worker process (TypeScript through tsx). */
export function startImportChild(input: ImportChildEnv): ImportChild {
  const child = spawn(process.execPath, ["--import", "tsx", entry], {
    env: {
      ...process.env,
      IMPORT_DATABASE_URL: input.databaseUrl,
      IMPORT_PROJECT_ID: input.projectId,
      IMPORT_RUN_ID: input.runId,
      IMPORT_VK_GROUP_ID: String(input.groupId),
      IMPORT_VK_TOKEN: input.token,
      IMPORT_VK_API_BASE_URL: input.apiBaseUrl,
      IMPORT_RPS: String(input.requestsPerSecond ?? 20),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => {
    err = (err + d.toString()).slice(-20_000);
    if (process.env.IMPORT_CHILD_LOG) process.stderr.write(d);
  });
  const done = new Promise<{ outcome: string; maxRssMb: number } | null>((resolve, reject) => {
    child.on("exit", (code, signal) => {
      if (signal === "SIGKILL") return resolve(null);
      const line = out.trim().split("\n").at(-1);
      if (code === 0 && line) return resolve(JSON.parse(line) as { outcome: string; maxRssMb: number });
      reject(new Error(`import worker exited with ${code ?? signal}: ${err.slice(-2000)}`));
    });
  });
  return { process: child, done, kill: () => void child.kill("SIGKILL") };
}
