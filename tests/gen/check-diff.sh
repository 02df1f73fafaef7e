#!/usr/bin/env bash
# make check: a bounded differential campaign over generated programs.
# Every program must pass `shapec check`, give byte-identical stdout, stderr
# and exit status in every mode, and agree with the reference interpreter
# (refvm.py). Knobs: SC_DIFF_COUNT (programs, default 200), SC_DIFF_SEED
# (first seed, default 1), SC_DIFF_MODES (';'-separated, the first is the
# oracle; default: the plain interpreter, then tiering through the compile
# thread with low thresholds, the interpreter, and each backend eager,
# tiered with deopt stress, and tiered on the executing thread without it:
# stress hides speculation that is wrong but rarely leaves), SC_DIFF_JOBS, SC_DIFF_SECONDS (start no program
# after that many seconds; default: no bound), SC_DIFF_TIMEOUT (seconds per
# run, default 60: sanitizer builds need more), SC_DIFF_MINIMIZE_SECONDS
# (time to minimize one failure, default 300).
# Reproducers of failures go to tests/gen/difftest-failures/ in the build dir.
set -u
here=$(cd "$(dirname "$0")" && pwd)
shapec=${SHAPEC:-$(pwd)/shapec}
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
[ -x "$shapec" ] || { echo "no shapec binary at $shapec"; exit 77; }
out=$(pwd)/tests/gen/difftest-failures
rm -rf "$out"
exec python3 "$here/difftest.py" --shapec "$shapec" --count "${SC_DIFF_COUNT:-200}" \
  --seed "${SC_DIFF_SEED:-1}" --modes "${SC_DIFF_MODES:---no-profile;--tier-threshold=2 --osr-threshold=10 --jit-wait --deopt-stress=0.5:1;--jit=off;--jit=eager --backend=mir;--jit=eager --backend=llvm;--jit=tiered --backend=mir --jit-threads=0 --tier-threshold=2 --osr-threshold=10 --deopt-stress=0.5:1;--jit=tiered --backend=llvm --jit-threads=0 --tier-threshold=2 --osr-threshold=10 --deopt-stress=0.5:1;--jit=tiered --backend=mir --jit-threads=0 --tier-threshold=2 --osr-threshold=10;--jit=tiered --backend=llvm --jit-threads=0 --tier-threshold=2 --osr-threshold=10}" \
  --jobs "${SC_DIFF_JOBS:-2}" --seconds "${SC_DIFF_SECONDS:-0}" --timeout "${SC_DIFF_TIMEOUT:-60}" \
  --minimize-seconds "${SC_DIFF_MINIMIZE_SECONDS:-300}" --out "$out" -q
