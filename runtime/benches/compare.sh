#!/usr/bin/env bash
# Runs next-auth's own decode (Node) and authgen's (Rust) on the same tokens and prints the
# ratios for BENCHMARKS.md. Usage: bash runtime/benches/compare.sh [SECONDS] (ROUNDS=3 by default)
#
# 1. criterion once (`cargo bench --bench token`), the Rust side's reference record;
# 2. ROUNDS paired rounds, alternating the two sides so that both see the same machine:
#    next-auth v4, next-auth v5, then every Rust case, SECONDS each, all in 250 ms sub-rounds.
#    Each side reports per token: the median sub-round (wall), the best sub-round (wall) and the
#    CPU time (Node: process.cpuUsage(), all threads; Rust: /proc/thread-self/schedstat).
# Ratios printed: median over rounds of the per-round ratio (wall and CPU), and best vs best, for
# one decode at a time (next-auth awaiting each decode, authgen on one thread: latency), and for
# the whole machine busy (next-auth with all its tokens in flight, authgen on one thread per core:
# throughput).
# On a shared machine wall times swing with the other tenants; the paired ratio and the best
# sub-rounds are the steadier figures. RUSTFLAGS and CARGO_TARGET_DIR are honoured (for example
# RUSTFLAGS="-C target-cpu=native" CARGO_TARGET_DIR=target/native for a build tuned to the CPU).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
target="${CARGO_TARGET_DIR:-$root/target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
export CARGO_TARGET_DIR="$target"
out="$target/authgen-bench"
secs=${1:-5}
rounds=${ROUNDS:-3}
mkdir -p "$out"
rm -f "$out"/tokens-v4.json "$out"/tokens-v5.json "$out"/node-*.json "$out"/rust-*.json
echo "load before: $(cut -d" " -f1-3 /proc/loadavg), $(nproc) cores" >&2

