import { VkAdapter } from "@threadline/channels";
import { createDb } from "@threadline/db";
import { runVkImport } from "../vk-import.ts";

// One import worker as its own process, for the crash tests and the bench: it runs the import
// run given in its environment and reports its outcome and peak memory on stdout. The parent
// kills it with SIGKILL whenever it likes and starts another.

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const db = createDb(env("IMPORT_DATABASE_URL"), { max: 4 });
const adapter = new VkAdapter({ groupId: Number(env("IMPORT_VK_GROUP_ID")), token: env("IMPORT_VK_TOKEN"), apiBaseUrl: env("IMPORT_VK_API_BASE_URL") });
const outcome = await runVkImport(
  {
    db,
    adapter: async () => adapter,
    requestsPerSecond: Number(process.env.IMPORT_RPS ?? 20),
    onLog: (message, details) => process.stderr.write(`${JSON.stringify({ message, ...details })}\n`),
  },
  { projectId: env("IMPORT_PROJECT_ID"), runId: env("IMPORT_RUN_ID") },
);
process.stdout.write(`${JSON.stringify({ outcome, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
await db.$close();
