#!/usr/bin/env bash
# `npm run demo`: builds this package, installs it into a real n8n 2.41.1 and runs
# examples/generate-and-save.json against the local AI/ML API simulator, or against the
# real API when AIMLAPI_API_KEY is set (then DEMO_VIDEO_URL and DEMO_MASK_URL too).
# The logic is in scripts/demo.ts; `bash scripts/demo.sh --help` lists the options.
#
# Works on a fresh clone without `npm install`: it puts Node 24 on PATH
# (scripts/node24.sh) and runs `npm ci` when node_modules is missing.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/node24.sh
. scripts/node24.sh

if [ ! -d node_modules ]; then
	echo "demo: node_modules is missing, running npm ci" >&2
	npm ci --no-audit --no-fund
fi

# One process (no tsx or npx wrapper relaying signals): on Ctrl+C it stops n8n itself.
exec node --import tsx scripts/demo.ts "$@"
