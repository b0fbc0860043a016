#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed (the browser suite drives /usr/bin/chromium with
# playwright-core; no browser is ever downloaded by Playwright). Installs it with apt-get when
# missing; prints the path of the binary on stdout.
set -euo pipefail
CHROMIUM="${WAN_VACE_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
	echo "ensure-chromium: $CHROMIUM is missing; apt-get install -y chromium" >&2
	if [ "$(id -u)" -ne 0 ]; then
		echo "ensure-chromium: not root; install Debian's chromium package (sudo apt-get install -y chromium) or set WAN_VACE_CHROMIUM" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq --no-install-recommends chromium fonts-liberation >&2
fi
"$CHROMIUM" --version >&2
echo "$CHROMIUM"
