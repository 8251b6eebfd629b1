import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Endpoints } from "@threadline/domain";
import type { WorkerRole } from "../index.ts";

const entry = fileURLToPath(new URL("./jobs-process.ts", import.meta.url));

/** Starts a job process (TypeScript through tsx) and resolves once its workers run; `stop` ends it with SIGTERM. */
export async function startJobsChild(config: { appUrl: string; redisUrl: string; prefix: string; secretKey: string; endpoints: Endpoints; roles: WorkerRole[] }) {
  const child = spawn(process.execPath, ["--import", "tsx", entry], { env: { ...process.env, JOBS_PROCESS_CONFIG: JSON.stringify(config) }, stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("job process did not start in 60 s")), 60_000);
    child.stdout!.on("data", (d: Buffer) => {
      if (d.toString().includes("ready")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`job process exited with ${code}`)));
  });
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
