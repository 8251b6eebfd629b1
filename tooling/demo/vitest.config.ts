import { defineProject } from "vitest/config";

// The launcher's tests start real servers (embedded Postgres runs initdb): minutes, not seconds.
export default defineProject({ test: { name: "@threadline/demo", testTimeout: 120_000, hookTimeout: 120_000 } });
