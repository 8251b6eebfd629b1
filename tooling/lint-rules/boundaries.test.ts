import { join } from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import { root } from "./import-graph.ts";

// The package boundaries of eslint.config.js, checked on source text placed where it would live.
const eslint = new ESLint({ cwd: root, overrideConfigFile: join(root, "eslint.config.js") });

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe("package boundaries", () => {
  it("domain code imports no transport library and neither the pipeline nor the API", async () => {
    for (const library of ["@trpc/server", "express", "socket.io", "bullmq", "@threadline/api/trpc", "@threadline/pipeline/jobs"]) {
      const messages = await restricted("packages/domain/src/conversations/fixture.ts", `import x from "${library}";\nexport default x;\n`);
      expect(messages, library).toEqual([expect.stringMatching(/^no-restricted-imports: .*Domain code stays free of transport/)]);
    }
    expect(await restricted("packages/domain/src/storage.ts", 'import { fetchHandler } from "@threadline/api/trpc/fetch.ts";\nexport { fetchHandler };\n')).toHaveLength(1);
  });

  it("the pipeline never imports the API", async () => {
    const messages = await restricted("packages/pipeline/src/pipeline/fixture.ts", 'import { attachRealtime } from "@threadline/api/realtime";\nexport { attachRealtime };\n');
    expect(messages).toEqual([expect.stringMatching(/^no-restricted-imports: .*never imports the API/)]);
  });

  it("production code imports neither the simulators nor the test harness", async () => {
    for (const [file, library] of [
      ["packages/domain/src/voice/fixture.ts", "@threadline/simulators/ai"],
      ["packages/api/src/http/fixture.ts", "@threadline/testing"],
      ["packages/channels/src/vk/fixture.ts", "@threadline/simulators/channels"],
      ["apps/worker/src/fixture.ts", "@threadline/simulators/channels"],
    ] as const) {
      const messages = await restricted(file, `import x from "${library}";\nexport default x;\n`);
      expect(messages, `${file} → ${library}`).toContainEqual(expect.stringMatching(/^no-restricted-imports: .*simulators or the test harness/));
    }
  });

  it("channels and ai import no database, in their tests too", async () => {
    for (const [file, library] of [
      ["packages/channels/src/fixture.ts", "@threadline/db"],
      ["packages/channels/src/vk/fixture.test.ts", "drizzle-orm"],
      ["packages/ai/src/fixture.ts", "postgres"],
    ] as const) {
      const messages = await restricted(file, `import x from "${library}";\nexport default x;\n`);
      expect(messages, `${file} → ${library}`).toEqual([expect.stringMatching(/^no-restricted-imports: .*the database belongs to/)]);
    }
  });

  it("no file reaches another package's src by a relative path", async () => {
    for (const [file, specifier] of [
      ["bench/src/fixture.ts", "../../packages/domain/src/crypto.ts"],
      ["packages/pipeline/src/import/fixture.ts", "../../../channels/src/index.ts"],
      ["apps/worker/src/fixture.ts", "../../../packages/db/src"],
    ] as const) {
      const messages = await restricted(file, `import x from "${specifier}";\nexport default x;\n`);
      expect(messages, `${file} → ${specifier}`).toEqual([expect.stringMatching(/^no-restricted-imports: .*through its name and exports map/)]);
    }
  });

  it("allows what the boundaries permit", async () => {
    const allowed: [string, string][] = [
      // Domain code uses the database, its own folders and lower packages by name.
      ["packages/domain/src/conversations/fixture.ts", 'import { withTenant } from "@threadline/db";\nimport { can } from "../access/member.ts";\nimport type { ChannelEvent } from "@threadline/channels";\nexport { withTenant, can, type ChannelEvent };\n'],
      // The API uses the domain, the pipeline's queues and its libraries.
      ["packages/api/src/trpc/fixture.ts", 'import { TRPCError } from "@trpc/server";\nimport { createReply } from "@threadline/domain/conversations/reply.ts";\nimport { createQueues } from "@threadline/pipeline/jobs";\nexport { TRPCError, createReply, createQueues };\n'],
      // Tests may go through the real entry points and the simulators.
      ["packages/domain/src/leads/fixture.test.ts", 'import { createQueues } from "@threadline/pipeline/jobs";\nimport { createTestEnv } from "@threadline/testing";\nexport { createQueues, createTestEnv };\n'],
      ["packages/channels/src/vk/fixture.test.ts", 'import { VkApiSimulator } from "@threadline/simulators/channels";\nexport { VkApiSimulator };\n'],
      ["packages/channels/src/fixture.ts", 'import { Bot } from "grammy";\nexport { Bot };\n'],
      ["bench/src/fixture.ts", 'import { createTestEnv } from "@threadline/testing";\nimport { round } from "./stats.ts";\nexport { createTestEnv, round };\n'],
    ];
    for (const [file, code] of allowed) expect(await restricted(file, code), file).toEqual([]);
  });
});
