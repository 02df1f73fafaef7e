#!/usr/bin/env bash
# Every command reports a failed write of its output: stdout on a full
# device (/dev/full) is `shapec: error: writing output: ...` on stderr and
# exit status 1 (a command that failed for its own reason keeps its
# status); --dump-feedback FILE likewise names FILE.
# Output ends with `N passed, N failed`.
set -u
. "$(dirname "$0")/find-shapec.sh"
[ -w /dev/full ] || { echo "no /dev/full: skipped"; exit 77; }
cd "$root" || exit 2
pass=0 fail=0
err=$(mktemp)
trap 'rm -f "$err"' EXIT
# expect STATUS STDERR-PATTERN ARGS... (stdout to /dev/full)
expect() {
  local want=$1 pat=$2
  shift 2
  "$shapec" "$@" >/dev/full 2>"$err"
  local st=$?
  if [ "$st" = "$want" ] && grep -q -- "$pat" "$err"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL: shapec $* >/dev/full: status $st (want $want), stderr:"
    sed 's/^/  /' "$err"
  fi
}
w='^shapec: error: writing output: '
expect 1 "$w" run examples/fib.sasm --jit=off
expect 1 "$w" run examples/fib.sasm
expect 1 "$w" run examples/fib.sasm --dump-feedback /dev/null
expect 1 "$w" --emit=ssa examples/fib.sasm
expect 1 "$w" --emit=dot examples/fib.sasm
expect 1 "$w" --emit=bytecode examples/fib.sasm
expect 1 "$w" --emit=html examples/fib.sasm
expect 1 "$w" opt tests/golden/dce_basic.ssa --passes=dce
expect 1 "$w" --help
# a runtime error keeps its status and message; so does a bad program
expect 1 '^runtime error: division by zero' run tests/programs/jit_div_zero_inlined_osr.sasm --jit=off
expect 2 'error: ' run tests/bad/bad_escape.sasm
# --dump-feedback to a full file names it (stdout itself is fine here)
"$shapec" run examples/fib.sasm --jit=off --dump-feedback /dev/full >/dev/null 2>"$err"
st=$?
if [ $st = 1 ] && grep -q '^shapec: error: writing /dev/full: ' "$err"; then pass=$((pass + 1)); else
  fail=$((fail + 1)); echo "FAIL: --dump-feedback /dev/full: status $st"; sed 's/^/  /' "$err"; fi
# and a run whose output fits is untouched
if "$shapec" run examples/fib.sasm --jit=off >/dev/null 2>"$err" && [ ! -s "$err" ]; then pass=$((pass + 1)); else
  fail=$((fail + 1)); echo "FAIL: a plain run reported something"; sed 's/^/  /' "$err"; fi
echo "$pass passed, $fail failed"
[ $fail = 0 ]
