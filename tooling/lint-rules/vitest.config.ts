import { defineProject } from "vitest/config";

// Linting fixtures loads the whole ESLint config (typescript-eslint, React plugins) once per file.
export default defineProject({ test: { name: "lint-rules", testTimeout: 60_000 } });
