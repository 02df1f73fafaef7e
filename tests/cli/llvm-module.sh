#!/usr/bin/env bash
# The LLVM backend is a module opened on first use (src/backend/
# llvm_module.h): shapec and libshapec do not link libLLVM; check, --emit=
# bytecode, --jit=off and MIR runs do not load it (the dynamic loader's
# own account, LD_DEBUG=files); --backend=llvm, --emit=llvm and --emit=asm
# do. A module that cannot be loaded is `shapec: error: LLVM backend
# unavailable: WHY` (exit 1) for --backend=llvm, and MIR and the
# interpreter work as before. Without LLVM built: only the first part.
# Output ends with `N passed, N failed`.
set -u
. "$(dirname "$0")/find-shapec.sh"
build=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
unset SHAPEC_LLVM_MODULE # the build tree's shapec finds .libs/ beside it
prog=$root/examples/fib.sasm
expect=$("$shapec" run --jit=off "$prog")

# the files the loader opened for a shapec command (dlopen included)
loaded() {
  rm -f "$tmp"/ld.*
  LD_DEBUG=files LD_DEBUG_OUTPUT=$tmp/ld "$shapec" "$@" >"$tmp/out" 2>"$tmp/err"
  local st=$?
  cat "$tmp"/ld.* 2>/dev/null | sed -n 's/.*file=\([^ ]*\).*/\1/p' | sort -u >"$tmp/files"
  return $st
}

# no libLLVM in what shapec and libshapec need
for f in "$shapec" "$build/.libs/libshapec.so"; do
  [ -f "$f" ] || continue
  if readelf -d "$f" | grep NEEDED | grep -qi llvm; then bad "$f needs libLLVM"; else ok; fi
done

mir=0 llvm=0
"$shapec" run --jit=eager --backend=mir "$prog" >/dev/null 2>&1 && mir=1
"$shapec" run --backend=llvm "$prog" 2>&1 | grep -q 'built without it' || llvm=1

no_llvm() {
  if loaded "$@" && ! grep -qi llvm "$tmp/files"; then ok; else
    bad "shapec $* loads LLVM or fails:"; grep -i llvm "$tmp/files"; cat "$tmp/err"; fi
}
no_llvm check "$prog"
no_llvm --emit=bytecode "$prog"
no_llvm run --jit=off "$prog"
no_llvm run --jit=off --backend=llvm "$prog" # nothing compiles
if [ $mir = 1 ]; then
  no_llvm run "$prog"
  no_llvm run --backend=mir "$prog"
  no_llvm run --jit=eager --backend=mir "$prog"
  no_llvm --emit=mir "$prog"
fi

[ $llvm = 1 ] || { echo "LLVM not built: $pass passed, $fail failed"; [ $fail = 0 ]; exit; }
with_llvm() {
  if loaded "$@" && grep -q 'libLLVM' "$tmp/files" && grep -q 'shapec-llvm\.so' "$tmp/files"; then ok; else
    bad "shapec $* does not load the module and libLLVM:"; cat "$tmp/files" "$tmp/err"; fi
}
with_llvm run --jit=eager --backend=llvm "$prog"
[ "$(cat "$tmp/out")" = "$expect" ] && ok || bad "--backend=llvm prints other output"
with_llvm --emit=llvm "$prog"
# the disassembler is LLVM's whatever the backend (MIR's code, when MIR is built)
if [ $mir = 1 ]; then with_llvm --emit=asm --backend=mir "$prog"; else with_llvm --emit=asm "$prog"; fi

# a module that cannot be loaded
export SHAPEC_LLVM_MODULE=$tmp/missing/shapec-llvm.so
"$shapec" run --jit=eager --backend=llvm "$prog" >"$tmp/out" 2>"$tmp/err"
st=$?
if [ $st = 1 ] && [ ! -s "$tmp/out" ] &&
  grep -q "^shapec: error: LLVM backend unavailable: .*missing/shapec-llvm.so: cannot open" "$tmp/err"; then ok; else
  bad "--backend=llvm without its module: exit $st:"; cat "$tmp/err"; fi
"$shapec" --emit=asm "$prog" >/dev/null 2>"$tmp/err"
st=$?
# without MIR the default backend is LLVM's, refused before --emit=asm asks for the disassembler
[ $st != 0 ] && grep -Eq "^shapec: error: (--emit=asm: )?LLVM backend unavailable: " "$tmp/err" && ok ||
  { bad "--emit=asm without the module: exit $st:"; cat "$tmp/err"; }
# not a module of this shapec (no entry)
libc=$(ldd "$shapec" | sed -n 's/.*=> \(\/[^ ]*libc\.so[^ ]*\).*/\1/p' | head -1)
if [ -n "$libc" ]; then
  SHAPEC_LLVM_MODULE=$libc "$shapec" run --backend=llvm "$prog" >/dev/null 2>"$tmp/err"
  st=$?
  [ $st = 1 ] && grep -q "LLVM backend unavailable: .*undefined symbol: sc_llvm_module_entry" "$tmp/err" && ok ||
    { bad "--backend=llvm with libc as the module: exit $st:"; cat "$tmp/err"; }
fi
[ "$("$shapec" run --jit=off "$prog")" = "$expect" ] && ok || bad "--jit=off without the module"
if [ $mir = 1 ]; then
  [ "$("$shapec" run --jit=eager --backend=mir "$prog")" = "$expect" ] && ok || bad "MIR without the LLVM module"
fi
echo "$pass passed, $fail failed"
[ $fail = 0 ]
