#!/usr/bin/env bash
# Backend tests: every tests/backend/NAME.sasm runs with the functions of
# NAME.ssa (typed IR: unboxed phis, checked arithmetic, guards, deopt with
# typed values) compiled by each built backend, and must print exactly what
# the interpreter prints for NAME.sasm alone: stdout, stderr, exit status.
# A backend that is not built is reported as skipped.
set -u
here=$(cd "$(dirname "$0")" && pwd)
shapec=${SHAPEC:-$(pwd)/shapec}
runir=${SC_RUN_IR:-$(pwd)/tests/backend/run_ir}
# the cases run from their directory: absolute paths
shapec=$(cd "$(dirname "$shapec")" && pwd)/$(basename "$shapec")
runir=$(cd "$(dirname "$runir")" && pwd)/$(basename "$runir")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 skip=0
for be in mir llvm; do
  "$runir" "$be" "$here/phis.sasm" "$here/phis.ssa" >/dev/null 2>&1
  if [ $? = 77 ]; then
    n=$(ls "$here"/*.ssa | wc -l)
    echo "SKIP: backend $be is not built ($n cases)"
    skip=$((skip + n))
    continue
  fi
  for ir in "$here"/*.ssa; do
    name=$(basename "$ir" .ssa)
    prog=$here/$name.sasm
    (cd "$here" && "$shapec" run --jit=off "$name.sasm") >"$tmp/want.out" 2>"$tmp/want.err"
    want=$?
    (cd "$here" && timeout 60 "$runir" "$be" "$name.sasm" "$name.ssa") >"$tmp/got.out" 2>"$tmp/got.err"
    got=$?
    if [ $want = $got ] && cmp -s "$tmp/want.out" "$tmp/got.out" && cmp -s "$tmp/want.err" "$tmp/got.err"; then
      pass=$((pass + 1))
    else
      fail=$((fail + 1))
      echo "FAIL: $name [$be] (exit $got, interpreter $want)"
      diff -u "$tmp/want.out" "$tmp/got.out" | head -10
      diff -u "$tmp/want.err" "$tmp/got.err" | head -10
    fi
  done
done
if [ $skip -gt 0 ]; then echo "$pass passed, $fail failed, $skip skipped"; else echo "$pass passed, $fail failed"; fi
[ $fail = 0 ]
