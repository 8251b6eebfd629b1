#!/usr/bin/env bash
# The whole test suite: static checks, unit and integration tests (real Postgres and Redis),
# the help-center build, and the browser end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== check (typecheck + lint)"
npm run check
echo "== unit and integration tests"
npx vitest run
echo "== help center build"
npm run build -w @threadline/docs
echo "== end-to-end"
npm run test:e2e
