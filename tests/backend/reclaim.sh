#!/usr/bin/env bash
# Compiled code is freed once released, and never before. Per built backend:
#  - tests/backend/reclaim compiles a function hundreds of times, releasing
#    all but the newest few: the backend must hold a bounded number of units
#    (MIR contexts, also one per function; LLVM resource trackers), the RSS
#    must stay flat and the newest code must run right;
#  - tests/programs/recompile_while_running.sasm, tiered with thresholds that
#    make its functions' code invalidated (and, with --deopt-stress, dropped
#    three times) while activations of it are still running, one MIR context
#    per function so that dropped MIR code really goes: it must print what
#    the interpreter prints.
# A backend that is not built is reported as skipped.
set -u
# Under AddressSanitizer freed memory waits in a quarantine (256 MiB) before it
# is reused, which would read as growth here: measure without it.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0"
here=$(cd "$(dirname "$0")" && pwd)
shapec=${SHAPEC:-$(pwd)/shapec}
reclaim=${SC_RECLAIM:-$(pwd)/tests/backend/reclaim}
prog=$here/../programs/recompile_while_running.sasm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 skip=0
check() { # NAME, then the command
  local name=$1
  shift
  if "$@" >"$tmp/out" 2>&1; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL: $name"
    head -20 "$tmp/out"
  fi
}
same_as_interpreter() {
  SC_MIR_UNIT_FUNCS=1 "$shapec" run "$prog" "$@" >"$tmp/got.out" 2>"$tmp/got.err" && cmp -s "$tmp/want.out" "$tmp/got.out" &&
    [ ! -s "$tmp/got.err" ] || { diff -u "$tmp/want.out" "$tmp/got.out" | head; cat "$tmp/got.err"; false; }
}
"$shapec" run "$prog" >"$tmp/want.out" || { echo "FAIL: the interpreter cannot run $prog"; exit 1; }
for be in mir llvm; do
  "$reclaim" "$be" 0 >/dev/null 2>&1
  if [ $? = 77 ]; then
    echo "SKIP: backend $be is not built (6 cases)"
    skip=$((skip + 6))
    continue
  fi
  if [ $be = mir ]; then
    check "reclaim mir" "$reclaim" mir 400 --check
    check "reclaim mir, a context per function" env SC_MIR_UNIT_FUNCS=1 "$reclaim" mir 400 --check
  else
    # quick code generation: what is measured is the JIT's memory, not the code
    check "reclaim llvm" env SC_LLVM_PASSES='default<O0>' SC_LLVM_CODEGEN=0 "$reclaim" llvm 1000 --check
    check "reclaim llvm, O2" "$reclaim" llvm 40 --check
  fi
  for stress in "" --deopt-stress=0.01:1 --deopt-stress=0.5:1 --deopt-stress=1.0:1; do
    check "recompile_while_running [$be $stress]" same_as_interpreter --jit=tiered --backend=$be --tier-threshold=2 --osr-threshold=10 $stress
  done
done
if [ $skip -gt 0 ]; then echo "$pass passed, $fail failed, $skip skipped"; else echo "$pass passed, $fail failed"; fi
[ $fail = 0 ]
