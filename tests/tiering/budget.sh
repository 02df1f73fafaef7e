#!/usr/bin/env bash
# Compile budgets: a generated main of 500 `if` blocks (about 4,000 IR
# instructions, over the default budget of 3,000; the eager pipeline merges
# its repeated compares to fewer, but lowered it is over the 24,000 LIR
# instructions the budget allows) with a hot loop and a hot
# small function. On each built backend, eager and tiered (synchronous, low
# thresholds): main must take the budget path (a --trace-tiering line says
# it stays interpreted, for the whole function and for its loop's OSR
# code), the small function must still be compiled, and the output must be
# the interpreter's. A budget is never the user's error: exit status 0.
set -u
root=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
shapec=${SHAPEC:-./shapec}
case "$shapec" in /*) ;; *) shapec=$(pwd)/$shapec ;; esac
[ -x "$shapec" ] || shapec=$root/shapec
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{
  printf 'func inc(x) {\n    LoadLocal x\n    PushConst 1\n    Add\n    ReturnValue\n}\n'
  printf 'func main() {\n    local x\n    local s\n    local i\n'
  printf '    PushConst 7\n    StoreLocal x\n    PushConst 0\n    StoreLocal s\n    PushConst 0\n    StoreLocal i\n'
  printf 'top:\n    LoopStart\n    LoadLocal i\n    PushConst 300\n    Lt\n    JumpIfFalse done\n'
  for ((k = 0; k < 500; k++)); do
    printf '    LoadLocal x\n    PushConst %d\n    Lt\n    JumpIfFalse L%d\n' $((k % 13)) $k
    printf '    LoadLocal s\n    Call inc 1\n    StoreLocal s\nL%d:\n' $k
  done
  printf '    LoadLocal i\n    PushConst 1\n    Add\n    StoreLocal i\n    LoopEnd\n    Jump top\ndone:\n'
  printf '    LoadLocal s\n    Print\n    Return\n}\n'
} >"$tmp/big.sasm"
"$shapec" run "$tmp/big.sasm" --jit=off >"$tmp/want" 2>&1 || { echo "FAIL: the interpreter run failed"; exit 1; }
pass=0 fail=0
for be in mir llvm; do
  "$shapec" run "$tmp/big.sasm" --jit=off --backend=$be >/dev/null 2>&1 || continue
  for mode in "--jit=eager" "--jit=tiered --jit-threads=0 --tier-threshold=2 --osr-threshold=10"; do
    # shellcheck disable=SC2086
    "$shapec" run "$tmp/big.sasm" --backend=$be $mode --trace-tiering >"$tmp/out" 2>"$tmp/trace"
    st=$?
    why=""
    [ $st -eq 0 ] || why="exit status $st"
    cmp -s "$tmp/out" "$tmp/want" || why="$why; output differs from the interpreter's"
    grep -Eq '^\[tier\] main: .*over the compile budget: [0-9]* (IR instructions, at most 3000|LIR instructions once lowered, at most 24000)' "$tmp/trace" ||
      why="$why; no trace line says main is over the compile budget"
    case "$mode" in
      *tiered*) grep -q '^\[tier\] main: loop at pc [0-9]* blacklisted for OSR: over the compile budget' "$tmp/trace" ||
        why="$why; main's loop was not refused OSR code by the budget"
        grep -q '^\[tier\] inc: installed' "$tmp/trace" || why="$why; inc was not compiled" ;;
    esac
    if grep -q '^\[tier\] inc: .*budget' "$tmp/trace"; then why="$why; inc was refused"; fi
    if [ -n "$why" ]; then
      echo "FAIL: $be $mode:$why"
      sed -n '1,20p' "$tmp/trace"
      fail=$((fail + 1))
    else
      pass=$((pass + 1))
    fi
  done
done
echo "budget: $pass passed, $fail failed"
[ $pass -gt 0 ] && [ $fail -eq 0 ]
