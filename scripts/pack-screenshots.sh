#!/usr/bin/env bash
# The README's screenshots of what a recipient sees: verify.html's result page after checking a genuine pack
# (docs/screenshots/verify-html.png) and the handover receipt written beside the pack
# (docs/screenshots/handover-receipt.png). Made with real tools: the CLI makes a small diary and exports a pack,
# verify.html from inside that pack checks it in headless Chromium (tests/pack/shot_verify_html.mjs, as
# tests/pack/verify_html.mjs drives it in the tests), and pdftoppm renders the receipt's PDF.
#
# Usage: bash scripts/pack-screenshots.sh   (builds target/debug/evident-cli; EVIDENT_CLI=path skips the build)
#        SHOTS=dir bash scripts/pack-screenshots.sh   (writes there instead of docs/screenshots)
# Needs: cargo, node + npm (installs tests/pack's playwright-core), /usr/bin/chromium (or CHROMIUM=path),
# pdftoppm (poppler-utils), unzip.
set -euo pipefail
cd "$(dirname "$0")/.."
SHOTS=${SHOTS:-docs/screenshots}
mkdir -p "$SHOTS"

if [ -z "${EVIDENT_CLI:-}" ]; then
  cargo build -p evident-cli --bin evident-cli --quiet
  EVIDENT_CLI="$PWD/target/debug/evident-cli"
fi
CLI=$EVIDENT_CLI
npm --prefix tests/pack install --no-audit --no-fund --loglevel=error

WORK="$(mktemp -d "${TMPDIR:-/tmp}/evident-pack-shots.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
export XDG_CONFIG_HOME="$WORK/config" EVIDENT_VAULT="$WORK/vault"
mkdir -p "$XDG_CONFIG_HOME"
PASS="screenshot lantern meadow copper 58"
cli() { printf '%s\n' "$PASS" | "$CLI" "$@" >/dev/null; }

echo "== a small diary (made-up incidents)"
printf '%s\n' "$PASS" | "$CLI" init >/dev/null
printf 'From: someone@example.invalid\nSubject: You were warned\n\nYou will regret standing again.\n' >"$WORK/email.txt"
cli add --summary "Threatening email after the council meeting" --kind threat_of_harm --channel email \
  --occurred "2026-11-03 21:40" --description "You will regret standing again." \
  --impact "I asked a colleague to walk me to the car." --person "@angry_neighbour_77" --attach "$WORK/email.txt"
cli add --summary "Leaflet with my home address pushed through the door" --kind other_threatening \
  --channel doorstep --occurred "2026-11-12 07:15" --description "A leaflet naming my street and my children's school."
cli add --summary "Man waiting outside the ward surgery" --kind stalking --channel ward_surgery \
  --occurred "2026-11-20" --description "He stood by the entrance for an hour and left when staff came out."

echo "== the pack"
PACK="$WORK/evidence-pack.zip"
cli export --all --out "$PACK" --recipient-name "PC A. Example" --recipient-org "Example Constabulary" \
  --crime-ref "EX/12345/26" --author-name "Cllr Sam Example"
unzip -q -o -j "$PACK" '*verify.html' -d "$WORK"

echo "== verify.html in headless Chromium"
node tests/pack/shot_verify_html.mjs "$WORK/verify.html" "$PACK" "$SHOTS/verify-html.png"

echo "== the handover receipt (PDF) with pdftoppm"
receipt="$(ls "$WORK"/*receipt.pdf)"
pdftoppm -png -r 90 -f 1 -l 1 -singlefile "$receipt" "$SHOTS/handover-receipt"
echo "wrote $SHOTS/verify-html.png and $SHOTS/handover-receipt.png"
