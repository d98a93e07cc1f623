#!/bin/sh
# Prints the path of a k6 binary, building the pinned version from its Go
# module when neither the cache nor PATH has it. Go must be on the machine
# (it is the only thing Go is used for here); the build takes a few minutes
# the first time and is kept in ~/.cache/relevance, outside the clone, so
# clean clones (CI) reuse it.
#
#   K6="$(sh loadtest/install-k6.sh)" && "$K6" run loadtest/smoke.js
set -eu
K6_VERSION="${K6_VERSION:-v1.8.1}"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/relevance/k6-$K6_VERSION"

if [ -x "$CACHE/k6" ]; then
  echo "$CACHE/k6"
  exit 0
fi
if command -v k6 >/dev/null 2>&1 && k6 version 2>/dev/null | grep -q "k6 $K6_VERSION"; then
  command -v k6
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "install-k6: k6 $K6_VERSION is not installed and there is no Go toolchain to build it (apt-get install golang, or put k6 $K6_VERSION on PATH)" >&2
  exit 1
fi
echo "install-k6: building k6 $K6_VERSION from go.k6.io/k6 (first time only, a few minutes)…" >&2
mkdir -p "$CACHE"
GOBIN="$CACHE" CGO_ENABLED=0 go install "go.k6.io/k6@$K6_VERSION" >&2
echo "$CACHE/k6"
