#!/usr/bin/env bash
# Starts the whole example: the Next.js app (examples/next-app) and the Rust service
# (examples/service) on one SQLite file, with the three seeded users.
#
#   examples/next-app/run.sh                         # JWT sessions, Credentials sign-in
#   AUTH_STRATEGY=database examples/next-app/run.sh  # database sessions, email-link sign-in
#
# Steps: npm ci (when the lock file changed), `authgen check` (the generated files are current),
# build the service, `next build` (skipped when nothing changed), migrate (the service applies
# migrations/sqlite at start), seed, start both, print the URL. Ctrl-C stops both.
# Environment: PORT (3000), SERVICE_PORT (4000), DATA_DIR (examples/next-app/data),
# AUTH_SECRET (default: one made once and kept in DATA_DIR/secret).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mode=${AUTH_STRATEGY:-jwt}
port=${PORT:-3000}
service_port=${SERVICE_PORT:-4000}
data=${DATA_DIR:-$here/data}
mkdir -p "$data"
step() { printf '\n==> %s\n' "$*"; }

if [ -z "${AUTH_SECRET:-}" ]; then
  [ -s "$data/secret" ] || (umask 077 && head -c 32 /dev/urandom | base64 >"$data/secret")
  AUTH_SECRET=$(cat "$data/secret")
fi
export AUTH_SECRET AUTH_STRATEGY="$mode"
export DATABASE_URL="sqlite://$data/app.db"
export MAIL_OUTBOX="$data/outbox.jsonl"
export RUST_SERVICE_URL="http://127.0.0.1:$service_port"
# The address the browser uses: Auth.js builds its links (the email sign-in link) from it.
export AUTH_URL=${AUTH_URL:-http://127.0.0.1:$port}
export NEXT_TELEMETRY_DISABLED=1

cd "$here"
# The same stamp as the test suite's npm cache (authgen_testkit::npm::ensure_installed): FNV-1a 64
# of the lock file and its length; npm ci only when it changed.
stamp=node_modules/.authgen-lock-stamp
want=$(node -e 'const b=require("fs").readFileSync("package-lock.json");let h=0xcbf29ce484222325n;for(const x of b){h^=BigInt(x);h=(h*0x100000001b3n)&0xffffffffffffffffn}console.log(h.toString(16).padStart(16,"0")+"-"+b.length)')
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  step "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  printf '%s' "$want" >"$stamp"
fi

step "authgen check (the generated files are current)"
(cd "$root" && cargo run -q -p authgen-cli -- check --config examples/next-app/authgen.toml)

step "build the Rust service"
(cd "$root" && cargo build -q -p authgen-example-service)
target_dir=$(cd "$root" && cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')
service="$target_dir/debug/authgen-example-service"

step "next build"
node scripts/build.mjs

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

step "migrate (the service applies migrations/sqlite) and start the Rust service"
ADDR="127.0.0.1:$service_port" MIGRATIONS_DIR="$here/migrations/sqlite" "$service" 2> >(tee "$data/service.log" >&2) &
pids+=($!)
for _ in $(seq 1 100); do
  grep -q "listening on" "$data/service.log" 2>/dev/null && break
  kill -0 "${pids[0]}" 2>/dev/null || { echo "the Rust service exited" >&2; exit 1; }
  sleep 0.2
done

step "seed the three users"
node scripts/seed.mjs

step "start Next.js"
node_modules/.bin/next start -p "$port" -H 127.0.0.1 &
pids+=($!)
cat <<MSG

  The example runs ($mode sessions):  http://127.0.0.1:$port
  Rust service:                        $RUST_SERVICE_URL/api/health
  Users: user@example.com / user-password, moderator@example.com / moderator-password,
         admin@example.com / admin-password
MSG
[ "$mode" = database ] && echo "  Sign-in links are appended to $MAIL_OUTBOX"
wait -n "${pids[@]}"
