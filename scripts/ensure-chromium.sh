#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed (the browser suite drives /usr/bin/chromium with
# playwright-core; no browser is ever downloaded by Playwright). Installs it with apt-get when
# missing; prints the path of the binary on stdout.
set -euo pipefail
. "$(dirname "$0")/apt-install.sh"
CHROMIUM="${WAN_VACE_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
	apt_install ensure-chromium chromium fonts-liberation
fi
"$CHROMIUM" --version >&2
echo "$CHROMIUM"
