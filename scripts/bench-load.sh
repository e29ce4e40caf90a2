#!/usr/bin/env bash
# Load benchmark (issue #13): the example's Rust service (examples/service, release build) against
# the example Next.js app (examples/next-app, `next start`) on the same session cookies, in one run.
#
#   scripts/bench-load.sh                             # 64 connections, 30 s per route
#   DURATION=10s CONNECTIONS=32 scripts/bench-load.sh
#
# Routes, each measured with `wrk -t THREADS -c CONNECTIONS -d DURATION --timeout TIMEOUT --latency`
# after a WARMUP run (same settings, not reported):
#   Rust  GET /api/me   AUTH_STRATEGY=jwt       the cookie is a next-auth v5 JWT (authgen encode)
#   Rust  GET /api/me   AUTH_STRATEGY=database  the cookie is a "Session" row's token (SQLite)
#   Next  GET /api/me   AUTH_STRATEGY=jwt       a Route Handler calling next-auth's auth()
#   Next  GET /api/me   AUTH_STRATEGY=database  the same handler, @auth/kysely-adapter on SQLite
# Every route is first checked with curl: 200 with BENCH_USER's JSON for the cookie, 401 without
# it (a benchmark of 401s is void). Prints a Markdown table (with the CPU the server, wrk and the
# rest of the machine used during each run) and the machine.
#
# Environment: DURATION (30s), CONNECTIONS (64), THREADS (2), WARMUP (5s; 0 skips it), TIMEOUT
# (wrk's per-request timeout, 10s: a slower answer counts as a socket error and is left out of the
# latency percentiles), BENCH_USER (a seeded user, admin@example.com), OUT_DIR (raw wrk output;
# default <cargo target dir>/bench-load/<UTC time>). Installs wrk with apt-get when missing.
# Needs: cargo, Node.js 20 with npm, curl. The SQLite file, the secret and the cookies live in a
# temporary directory removed at exit; neither the secret nor a cookie is printed.
set -euo pipefail

duration=${DURATION:-30s}
connections=${CONNECTIONS:-64}
threads=${THREADS:-2}
warmup=${WARMUP:-5s}
timeout=${TIMEOUT:-10s}
bench_user=${BENCH_USER:-admin@example.com}
root=$(cd "$(dirname "$0")/.." && pwd)
app=$root/examples/next-app
work=$(mktemp -d)
pids=()

step() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bench-load: %s\n' "$*" >&2; exit 1; }

cleanup() {
  local p
  for p in "${pids[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ensure_tools() {
  local t
  for t in cargo node npm curl; do
    command -v "$t" >/dev/null || die "$t is not installed (see README.md, Development)"
  done
  command -v wrk >/dev/null && return
  step "installing wrk (Debian package wrk)"
  local sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >&2 || {
    "${sudo[@]}" apt-get update -q >&2 && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >&2
  } || die "apt-get install wrk failed"
}

# npm ci when the lock file changed (the stamp run.sh and the test suite use), then next build
# (scripts/build.mjs skips it when its inputs did not change).
build_app() {
  local stamp=node_modules/.authgen-lock-stamp want
  want=$(node -e 'const b=require("fs").readFileSync("package-lock.json");let h=0xcbf29ce484222325n;for(const x of b){h^=BigInt(x);h=(h*0x100000001b3n)&0xffffffffffffffffn}console.log(h.toString(16).padStart(16,"0")+"-"+b.length)')
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    step "npm ci (examples/next-app)"
    npm ci --no-audit --no-fund --prefer-offline --loglevel=error >&2
    printf '%s' "$want" >"$stamp"
  fi
  step "next build (examples/next-app)"
  node scripts/build.mjs >&2
}

