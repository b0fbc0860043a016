#!/usr/bin/env bash
# The whole test run, from a fresh clone: Node 24, dependencies, build, lint, type check,
# then every jest suite (unit, simulator, reliability, n8n's scanner, real n8n end to end,
# and the real editor in Chromium).
# Extra arguments go to jest, e.g. `bash scripts/test.sh test/reliability`.
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
npx jest "$@"
