#!/usr/bin/env bash
# Builds and launches Evident (installing what is missing first).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm --prefix ui run build
cargo build --features custom-protocol --bin evident
exec ./target/debug/evident "$@"
