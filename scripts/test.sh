#!/usr/bin/env bash
# Runs every test of Evident (installing what is missing first): formatting and lints, the Rust tests on real
# SQLCipher (including the SIGKILL crash test and the keychain tests), the UI unit tests, the evidence-pack
# checks with the tools a recipient has (sha256sum, qpdf, pdftotext, pdfimages, a real browser for
# verify.html), and the end-to-end tests of the real app in the real webview.
set -euo pipefail
cd "$(dirname "$0")/.."
export EVIDENT_SETUP_E2E=1 CARGO_TERM_COLOR=never PATH="$HOME/.cargo/bin:$PATH"
# The app is always built as the standalone binary (the UI embedded), so tests, lints and the end-to-end run
# share one build of Tauri; these are test builds, with the test hooks (feature test-hooks) that a release
# build never has (checked by the last step).
APP_FEATURES=(--features evident/custom-protocol,evident/test-hooks)
bash scripts/setup.sh

step() { echo; echo "==> $*"; }

step "UI: type check, build and unit tests"
npm --prefix ui run build
npm --prefix ui test

step "UI: ESLint and Prettier"
npm --prefix ui run lint

step "Rust: format and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets "${APP_FEATURES[@]}" --quiet -- -D warnings

step "No module cycles in the core and the CLI"
python3 scripts/modcycles.py crates/core/src
python3 scripts/modcycles.py crates/cli/src

step "IPC types generated from the Rust types are up to date"
bash scripts/gen-bindings.sh --check

step "Rust: tests on real SQLCipher (store, CLI, crash, evidence pack with recipient tools, IPC)"
npm --prefix tests/pack install --no-audit --no-fund --loglevel=error
EVIDENT_REQUIRE_BROWSER=1 cargo test --workspace "${APP_FEATURES[@]}"

step "Golden chain vectors through the recipient's verify.html in a real browser engine"
node --test tests/pack/vectors.test.mjs

step "Keychain: remember on this device with a real Secret Service"
dbus-run-session -- sh -c 'printf dummy | gnome-keyring-daemon --unlock --components=secrets >/dev/null; EVIDENT_TEST_KEYCHAIN=secret-service cargo test -p evident-core --test keychain'

step "End to end: the real app through tauri-driver and WebKitWebDriver under Xvfb"
cargo build --bin evident "${APP_FEATURES[@]}"
cargo build -p evident-cli --example seed
# Screenshots go to tests/e2e/out/ so a test run leaves the tree clean; EVIDENT_UPDATE_SCREENSHOTS=1 refreshes
# the ones in docs/screenshots/ that the README shows.
if [ "${EVIDENT_UPDATE_SCREENSHOTS:-0}" != 1 ]; then export EVIDENT_SCREENSHOTS="$PWD/tests/e2e/out/screenshots"; fi
E2E_SKIP_BUILD=1 bash tests/e2e/run.sh

step "Builds without the test-hooks feature (what release and the .deb ship) carry no test hooks"
# The hooks exist only under cfg(feature = "test-hooks"): whether they are compiled is decided by the features,
# never by the profile, so the check is made on debug builds without the feature (an unoptimised build keeps
# every string it compiles, so it is the stricter place to look), which reuse the dependencies built above
# instead of a second, optimised build of everything. First, the test builds above must hold the strings
# (else this check could not fail); then the same binaries are rebuilt without the feature.
for check in target/debug/evident:EVIDENT_TEST_EXPORT_DIR target/debug/evident:pack_export_to \
  target/debug/evident:allow-pack-export-to target/debug/evident:EVIDENT_TEST_ANCHOR_DEBOUNCE_MS \
  target/debug/evident:test_recent_files \
  target/debug/examples/seed:tamper_connection; do
  bin="${check%%:*}" s="${check#*:}"
  if [ "$(grep -a -c -F -- "$s" "$bin" || true)" -eq 0 ]; then
    echo "the test build $bin lacks $s: this check would prove nothing" >&2
    exit 1
  fi
done
cargo build --bin evident --features evident/custom-protocol
cargo build -p evident-cli --bin evident-cli
for bin in target/debug/evident target/debug/evident-cli; do
  # pack-export-to: the command's permission names (allow-pack-export-to) in the app's access control list.
  for s in EVIDENT_TEST_EXPORT_DIR EVIDENT_TEST_ANCHOR_DEBOUNCE_MS pack_export_to pack-export-to \
    test_recent_files test-recent-files tamper_connection; do
    n="$(grep -a -c -F -- "$s" "$bin" || true)"
    if [ "$n" -ne 0 ]; then
      echo "$bin is built without test-hooks but contains the test hook $s ($n times)" >&2
      exit 1
    fi
  done
  echo "$bin (no test-hooks feature): no test hooks"
done

echo
echo "All tests passed."
