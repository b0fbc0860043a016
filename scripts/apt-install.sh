#!/usr/bin/env bash
# apt_install TOOL PACKAGE...: installs Debian packages that a test tier needs (CI runs as root
# on a clean machine). Source it: `. scripts/apt-install.sh`. Without root it says what to run.
apt_install() {
  local tool="$1"
  shift
  if [ "$(id -u)" -ne 0 ]; then
    echo "$tool: not root; install Debian's packages yourself: sudo apt-get install -y $*" >&2
    return 1
  fi
  echo "$tool: installing $* (apt-get)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "$@" >&2
}
