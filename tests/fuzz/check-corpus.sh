#!/usr/bin/env bash
# make check in a fuzzer build (--enable-fuzzers): each fuzz target runs
# once on every input of its seed corpus, tests/fuzz/corpus/TARGET, which
# holds the inputs of the crashes found so far. Run from the build directory.
set -u
src=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
status=0
for t in asm ir pipeline compile; do
  bin=./tests/fuzz/fuzz_$t
  if [ ! -x "$bin" ]; then
    echo "FAIL: $t: no $bin"
    status=1
    continue
  fi
  files=("$src/tests/fuzz/corpus/$t"/*)
  [ -e "${files[0]}" ] || continue
  log=tests/fuzz/check-$t.log
  if "$bin" -timeout=60 "${files[@]}" >"$log" 2>&1; then
    echo "PASS: $t (${#files[@]} inputs)"
  else
    echo "FAIL: $t: see $log"
    tail -40 "$log"
    status=1
  fi
done
exit $status
