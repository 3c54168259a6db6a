#!/usr/bin/env bash
# Benchmark (issue 13): import of N screenshots (default 1,000 PNGs of 580×580 noise, about 1 MB each: ~1 GB)
# with the release evident-cli into a fresh vault, one incident per file and one per day; prints wall time and
# peak memory (GNU time's maximum resident set size), then a dry run of the same folder (every file a
# duplicate). Figures only, never asserted. Usage: scripts/bench-import.sh [N] [WORKDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
WORK=${2:-$(mktemp -d /tmp/evident-bench-import.XXXXXX)}
PASS='bench passphrase for import'
mkdir -p "$WORK"
python3 - "$WORK/shots" "$N" <<'PY'
import os, struct, sys, zlib
out, n = sys.argv[1], int(sys.argv[2])
os.makedirs(out, exist_ok=True)
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
w = h = 580
for i in range(n):
    raw = b"".join(b"\x00" + os.urandom(w * 3) for _ in range(h))
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b""))
    with open(os.path.join(out, f"Screenshot_{i:04d}.png"), "wb") as f:
        f.write(png)
PY
echo "import bench: $N files, $(du -sh "$WORK/shots" | cut -f1) in $WORK/shots"
cargo build -q --release -p evident-cli
B=target/release/evident-cli
for g in file day; do
  rm -rf "$WORK/v-$g"
  printf '%s\n' "$PASS" | $B --vault "$WORK/v-$g" init >/dev/null
  printf '%s\n' "$PASS" | /usr/bin/time -v $B --vault "$WORK/v-$g" import folder "$WORK/shots" --group "$g" --json \
    >"$WORK/report-$g.json" 2>"$WORK/time-$g.txt"
  echo "import folder --group $g: $(grep -E 'Elapsed|Maximum resident' "$WORK/time-$g.txt" | sed 's/^\s*//' | tr '\n' ';')"
done
printf '%s\n' "$PASS" | /usr/bin/time -v $B --vault "$WORK/v-file" import folder "$WORK/shots" --dry-run --json \
  >/dev/null 2>"$WORK/time-dry.txt"
echo "dry run, every file a duplicate: $(grep -E 'Elapsed|Maximum resident' "$WORK/time-dry.txt" | sed 's/^\s*//' | tr '\n' ';')"
echo "vault size: $(du -sh "$WORK/v-file" | cut -f1)"
