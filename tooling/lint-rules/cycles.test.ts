import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cycles, importGraph, shown, workspaces } from "./import-graph.ts";

// A cycle between files makes their load order matter and their parts impossible to move apart;
// one between packages makes them one package. Type-only imports count: they couple as much.

describe("import cycles", () => {
  for (const workspace of workspaces()) {
    it(`${workspace.name}: no file imports itself through others`, () => {
      const found = cycles(importGraph(workspace.dir)).map((cycle) => cycle.map(shown).join(" ↔ "));
      expect(found).toEqual([]);
    });
  }

  it("workspace packages depend on each other without a cycle", () => {
    const graph = new Map(workspaces().map((w) => [w.name, w.dependsOn]));
    expect(cycles(graph)).toEqual([]);
  });
});

describe("the cycle finder", () => {
  it("finds a cycle of three and a self-import, and nothing in a chain", () => {
    const graph = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a", "d"]],
      ["d", ["e"]],
      ["e", []],
      ["f", ["f"]],
    ]);
    expect(cycles(graph)).toEqual([["a", "b", "c"], ["f"]]);
  });

  it("sees a cycle between two real files through the TypeScript import scanner", async () => {
    const dir = await mkdtemp(join(tmpdir(), "import-graph-"));
    try {
      await writeFile(join(dir, "list.ts"), 'import { find } from "./search.ts";\nexport const list = find;\n');
      await writeFile(join(dir, "search.ts"), 'import type { Cursor } from "./list";\nexport type { Cursor };\nexport const find = 1;\n');
      await writeFile(join(dir, "index.ts"), 'export * from "./list.ts";\n');
      expect(cycles(importGraph(dir)).map((c) => c.map((f) => f.slice(dir.length + 1)))).toEqual([["list.ts", "search.ts"]]);
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
