#!/usr/bin/env bash
# End-to-end tests of the real Evident app (tauri-driver + WebKitWebDriver under Xvfb), from a clean checkout.
#
# Needs (apt): libwebkit2gtk-4.1-dev libssl-dev pkg-config (to build), xvfb xauth webkit2gtk-driver xclip (to run).
# Also Rust (cargo), Node 20+ and npm. Installs tauri-driver with cargo if it is missing.
#
# Writes docs/screenshots/*.png and tests/e2e/out/figures.txt. Exits non-zero on any failure.
# traces.test.js answers the app's file dialogs from a folder (EVIDENT_TEST_DIALOG_DIR, test builds only), uses
# the test build's test_recent_files hook and reads /proc of the app's processes.
# keys.test.js starts its own D-Bus session with gnome-keyring (dbus-daemon, gnome-keyring-daemon) for the
# remembered-device unlock and the keychain's copy of the head record, and gives the app a private
# XDG_CONFIG_HOME (the config folder's copy).
# anchor.test.js needs openssl (a loopback RFC 3161 TSA, lib/tsa.js) and evident-cli.
# export.test.js also needs unzip and runs target/debug/evident-cli verify-pack on the pack it exports; it needs
# the app built with the feature test-hooks (EVIDENT_TEST_EXPORT_DIR), as below.
# Options (environment): EVIDENT_SEED_N (default 10000) incidents for the timeline figure;
# E2E_SKIP_BUILD=1 to reuse the built app; E2E_ONLY=app.test.js to run one file.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
E2E="$ROOT/tests/e2e"

need() { command -v "$1" >/dev/null 2>&1 || { echo "run.sh: '$1' is missing — $2" >&2; exit 2; }; }
need cargo "install Rust (rustup)"
need npm "install Node.js 20+ and npm"
need xvfb-run "apt-get install xvfb xauth"
need WebKitWebDriver "apt-get install webkit2gtk-driver"
need unzip "apt-get install unzip"

export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "== installing tauri-driver"
  cargo install tauri-driver --version "^2" --locked
fi

if [ "${E2E_SKIP_BUILD:-0}" != 1 ]; then
  echo "== building the UI"
  npm --prefix ui install --no-audit --no-fund  # not `npm ci`: see scripts/setup.sh
  npm --prefix ui run build
  echo "== building the app (standalone: custom-protocol; test build: test-hooks) and the seed helper"
  cargo build --features evident/custom-protocol,evident/test-hooks --bin evident
  cargo build -p evident-cli --example seed --bin evident-cli
fi

echo "== installing the test runner's packages"
(cd "$E2E" && npm install --no-audit --no-fund)

mkdir -p "$E2E/out" docs/screenshots
: >"$E2E/out/figures.txt"

# Each test file starts its own tauri-driver on a free port (in its own process group, stopped when the
# file ends, or when the test process exits) with
# EVIDENT_VAULT pointing at a fresh temporary vault: tauri-driver has no per-session environment, and the
# 10,000-incident vault needs a different one. xvfb-run gives them all one X display.
FILES=${E2E_ONLY:-"app.test.js danger.test.js drafts.test.js limits.test.js journeys.test.js axe.test.js export.test.js paste.test.js import.test.js capture.test.js anchor.test.js traces.test.js keys.test.js timeline10k.test.js"}
status=0
(cd "$E2E" && xvfb-run -a -s "-screen 0 1440x960x24" node --test --test-concurrency=1 --test-reporter=spec $FILES) || status=$?

echo "== figures"
cat "$E2E/out/figures.txt"
if [ "$status" -ne 0 ]; then
  echo "end-to-end tests FAILED (exit $status)" >&2
fi
exit "$status"
