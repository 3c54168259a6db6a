#!/usr/bin/env bash
# Benchmark: `evident-cli verify-pack` on a pack of about 1 GB, beside `sha256sum -c SHA256SUMS` on the same pack
# unzipped, in the same run (same machine, same page cache state: each is run once cold-ish after the export,
# then once more warm). Prints figures; asserts nothing about time (a benchmark, not a test).
#
# What it does: makes a temporary vault with the release CLI, records one incident with several files of random
# bytes (BENCH_MB in total, default 1024, in BENCH_FILES files, default 8), exports a pack of it, unzips the
# pack, then times
#   1. sha256sum -c SHA256SUMS   in the unzipped folder (what a recipient can run with standard tools), and
#   2. evident-cli verify-pack PACK.zip   (every file's hash, the chain, the records replayed, the signature).
# verify-pack reads the ZIP only (it does not take a folder).
#
# Usage: bash scripts/bench-verify-pack.sh            (builds target/release/evident-cli first)
#        BENCH_MB=256 BENCH_FILES=4 bash scripts/bench-verify-pack.sh
#        EVIDENT_CLI=path/to/evident-cli bash scripts/bench-verify-pack.sh   (no build)
# Needs: cargo (unless EVIDENT_CLI is set), unzip, sha256sum, head, /dev/urandom; about 3.5 x BENCH_MB of free
# space in $TMPDIR (the files, the vault, the pack and the unzipped pack). Everything is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

MB=${BENCH_MB:-1024}
FILES=${BENCH_FILES:-8}
PASS="bench harbour lantern copper 93"

if [ -z "${EVIDENT_CLI:-}" ]; then
  cargo build --release -p evident-cli --bin evident-cli --quiet
  EVIDENT_CLI="$PWD/target/release/evident-cli"
fi
CLI=$EVIDENT_CLI

WORK="$(mktemp -d "${TMPDIR:-/tmp}/evident-bench-pack.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
# The head record outside the vault folder goes to a private config folder, not the user's.
export XDG_CONFIG_HOME="$WORK/config" EVIDENT_VAULT="$WORK/vault"
mkdir -p "$XDG_CONFIG_HOME" "$WORK/files"

# Seconds (3 decimals) taken by a command; its output goes to $WORK/last.out.
timed() {
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >"$WORK/last.out" 2>&1 || { echo "FAILED: $*" >&2; cat "$WORK/last.out" >&2; exit 1; }
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}
rate() { awk -v bytes="$1" -v s="$2" 'BEGIN { printf "%.0f MB/s", bytes / 1e6 / s }'; }

echo "== making $FILES files of random bytes, $MB MB in total"
per=$((MB / FILES))
attach=()
for i in $(seq 1 "$FILES"); do
  head -c "$((per * 1024 * 1024))" /dev/urandom >"$WORK/files/exhibit-$i.bin"
  attach+=(--attach "$WORK/files/exhibit-$i.bin")
done

echo "== a vault with one incident holding them (evident-cli init, add)"
t_init=$(timed sh -c "printf '%s\n' '$PASS' | '$CLI' init")
t_add=$(timed sh -c "printf '%s\n' '$PASS' | '$CLI' add --summary 'Benchmark incident with large exhibits' ${attach[*]}")
rm -rf "$WORK/files"

echo "== exporting the pack (evident-cli export)"
PACK="$WORK/pack.zip"
t_export=$(timed sh -c "printf '%s\n' '$PASS' | '$CLI' export --all --out '$PACK' --recipient-name 'Benchmark' --author-name 'Bench Mark'")
zip_bytes=$(stat -c %s "$PACK")

echo "== unzipping it"
mkdir "$WORK/unzipped"
t_unzip=$(timed unzip -q "$PACK" -d "$WORK/unzipped")
sums_dir="$(dirname "$(find "$WORK/unzipped" -name SHA256SUMS -print -quit)")"
files_in_sums=$(wc -l <"$sums_dir/SHA256SUMS")
data_bytes=$(du -sb "$sums_dir" | cut -f1)

echo "== timing the checks (each twice, alternating)"
run_sums() { (cd "$sums_dir" && sha256sum -c --quiet SHA256SUMS); }
t_sums1=$(timed run_sums)
t_vp1=$(timed "$CLI" verify-pack "$PACK")
cp "$WORK/last.out" "$WORK/verify-pack.out"
t_sums2=$(timed run_sums)
t_vp2=$(timed "$CLI" verify-pack "$PACK")

cat <<EOF

== figures ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $(uname -m), $(sha256sum --version | head -1))
pack: $(awk -v b="$zip_bytes" 'BEGIN { printf "%.2f GB", b / 1e9 }') ZIP ($zip_bytes bytes), $files_in_sums files in SHA256SUMS, $(awk -v b="$data_bytes" 'BEGIN { printf "%.2f GB", b / 1e9 }') unzipped
setup: init ${t_init} s, add (attach ${MB} MB) ${t_add} s, export ${t_export} s, unzip ${t_unzip} s
sha256sum -c SHA256SUMS (unzipped folder):  run 1 ${t_sums1} s ($(rate "$data_bytes" "$t_sums1")), run 2 ${t_sums2} s ($(rate "$data_bytes" "$t_sums2"))
evident-cli verify-pack PACK.zip:           run 1 ${t_vp1} s ($(rate "$zip_bytes" "$t_vp1")), run 2 ${t_vp2} s ($(rate "$zip_bytes" "$t_vp2"))
verify-pack said: $(head -1 "$WORK/verify-pack.out")
EOF
