#!/usr/bin/env bash
# Builds the extension and runs the demo: the Agent Desktop simulator, a sample CRM page and
# Chromium with the extension loaded. With a display the browser stays open; headless (no
# DISPLAY, or --headless) it plays one call and writes dist/demo.png.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
exec node tests/e2e/demo.mjs "$@"