build_all() {
  step "cargo build --release -p authgen-example-service"
  (cd "$root" && cargo build --release -q -p authgen-example-service)
  step "cargo build -p authgen-cli (authgen encode)"
  (cd "$root" && cargo build -q -p authgen-cli)
  local target
  target=$(cd "$root" && cargo metadata --format-version 1 --no-deps |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')
  service_bin=$target/release/authgen-example-service
  authgen_bin=$target/debug/authgen
  out_dir=${OUT_DIR:-$target/bench-load/$(date -u +%Y%m%dT%H%M%SZ)}
  mkdir -p "$out_dir"
  (cd "$app" && build_app)
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# export_mode MODE: the environment both servers of one mode share (the secret, the mode, the
# SQLite file), exported (in a subshell) rather than passed on a command line.
export_mode() {
  export AUTH_SECRET=$secret AUTH_STRATEGY=$1 DATABASE_URL=sqlite://$work/app.db \
    NEXT_TELEMETRY_DISABLED=1
}

# wait_log PID LOG WHAT: until LOG says the service listens; dies with the log if PID exits.
wait_log() {
  local i
  for i in $(seq 1 150); do
    grep -q " listening on http://" "$2" && return
    kill -0 "$1" 2>/dev/null || die "$3 exited: $(cat "$2")"
    sleep 0.2
  done
  die "$3 did not start in 30 s: $(cat "$2")"
}

# start_service MODE [MIGRATIONS_DIR]: sets service_url and service_pid. setsid: each server is
# its own process group (its pid is the group's id), stopped as a whole at exit.
start_service() {
  local mode=$1 log=$work/service-$1.log migrations=${2:-}
  (export_mode "$mode" && export ADDR=127.0.0.1:0 &&
    if [ -n "$migrations" ]; then export MIGRATIONS_DIR=$migrations; fi &&
    exec setsid "$service_bin" >"$log" 2>&1) &
  service_pid=$!
  pids+=("$service_pid")
  wait_log "$service_pid" "$log" "the Rust service ($mode)"
  service_url=$(sed -n 's/.* listening on //p' "$log" | head -1)
}

# start_next MODE: sets next_url and next_pid.
start_next() {
  local mode=$1 port log=$work/next-$1.log i
  port=$(free_port)
  # RUST_SERVICE_URL: /svc/* is not measured; nothing listens there.
  (cd "$app" && export_mode "$mode" && export MAIL_OUTBOX="$work/outbox.jsonl" \
    AUTH_URL="http://127.0.0.1:$port" RUST_SERVICE_URL=http://127.0.0.1:9 &&
    exec setsid node_modules/.bin/next start -p "$port" -H 127.0.0.1 >"$log" 2>&1) &
  pids+=($!)
  next_pid=$!
  next_url=http://127.0.0.1:$port
  for i in $(seq 1 300); do
    curl -s -o /dev/null "$next_url/api/me" && return
    kill -0 "$next_pid" 2>/dev/null || die "next start ($mode) exited: $(cat "$log")"
    sleep 0.2
  done
  die "next start ($mode) did not answer in 60 s: $(cat "$log")"
}

# stop PID: stops that server's process group, and forgets it.
stop() {
  local p keep=()
  kill -TERM -- "-$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  for p in "${pids[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  pids=("${keep[@]}")
}

# The bench user's row and a database session for it (the "Session" row @auth/kysely-adapter
# writes: the cookie value is the sessionToken, expiring in 30 days). Prints the claims JSON for
# `authgen encode` on line 1 and the session token on line 2.
make_sessions() {
  (cd "$app" && DB="$work/app.db" BENCH_USER="$bench_user" node -e '
    const Database = require("better-sqlite3");
    const { randomUUID } = require("node:crypto");
    const db = new Database(process.env.DB);
    db.pragma("busy_timeout = 5000");
    const u = db.prepare(`SELECT "id", "name", "email", "role", "permissions" FROM "User" WHERE "email" = ?`)
      .get(process.env.BENCH_USER);
    if (!u) { console.error(`no user ${process.env.BENCH_USER} in the seeded database`); process.exit(1); }
    const token = randomUUID();
    const expires = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString();
    db.prepare(`INSERT INTO "Session" ("sessionToken", "userId", "expires") VALUES (?, ?, ?)`).run(token, u.id, expires);
    const permissions = JSON.parse(u.permissions);
    console.log(JSON.stringify({ sub: u.id, id: u.id, name: u.name, email: u.email, role: u.role, permissions }));
    console.log(token);
  ')
}

# verify NAME URL COOKIE MODE: 200 with the bench user's JSON for the cookie, 401 without one.
verify() {
  local name=$1 url=$2 cookie=$3 mode=$4 status
  status=$(curl -s -o "$work/body" -w '%{http_code}' -H "Cookie: authjs.session-token=$cookie" "$url")
  [ "$status" = 200 ] || die "$name: GET $url with the cookie answered $status, not 200: $(cat "$work/body")"
  BODY="$work/body" WANT_EMAIL="$bench_user" WANT_MODE="$mode" node -e '
    const b = JSON.parse(require("fs").readFileSync(process.env.BODY, "utf8"));
    const ok = b.email === process.env.WANT_EMAIL && b.strategy === process.env.WANT_MODE
      && typeof b.role === "string" && Array.isArray(b.permissions);
    if (!ok) { console.error(`not the ${process.env.WANT_EMAIL} user in ${process.env.WANT_MODE} mode: ${JSON.stringify(b)}`); process.exit(1); }
  ' || die "$name: GET $url answered 200 with the wrong body"
  status=$(curl -s -o /dev/null -w '%{http_code}' "$url")
  [ "$status" = 401 ] || die "$name: GET $url without a cookie answered $status, not 401"
  step "$name: 200 for $bench_user, 401 without the cookie"
}

# to_ms VALUE: wrk's "612.00us" / "1.23ms" / "2.01s" / "1.02m" in milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : -1
    if (f < 0) { print "?"; exit 1 }
    printf "%.2f", n * f
  }'
}

# Jiffies the whole machine spent busy (every CPU), from /proc/stat.
cpu_busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }

# group_cpu PGID: jiffies used so far by the live processes of that process group (the fields
# after the command name's closing parenthesis: 3 = pgrp, 12 = utime, 13 = stime).
group_cpu() {
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | sed 's/.*) //' |
    awk -v g="$1" '$3 == g {t += $12 + $13} END {print t + 0}'
}

# children_cpu: seconds of CPU used by this shell's finished children (wrk included), read from
# the `times` builtin in this shell (a command substitution would be a fresh process).
children_cpu() {
  times >"$work/times"
  awk 'NR == 2 {split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.3f", u[1] * 60 + u[2] + s[1] * 60 + s[2]}' "$work/times"
}

# bench NAME URL COOKIE PGID: a warm-up run, the measured run with the CPU used meanwhile by the
# server (process group PGID), by wrk and by everything else; one table row appended to rows.
bench() {
  local name=$1 url=$2 cookie=$3 pgid=$4 file load rps p50 p99 total non2xx sock cpu
  file=$out_dir/$(printf '%s' "$name" | tr -cs 'A-Za-z0-9' '-' | sed 's/-$//').txt
  local args=(-t "$threads" -c "$connections" --timeout "$timeout" -H "Cookie: authjs.session-token=$cookie")
  if [ "$warmup" != 0 ]; then
    step "$name: warm-up $warmup"
    wrk "${args[@]}" -d "$warmup" "$url" >/dev/null
  fi
  load=$(cut -d' ' -f1 /proc/loadavg)
  step "$name: wrk -t$threads -c$connections -d$duration --timeout $timeout --latency (load average $load)"
  local t0 busy0 srv0 wrk0 t1 busy1 srv1 wrk1
  srv0=$(group_cpu "$pgid") busy0=$(cpu_busy) t0=$(date +%s.%N)
  children_cpu >"$work/wrk0"
  wrk "${args[@]}" -d "$duration" --latency "$url" >"$file"
  children_cpu >"$work/wrk1"
  t1=$(date +%s.%N) busy1=$(cpu_busy) srv1=$(group_cpu "$pgid")
  wrk0=$(cat "$work/wrk0") wrk1=$(cat "$work/wrk1")
  # Cores busy on average: the server, wrk, and the rest of the machine (other processes).
  cpu=$(awk -v t="$(getconf CLK_TCK)" -v d="$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')" \
    -v busy=$((busy1 - busy0)) -v srv=$((srv1 - srv0)) -v w0="$wrk0" -v w1="$wrk1" 'BEGIN {
      s = srv / t / d; w = (w1 - w0) / d; o = busy / t / d - s - w; if (o < 0) o = 0
      printf "%.2f / %.2f / %.2f", s, w, o }')
  rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$file")
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$file")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$file")")
  total=$(awk '/ requests in / {print $1}' "$file")
  non2xx=$(awk -F': *' '/Non-2xx or 3xx responses/ {print $2}' "$file")
  sock=$(awk '/Socket errors/ {gsub(/,/, ""); print $4 + $6 + $8 + $10}' "$file")
  [ -n "$rps" ] && [ -n "$total" ] || die "$name: cannot read wrk's output ($file)"
  rows+=("| $name | $rps | $p50 | $p99 | ${non2xx:-0} non-2xx, ${sock:-0} socket | $total | $cpu | $load |")
}

print_report() {
  local cpu
  cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
  cat <<EOF

## Load: Rust service vs Next.js route handler (GET /api/me, same cookies)

| route | requests/s | p50 (ms) | p99 (ms) | errors | requests | CPU cores: server / wrk / rest | load avg at start |
|---|---:|---:|---:|---|---:|---|---:|
$(printf '%s\n' "${rows[@]}")

wrk $(wrk -v 2>&1 | awk 'NR == 1 {print $2}'), \`-t$threads -c$connections -d$duration --timeout $timeout --latency\` after a $warmup warm-up
per route (errors: answers other than 2xx/3xx, and socket errors including timeouts, which wrk
leaves out of the percentiles);
user $bench_user (role from the seeded database). Machine: $(nproc) cores ($cpu), Node $(node -v),
next $(cd "$app" && node -p 'require("next/package.json").version'), next-auth $(cd "$app" && node -p 'require("next-auth/package.json").version'),
authgen $(git -C "$root" rev-parse --short HEAD). The server under test, the idle other servers and
wrk share the same $(nproc) cores: wrk's own CPU use is part of every number. "CPU cores" is the
average number of cores busy during the measured run: the server's process group, wrk, and the
rest of the machine (other work; the 1-min load average at start still counts the previous run).
Raw wrk output: $out_dir
EOF
}

main() {
  ensure_tools
  build_all
  secret=$(head -c 32 /dev/urandom | base64)
  step "start the Rust services (jwt: migrates the SQLite file; database) and seed the users"
  start_service jwt "$app/migrations/sqlite"
  rust_jwt=$service_url rust_jwt_pid=$service_pid
  (cd "$app" && export_mode jwt && node scripts/seed.mjs >&2)
  start_service database
  rust_db=$service_url rust_db_pid=$service_pid
  local sessions claims db_cookie jwt_cookie
  sessions=$(make_sessions)
  claims=$(sed -n 1p <<<"$sessions")
  db_cookie=$(sed -n 2p <<<"$sessions")
  jwt_cookie=$(AUTH_SECRET=$secret "$authgen_bin" encode --next-auth v5 "$claims")
  rows=()
  verify "Rust JWT" "$rust_jwt/api/me" "$jwt_cookie" jwt
  verify "Rust database" "$rust_db/api/me" "$db_cookie" database
  bench "Rust axum, JWT (authgen Verifier)" "$rust_jwt/api/me" "$jwt_cookie" "$rust_jwt_pid"
  bench "Rust axum, database session (SQLite)" "$rust_db/api/me" "$db_cookie" "$rust_db_pid"
  for mode in jwt database; do
    step "next start ($mode)"
    local cookie=$jwt_cookie label="JWT"
    [ "$mode" = database ] && cookie=$db_cookie label="database session (SQLite, kysely adapter)"
    start_next "$mode"
    verify "Next $mode" "$next_url/api/me" "$cookie" "$mode"
    bench "Next.js route handler, auth(), $label" "$next_url/api/me" "$cookie" "$next_pid"
    stop "$next_pid"
  done
  print_report
}

main "$@"
