// npm run bench -- NAME [--option value …]
import { runAgent } from "./agent.ts";
import { runImport } from "./import.ts";
import { runIngest } from "./ingest.ts";
import { runInboxList } from "./inbox-list.ts";
import { runLatency } from "./latency.ts";
import { runScale } from "./scale.ts";

const benchmarks: Record<string, (argv: string[]) => Promise<void>> = {
  latency: runLatency,
  ingest: runIngest,
  "inbox-list": runInboxList,
  agent: runAgent,
  import: runImport,
  scale: runScale,
};

const [name, ...rest] = process.argv.slice(2);
const run = name ? benchmarks[name] : undefined;
if (!run) {
  console.error(`usage: npm run bench -- <${Object.keys(benchmarks).join(" | ")}> [--option value …]  (see bench/README.md)`);
  process.exit(2);
}
run(rest).then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
