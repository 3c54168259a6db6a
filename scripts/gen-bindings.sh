#!/usr/bin/env bash
# Regenerates the UI's IPC types (ui/src/bindings/*.ts) from the Rust types with ts-rs: the core's public
# types and the shell's own (VaultStatus, IntegrityView, IpcError…). The generated files are committed.
# With --check, fails when the committed files differ from what the Rust types generate (stale bindings).
set -euo pipefail
cd "$(dirname "$0")/.."
out="$PWD/ui/src/bindings"
rm -rf "$out"
mkdir -p "$out"
TS_RS_EXPORT_DIR="$out" cargo test -q -p evident-core --lib export_bindings >/dev/null
# Build the app the way the tests do when the UI is built (one build of Tauri, not two).
features=()
if [ -f ui/dist/index.html ]; then features=(--features custom-protocol,test-hooks); fi
TS_RS_EXPORT_DIR="$out" cargo test -q -p evident "${features[@]}" --lib export_bindings >/dev/null
echo "generated $(ls "$out" | wc -l) files in ui/src/bindings"
if [ "${1:-}" = "--check" ]; then
  if [ -n "$(git status --porcelain -- ui/src/bindings)" ]; then
    git status --short -- ui/src/bindings >&2
    echo "ui/src/bindings is stale: run scripts/gen-bindings.sh and commit the result" >&2
    exit 1
  fi
  echo "ui/src/bindings is fresh"
fi
