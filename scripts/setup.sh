#!/usr/bin/env bash
# Installs everything the build, the demo and the tests need on a fresh Debian machine (as root).
# Idempotent: each step is skipped when its tool is already there at the right version.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== setup: %s\n' "$*"; }

need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v chromedriver >/dev/null || need_apt+=(chromium-driver)
command -v firefox-esr >/dev/null || need_apt+=(firefox-esr)
# Spanish UI for the locale tests (Firefox only speaks the languages of its installed packs).
dpkg -s firefox-esr-l10n-es-es >/dev/null 2>&1 || need_apt+=(firefox-esr-l10n-es-es)
command -v zip >/dev/null || need_apt+=(zip)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "apt: ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${need_apt[@]}"
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "rustup target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen-cli must match the library version in Cargo.lock exactly.
WB=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | cut -d' ' -f2)" != "$WB" ]; then
  log "cargo install wasm-bindgen-cli $WB"
  # Not --locked: the CLI's own lockfile names a crate version the registry mirror lacks.
  cargo install wasm-bindgen-cli --version "$WB"
fi
if ! command -v geckodriver >/dev/null; then
  log "cargo install geckodriver"   # no Debian package; drives Firefox ESR in the tests
  cargo install geckodriver --locked
fi
if ! command -v wasm-pack >/dev/null; then
  log "cargo install wasm-pack"
  cargo install wasm-pack --locked
fi

if [ ! -x tests/e2e/node_modules/.bin/wasm-opt ] || [ ! -d tests/e2e/node_modules/playwright-core ] \
   || [ tests/e2e/package-lock.json -nt tests/e2e/node_modules/.package-lock.json ]; then
  log "npm ci (binaryen, playwright-core, web-ext)"
  (cd tests/e2e && npm ci --no-audit --no-fund)
fi
log "done"
