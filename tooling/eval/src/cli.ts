// npm run eval -- first-contact --cases DIR
// Runs every *.json case in DIR through the real pipeline (see first-contact.ts) and prints a line
// per case, then the figures, `first_contact_score` last. Failed cases are a measure, not an
// error: the exit code is 0 unless the run itself crashes.
import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { formatReport, formatSalesReport, loadFirstContactCases, loadSalesCases, type CaseResult, type SalesResult } from "@threadline/ai";
import { runCase, startEvalWorld } from "./first-contact.ts";
import { runSalesCase, withSpeechToText } from "./sales.ts";

const REPO_ROOT = path.resolve(import.meta.dirname, "../../..");
const USAGE = "usage: npm run eval -- first-contact|sales --cases DIR";

function casesDir(argv: string[]): string {
  const { values } = parseArgs({ args: argv, options: { cases: { type: "string" } }, strict: true });
  if (!values.cases) throw new Error(USAGE);
  const dir = [path.resolve(values.cases), path.resolve(REPO_ROOT, values.cases)].find((d) => existsSync(d));
  if (!dir) throw new Error(`no such folder: ${values.cases}`);
  return dir;
}

// npm run eval -- sales --cases DIR: the sales cases (catalog, documents, objections, voice) through
// the pipeline; figures then `sales_score` last.
async function sales(argv: string[]): Promise<void> {
  const cases = loadSalesCases(casesDir(argv));
  const world = await withSpeechToText(await startEvalWorld({ projectKeys: true }));
  const results: SalesResult[] = [];
  try {
    for (const c of cases) {
      let result: SalesResult;
      try {
        result = await runSalesCase(world, c);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        result = { name: c.name, passed: false, failures: [`error: ${message}`], invented: [], recall: { found: 0, expected: c.expect.retrieved?.length ?? 0 } };
      }
      results.push(result);
      console.log(formatSalesReport([result])[0]);
    }
  } finally {
    await world.close();
  }
  for (const line of formatSalesReport(results).slice(results.length)) console.log(line);
}

async function firstContact(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { cases: { type: "string" } }, strict: true });
  if (!values.cases) throw new Error(USAGE);
  // npm runs the script in the eval tool's folder: a relative DIR may also be meant from the repository root.
  const dir = [path.resolve(values.cases), path.resolve(REPO_ROOT, values.cases)].find((d) => existsSync(d));
  if (!dir) throw new Error(`no such folder: ${values.cases}`);
  const cases = loadFirstContactCases(dir);
  const world = await startEvalWorld();
  const results: CaseResult[] = [];
  try {
    for (const c of cases) {
      let result: CaseResult;
      try {
        result = await runCase(world, c);
      } catch (error) {
        // One case that could not run is a failed case; the others still count.
        const message = error instanceof Error ? error.message : String(error);
        result = {
          name: c.name,
          passed: false,
          failures: [`error: ${message}`],
          outcome: { stage: "bot", phone: null, assignedTo: null, agentMessages: [], reasks: 0 },
          expected: c.expect,
        };
      }
      results.push(result);
      const [line] = formatReport([result]);
      console.log(line);
    }
  } finally {
    await world.close();
  }
  for (const line of formatReport(results).slice(results.length)) console.log(line);
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  if (command === "first-contact") return firstContact(rest);
  if (command === "sales") return sales(rest);
  throw new Error(command ? `unknown eval "${command}"\n${USAGE}` : USAGE);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
