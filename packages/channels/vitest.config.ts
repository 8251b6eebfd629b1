import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "@threadline/channels",
    include: ["src/**/*.test.ts"],
    // End-to-end tests run real HTTP servers and long polls on loopback.
    testTimeout: 20_000,
  },
});
