#!/usr/bin/env bash
# Runs next-auth's own decode (Node) and authgen's (criterion) on the same tokens and prints
# the ratios for BENCHMARKS.md. Usage: bash runtime/benches/compare.sh [NODE_SECONDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/target/authgen-bench"
secs=${1:-5}
mkdir -p "$out"
rm -f "$out"/tokens-v4.json "$out"/tokens-v5.json
echo "load before: $(cut -d" " -f1-3 /proc/loadavg)" >&2

for v in v4 v5; do
  dir="$root/fixtures/ts/next-auth-$v"
  [ -d "$dir/node_modules" ] || (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  # Mints the tokens with next-auth (first run), then times next-auth's decode on them.
  (cd "$dir" && node interop/bench.mjs "$out/tokens-$v.json" "$secs") > "$out/node-$v.json"
done

AUTHGEN_BENCH_TOKENS_V4="$out/tokens-v4.json" AUTHGEN_BENCH_TOKENS_V5="$out/tokens-v5.json" \
  cargo bench -p authgen-runtime --bench token -- --noplot --warm-up-time 2 --measurement-time 4 >"$out/criterion.log" 2>&1

node - "$root/target/criterion" "$out" <<'JS'
const fs = require("fs");
const [crit, out] = process.argv.slice(2);
const perToken = (v, id) => {
  const e = JSON.parse(fs.readFileSync(`${crit}/${v}/${id}/new/estimates.json`, "utf8"));
  const b = JSON.parse(fs.readFileSync(`${crit}/${v}/${id}/new/benchmark.json`, "utf8"));
  const n = b.throughput && b.throughput.Elements ? b.throughput.Elements : 1;
  return e.median.point_estimate / n / 1000; // µs per token (median, like the Node side)
};
const goals = { v4: 50, v5: 200 };
console.log(`node ${process.version}`);
for (const v of ["v4", "v5"]) {
  const node = JSON.parse(fs.readFileSync(`${out}/node-${v}.json`, "utf8"));
  const rows = ["decode_map", "decode_typed", "cookie_header_and_verify", "headermap_and_verify"].map((id) => [id, perToken(v, id)]);
  console.log(`${v}: next-auth decode ${node.per_token_us.toFixed(2)} µs/token median (best round ${node.best_round_us.toFixed(2)}; ${node.tokens} tokens, ${node.decodes} decodes in ${node.rounds} rounds)`);
  for (const [id, us] of rows) {
    const ratio = node.per_token_us / us;
    const extra = id === "decode_map" ? ` (goal ≥ ${goals[v]}×: ${ratio >= goals[v] ? "met" : "NOT met"})` : "";
    const cookie = id.endsWith("and_verify") ? ` (goal < 5 µs: ${us < 5 ? "met" : "NOT met"})` : "";
    console.log(`  authgen ${id.padEnd(26)} ${us.toFixed(3)} µs/token  ${ratio.toFixed(0)}× next-auth${extra}${cookie}`);
  }
}
JS
