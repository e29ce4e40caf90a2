#!/usr/bin/env bash
# `authgen decode -` (batch mode) against the library decode of the same tokens, in one run:
# builds release, mints N v5 tokens (cli/examples/decode_batch.rs: claims like the seed model's),
# checks that every one decodes, then measures per token
#   - the whole `authgen decode - < tokens | cat > /dev/null` process (start-up, reading,
#     verifying, JSON output into a pipe), RUNS times: wall time, and the authgen process's CPU
#     time from `perf stat` when perf works;
#   - the library's `Verifier::decode_map` of the same tokens in one process, no output (best of
#     5 rounds): wall time and CPU time;
# and prints the ratios. The goal (issue #13): the whole process at most 2x the library decode.
# CPU time is the figure to trust on a shared machine; wall time is printed beside it.
# BASELINE=/path/to/an/older/authgen measures that binary the same way, for a before/after.
#
#   scripts/bench-decode-batch.sh               # N=50000 RUNS=5
#   N=100000 RUNS=9 BASELINE=/tmp/authgen-old scripts/bench-decode-batch.sh
set -euo pipefail

N="${N:-50000}"
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
PERF=0
if perf stat -x, -e task-clock true 2> /dev/null > /dev/null; then PERF=1; fi

# One run of the binary $1 reading the tokens, its output into a pipe (`| cat > /dev/null`, as
# when another program consumes it). Prints "wall_ns cpu_ns" for the authgen process alone.
one_run() {
  local bin="$1" start end cpu=0
  start=$(date +%s%N)
  if [ "$PERF" = 1 ]; then
    perf stat -x, -o "$WORK/perf" -e task-clock "$bin" decode --secret "$SECRET" - < "$WORK/tokens" | cat > /dev/null
    cpu=$(awk -F, '/task-clock/ { printf "%.0f", $1 * 1e6 }' "$WORK/perf")
  else
    "$bin" decode --secret "$SECRET" - < "$WORK/tokens" | cat > /dev/null
  fi
  end=$(date +%s%N)
  echo "$((end - start)) $cpu"
}

# "best_wall best_cpu median_wall median_cpu" in ns per token for the binary $1, RUNS runs; its
# output is kept in $WORK/out-$2.
measure() {
  local bin="$1" walls=() cpus=() wall cpu lines
  lines="$("$bin" decode --secret "$SECRET" - < "$WORK/tokens" | tee "$WORK/out-$2" | wc -l)"
  [ "$lines" -eq "$N" ] || { echo "$bin decoded $lines of $N tokens" >&2; exit 1; }
  for _ in $(seq 1 "$RUNS"); do
    read -r wall cpu < <(one_run "$bin")
    walls+=($((wall / N)))
    cpus+=($((cpu / N)))
  done
  local mid=$(( (RUNS + 1) / 2 ))
  echo "$(printf '%s\n' "${walls[@]}" | sort -n | head -1) $(printf '%s\n' "${cpus[@]}" | sort -n | head -1)" \
    "$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "${mid}p") $(printf '%s\n' "${cpus[@]}" | sort -n | sed -n "${mid}p")"
}

read -r lib_wall lib_cpu < <("$LIB" lib "$SECRET" < "$WORK/tokens")
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "tokens: $N (v5, A256CBC-HS512, $(head -1 "$WORK/tokens" | wc -c) bytes each); CPU time from perf: $([ $PERF = 1 ] && echo yes || echo no)"
echo "library decode_map, best of 5 rounds:  wall ${lib_wall} ns/token, CPU ${lib_cpu} ns/token"
report() {
  local name="$1" bw bc mw mc
  read -r bw bc mw mc <<< "$2"
  echo "$name (whole process, $RUNS runs): wall best ${bw} / median ${mw} ns/token, CPU best ${bc} / median ${mc} ns/token"
  awk -v bw="$bw" -v mw="$mw" -v bc="$bc" -v mc="$mc" -v lw="$lib_wall" -v lc="$lib_cpu" 'BEGIN {
    printf "  ratio to the library: wall %.2fx best, %.2fx median", bw / lw, mw / lw
    if (lc > 0 && bc > 0) printf "; CPU %.2fx best, %.2fx median", bc / lc, mc / lc
    printf "\n" }'
}
report "authgen decode -" "$(measure "$BIN" new)"
if [ -n "${BASELINE:-}" ]; then
  report "baseline $BASELINE" "$(measure "$BASELINE" baseline)"
  if cmp -s "$WORK/out-new" "$WORK/out-baseline"; then
    echo "  output: byte-identical to the baseline's"
  else
    echo "  output: DIFFERS from the baseline's"
  fi
fi
