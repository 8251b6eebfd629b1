import { defineProject } from "vitest/config";

// Components render in happy-dom; JSX goes through esbuild alone (no app plugins needed).
export default defineProject({
  esbuild: { jsx: "automatic" },
  test: { name: "@threadline/ui", environment: "happy-dom", setupFiles: ["./src/testing/setup.ts"] },
});
