import { defineProject } from "vitest/config";

// Components only: no React Router or Tailwind plugin, JSX through esbuild, the DOM from happy-dom.
export default defineProject({
  esbuild: { jsx: "automatic" },
  test: { name: "@threadline/admin", environment: "happy-dom", include: ["app/**/*.test.tsx"], setupFiles: ["../../packages/ui/src/testing/setup.ts"] },
});
