#!/usr/bin/env bash
# Runs next-auth's own decode (Node) and authgen's (Rust) on the same tokens and prints the
# ratios for BENCHMARKS.md. Usage: bash runtime/benches/compare.sh [NODE_SECONDS]
#
# Two measures, each taken the same way on both sides:
# - wall time: criterion's median vs the median of Node's 250 ms rounds;
# - CPU time per token: /proc/thread-self/schedstat around a 2 s loop (Rust) vs
#   process.cpuUsage() around the timed loop (Node, all threads). On a shared machine wall time
#   swings with the other processes; CPU time much less.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/target/authgen-bench"
secs=${1:-5}
mkdir -p "$out"
rm -f "$out"/tokens-v4.json "$out"/tokens-v5.json
echo "load before: $(cut -d" " -f1-3 /proc/loadavg), $(nproc) cores" >&2

for v in v4 v5; do
  dir="$root/fixtures/ts/next-auth-$v"
  [ -d "$dir/node_modules" ] || (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  # Mints the tokens with next-auth (first run), then times next-auth's decode on them.
  (cd "$dir" && node interop/bench.mjs "$out/tokens-$v.json" "$secs") > "$out/node-$v.json"
done

export AUTHGEN_BENCH_TOKENS_V4="$out/tokens-v4.json" AUTHGEN_BENCH_TOKENS_V5="$out/tokens-v5.json"
cargo bench -p authgen-runtime --bench token -- --noplot --warm-up-time 2 --measurement-time 4 >"$out/criterion.log" 2>&1
AUTHGEN_BENCH_CPU_OUT="$out/rust-cpu.json" cargo bench -p authgen-runtime --bench token >>"$out/criterion.log" 2>&1
echo "load after: $(cut -d" " -f1-3 /proc/loadavg)" >&2

node - "$root/target/criterion" "$out" <<'JS'
const fs = require("fs");
const [crit, out] = process.argv.slice(2);
const wall = (v, id) => {
  const e = JSON.parse(fs.readFileSync(`${crit}/${v}/${id}/new/estimates.json`, "utf8"));
  const b = JSON.parse(fs.readFileSync(`${crit}/${v}/${id}/new/benchmark.json`, "utf8"));
  const n = b.throughput && b.throughput.Elements ? b.throughput.Elements : 1;
  return e.median.point_estimate / n / 1000; // µs per token
};
const cpu = JSON.parse(fs.readFileSync(`${out}/rust-cpu.json`, "utf8"));
const goals = { v4: 50, v5: 200 };
console.log(`node ${process.version}`);
for (const v of ["v4", "v5"]) {
  const node = JSON.parse(fs.readFileSync(`${out}/node-${v}.json`, "utf8"));
  console.log(`${v}: next-auth decode: wall ${node.per_token_us.toFixed(2)} µs/token (median round; best ${node.best_round_us.toFixed(2)}), CPU ${node.cpu_per_token_us.toFixed(2)} µs/token; ${node.tokens} tokens, ${node.decodes} decodes`);
  for (const id of ["decode_map", "decode_typed", "cookie_header_and_verify", "headermap_and_verify"]) {
    const w = wall(v, id);
    const c = cpu[v][id];
    const rw = node.per_token_us / w;
    const rc = node.cpu_per_token_us / c;
    let goal = "";
    if (id.startsWith("decode")) goal = ` | goal ≥ ${goals[v]}×: wall ${rw >= goals[v] ? "met" : "NOT met"}, CPU ${rc >= goals[v] ? "met" : "NOT met"}`;
    else goal = ` | goal < 5 µs: wall ${w < 5 ? "met" : "NOT met"}, CPU ${c < 5 ? "met" : "NOT met"}`;
    console.log(`  authgen ${id.padEnd(25)} wall ${w.toFixed(3)} µs (${rw.toFixed(0)}×)  CPU ${c.toFixed(3)} µs (${rc.toFixed(0)}×)${goal}`);
  }
}
JS
