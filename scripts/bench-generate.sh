#!/usr/bin/env bash
# Times `authgen generate` as a whole process (start-up, config, parse, render, write) on the seed
# model and on a synthetic model ten times its size. Prints min / median / max wall time over
# RUNS runs each. No assertions: the numbers go into BENCHMARKS.md, section "generate".
#
#   scripts/bench-generate.sh            # RUNS=50
#   RUNS=200 scripts/bench-generate.sh
set -euo pipefail

RUNS="${RUNS:-50}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cargo build --release -q -p authgen-cli --manifest-path "$ROOT/Cargo.toml"
BIN="$ROOT/target/release/authgen"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# The synthetic model: the seed's six items, each ten times as large (roles, permissions and
# every struct's fields), so the input and both outputs grow tenfold.
synth() {
  local n=10
  echo 'use authgen::{AuthJwt, AuthPermission, AuthRole, AuthSession, AuthSessionUser, AuthUser};'
  echo 'use chrono::{DateTime, Utc};'
  echo '/// Roles.'
  echo '#[derive(AuthRole, serde::Serialize, serde::Deserialize, Clone, Copy, Debug, PartialEq, Eq)]'
  echo '#[serde(rename_all = "SCREAMING_SNAKE_CASE")]'
  echo 'pub enum Role {'
  for i in $(seq 1 $((3 * n))); do echo "    /// Role $i."; echo "    Role$i,"; done
  echo '}'
  echo '#[derive(AuthPermission, serde::Serialize, serde::Deserialize, Clone, Copy, Debug, PartialEq, Eq)]'
  echo 'pub enum Permission {'
  for i in $(seq 1 $((3 * n))); do echo "    #[serde(rename = \"area$i:write\")]"; echo "    Area$i,"; done
  echo '}'
  echo '#[derive(AuthUser, serde::Serialize, serde::Deserialize)]'
  echo '#[serde(rename_all = "camelCase")]'
  echo 'pub struct User {'
  echo '    pub id: String, pub name: Option<String>, pub email: Option<String>,'
  echo '    pub email_verified: Option<DateTime<Utc>>, pub image: Option<String>,'
  echo '    pub role: Role, pub permissions: Vec<Permission>,'
  for i in $(seq 1 $((8 * n - 7))); do echo "    /// Column $i."; echo "    pub extra_$i: Option<String>,"; done
  echo '}'
  echo '#[derive(AuthSession, serde::Serialize, serde::Deserialize)]'
  echo 'pub struct Session {'
  echo '    pub user: SessionUser, pub expires: DateTime<Utc>,'
  for i in $(seq 1 $((3 * n - 2))); do echo "    pub top_$i: Option<i64>,"; done
  echo '}'
  echo '#[derive(AuthSessionUser, serde::Serialize, serde::Deserialize)]'
  echo 'pub struct SessionUser {'
  echo '    pub id: String, pub role: Role, pub permissions: Vec<Permission>,'
  for i in $(seq 1 $((6 * n - 3))); do echo "    pub field_$i: Vec<String>,"; done
  echo '}'
  echo '#[derive(AuthJwt, serde::Serialize, serde::Deserialize)]'
  echo 'pub struct Jwt {'
  echo '    pub id: String, pub role: Role, pub permissions: Vec<Permission>,'
  for i in $(seq 1 $((10 * n - 3))); do echo "    pub claim_$i: bool,"; done
  echo '}'
}
synth > "$WORK/synthetic.rs"

bench() {
  local name="$1" input="$2" out="$WORK/out-$1"
  local times=()
  for _ in $(seq 1 "$RUNS"); do
    rm -rf "$out"   # every run renders and writes both files
    local t0 t1
    t0=$(date +%s%N)
    (cd "$WORK" && "$BIN" generate --input "$input" --out "$out" --next-auth v5 >/dev/null)
    t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000 )))
  done
  IFS=$'\n' sorted=($(sort -n <<<"${times[*]}")); unset IFS
  local n=${#sorted[@]}
  printf '%-10s lines=%-5s runs=%-4s min=%6.2f ms  median=%6.2f ms  max=%6.2f ms  output=%s bytes\n' \
    "$name" "$(wc -l <"$input")" "$n" \
    "$(echo "${sorted[0]} / 1000" | bc -l)" \
    "$(echo "${sorted[$((n / 2))]} / 1000" | bc -l)" \
    "$(echo "${sorted[$((n - 1))]} / 1000" | bc -l)" \
    "$(cat "$out"/*.ts | wc -c)"
}

bench seed "$ROOT/fixtures/seed/model.rs"
bench synthetic "$WORK/synthetic.rs"
