import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

// The repository's import structure as data: which source file imports which, and which
// workspace package depends on which. The tests beside this file hold both free of cycles.

export const root = resolve(import.meta.dirname, "../..");

const sourceFile = /\.(ts|tsx)$/;
const skipped = new Set(["node_modules", "build", "dist", ".react-router", ".docusaurus", ".data", "migrations"]);

function sourcesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    if (skipped.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...sourcesUnder(path));
    else if (sourceFile.test(name) && !name.endsWith(".d.ts")) found.push(path);
  }
  return found;
}

/** A relative specifier resolved to a file of the graph, as the bundler resolution finds it. */
function resolveRelative(from: string, specifier: string, files: Set<string>): string | undefined {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts"), join(base, "index.tsx")]) {
    if (files.has(candidate)) return candidate;
  }
  return undefined;
}

/** Every file of `dir` mapped to the files of `dir` it imports (relative specifiers only). */
export function importGraph(dir: string): Map<string, string[]> {
  const files = new Set(sourcesUnder(dir));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    const targets = importedFiles
      .map((i) => i.fileName)
      .filter((s) => s.startsWith("."))
      .map((s) => resolveRelative(file, s, files))
      .filter((t): t is string => t !== undefined);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** The cycles of a graph: each strongly connected component of more than one node, or a self-import. */
export function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

export type Workspace = { name: string; dir: string; dependsOn: string[] };

/**
 * The workspace packages (apps, packages, tooling, e2e, bench) and their runtime @threadline/*
 * dependencies. Dev dependencies are left out: a package's tests may use the harness
 * (@threadline/testing) and simulators that are built on the package itself (decision 021).
 */
export function workspaces(): Workspace[] {
  const { workspaces: globs } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { workspaces: string[] };
  const dirs = globs.flatMap((glob) => {
    if (!glob.endsWith("/*")) return [join(root, glob)];
    const parent = join(root, glob.slice(0, -2));
    return readdirSync(parent).map((name) => join(parent, name));
  });
  return dirs
    .filter((dir) => existsSync(join(dir, "package.json")))
    .map((dir) => {
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Record<string, Record<string, string> | string | undefined>;
      const deps = { ...(manifest.dependencies as object), ...(manifest.peerDependencies as object) };
      return { name: manifest.name as string, dir, dependsOn: Object.keys(deps).filter((d) => d.startsWith("@threadline/")) };
    });
}

export const shown = (path: string) => relative(root, path);
