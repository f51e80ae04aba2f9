#!/usr/bin/env bash
# The project's full test command (`npm test`): lints and type-checks (and
# stops there on any finding), sets up the test lab (Docker engine and images,
# see scripts/lab/setup.sh), then runs the whole vitest suite. Extra arguments
# go to vitest: `npm test -- test/lab`.
# Must run as root on a fresh Debian 12 machine; see docs/testing.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# fail fast: before the lab is set up, before any test
npm run --silent lint
npm run --silent typecheck

bash scripts/lab/setup.sh
# the build happens in vitest's globalSetup (test/setup/build-dist.ts), skipped when
# dist/ was built from these very sources

# No registry: the testcontainers reaper image cannot be pulled, so tests
# remove their own containers; every connection stays on loopback.
export TESTCONTAINERS_RYUK_DISABLED=true
export TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1
TSPLAY_LAB_TAG="$(bash scripts/lab/setup.sh --tag)"
export TSPLAY_LAB_TAG
exec npx vitest run "$@"
