#!/usr/bin/env bash
# Golden IR tests. Each tests/golden/NAME.sasm (lifted from bytecode) or
# NAME.ssa (hand-written IR, for single passes) starts with a line
#   ; RUN: ARGS
# giving the shapec options (pipeline, --print-after-all, --func, ...).
# The expected output is NAME.expected. Every printed IR is also checked to
# parse back to itself (--check-roundtrip).
#
#   tests/golden/run.sh [--bless] [FILTER]
#
# --bless rewrites the .expected files from the current output; review the
# change with `git diff tests/golden` before committing it.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=${abs_top_srcdir:-$(cd "$here/../.." && pwd)}
shapec=${SHAPEC:-$(pwd)/shapec}
[ -x "$shapec" ] || shapec=$root/shapec
bless=0 filter=""
for a in "$@"; do
  case "$a" in
    --bless) bless=1 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
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
  case "$name" in *"$filter"*) ;; *) continue ;; esac
  args=$(sed -n '1s/^; RUN: *//p' "$src")
  # shellcheck disable=SC2086
  case "$src" in
    *.sasm) "$shapec" --emit=ssa "$src" --check-roundtrip $args >"$tmp" 2>&1 ;;
    *.ssa) "$shapec" opt "$src" --check-roundtrip $args >"$tmp" 2>&1 ;;
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
    diff -u "$name.expected" "$tmp" | head -40
  fi
done
echo "$pass passed, $fail failed"
[ $fail = 0 ]
