#!/usr/bin/env bash
# `make install` (into a DESTDIR) gives what a C library user expects: the
# shapec command, libshapec with its headers and a pkg-config file with
# which a C host (examples/embed.c) builds and runs, a man page that
# `man -l` renders, and the documentation under docdir.
# Output ends with `N passed, N failed`; prints the installed tree.
set -u
unset SHAPEC_LLVM_MODULE # the installed shapec finds its own
here=$(cd "$(dirname "$0")" && pwd)
root=${abs_top_srcdir:-$(cd "$here/../.." && pwd)}
build=$(pwd)
[ -f "$build/Makefile" ] || { echo "run from the build directory"; exit 77; }
command -v pkg-config >/dev/null || { echo "no pkg-config"; exit 77; }
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
${MAKE:-make} -s -C "$build" install DESTDIR="$dest" >"$dest/install.log" 2>&1 && ok ||
  { bad "make install"; cat "$dest/install.log"; echo "$pass passed, $fail failed"; exit 1; }
rm -f "$dest/install.log"
echo "installed tree:"
(cd "$dest" && find . -type f -o -type l | sort | sed 's/^\./  /')
pc=$(find "$dest" -name shapec.pc)
[ -n "$pc" ] && ok || bad "no shapec.pc installed"
bin=$(find "$dest" -path '*/bin/shapec')
[ -n "$bin" ] && ok || bad "no bin/shapec installed"
libdir=$(dirname "$(find "$dest" -name 'libshapec.so.*' | head -1)")
for h in shapec.h api.h value.h bytecode.h feedback.h vm.h compiler.h opcodes.def builtins.def reasons.def; do
  [ -n "$(find "$dest" -path "*/include/shapec/$h")" ] || bad "header shapec/$h not installed"
done
ok
for d in README.md design.md semantics.md json.md; do
  [ -n "$(find "$dest" -path "*/doc/shapec/$d")" ] || bad "doc/shapec/$d not installed"
done
ok
man=$(find "$dest" -path '*/man1/shapec.1')
if [ -n "$man" ] && MANWIDTH=80 man -l "$man" 2>/dev/null | grep -q 'shapec run'; then ok; else bad "man -l of the installed man page"; fi
# a C host through pkg-config, run against the installed library
export PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR=$dest
flags=$(pkg-config --cflags --libs shapec) && ok || bad "pkg-config --cflags --libs shapec"
# (a sanitizer build's library needs its runtime in the host too)
# shellcheck disable=SC2086
if ${CC:-cc} ${SC_SAN_CFLAGS:-} -o "$dest/embed" "$root/examples/embed.c" $flags 2>"$dest/cc.err"; then ok; else
  bad "cc examples/embed.c \$(pkg-config --cflags --libs shapec):"; cat "$dest/cc.err"; fi
if [ -x "$dest/embed" ] && LD_LIBRARY_PATH=$libdir "$dest/embed" >"$dest/embed.out" 2>&1; then ok; else
  bad "the C host built with pkg-config does not run:"; tail "$dest/embed.out"; fi
[ -x "$dest/embed" ] && LD_LIBRARY_PATH=$libdir ldd "$dest/embed" | grep -q "$libdir/libshapec.so" && ok ||
  bad "the C host does not use the installed libshapec"
echo 'func main() {
    PushConst 42
    Print
    Return
}' | LD_LIBRARY_PATH=$libdir "$bin" run - | grep -qx 42 && ok || bad "the installed shapec does not run a program"
# the LLVM backend: a module in pkglibdir, which the installed shapec
# looks for there (DESTDIR is not where it looks: the error names the
# place); shapec and libshapec do not need libLLVM
for f in "$bin" "$libdir"/libshapec.so.*; do
  readelf -d "$f" | grep NEEDED | grep -qi llvm && bad "$f needs libLLVM" || ok
done
mod=$(find "$dest" -name shapec-llvm.so)
if LD_LIBRARY_PATH=$libdir "$bin" run --backend=llvm - </dev/null 2>&1 | grep -q 'built without it'; then
  [ -z "$mod" ] && ok || bad "an LLVM module installed without LLVM built"
elif [ -z "$mod" ]; then bad "no shapec-llvm.so installed"
else
  pkglibdir=$(dirname "${mod#"$dest"}")
  [ "$(basename "$pkglibdir")" = shapec ] && ok || bad "shapec-llvm.so is not in pkglibdir: $pkglibdir"
  echo 'func main() {
    PushConst 42
    Print
    Return
}' >"$dest/p.sasm"
  out=$(LD_LIBRARY_PATH=$libdir "$bin" run --jit=eager --backend=llvm "$dest/p.sasm" 2>&1)
  [ "$out" = 42 ] || grep -qF "$pkglibdir/shapec-llvm.so" <<<"$out" && ok ||
    bad "the installed shapec does not look for its module in $pkglibdir: $out"
  out=$(SHAPEC_LLVM_MODULE=$mod LD_LIBRARY_PATH=$libdir "$bin" run --jit=eager --backend=llvm "$dest/p.sasm" 2>&1)
  [ "$out" = 42 ] && ok || bad "the installed shapec with the installed module: $out"
fi
echo "$pass passed, $fail failed"
[ $fail = 0 ]
