#!/usr/bin/env bash
# MIR block layout: loops are bottom-tested. Every loop of the benchmark
# suite tests its condition at its header; lowered to MIR (--emit=mir), no
# loop may jump back unconditionally (a backward `jmp`): its back edge is the
# rotated header test's conditional branch (a backward `bt`/`bf`). Cold
# blocks (the dump's `# cold blocks from L` comment) are left out.
# Skipped when the MIR backend is not built.
set -u
here=$(cd "$(dirname "$0")" && pwd)
shapec=${SHAPEC:-$(pwd)/shapec}
if ! "$shapec" --emit=mir "$here/../../bench/07_sum_loop.sasm" >/dev/null 2>&1; then
  echo "SKIP: the MIR backend is not built"
  exit 77
fi
fail=0 n=0
for prog in "$here"/../../bench/*.sasm; do
  name=$(basename "$prog" .sasm)
  n=$((n + 1))
  # labels are numbered per function; a branch to a label already defined
  # in the function goes backward
  res=$("$shapec" --emit=mir "$prog" | awk '
    function flush() { for (i = 1; i <= nb; i++) if (src[i]) bj++; nb = 0 }
    /^[^\t#].*:\tfunc\t/ { flush(); delete def }
    /^L[0-9]+:/ { l = $1; sub(":", "", l); def[l] = NR }
    /^\tjmp\t/ { if ($2 in def) src[++nb] = NR }
    /^\tb[tf]\t/ { split($2, a, ","); if (a[1] in def) bc++ }
    # cold blocks (exits, slow paths) come last and jump back into the
    # hot code: their jumps are no loop back edges
    /^# cold blocks from / { c = $5; sub(":", "", c); for (i = 1; i <= nb; i++) if (src[i] > def[c]) src[i] = 0 }
    END { flush(); printf "%d %d", bj, bc }')
  set -- $res
  if [ "$1" != 0 ]; then
    echo "FAIL: $name: $1 loop(s) jump back unconditionally"
    fail=$((fail + 1))
  elif [ "$2" = 0 ] && [ "$name" = 07_sum_loop ]; then
    echo "FAIL: $name: no conditional back edge"
    fail=$((fail + 1))
  fi
done
# A loop exit along an edge with moves (04's escape test `|z| > 2`, whose
# exit block has phis) puts the moves out of line: the loop's conditional
# branch leaves directly, not over a jump to the next iteration. In the OSR
# compilation of the inner loop only the peeled first iteration, outside
# any loop, keeps a branch over a jump.
n=$((n + 1))
over=$(sed 's/PushConst [0-9]* ; @size/PushConst 60 ; @size/' "$here/../../bench/04_mandelbrot.sasm" >"${TMPDIR:-/tmp}/layout04.$$.sasm" &&
  "$shapec" --emit=mir "${TMPDIR:-/tmp}/layout04.$$.sasm" --feedback-from-run --func main --osr=46 | awk '
    /^# cold blocks/ { exit }
    /^\t(b[a-z]*|db[a-z]*|ub[a-z]*)\t/ { split($2, a, ","); br = a[1]; st = 1; next }
    st == 1 && /^\tjmp\t/ { st = 2; next }
    st == 2 && /^L[0-9]+:/ { l = $1; sub(":", "", l); if (l == br) k++ }
    { st = 0 }
    END { print k + 0 }')
rm -f "${TMPDIR:-/tmp}/layout04.$$.sasm"
if [ "$over" != 1 ]; then
  echo "FAIL: 04_mandelbrot (OSR at pc 46): $over conditional branches over a jump (the peeled iteration's 1 expected)"
  fail=$((fail + 1))
fi
echo "$((n - fail)) passed, $fail failed"
[ $fail = 0 ]
