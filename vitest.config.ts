import { defineConfig } from "vitest/config";

// One vitest run over every package and app that has tests; each package may add its own
// vitest.config.ts (e.g. a globalSetup that prepares a template database).
export default defineConfig({
  test: {
    projects: ["packages/*", "apps/worker", "apps/inbox", "apps/admin", "tooling/*"],
  },
});
