#!/usr/bin/env bash
# Builds the extension and runs the benchmark (Chromium): prints the figures and writes
# bench/results.json. Pass --runs N for more or fewer runs (default 30).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
exec node tests/e2e/bench.mjs "$@"