for v in v4 v5; do
  dir="$root/fixtures/ts/next-auth-$v"
  [ -d "$dir/node_modules" ] || (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
done

node_round() { # VERSION ROUND: mints the tokens with next-auth on first use, times its decode
  (cd "$root/fixtures/ts/next-auth-$1" && node interop/bench.mjs "$out/tokens-$1.json" "$secs") > "$out/node-$1-$2.json"
}

export AUTHGEN_BENCH_TOKENS_V4="$out/tokens-v4.json" AUTHGEN_BENCH_TOKENS_V5="$out/tokens-v5.json"
node_round v4 0
node_round v5 0
cargo bench -p authgen-runtime --bench token -- --noplot --warm-up-time 2 --measurement-time 4 >"$out/criterion.log" 2>&1
for r in $(seq 1 "$rounds"); do
  node_round v4 "$r"
  node_round v5 "$r"
  AUTHGEN_BENCH_SECONDS="$secs" AUTHGEN_BENCH_ROUNDS_OUT="$out/rust-$r.json" \
    cargo bench -p authgen-runtime --bench token >>"$out/criterion.log" 2>&1
  echo "round $r done, load $(cut -d" " -f1-3 /proc/loadavg)" >&2
done
echo "load after: $(cut -d" " -f1-3 /proc/loadavg)" >&2

node - "$target/criterion" "$out" "$rounds" <<'JS'
const fs = require("fs");
const [crit, out, n] = process.argv.slice(2);
const read = (f) => JSON.parse(fs.readFileSync(f, "utf8"));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const criterion = (v, id) => {
  const e = read(`${crit}/${v}/${id}/new/estimates.json`);
  const b = read(`${crit}/${v}/${id}/new/benchmark.json`);
  const k = b.throughput && b.throughput.Elements ? b.throughput.Elements : 1;
  return e.median.point_estimate / k / 1000; // µs per token
};
const rs = [...Array(Number(n)).keys()].map((i) => i + 1);
const rust = rs.map((r) => read(`${out}/rust-${r}.json`));
const goals = { v4: 50, v5: 200 };
const f = (x, d = 2) => x.toFixed(d);
console.log(`node ${process.version}, ${n} paired rounds`);
for (const v of ["v4", "v5"]) {
  const node = rs.map((r) => read(`${out}/node-${v}-${r}.json`));
  const nodeMed = median(node.map((x) => x.per_token_us));
  const nodeBest = Math.min(...node.map((x) => x.best_round_us));
  const nodeCpu = median(node.map((x) => x.cpu_per_token_us));
  console.log(`${v}: next-auth decode, one at a time, per round: wall ${node.map((x) => f(x.per_token_us)).join(" / ")} µs (best ${f(nodeBest)}), CPU ${node.map((x) => f(x.cpu_per_token_us)).join(" / ")} µs; ${node[0].tokens} tokens`);
  for (const id of ["decode_map", "decode_typed", "cookie_header_and_verify", "headermap_and_verify"]) {
    const cases = rust.map((x) => x[v][id]);
    const wallRatio = median(node.map((x, i) => x.per_token_us / cases[i].wall_median_us));
    const cpuRatio = median(node.map((x, i) => x.cpu_per_token_us / cases[i].cpu_us));
    const best = Math.min(...cases.map((c) => c.wall_best_us));
    const bestRatio = nodeBest / best;
    const crit_us = criterion(v, id);
    let goal;
    if (id.startsWith("decode")) {
      const g = goals[v];
      const m = (r) => (r >= g ? "met" : "NOT met");
      goal = `goal ≥ ${g}×: paired wall ${m(wallRatio)}, paired CPU ${m(cpuRatio)}, best ${m(bestRatio)}`;
    } else {
      const worst = Math.max(...cases.map((c) => c.wall_median_us));
      goal = `goal < 5 µs: ${worst < 5 ? "met" : "NOT met"} (worst round median ${f(worst, 3)} µs)`;
    }
    console.log(`  authgen ${id.padEnd(25)} wall ${cases.map((c) => f(c.wall_median_us, 3)).join(" / ")} µs, best ${f(best, 3)}, CPU ${cases.map((c) => f(c.cpu_us, 3)).join(" / ")}, criterion ${f(crit_us, 3)}`);
    console.log(`    ratios: paired wall ${f(wallRatio, 0)}×, paired CPU ${f(cpuRatio, 0)}×, best vs best ${f(bestRatio, 0)}×, criterion vs Node median ${f(nodeMed / crit_us, 0)}× | ${goal}`);
  }
  // Throughput with the whole machine busy: next-auth with all its tokens in flight at once
  // (its decode is async: HKDF and decryption run on the libuv threadpool), authgen's
  // decode_typed on one thread per core.
  const all = rust.map((x) => x[v].all_cores);
  const cw = node.map((x) => x.conc_per_token_us);
  const cc = node.map((x) => x.conc_cpu_per_token_us);
  const wallT = median(node.map((x, i) => x.conc_per_token_us / all[i].wall_us));
  const cpuT = median(node.map((x, i) => x.conc_cpu_per_token_us / all[i].cpu_us));
  const g = goals[v];
  const m = (r) => (r >= g ? "met" : "NOT met");
  console.log(`  throughput, whole machine: next-auth ${node[0].tokens} decodes in flight: wall ${cw.map((x) => f(x)).join(" / ")} µs, CPU ${cc.map((x) => f(x)).join(" / ")} µs per token`);
  console.log(`  authgen decode_typed on ${all[0].threads} threads: wall ${all.map((x) => f(x.wall_us, 3)).join(" / ")} µs, CPU ${all.map((x) => f(x.cpu_us, 3)).join(" / ")} µs per token`);
  console.log(`    ratios: paired wall ${f(wallT, 0)}×, paired CPU ${f(cpuT, 0)}× | goal ≥ ${g}×: wall ${m(wallT)}, CPU ${m(cpuT)}`);
}
JS
