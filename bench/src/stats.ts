import { appendFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import os from "node:os";

/** Percentile of a sample (nearest rank on a sorted copy). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export type Summary = { n: number; min: number; p50: number; p95: number; p99: number; max: number; mean: number };

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((s, x) => s + x, 0) / (sorted.length || 1);
  return {
    n: sorted.length,
    min: round(sorted[0] ?? Number.NaN),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? Number.NaN),
    mean: round(mean),
  };
}

export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function formatSummary(label: string, s: Summary, unit = "ms"): string {
  return `${label.padEnd(34)} n=${String(s.n).padStart(6)}  p50=${s.p50}${unit}  p95=${s.p95}${unit}  p99=${s.p99}${unit}  max=${s.max}${unit}  mean=${s.mean}${unit}`;
}

/** Parses `--name value` and `--flag` arguments. */
export function parseArgs(argv: readonly string[]): Map<string, string | true> {
  const out = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith("--")) continue;
    const eq = a.indexOf("=");
    if (eq > 0) out.set(a.slice(2, eq), a.slice(eq + 1));
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith("--")) out.set(a.slice(2), argv[++i]!);
    else out.set(a.slice(2), true);
  }
  return out;
}

export function numberArg(args: Map<string, string | true>, name: string, fallback: number): number {
  const v = args.get(name);
  if (v === undefined || v === true) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got ${v}`);
  return n;
}

export function stringArg(args: Map<string, string | true>, name: string, fallback: string): string {
  const v = args.get(name);
  return typeof v === "string" ? v : fallback;
}

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), "..", "results");

/** Appends one run's figures as a JSON line to bench/results/<name>.jsonl. */
export function recordResult(name: string, figures: Record<string, unknown>): string {
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${name}.jsonl`);
  const line = {
    bench: name,
    at: new Date().toISOString(),
    host: { cpus: os.cpus().length, memGb: round(os.totalmem() / 2 ** 30, 1), node: process.version, load1: round(os.loadavg()[0] ?? 0) },
    ...figures,
  };
  appendFileSync(file, `${JSON.stringify(line)}\n`);
  return file;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The machine's load before a run: other work on the box skews every figure. */
export function describeHost(): string {
  const [l1, l5] = os.loadavg();
  return `host: ${os.cpus().length} cpus, ${round(os.totalmem() / 2 ** 30, 1)} GB, node ${process.version}, load avg 1m ${round(l1 ?? 0)} 5m ${round(l5 ?? 0)}`;
}
