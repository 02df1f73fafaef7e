#!/usr/bin/env bash
# Stress test of background compilation: tests/tier_many.sasm (8
# functions tiering up at once, type flips, deopts, invalidations, OSR) run
# repeatedly with several compile threads and varied thresholds, under
# each backend built; every run must print the interpreter's output. In a
# ThreadSanitizer build (./configure --enable-tsan) a race fails the run.
# Knobs: SC_STRESS_RUNS (per backend, default 8).
set -u
here=$(cd "$(dirname "$0")" && pwd)
shapec=${SHAPEC:-$(pwd)/shapec}
[ -x "$shapec" ] || { echo "no shapec binary at $shapec"; exit 77; }
prog=$here/tier_many.sasm
want=$here/tier_many.stdout
export TSAN_OPTIONS="${TSAN_OPTIONS:-suppressions=$here/tsan.supp halt_on_error=1 exitcode=66}"
runs=${SC_STRESS_RUNS:-8}
pass=0 fail=0 skip=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for be in mir llvm; do
  if ! "$shapec" run "$prog" --jit=off --backend=$be >/dev/null 2>&1; then
    echo "SKIP: backend $be is not built"
    skip=$((skip + 1))
    continue
  fi
  for ((k = 0; k < runs; k++)); do
    args="--backend=$be --jit-threads=$((1 + k % 4)) --tier-threshold=$((1 + k * 3)) --osr-threshold=$((5 + k * 7))"
    [ $((k % 2)) = 1 ] && args="$args --deopt-stress=0.2:$k"
    # shellcheck disable=SC2086
    timeout 120 "$shapec" run "$prog" $args >"$tmp/out" 2>"$tmp/err"
    st=$?
    if [ $st = 0 ] && cmp -s "$tmp/out" "$want" && [ ! -s "$tmp/err" ]; then
      pass=$((pass + 1))
    else
      fail=$((fail + 1))
      echo "FAIL: shapec run tier_many.sasm $args: exit $st"
      head -40 "$tmp/err"
      diff "$want" "$tmp/out" | head -5
    fi
  done
done
if [ $skip -gt 0 ]; then echo "$pass passed, $fail failed, $skip backends skipped"; else echo "$pass passed, $fail failed"; fi
[ $fail = 0 ] || exit 1
[ $pass -gt 0 ] || exit 77
