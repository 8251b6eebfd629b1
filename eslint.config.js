import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import jsxA11y from "eslint-plugin-jsx-a11y";

// Package boundaries (docs/decisions/018-boundaries-in-lint.md). The globs name folders, so a
// later split of packages/core into packages only moves them.
const coreDomain = [
  "access",
  "auth",
  "conversations",
  "leads",
  "staff",
  "channels",
  "voice",
  "analytics",
  "templates",
  "projects",
  "audit",
];
const coreTransport = ["trpc", "http", "realtime", "jobs", "pipeline"];
const tests = ["**/*.test.ts", "**/*.test.tsx", "**/testing/**", "**/testing.ts"];

/** Another package's (or app's) sources reached by a relative path instead of its exports. */
const crossPackagePaths = {
  regex: "^(\\.\\./)+([\\w-]+/)*[\\w-]+/src(/|$)",
  message: "Import another package through its name and exports map (@threadline/…), not its src folder.",
};
const transportModules = {
  group: ["@trpc/*", "express", "socket.io", "bullmq"],
  message: "Domain code stays free of transport: take what it needs as plain data or a function.",
};
const coreTransportFolders = {
  regex: `^(\\.\\.?/)+(${coreTransport.join("|")})(/|$)`,
  message: "Domain code never imports core's transport folders (trpc, http, realtime, jobs, pipeline).",
};
const databaseModules = {
  group: ["@threadline/db", "@threadline/db/*", "drizzle-orm", "drizzle-orm/*", "postgres"],
  message: "channels and ai take and return plain data; the database belongs to core and the apps.",
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
    // Domain code of core: no transport, neither libraries nor core's own transport folders.
    files: [...coreDomain.map((d) => `packages/core/src/${d}/**`), "packages/core/src/{crypto,errors,storage}.ts"],
    ignores: tests,
    rules: { "no-restricted-imports": restrict(transportModules, coreTransportFolders) },
  },
  {
    files: ["packages/channels/**", "packages/ai/**"],
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
