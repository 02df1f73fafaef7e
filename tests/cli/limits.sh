#!/usr/bin/env bash
# Resource limits (docs/limits.md), in the interpreter and compiled by each
# backend, eagerly and tiered:
# - heap: programs in tests/limits/oom_*.sasm reach --max-heap=64M: exit 1,
#   stdout printed before kept, stderr `runtime error: out of memory` (with
#   no GC Warning lines) and the interpreter's trace in every mode, and the
#   bad --max-heap values are usage errors;
# - native stack: unbounded recursion at --max-frames=100000000 is
#   `runtime error: stack overflow` with its trace (the execution thread's
#   stack made small by SHAPEC_NATIVE_STACK so that its end comes soon; the
#   interpreter reaches the heap limit first);
# - SIGTERM and SIGINT: what was printed before is on stdout (the test waits
#   for the loop's OSR entry on stderr, which a background compilation must
#   reach: the prints come before it), also when the suite runs with SIGINT
#   ignored;
# - --stats counts collections.
# Output ends with `N passed, N failed`.
set -u
. "$(dirname "$0")/find-shapec.sh"
cd "$root" || exit 2
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { pass=$((pass + 1)); }
bad() {
  fail=$((fail + 1))
  echo "FAIL: $1"
  sed 's/^/  stdout: /' "$tmp/out"
  head -5 "$tmp/err" | sed 's/^/  stderr: /'
}
modes=("--jit=off")
for b in mir llvm; do
  "$shapec" run examples/fib.sasm --backend=$b --jit=off >/dev/null 2>&1 || { echo "no $b backend: its modes skipped"; continue; }
  modes+=("--jit=eager --backend=$b" "--jit=tiered --backend=$b --jit-threads=0 --tier-threshold=2 --osr-threshold=10"
          "--backend=$b --tier-threshold=2 --osr-threshold=10")
done

# check NAME WANT-STDOUT WANT-STDERR-LINE1-PATTERN ARGS...
check() {
  local name=$1 want_out=$2 pat=$3
  shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"
  local st=$?
  if [ $st = 1 ] && [ "$(cat "$tmp/out")" = "$want_out" ] && head -1 "$tmp/err" | grep -q -- "$pat" &&
     ! grep -q 'GC Warning' "$tmp/err"; then ok; else bad "$name: status $st"; fi
}

for f in tests/limits/oom_*.sasm; do
  "$shapec" run "$f" --max-heap=64M --jit=off >/dev/null 2>"$tmp/want.$(basename "$f")"
done
for m in "${modes[@]}"; do
  for f in tests/limits/oom_*.sasm; do
    # shellcheck disable=SC2086
    check "$f $m" "kept before the error" '^runtime error: out of memory$' "$shapec" run "$f" --max-heap=64M $m
    # compiled code leaves to the interpreter, which raises it: the same trace
    cmp -s "$tmp/err" "$tmp/want.$(basename "$f")" && ok || bad "$f $m: not the interpreter's message and trace"
  done
  if [ "$m" = --jit=off ]; then
    check "recursion $m" before '^runtime error: stack overflow$' \
      "$shapec" run tests/limits/deep_recursion.sasm --max-frames=100000000 --max-heap=64M $m
  else
    # shellcheck disable=SC2086
    check "recursion $m" before '^runtime error: stack overflow$' \
      env SHAPEC_NATIVE_STACK=32M "$shapec" run tests/limits/deep_recursion.sasm --max-frames=100000000 $m
  fi
  if sed -n 2p "$tmp/err" | grep -q '^  at f (tests/limits/deep_recursion.sasm:6)$' &&
     grep -q '^  \.\.\. [0-9]* more frames \.\.\.$' "$tmp/err"; then ok; else bad "recursion trace $m"; fi
done

# the heap limit's values
for v in 1K 15M abc 12Q -5M ""; do
  "$shapec" run examples/fib.sasm --max-heap="$v" >"$tmp/out" 2>"$tmp/err"
  st=$?
  if [ $st = 2 ] && grep -q '^shapec: error: --max-heap expects a size' "$tmp/err"; then ok; else bad "--max-heap=$v: status $st"; fi
done
for v in 16M 1G 100000000 2g; do
  if "$shapec" run examples/fib.sasm --jit=off --max-heap="$v" >"$tmp/out" 2>"$tmp/err"; then ok; else bad "--max-heap=$v"; fi
done
# a too large heap limit still fails what does not fit in memory, not the run
# --stats counts collections
if "$shapec" run bench/15_gc_pressure_tree.sasm --jit=off --stats >"$tmp/out" 2>"$tmp/err" &&
   grep -q '^gc: [1-9][0-9]* collections, heap ' "$tmp/err"; then ok; else bad "--stats: no gc line"; fi
# --verbose-gc shows the collector's warnings
"$shapec" run tests/limits/oom_array_push.sasm --jit=off --max-heap=32M --verbose-gc >"$tmp/out" 2>"$tmp/err"
if grep -q '^GC Warning' "$tmp/err" && grep -q '^runtime error: out of memory$' "$tmp/err"; then ok; else bad "--verbose-gc"; fi

# signals: a background job must not ignore SIGINT
set -m
for b in mir llvm; do
  "$shapec" run examples/fib.sasm --backend=$b --jit=off >/dev/null 2>&1 || continue
  for sig in TERM INT; do
    # started with SIGINT at its default: a shell that ignored it when it
    # started (a job run with & from a script) passes that on, and shapec
    # rightly keeps an inherited ignored SIGINT ignored
    : >"$tmp/err" # not the previous case's trace, before this one's truncates it
    env --default-signal=INT "$shapec" run tests/limits/spin.sasm --backend=$b --osr-threshold=10 --trace-tiering >"$tmp/out" 2>"$tmp/err" &
    pid=$!
    # the loop is closed by a plain Jump: its OSR code, compiled in the
    # background, must be entered (the signal then arrives in compiled code)
    for _ in $(seq 600); do grep -q 'OSR entry' "$tmp/err" && break; sleep 0.1; done
    grep -q 'OSR entry' "$tmp/err" && ok || bad "spin.sasm ($b) never entered its OSR code"
    kill -s $sig $pid
    for _ in $(seq 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
    kill -0 $pid 2>/dev/null && { bad "SIG$sig ($b): still running 10 s after the signal"; kill -9 $pid; }
    wait $pid
    st=$?
    want=$((128 + $(kill -l $sig)))
    if [ $st = $want ] && [ "$(cat "$tmp/out")" = "$(printf 'printed before the signal\n42')" ]; then ok; else
      bad "SIG$sig ($b): status $st (want $want)"; fi
  done
done
set +m
echo "$pass passed, $fail failed"
[ $fail = 0 ]
