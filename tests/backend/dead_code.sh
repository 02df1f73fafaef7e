#!/usr/bin/env bash
# Code after a check that always fails never reaches a backend: MIR's own
# folding would find such code unreachable, and its GVN can spin forever on
# an unreachable loop's cycle of copies. tests/programs/mir_dead_loop.sasm
# hung so when compiled eagerly without inlining; it must finish (in any
# backend built) with the interpreter's output, status and trace.
set -u
here=$(cd "$(dirname "$0")" && pwd)
shapec=${SHAPEC:-$(pwd)/shapec}
prog=tests/programs/mir_dead_loop
cd "$here/../.."
fail=0 n=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for be in mir llvm; do
  if ! "$shapec" run --jit=eager --backend=$be examples/fib.sasm >/dev/null 2>&1; then
    echo "skip: the $be backend is not built"
    continue
  fi
  n=$((n + 1))
  out=$(timeout 120 "$shapec" run --jit=eager --no-inline --backend=$be $prog.sasm 2>"$tmp")
  st=$?
  err=$(cat "$tmp")
  if [ $st -eq 124 ]; then
    echo "FAIL: $be: $prog.sasm did not finish in 120 s"; fail=1; continue
  fi
  if [ "$out" != "$(cat $prog.stdout 2>/dev/null)" ] || [ "$err" != "$(cat $prog.stderr)" ] || [ "$st" != "$(cat $prog.status)" ]; then
    echo "FAIL: $be: $prog.sasm: status $st, stderr:"; echo "$err"; fail=1; continue
  fi
  echo "ok: $be"
done
[ $n -gt 0 ] || exit 77
exit $fail
