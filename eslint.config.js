import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import jsxA11y from "eslint-plugin-jsx-a11y";

// Package boundaries (docs/decisions/018-boundaries-in-lint.md, 021-packages-along-the-seams.md):
// domain ← pipeline ← api ← apps; simulators and the test harness only in tests and tooling.
const tests = ["**/*.test.ts", "**/*.test.tsx", "**/testing/**", "**/testing.ts", "**/test/**"];

/** Another package's (or app's) sources reached by a relative path instead of its exports. */
const crossPackagePaths = {
  regex: "^(\\.\\./)+([\\w-]+/)*[\\w-]+/src(/|$)",
  message: "Import another package through its name and exports map (@threadline/…), not its src folder.",
};
const transportModules = {
  group: ["@trpc/*", "express", "socket.io", "bullmq", "@threadline/api", "@threadline/api/*", "@threadline/pipeline", "@threadline/pipeline/*"],
  message: "Domain code stays free of transport (tRPC, HTTP, realtime, queues): take what it needs as plain data or a function.",
};
const apiModules = {
  group: ["@trpc/*", "socket.io", "@threadline/api", "@threadline/api/*"],
  message: "The pipeline never imports the API (tRPC, HTTP handlers, realtime): the API sits on top of it.",
};
const testOnlyModules = {
  group: ["@threadline/simulators", "@threadline/simulators/*", "@threadline/testing", "@threadline/testing/*"],
  message: "Production code never imports the platform simulators or the test harness.",
};
const databaseModules = {
  group: ["@threadline/db", "@threadline/db/*", "drizzle-orm", "drizzle-orm/*", "postgres"],
  message: "channels and ai take and return plain data; the database belongs to domain, pipeline and api.",
};

const restrict = (...patterns) => ["error", { patterns: [crossPackagePaths, ...patterns] }];

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
      "no-restricted-imports": restrict(),
    },
  },
  {
    // The config loader, launchers, tests and benchmarks are where the environment is read.
    files: ["packages/config/**", "tooling/**", "bench/**", "e2e/**", "**/*.test.ts", "**/vitest.*.ts", "**/test/**", "scripts/**", "**/drizzle.config.ts", "**/testing.ts", "**/testing/**"],
    rules: { "no-restricted-properties": "off" },
  },
  {
    // Production code of the apps and packages: no simulators, no test harness.
    files: ["apps/{inbox,admin,worker}/**", "packages/{config,db,domain,api,pipeline,ui}/src/**"],
    ignores: tests,
    rules: { "no-restricted-imports": restrict(testOnlyModules) },
  },
  {
    files: ["packages/domain/src/**"],
    ignores: tests,
    rules: { "no-restricted-imports": restrict(transportModules, testOnlyModules) },
  },
  {
    files: ["packages/pipeline/src/**"],
    ignores: tests,
    rules: { "no-restricted-imports": restrict(apiModules, testOnlyModules) },
  },
  {
    files: ["packages/channels/src/**", "packages/ai/src/**"],
    ignores: tests,
    rules: { "no-restricted-imports": restrict(databaseModules, testOnlyModules) },
  },
  {
    // Their tests use the simulators, and still no database.
    files: tests.map((t) => `packages/{channels,ai}/src/${t.replace(/^\*\*\//, "**/")}`),
    rules: { "no-restricted-imports": restrict(databaseModules) },
  },
  {
    files: ["apps/inbox/**/*.tsx", "apps/admin/**/*.tsx", "packages/ui/**/*.tsx"],
    ...jsxA11y.flatConfigs.recommended,
    rules: {
      ...jsxA11y.flatConfigs.recommended.rules,
      // The kit's controls render native or ARIA controls; a label around one labels it.
      "jsx-a11y/label-has-associated-control": ["error", { controlComponents: ["Input", "Select", "Textarea", "Switch", "Checkbox"], depth: 3 }],
      // Clients' voice messages have no transcript to caption them with (decision 018).
      "jsx-a11y/media-has-caption": "off",
    },
  },
  {
    files: ["apps/inbox/**/*.{ts,tsx}", "apps/admin/**/*.{ts,tsx}", "packages/ui/**/*.{ts,tsx}"],
    ...reactHooks.configs.flat["recommended-latest"],
    rules: { ...reactHooks.configs.flat["recommended-latest"].rules, "react-hooks/exhaustive-deps": "error" },
  },
);
