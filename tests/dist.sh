#!/usr/bin/env bash
# The release tarball is complete: `make dist` in the build directory,
# unpack it elsewhere, and run the README's two commands there, as written
# in the README inside the tarball (command 1: install packages, build, run
# examples/fib.sasm; command 2: make -j2 check). CI runs this
# (.ci/run); SC_TEST_MODES and SC_DIFF_* default to one mode and a short
# campaign here so that it takes minutes: completeness is the point, make
# check in the tree runs every mode.
#   tests/dist.sh [BUILDDIR]
set -euo pipefail
build=$(cd "${1:-.}" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shapec-dist.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
make -s -C "$build" dist >/dev/null
tarball=$(ls -t "$build"/shapec-*.tar.gz | head -1)
tar -xzf "$tarball" -C "$tmp"
rm -f "$tarball"
cd "$tmp"/shapec-*/
# command N of the README: the lines after "# N." up to a blank line
command_n() {
  awk -v n="$1" '$0 ~ "^# " n "\\." {on = 1; next} on && /^$/ {exit} on && /^```/ {exit} on {print}' README.md
}
c1=$(command_n 1)
c2=$(command_n 2)
[ -n "$c1" ] && [ -n "$c2" ] || { echo "dist: cannot find the README's two commands"; exit 1; }
echo "dist: command 1 in $(basename "$tarball"):"
echo "$c1"
bash -euo pipefail -c "$c1" >build.log 2>&1 || { tail -40 build.log; echo "dist: command 1 failed"; exit 1; }
tail -1 build.log
echo "dist: command 2: $c2"
# (the README's configure builds LLVM only: generated programs get time)
export SC_TEST_MODES=${SC_TEST_MODES---jit=off} SC_DIFF_COUNT=${SC_DIFF_COUNT:-10} \
  SC_DIFF_TIMEOUT=${SC_DIFF_TIMEOUT:-180} SC_DIFF_MINIMIZE_SECONDS=${SC_DIFF_MINIMIZE_SECONDS:-30}
if ! bash -euo pipefail -c "$c2" >check.log 2>&1; then
  grep -E '^(FAIL|ERROR)' check.log || true
  for f in $(grep -lE '^(FAIL|ERROR)' $(find . -name '*.log' ! -name config.log) 2>/dev/null); do tail -30 "$f"; done
  echo "dist: command 2 failed"
  exit 1
fi
grep -E '^# (TOTAL|PASS|SKIP|FAIL|ERROR)' check.log
echo "dist: the tarball builds and passes its tests"
