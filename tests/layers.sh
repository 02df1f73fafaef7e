#!/usr/bin/env bash
# Data flows down (../shared/design/architecture.md): a layer of src/
# includes only its own headers and those of layers below it, and its
# objects call only functions defined in its layer or below. Layers, bottom
# first: runtime ssa frontend passes backend jit cli (shapec/ is the
# public API, open to all).
set -u
root=${abs_top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
build=${abs_top_builddir:-$(pwd)}
layers="runtime ssa frontend passes backend jit cli"
rank() { local i=0; for l in $layers; do [ "$l" = "$1" ] && { echo $i; return; }; i=$((i + 1)); done; echo -1; }
bad=0
for d in $layers; do
  r=$(rank "$d")
  for f in "$root"/src/"$d"/*.[ch] "$root"/src/"$d"/*.def; do
    [ -f "$f" ] || continue
    while IFS= read -r inc; do
      t=${inc%%/*}
      tr=$(rank "$t")
      if [ "$tr" -gt "$r" ]; then
        echo "FAIL: ${f#$root/} includes $inc (layer $t is above $d)"
        bad=$((bad + 1))
      fi
    done < <(sed -n 's/^#include "\([a-z]*\/[^"]*\)".*/\1/p' "$f")
  done
done
# Link level: the convenience library's objects (libtool's .libs). The
# LLVM module's (src/backend/llvm_module.h) call nothing of libshapec by
# name: what they need comes in its host table (nothing would resolve it
# when the module is opened: libshapec exports its public API only).
if command -v nm >/dev/null && ls "$build"/src/runtime/.libs/libshapec_core_la-*.o >/dev/null 2>&1; then
  declare -A def
  for d in $layers; do
    for o in "$build"/src/"$d"/.libs/libshapec_core_la-*.o; do
      [ -f "$o" ] || continue
      for s in $(nm --defined-only -g "$o" | awk '{print $3}'); do def[$s]=$d; done
    done
  done
  for d in $layers; do
    r=$(rank "$d")
    for o in "$build"/src/"$d"/.libs/libshapec_core_la-*.o "$build"/src/"$d"/.libs/shapec_llvm_la-*.o; do
      [ -f "$o" ] || continue
      for s in $(nm -u "$o" | awk '{print $2}'); do
        t=${def[$s]:-}
        [ -n "$t" ] || continue
        if [[ $o == */shapec_llvm_la-* ]]; then
          echo "FAIL: ${o#$build/} (the LLVM module) calls $s of libshapec (defined in $t): pass it in sc_llvm_host"
          bad=$((bad + 1))
        elif [ "$(rank "$t")" -gt "$r" ]; then
          echo "FAIL: ${o#$build/} calls $s (defined in $t, above $d)"
          bad=$((bad + 1))
        fi
      done
    done
  done
else
  echo "note: no objects under $build/src/*/.libs: the link-level check did not run"
fi
[ $bad = 0 ] && echo "layers: no upward edge"
[ $bad = 0 ]
