#!/usr/bin/env bash
# Memcheck over the compile API reused (tests/api/compile_reuse: 1,000
# compilations with MIR, 50 with LLVM alone, which is slow under valgrind),
# then over the program tests and the bad-input corpus, interpreter only:
#   tests/valgrind.sh [FILTER]...      (from the build directory)
# Every `shapec run --jit=off` (and `shapec check`) runs under valgrind, which
# makes the run fail on any invalid read or write, use of uninitialised
# memory or bad free; its expectations are the usual ones (run-programs.sh).
# Leaks are not checked: the heap is Boehm GC's, which frees nothing at exit.
# Skipped (77) when valgrind is not installed. SC_VALGRIND_ORIGINS=1 adds
# --track-origins=yes (where uninitialised values came from; about twice as
# slow, so not the default that CI runs).
set -u
here=$(cd "$(dirname "$0")" && pwd)
command -v valgrind >/dev/null || { echo "SKIP: valgrind is not installed"; exit 77; }
shapec=${SHAPEC:-$(pwd)/shapec}
[ -x "$shapec" ] || { echo "SKIP: no shapec binary at $shapec"; exit 77; }
shapec=$(cd "$(dirname "$shapec")" && pwd)/$(basename "$shapec")
# Valgrind the program, not libtool's wrapper script around it.
if grep -q 'just a wrapper for' "$shapec" 2>/dev/null; then
  libs=$(dirname "$shapec")/.libs
  export LD_LIBRARY_PATH="$libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  shapec=$libs/$(basename "$shapec")
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sc-valgrind.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
origins=
[ "${SC_VALGRIND_ORIGINS:-0}" = 1 ] && origins=--track-origins=yes
cat >"$tmp/shapec" <<EOF
#!/bin/sh
exec valgrind -q --error-exitcode=99 $origins --suppressions=$here/valgrind.supp "$shapec" "\$@"
EOF
chmod +x "$tmp/shapec"
vg="valgrind -q --error-exitcode=99 $origins --suppressions=$here/valgrind.supp"
reuse=$(pwd)/tests/api/compile_reuse
[ -x "$reuse" ] || { echo "FAIL: no $reuse (make check builds it)"; exit 1; }
# which backend is built (status 77: not this one; anything else fails)
built() {
  "$reuse" "$1" 0 >/dev/null
  local st=$?
  [ $st = 0 ] || [ $st = 77 ] || { echo "FAIL: compile_reuse $1 0: status $st"; exit 1; }
  return $st
}
args=
if built mir; then args="mir 1000"
elif built llvm; then args="llvm 50"
fi
if [ -n "$args" ]; then
  echo "valgrind: tests/api/compile_reuse $args"
  $vg "$reuse" $args || { echo "FAIL: compile_reuse $args under valgrind (status $?)"; exit 1; }
fi
SHAPEC=$tmp/shapec SC_TEST_MODES='--jit=off' exec "$here/run-programs.sh" "$@"
