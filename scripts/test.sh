#!/usr/bin/env bash
# The whole test run, from a fresh clone: Node 24, dependencies, build, lint, type check,
# then every jest suite (unit, simulator, reliability, n8n's scanner, real n8n 2.x end to end,
# the real editor in Chromium), then the example suite on real n8n 1.x (N8N1_VERSION). Extra
# arguments go to jest instead, e.g. `bash scripts/test.sh test/reliability` (then the 1.x run
# is left out).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node24.sh

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "test: installing dependencies (npm ci)" >&2
  npm ci --no-audit --no-fund
fi

npm run build
npm run lint
npm run typecheck
# The end-to-end suites run a real n8n; install it into the cache now (about 6 min the
# first time on a fresh machine, instant afterwards) rather than inside a test's timeout.
bash scripts/ensure-n8n.sh >/dev/null
# The browser suite drives Debian's Chromium; install it now if it is missing (apt-get).
bash scripts/ensure-chromium.sh >/dev/null
# Without arguments the example suite runs a second time on the maintained n8n 1.x line
# (README "Supported n8n versions"): its install is cached too (~4-7 min cold).
N8N1_VERSION="${N8N1_VERSION:-1.123.81}"
if [ $# -eq 0 ]; then N8N_VERSION="$N8N1_VERSION" bash scripts/ensure-n8n.sh >/dev/null; fi
# The queue-mode suite (test/e2e/queue-mode.test.ts) starts its own PostgreSQL and Redis from
# Debian's packages: apt-get installs them here when missing (CI runs as root).
bash scripts/ensure-queue-services.sh >/dev/null
npx jest "$@"
if [ $# -eq 0 ]; then
  echo "test: the example suite on n8n $N8N1_VERSION" >&2
  N8N_VERSION="$N8N1_VERSION" npx jest test/e2e/examples.test.ts
fi
