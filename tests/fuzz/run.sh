#!/usr/bin/env bash
# Builds and runs one libFuzzer target for a while:
#   tests/fuzz/run.sh asm SECONDS
# Needs clang with libFuzzer (Debian: clang, libclang-rt-dev). Crashes land in
# tests/fuzz/crashes/; turn each into a regression test.
set -eu
target=${1:-asm}
secs=${2:-60}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${FUZZ_BUILD:-/tmp/shapec-fuzz}
mkdir -p "$out" "$here/crashes"
srcs=$(cd "$root" && ls src/frontend/{opinfo,program,diag,asm,verify,disasm}.c src/runtime/{gc,rt,str,array,object,map,ops,print}.c)
clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -I"$root/include" -I"$root/src" \
  -o "$out/fuzz_$target" "$here/fuzz_$target.c" $(cd "$root" && echo $srcs | sed "s|\([^ ]*\)|$root/\1|g") -lgc -lm
corpus="$out/corpus_$target"
mkdir -p "$corpus"
cp "$here/corpus/$target"/* "$corpus"/ 2>/dev/null || true
"$out/fuzz_$target" "$corpus" -max_total_time="$secs" -max_len=4096 -artifact_prefix="$here/crashes/" -print_final_stats=1 2>&1 | tail -20
