#!/bin/sh
# Usage: ensure-debian-package.sh COMMAND PACKAGE
# Makes sure COMMAND is on PATH, installing Debian's PACKAGE with apt-get when
# it is not (as root). Idempotent; instant when present. Otherwise prints how to
# install and exits 1. Used by `pretest` (redis-server: the tests start their
# own Redis and fail, never skip, without it; openssl: the TLS tests make their
# certificates with it) and the benchmarks (h2load from nghttp2-client).
set -eu
cmd="$1"
pkg="$2"

if command -v "$cmd" >/dev/null 2>&1; then
  exit 0
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-debian-package: $cmd not found, installing $pkg with apt-get" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >/dev/null
  command -v "$cmd" >/dev/null 2>&1 || {
    echo "ensure-debian-package: apt-get installed $pkg but $cmd is still not on PATH" >&2
    exit 1
  }
  exit 0
fi

echo "ensure-debian-package: $cmd not found on PATH. Install it: sudo apt-get install -y $pkg" >&2
exit 1
