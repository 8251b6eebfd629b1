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
  it("domain code of core imports no transport library", async () => {
    for (const library of ["@trpc/server", "express", "socket.io", "bullmq"]) {
      const messages = await restricted("packages/core/src/conversations/fixture.ts", `import x from "${library}";\nexport default x;\n`);
      expect(messages, library).toEqual([expect.stringMatching(/^no-restricted-imports: .*Domain code stays free of transport/)]);
    }
  });

  it("domain code of core imports none of core's transport folders", async () => {
    const messages = await restricted("packages/core/src/leads/fixture.ts", 'import type { OutboundJob } from "../jobs/index.ts";\nexport type Job = OutboundJob;\n');
    expect(messages).toEqual([expect.stringMatching(/^no-restricted-imports: .*transport folders/)]);
    expect(await restricted("packages/core/src/storage.ts", 'import { fetchHandler } from "./trpc/fetch.ts";\nexport { fetchHandler };\n')).toHaveLength(1);
    expect(await restricted("packages/core/src/voice/fixture.ts", 'import { uploadsHandler } from "../http/uploads.ts";\nexport { uploadsHandler };\n')).toHaveLength(1);
  });

  it("channels and ai import no database", async () => {
    for (const [file, library] of [
      ["packages/channels/src/fixture.ts", "@threadline/db"],
      ["packages/channels/src/vk/fixture.ts", "drizzle-orm"],
      ["packages/ai/src/fixture.ts", "postgres"],
    ] as const) {
      const messages = await restricted(file, `import x from "${library}";\nexport default x;\n`);
      expect(messages, `${file} → ${library}`).toEqual([expect.stringMatching(/^no-restricted-imports: .*the database belongs to core/)]);
    }
  });

  it("no file reaches another package's src by a relative path", async () => {
    for (const [file, specifier] of [
      ["bench/src/fixture.ts", "../../packages/core/src/crypto.ts"],
      ["packages/core/src/import/fixture.ts", "../../../channels/src/index.ts"],
      ["apps/worker/src/fixture.ts", "../../../packages/db/src"],
    ] as const) {
      const messages = await restricted(file, `import x from "${specifier}";\nexport default x;\n`);
      expect(messages, `${file} → ${specifier}`).toEqual([expect.stringMatching(/^no-restricted-imports: .*through its name and exports map/)]);
    }
  });

  it("allows what the boundaries permit", async () => {
    const allowed: [string, string][] = [
      // Domain code uses the database, its own domain folders and other packages by name.
      ["packages/core/src/conversations/fixture.ts", 'import { withTenant } from "@threadline/db";\nimport { can } from "../access/member.ts";\nimport type { ChannelEvent } from "@threadline/channels";\nexport { withTenant, can, type ChannelEvent };\n'],
      // Transport uses the domain and its libraries.
      ["packages/core/src/trpc/fixture.ts", 'import { TRPCError } from "@trpc/server";\nimport { createReply } from "../conversations/reply.ts";\nexport { TRPCError, createReply };\n'],
      // Tests in a domain folder may go through the real entry points.
      ["packages/core/src/leads/fixture.test.ts", 'import { createQueues } from "../jobs/index.ts";\nexport { createQueues };\n'],
      ["packages/channels/src/fixture.ts", 'import { Bot } from "grammy";\nexport { Bot };\n'],
      ["bench/src/fixture.ts", 'import { createTestEnv } from "@threadline/testing";\nimport { round } from "./stats.ts";\nexport { createTestEnv, round };\n'],
    ];
    for (const [file, code] of allowed) expect(await restricted(file, code), file).toEqual([]);
  });
});
