#!/usr/bin/env bash
# The whole test run, from a fresh clone, tier by tier (jest projects, see jest.config.js and
# CONTRIBUTING.md): Node 24 and dependencies; build, lint, type check; then
#   unit         pure modules from source (no build needed, no servers)
#   integration  the built node in n8n-core's engine against the simulator; ffmpeg decodes masks
#   e2e          real n8n 2.x (and its queue mode with PostgreSQL and Redis)
#   browser      the real editor in Chromium
#   e2e on 1.x   the example suite and the Community Nodes install again on the maintained
#                n8n 1.x line (N8N1_VERSION)
# Each tier installs what it needs first (apt-get packages, n8n into the cache), not inside a
# test's timeout. Extra arguments go to jest instead, e.g. `bash scripts/test.sh test/integration/reliability`.
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

if [ $# -gt 0 ]; then
  bash scripts/ensure-ffmpeg.sh >/dev/null
  exec npx jest "$@"
fi

tier() {
  echo "test: tier $1" >&2
  npx jest --selectProjects "$1"
}

tier unit
bash scripts/ensure-ffmpeg.sh >/dev/null
tier integration
bash scripts/ensure-n8n.sh >/dev/null
bash scripts/ensure-queue-services.sh >/dev/null
tier e2e
bash scripts/ensure-chromium.sh >/dev/null
tier browser
N8N1_VERSION="${N8N1_VERSION:-1.123.81}"
N8N_VERSION="$N8N1_VERSION" bash scripts/ensure-n8n.sh >/dev/null
echo "test: the example suite, the Community Nodes install and the binary upload on n8n $N8N1_VERSION" >&2
N8N_VERSION="$N8N1_VERSION" npx jest test/e2e/examples.test.ts test/e2e/community-packages.test.ts test/e2e/binary-upload.test.ts --selectProjects e2e
