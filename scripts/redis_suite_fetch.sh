#!/usr/bin/env bash
# Brings Redis 7.0.15's test suite (the tests/ of Debian's source package of
# redis, redis_7.0.15.orig.tar.gz) into DIR (default .redis-suite/redis-7.0.15)
# and installs tcl, which runs it. Does nothing when DIR/tests/test_helper.tcl
# is there. Needs root (apt): CI runs as root. Used by .ci/run and by
# `deno task test:redis-suite`.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-.redis-suite/redis-7.0.15}"
version="7.0.15"

if ! command -v tclsh >/dev/null 2>&1; then
  echo "redis-suite-fetch: installing tcl"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tcl >/dev/null
fi
if [ -f "$dir/tests/test_helper.tcl" ]; then
  exit 0
fi

# deb-src: the same sources as the binary packages, of type deb-src, in a
# file of our own (the system's file stays as it is).
src_list="/etc/apt/sources.list.d/cachemir-deb-src.sources"
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    sed -E 's/^Types:.*/Types: deb-src/' /etc/apt/sources.list.d/debian.sources >"$src_list"
  else
    sed -nE 's/^deb (.*)/deb-src \1/p' /etc/apt/sources.list >/etc/apt/sources.list.d/cachemir-deb-src.list
  fi
  echo "redis-suite-fetch: enabled deb-src"
fi
apt-get update -qq >/dev/null

work="$(mktemp -d)"
chmod 755 "$work" # apt downloads as _apt
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get -o APT::Sandbox::User=root source --download-only -qq redis >/dev/null)
tarball="$(ls "$work"/redis_"$version".orig.tar.* 2>/dev/null | head -n1 || true)"
if [ -z "$tarball" ]; then
  echo "redis-suite-fetch: apt-get source brought no redis_${version}.orig.tar.*:" >&2
  ls "$work" >&2
  exit 1
fi
mkdir -p "$dir"
# The suite needs its tests/ only (support/, helpers/, assets/, unit/).
tar -xf "$tarball" -C "$dir" --strip-components=1 "redis-${version}/tests"
test -f "$dir/tests/test_helper.tcl"
echo "redis-suite-fetch: Redis ${version}'s suite in $dir"
