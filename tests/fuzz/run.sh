#!/usr/bin/env bash
# Runs one libFuzzer target of a fuzzer build for a while:
#   tests/fuzz/run.sh TARGET SECONDS [BUILDDIR] [-- LIBFUZZER-OPTIONS...]
# TARGET is asm, ir, pipeline or compile (tests/fuzz/fuzz_TARGET.c); BUILDDIR is a
# build configured with
#   CONFIGURE/PATH/configure CC=clang --enable-fuzzers CFLAGS="-g -O0" [--with-mir=...]
# (default: $FUZZ_BUILD, else the build directory this is run from, else the
# source root). The target is brought up to date with make, then runs on one
# core from a copy of tests/fuzz/corpus/TARGET in BUILDDIR/fuzz/corpus-TARGET
# (new inputs stay out of the source tree), with a dictionary made from the
# opcode tables. Crashes land in BUILDDIR/fuzz/crashes-TARGET/; minimize one
# with BUILDDIR/tests/fuzz/fuzz_TARGET -minimize_crash=1 -runs=10000 FILE and
# turn it into a regression test. Prints the target's failure lines and libFuzzer's final
# statistics; the whole log is BUILDDIR/fuzz/TARGET.log.
set -eu
if [ $# -lt 2 ] || [ "$1" = -h ] || [ "$1" = --help ]; then
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
  [ $# -ge 2 ] && exit 0 || exit 2
fi
target=$1
secs=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${FUZZ_BUILD:-}
if [ $# -gt 0 ] && [ "$1" != -- ]; then build=$1; shift; fi
[ $# -gt 0 ] && [ "$1" = -- ] && shift
if [ -z "$build" ]; then
  if [ -f ./Makefile ] && grep -q '^FUZZ_LDFLAGS = -fsanitize=fuzzer' ./Makefile; then build=$(pwd); else build=$root; fi
fi
case "$target" in asm|ir|pipeline|compile) ;; *) echo "run.sh: unknown target '$target' (asm, ir, pipeline or compile)" >&2; exit 2 ;; esac
case "$secs" in ''|*[!0-9]*) echo "run.sh: SECONDS must be a number, got '$secs'" >&2; exit 2 ;; esac
build=$(cd "$build" && pwd)
if [ ! -f "$build/Makefile" ] || ! grep -q '^FUZZ_LDFLAGS = -fsanitize=fuzzer' "$build/Makefile"; then
  echo "run.sh: $build is not a fuzzer build; make one with" >&2
  echo "  mkdir /tmp/fuzzbuild && cd /tmp/fuzzbuild && $root/configure CC=clang --enable-fuzzers [--with-mir=PREFIX]" >&2
  echo "(from a source tree that is not configured in place, e.g. a git clone)" >&2
  exit 2
fi
make -C "$build" -s "tests/fuzz/fuzz_$target" >&2
bin=$build/tests/fuzz/fuzz_$target
corpus=$build/fuzz/corpus-$target
crashes=$build/fuzz/crashes-$target
mkdir -p "$corpus" "$crashes"
cp -n "$here/corpus/$target"/* "$corpus"/ 2>/dev/null || true
# A dictionary: opcode, IR op and builtin names, and the text forms' keywords.
dict=$build/fuzz/$target.dict
{
  sed -n 's/^OP(\([A-Za-z]*\),.*/"\1"/p' "$root/include/shapec/opcodes.def"
  sed -n 's/^BUILTIN(\([a-z]*\),.*/"\1"/p' "$root/include/shapec/builtins.def"
  case "$target" in
    asm) printf '"%s"\n' func global local ": int" ": float" ": bool" ": any" true false null ;;
    ir) sed -n 's/^IROP(\([A-Za-z_]*\),.*/"\1"/p' "$root/src/ssa/irops.def"
        printf '"%s"\n' func locals state val i64 f64 bool ptr '!fs' '!fb' '!backedges' '!entry' mono poly mega \
          '<-' '; RUN: --passes=' phis simplify dce preheaders specialize unbox guards globals hoist inline ;;
    pipeline|compile) ;;
  esac
} | sort -u > "$dict"
[ "$target" = compile ] && : > "$dict" # binary input: no words
[ -s "$dict" ] && dictopt=-dict=$dict || dictopt=
maxlen="-max_len=4096"
# pipeline: slow executions, so libFuzzer's length control would keep the
# inputs (the programs) tiny for hours; allow the full length at once
[ "$target" = pipeline ] && maxlen="-max_len=1024 -len_control=0"
[ "$target" = compile ] && maxlen="-max_len=512"
# One core: no -jobs/-workers. Timeouts and memory as for the test suite.
# The whole log stays in BUILDDIR/fuzz/TARGET.log (a failure's own message, the
# input and the IR, comes long before libFuzzer's last lines); shown here are
# the target's failure lines and the end.
log=$build/fuzz/$target.log
set +e
"$bin" "$corpus" $dictopt -max_total_time="$secs" $maxlen -timeout=30 -rss_limit_mb=4096 \
  -artifact_prefix="$crashes/" -print_final_stats=1 "$@" >"$log" 2>&1
st=$?
set -e
awk '/^###### Recommended dictionary/ { skip = 1 } !skip { print } /^###### End of recommended/ { skip = 0 }' "$log" |
  grep -E "^fuzz_$target: |^pipeline: " | head -20
tail -25 "$log"
echo "(the whole log: $log)"
exit $st
