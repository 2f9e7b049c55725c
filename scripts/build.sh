#!/usr/bin/env bash
# Builds the extension: Rust -> wasm (wasm-pack, with the exact wasm-bindgen CLI and npm
# binaryen's wasm-opt, so nothing is downloaded), then assembles dist/chrome/, dist/firefox/ and
# their store-ready zips.
# Usage: scripts/build.sh            (release)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/tests/e2e/node_modules/.bin:$HOME/.cargo/bin:$PATH"

VERSION=$(awk -F'"' '/^version = /{print $2; exit}' Cargo.toml)
PKG=target/pkg
start=$(date +%s)

# --mode no-install: use the wasm-bindgen on PATH, never download one.
# --target no-modules: a classic script defining `wasm_bindgen`, usable as a content script,
# in the service worker (importScripts) and in extension pages alike; no dynamic import().
wasm-pack build --target no-modules --release --mode no-install --no-typescript --no-pack \
  --out-dir "$PKG" --out-name bp_toolbar . >&2
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-reference-types --enable-multivalue --enable-mutable-globals \
  "$PKG/bp_toolbar_bg.wasm" -o "$PKG/bp_toolbar_bg.wasm"

assemble() { # $1 = browser
  local out="dist/$1"
  rm -rf "$out"
  mkdir -p "$out/pkg"
  cp -r extension/. "$out/"
  cp "$PKG/bp_toolbar.js" "$PKG/bp_toolbar_bg.wasm" "$out/pkg/"
  # One source manifest loads unchanged in both browsers; each package drops the background
  # key its browser ignores, so that neither browser nor web-ext lint warns about it:
  # Chromium reads background.service_worker and warns on background.scripts (MV2-only there);
  # Firefox reads background.scripts and warns that service_worker is ignored.
  # The version has one source: Cargo.toml.
  python3 - "$out/manifest.json" "$VERSION" "$1" <<'PY'
import json, sys
out, version, browser = sys.argv[1:]
m = json.load(open('manifest.json'))
m['version'] = version
m['background'].pop('scripts' if browser == 'chrome' else 'service_worker')
json.dump(m, open(out, 'w'), indent=2)
PY
  rm -f "dist/bp-call-toolbar-$1-$VERSION.zip"
  (cd "$out" && zip -qr -X "../bp-call-toolbar-$1-$VERSION.zip" .)
}
assemble chrome
assemble firefox

raw=$(stat -c %s "$PKG/bp_toolbar_bg.wasm")
gz=$(gzip -9 -c "$PKG/bp_toolbar_bg.wasm" | wc -c)
echo "built dist/chrome and dist/firefox (v$VERSION) in $(( $(date +%s) - start ))s; wasm ${raw} B raw, ${gz} B gzip -9" >&2
