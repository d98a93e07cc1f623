#!/bin/sh
# Makes sure redis-server is installed: the Redis integration tests start their
# own server and FAIL (never skip) without it. Idempotent; instant when present.
# Called by `pretest` and CI. Installs with apt-get when run as root, otherwise
# prints how to install and exits 1.
set -eu

if command -v redis-server >/dev/null 2>&1; then
  exit 0
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-redis: redis-server not found, installing it with apt-get" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  command -v redis-server >/dev/null 2>&1 || {
    echo "ensure-redis: apt-get finished but redis-server is still not on PATH" >&2
    exit 1
  }
  exit 0
fi

cat >&2 <<'MSG'
ensure-redis: redis-server not found on PATH.
Install it, then run the tests again:
  Debian/Ubuntu: sudo apt-get install -y redis-server
  macOS:         brew install redis
  other:         https://redis.io/docs/latest/operate/oss_and_stack/install/
MSG
exit 1
