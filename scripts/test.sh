#!/usr/bin/env bash
# Runs every test of Evident (installing what is missing first): formatting and lints, the Rust tests on real
# SQLCipher (including the SIGKILL crash test and the keychain tests), the UI unit tests, the evidence-pack
# checks with the tools a recipient has, and the end-to-end tests of the real app in the real webview.
set -euo pipefail
cd "$(dirname "$0")/.."
export EVIDENT_SETUP_E2E=1 CARGO_TERM_COLOR=never
bash scripts/setup.sh

step() { echo; echo "==> $*"; }

step "UI: type check, build and unit tests"
npm --prefix ui run build
npm --prefix ui test

step "Rust: format and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "IPC types generated from the Rust types are up to date"
bash scripts/gen-bindings.sh
git diff --exit-code -- ui/src/bindings

step "Rust: tests on real SQLCipher"
cargo test --workspace

step "Keychain: remember on this device with a real Secret Service"
dbus-run-session -- sh -c 'printf dummy | gnome-keyring-daemon --unlock --components=secrets >/dev/null; EVIDENT_TEST_KEYCHAIN=secret-service cargo test -p evident-core --test keychain'

if [ -f tests/pack/run.sh ]; then
  step "Evidence pack: verify.html in a real browser engine"
  bash tests/pack/run.sh
fi

if [ -f tests/e2e/run.sh ]; then
  step "End to end: the real app through tauri-driver and WebKitWebDriver under Xvfb"
  bash tests/e2e/run.sh
fi

echo
echo "All tests passed."
