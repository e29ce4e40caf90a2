#!/usr/bin/env bash
# `authgen decode -` (batch mode) against the library decode of the same tokens, in one run:
# builds release, mints N v5 tokens (cli/examples/decode_batch.rs), times the whole
# `authgen decode - < tokens > /dev/null` process (start-up, reading, verifying, JSON output)
# RUNS times, and the library's `Verifier::decode_map` of the same tokens in one process (best
# of 5 rounds), and prints the per-token costs and their ratio. The goal (issue #13): the
# whole process costs at most 2x the library decode per token.
#
#   scripts/bench-decode-batch.sh               # N=20000 RUNS=5
#   N=100000 RUNS=9 scripts/bench-decode-batch.sh
set -euo pipefail

N="${N:-20000}"
RUNS="${RUNS:-5}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
cargo build --release -q -p authgen-cli --manifest-path "$ROOT/Cargo.toml" --bin authgen --example decode_batch
BIN="$TARGET/release/authgen"
LIB="$TARGET/release/examples/decode_batch"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
SECRET="bench-decode-batch-secret-0123456789abcdef"

"$LIB" mint "$N" "$SECRET" > "$WORK/tokens"
# Correctness first: every token decodes, one JSON line each.
lines="$("$BIN" decode --secret "$SECRET" - < "$WORK/tokens" | wc -l)"
[ "$lines" -eq "$N" ] || { echo "decoded $lines of $N tokens" >&2; exit 1; }

cli_ns=()
for _ in $(seq 1 "$RUNS"); do
  start=$(date +%s%N)
  "$BIN" decode --secret "$SECRET" - < "$WORK/tokens" > /dev/null
  end=$(date +%s%N)
  cli_ns+=($(( (end - start) / N )))
done
cli_best=$(printf '%s\n' "${cli_ns[@]}" | sort -n | head -1)
cli_median=$(printf '%s\n' "${cli_ns[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
lib_best=$("$LIB" lib "$SECRET" < "$WORK/tokens")

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "tokens: $N (v5, A256CBC-HS512, $(head -1 "$WORK/tokens" | wc -c) bytes each)"
echo "library decode_map:      ${lib_best} ns/token (best of 5 rounds)"
echo "authgen decode - (whole process): ${cli_best} ns/token best, ${cli_median} ns/token median of $RUNS"
awk -v c="$cli_best" -v m="$cli_median" -v l="$lib_best" \
  'BEGIN { printf "ratio: %.2fx (best), %.2fx (median)\n", c / l, m / l }'
