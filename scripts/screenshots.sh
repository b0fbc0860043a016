#!/usr/bin/env bash
# `npm run screenshots`: regenerates the README's pictures in docs/ from the browser suite
# (a real n8n with this package, Debian's Chromium, the simulator as AI/ML API). The same
# steps run in `npm test`; here they also write docs/*.png. Then shrinks the PNGs when
# optipng is installed (optional).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/node24.sh
[ -d node_modules ] || npm ci --no-audit --no-fund
bash scripts/ensure-chromium.sh >/dev/null
bash scripts/ensure-n8n.sh >/dev/null
WAN_VACE_SCREENSHOTS=1 npx jest test/browser "$@"
if command -v optipng >/dev/null; then optipng -quiet -o2 docs/*.png; fi
ls -l docs/*.png
