#!/usr/bin/env bash
# Installs what Evident needs to build, run and test on Debian/Ubuntu: system packages, the Rust crates and npm
# packages (from their registries), and tauri-driver for the end-to-end tests. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

APT_PACKAGES=(
  # build the app (Tauri 2 on WebKitGTK) and SQLCipher (links the system libcrypto)
  build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev libdbus-1-dev curl file
  # run headless and end to end
  xvfb xauth webkit2gtk-driver xclip
  # keychain tests (Secret Service)
  gnome-keyring dbus dbus-x11 libsecret-tools
  # evidence pack checks with the tools a recipient has
  qpdf poppler-utils zip unzip coreutils chromium
  # a diary written with the computer's clock set back (libfaketime), for the time-stamp tests
  faketime gnupg
  # photos with EXIF written by the tool a defence expert uses (GPS and capture-time tests)
  libimage-exiftool-perl
  # HEIC/HEIF previews (iPhone photos) through libheif (linked by the core on Linux)
  libheif-dev
  # fonts for the webview (emoji in what people paste would otherwise show as empty boxes)
  fonts-dejavu-core
  fonts-noto-color-emoji
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then missing+=(nodejs npm); fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null; then
  echo "setup: Rust is not installed. Install it with rustup (https://rustup.rs), then run this again." >&2
  exit 1
fi

if [ "${EVIDENT_SETUP_E2E:-0}" = "1" ] && ! command -v tauri-driver >/dev/null; then
  echo "setup: installing tauri-driver"
  cargo install tauri-driver --version "^2" --locked --quiet
fi

# npm packages for the UI (the locked versions).
# `npm install` with the committed lock, not `npm ci`: the registry mirror here lacks some other platforms'
# optional binaries (@tauri-apps/cli-*, @rollup/rollup-*), which `npm ci` reports as a lock mismatch; `npm install`
# installs exactly the locked versions and leaves the lock unchanged.
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  npm --prefix ui install --no-audit --no-fund --loglevel=error
fi
