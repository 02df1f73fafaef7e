#!/usr/bin/env bash
# Inspection. --emit=ssa --feedback-from-run shows what `run` compiles: the
# named pipeline tier2 (listed by --list-passes) by default, the same passes
# as spelled out; --emit=mir --feedback-from-run compiles speculatively.
# --emit=dot writes one Graphviz graph for the whole program: one cluster
# per function, and Graphviz (when installed: Debian graphviz) lays each
# function out with its entry block alone at the top, back edges not
# constraining the layout, and renders every function into one SVG.
# Output ends with `N passed, N failed`.
set -u
. "$(dirname "$0")/find-shapec.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# named pipelines
"$shapec" --list-passes >"$tmp/passes"
tier2=$(awk '/^tier2 / {getline; print $1}' "$tmp/passes")
if grep -q '^named pipelines' "$tmp/passes" && [ "${tier2%%,*}" = lift ]; then pass=$((pass + 1)); else
  bad "--list-passes shows no tier2 pipeline"; cat "$tmp/passes"; fi
src=$root/tests/programs/type_flip.sasm
"$shapec" --emit=ssa "$src" --feedback-from-run >"$tmp/a" 2>&1
"$shapec" --emit=ssa "$src" --feedback-from-run --passes=tier2 >"$tmp/b" 2>&1
"$shapec" --emit=ssa "$src" --feedback-from-run --passes "$tier2" >"$tmp/c" 2>&1
if cmp -s "$tmp/a" "$tmp/b" && cmp -s "$tmp/a" "$tmp/c" && grep -q 'guard\[tag\]' "$tmp/a"; then pass=$((pass + 1)); else
  bad "--emit=ssa --feedback-from-run is not the tier2 pipeline (speculative, guarded)"; fi
"$shapec" --emit=ssa "$src" >"$tmp/d" 2>&1
"$shapec" --emit=ssa "$src" --passes=generic >"$tmp/e" 2>&1
if cmp -s "$tmp/d" "$tmp/e" && ! grep -q 'guard\[' "$tmp/d"; then pass=$((pass + 1)); else
  bad "--emit=ssa without feedback is not the generic pipeline"; fi
if "$shapec" --emit=mir "$src" --func lt >/dev/null 2>&1; then
  "$shapec" --emit=mir "$src" --func lt >"$tmp/g" && "$shapec" --emit=mir "$src" --func lt --feedback-from-run >"$tmp/s"
  if ! cmp -s "$tmp/g" "$tmp/s"; then pass=$((pass + 1)); else bad "--emit=mir ignores --feedback-from-run"; fi
fi

have_dot=0
command -v dot >/dev/null && have_dot=1
[ $have_dot = 1 ] || echo "note: no Graphviz dot: layouts not checked"
for prog in tests/programs/type_flip.sasm bench/03_sieve.sasm bench/12_polymorphic_dispatch.sasm \
  bench/15_gc_pressure_tree.sasm tests/golden/irreducible_dot.sasm tests/golden/loops_dot.sasm; do
  src=$root/$prog
  nf=$("$shapec" --emit=bytecode "$src" | grep -c '^func ')
  for extra in "" "--feedback-from-run"; do
    # shellcheck disable=SC2086
    if ! "$shapec" --emit=dot "$src" $extra >"$tmp/g.dot" 2>"$tmp/err"; then bad "$prog $extra: status $?"; cat "$tmp/err"; continue; fi
    n=$(grep -c '^digraph ' "$tmp/g.dot")
    c=$(grep -c '^  subgraph cluster_f[0-9]* {' "$tmp/g.dot")
    if [ "$n" = 1 ] && [ "$c" = "$nf" ] && [ "$(tail -1 "$tmp/g.dot")" = "}" ]; then pass=$((pass + 1)); else
      bad "$prog $extra: $n graphs and $c function clusters for $nf functions"; fi
    [ $have_dot = 1 ] || continue
    if ! dot -Tplain "$tmp/g.dot" >"$tmp/g.plain" 2>"$tmp/err" || [ -s "$tmp/err" ]; then
      bad "$prog $extra: dot -Tplain failed:"; cat "$tmp/err"; continue; fi
    # per function: the entry block is higher than every other block (plain: y grows upward)
    res=$(awk '$1 == "node" { split($2, a, "_"); f = a[1]
      if (a[2] == "b0") entry[f] = $4; else if (!(f in low) || $4 > low[f]) low[f] = $4; seen[f] = 1 }
      END { bad = 0; n = 0
        for (f in seen) { n++; if (!(f in entry) || ((f in low) && low[f] >= entry[f])) { bad++; print "function " f ": entry not on top" } }
        print n " functions" }' "$tmp/g.plain")
    if [ "$res" = "$nf functions" ]; then pass=$((pass + 1)); else bad "$prog $extra: $res"; fi
    dot -Tsvg "$tmp/g.dot" -o "$tmp/g.svg" 2>"$tmp/err"
    k=$(grep -c '<g id="clust[0-9]*" class="cluster">' "$tmp/g.svg")
    if [ "$k" -ge "$nf" ]; then pass=$((pass + 1)); else bad "$prog $extra: the SVG has $k clusters for $nf functions"; fi
  done
done
echo "$pass passed, $fail failed"
[ $fail = 0 ]
