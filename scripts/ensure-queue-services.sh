#!/usr/bin/env bash
# Makes sure PostgreSQL and Redis from Debian's packages are installed, for the queue-mode
# tests (test/e2e/queue-mode.test.ts), which start their own instances on loopback ports in
# temp folders (never the system services). Installs them with apt-get when missing (CI
# starts clean and runs as root); prints the PostgreSQL bin folder on stdout.
set -euo pipefail

pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

if [ -z "$(pg_bin)" ] || ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" != "0" ]; then
    echo "ensure-queue-services: postgresql and redis-server are missing; install them: sudo apt-get install -y postgresql redis-server" >&2
    exit 1
  fi
  echo "ensure-queue-services: installing postgresql redis-server (apt-get)" >&2
  export DEBIAN_FRONTEND=noninteractive
  # The packages' postinst scripts would start system services: not wanted (and no init here).
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get update -q >&2
  apt-get install -y -q --no-install-recommends postgresql redis-server >&2
fi
if [ "$(id -u)" = "0" ] && ! id postgres >/dev/null 2>&1; then
  echo "ensure-queue-services: the postgresql package did not create the postgres user" >&2
  exit 1
fi
pg_bin
