#!/usr/bin/env bash
# Installs Debian's Chromium (/usr/bin/chromium) for the browser end-to-end test
# (examples/service/tests/e2e.rs), when it is missing. Idempotent and quiet; needs root (or sudo).
# Nothing else: playwright-core (npm, pinned by examples/next-app/package-lock.json) drives it.
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
SUDO=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "setup-browser: need root to install chromium" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
[ -x /usr/bin/chromium ] || { echo "setup-browser: /usr/bin/chromium missing after install" >&2; exit 1; }
