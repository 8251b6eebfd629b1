import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/build/**",
      "**/dist/**",
      "**/.react-router/**",
      "**/.docusaurus/**",
      "**/.data/**",
      "**/migrations/**",
      "apps/docs/**",
      "test-results/**",
      "playwright-report/**",
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration through @threadline/config (loadEnv)." },
      ],
    },
  },
  {
    // The config loader, launchers, tests and benchmarks are where the environment is read.
    files: ["packages/config/**", "tooling/**", "bench/**", "e2e/**", "**/*.test.ts", "**/vitest.*.ts", "**/test/**", "scripts/**", "**/drizzle.config.ts", "**/testing.ts", "**/testing/**"],
    rules: { "no-restricted-properties": "off" },
  },
);
