#!/usr/bin/env bash
# `npm run bench`: benchmarks the built node against the local AI/ML API simulator
# (bench/run.ts) and prints a table with PASS/FAIL per target; exits 1 when one is missed.
#   npm run bench -- --quick    a fast smoke run (about 1 min)
#   npm run bench -- --json     the report as JSON on stdout (progress stays on stderr)
#   npm run bench -- --help     all flags
# Works on a fresh clone: puts Node 24 on PATH (scripts/node24.sh), runs `npm ci` when
# node_modules is missing and `npm run build` when dist/ is.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/node24.sh
. scripts/node24.sh >&2

if [ ! -d node_modules ]; then
  echo "bench: node_modules is missing, running npm ci" >&2
  npm ci --no-audit --no-fund >&2
fi
if [ ! -f dist/nodes/WanVace/WanVaceInpaint.node.js ] || [ ! -f dist/credentials/AimlApi.credentials.js ]; then
  echo "bench: dist/ is missing, running npm run build" >&2
  npm run build >&2
fi

exec node_modules/.bin/tsx bench/run.ts "$@"
