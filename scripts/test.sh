#!/usr/bin/env bash
# Runs every test on a fresh Debian machine: set-up, build, then the three tiers:
#   1. native `cargo test` of the pure core,
#   2. wasm-bindgen tests of the glue in headless Chromium,
#   3. web-ext lint of the Firefox package (0 errors, 0 warnings),
#   4. the end-to-end suite: the built extension in real Chromium and real Firefox ESR against
#      the Agent Desktop simulator.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/tests/e2e/node_modules/.bin:$HOME/.cargo/bin:$PATH"
t0=$(date +%s)
step() { printf '\n== test: %s (%ss)\n' "$*" "$(( $(date +%s) - t0 ))"; }

step "set-up"
scripts/setup.sh
step "build"
scripts/build.sh
step "fault-injected build (tests/e2e/trap.test.mjs only)"
scripts/build.sh --faults
step "native core tests"
cargo test --locked
step "glue tests in headless Chromium"
CHROMEDRIVER=/usr/bin/chromedriver cargo test --locked --target wasm32-unknown-unknown --test web --test trap
step "glue tests in headless Firefox"
GECKODRIVER="$(command -v geckodriver)" cargo test --locked --target wasm32-unknown-unknown --test web --test trap
step "web-ext lint (Firefox package)"
web-ext lint --source-dir dist/firefox --no-input --warnings-as-errors
# A policy file an interrupted earlier run of policy.test.mjs may have left behind.
rm -f /etc/chromium/policies/managed/bp-call-toolbar-e2e.json
step "end-to-end suite (Chromium)"
(cd tests/e2e && BROWSER=chromium node --test --test-concurrency=1 ./*.test.mjs)
step "end-to-end suite (Firefox ESR)"
(cd tests/e2e && BROWSER=firefox node --test --test-concurrency=1 ./*.test.mjs)
step "all tests passed"
