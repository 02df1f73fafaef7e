#!/usr/bin/env bash
# Golden IR tests.
#
# A test is an input, tests/golden/NAME.sasm (bytecode, lifted) or
# NAME.ssa (hand-written IR, for single passes), whose first line names
# the shapec options to run it with:
#   ; RUN: --passes=lift,phis,simplify,dce --print-after-all [--func F] ...
# and NAME.expected, the output: the IR after each pass of the pipeline
# (--print-after-all), or the final IR, Graphviz (--emit=dot), the loop
# forest (--print-loops) or the diagnostics, then `exit status N` if not 0.
# Every IR printed is also checked to parse back to the same text
# (--check-roundtrip), so every expected IR round-trips.
#
#   tests/golden/run.sh [--bless] [FILTER]
#
# FILTER runs the tests whose name contains it. A failure prints a unified
# diff (expected -> actual). --bless rewrites the .expected files from the
# current output: review the change with `git diff tests/golden` after an
# intended change. SHAPEC names the shapec binary (default ./shapec).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=${abs_top_srcdir:-$(cd "$here/../.." && pwd)}
shapec=${SHAPEC:-./shapec}
case "$shapec" in /*) ;; *) shapec=$(pwd)/$shapec ;; esac
[ -x "$shapec" ] || shapec=$root/shapec
if [ ! -x "$shapec" ]; then
  echo "run.sh: no shapec binary (set SHAPEC)" >&2
  exit 2
fi
bless=0 filter=""
for a in "$@"; do
  case "$a" in
    --bless) bless=1 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) filter=$a ;;
  esac
done
cd "$root" || exit 2
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
pass=0 fail=0
for src in tests/golden/*.sasm tests/golden/*.ssa; do
  [ -e "$src" ] || continue
  name=${src%.*}
  case "${name##*/}" in *"$filter"*) ;; *) continue ;; esac
  args=$(sed -n '1s/^; RUN: *//p' "$src")
  # shellcheck disable=SC2086
  case "$src" in
    *.sasm) timeout 60 "$shapec" --emit=ssa "$src" --check-roundtrip $args >"$tmp" 2>&1 ;;
    *.ssa) timeout 60 "$shapec" opt "$src" --check-roundtrip $args >"$tmp" 2>&1 ;;
  esac
  st=$?
  [ $st = 0 ] || echo "exit status $st" >>"$tmp"
  if [ $bless = 1 ]; then
    cp "$tmp" "$name.expected"
    pass=$((pass + 1))
  elif [ -f "$name.expected" ] && cmp -s "$tmp" "$name.expected"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL: $src"
    diff -u "$name.expected" "$tmp" | head -60
  fi
done
echo "$pass passed, $fail failed"
[ $fail = 0 ]
