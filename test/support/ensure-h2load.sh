#!/bin/sh
# Makes sure h2load (Debian's nghttp2-client) is installed: bench:decide drives
# gRPC with it. Idempotent; instant when present. Installs with apt-get when run
# as root, otherwise prints how to install and exits 1.
set -eu

if command -v h2load >/dev/null 2>&1; then
  exit 0
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-h2load: h2load not found, installing nghttp2-client with apt-get" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nghttp2-client >/dev/null
  command -v h2load >/dev/null 2>&1 || {
    echo "ensure-h2load: apt-get finished but h2load is still not on PATH" >&2
    exit 1
  }
  exit 0
fi

echo "ensure-h2load: h2load not found on PATH. Install it: sudo apt-get install -y nghttp2-client" >&2
exit 1
