#!/usr/bin/env bash
# --emit=html, the pass viewer: the page of examples/fib.sasm (generic
# pipeline) and of a loop compiled with --feedback-from-run (tier2) has a
# section per function and stage of the pipeline --emit=ssa runs (lift
# first), in order, the last one's IR being exactly what --emit=ssa prints;
# loop headers, deopt points and guards are marked; instructions link to
# lines of the listing that exist and hold their bytecode; the native code
# ends the page; text from the program is escaped; nothing is loaded from
# the network. Without Graphviz's dot the page says so and the command
# succeeds.
# Then a real browser: headless Chromium loads each page, its DOM (after
# the page's script ran) has every pass section and an <svg>, and a
# screenshot is written (to $SC_ARTIFACT_DIR when set: CI keeps it).
# Without chromium or dot the checks that need them are skipped (exit 77,
# after the others) unless SC_REQUIRE_BROWSER=1 or SC_REQUIRE_GRAPHVIZ=1
# (set by .ci/run), which make them failures.
# Output ends with `N passed, N failed`.
set -u
. "$(dirname "$0")/find-shapec.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 skipped=""
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
skip() { skipped="$skipped; $*"; echo "SKIP: $*"; }

fib=$root/examples/fib.sasm
sed -E "s/^( *PushConst )[0-9]+( *; @size)/\120000\2/" "$root/bench/07_sum_loop.sasm" >"$tmp/loop.sasm"
have_dot=0
command -v dot >/dev/null && have_dot=1
if [ $have_dot = 0 ]; then
  if [ "${SC_REQUIRE_GRAPHVIZ:-0}" = 1 ]; then bad "Graphviz's dot is not installed (SC_REQUIRE_GRAPHVIZ=1)"; else
    skip "Graphviz's dot is not installed: no drawings to check"; fi
fi

# the pipeline a page shows, comma-separated (named pipelines spelled out)
pipeline() { # NAME
  "$shapec" --list-passes | awk -v n="$1" '$1 == n { getline; gsub(/ /, ""); print }'
}
# the IR of stage sections of a page, as text: the lines of the last
# section of function $2 that shows its IR (removed lines left out), tags
# stripped, entities decoded
last_ir() { # PAGE FUNC-INDEX
  awk -v f="f$2-" '/<section class="pass/ { keep = index($0, "id=\"" f) > 0 }
    keep && /<pre class="ir">/ { buf = "" ; on = 1 }
    on { buf = buf $0 "\n" }
    on && /<\/pre>/ { last = buf; on = 0 }
    END { printf "%s", last }' "$1" |
    sed -e 's/<\/span><span class="l/\n<span class="l/g' |
    grep -v '^<span class="l del' | sed -e 's/<[^>]*>//g' -e '/^$/d' \
      -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&quot;/"/g' -e "s/&#39;/'/g" -e 's/&amp;/\&/g'
}

check_page() { # PAGE PIPELINE SASM [EMIT-SSA-OPTIONS...]
  local page=$1 pipe=$2 sasm=$3
  shift 3
  head -c 15 "$page" | grep -q '<!DOCTYPE html>' && ok || bad "$page: not an HTML page"
  tail -1 "$page" | grep -q '</html>' && ok || bad "$page: not ended"
  # self-contained: no file or URL fetched (the SVG's xmlns are names, not fetched)
  if grep -Eq '<link|<img|<iframe|src=|url\(|@import' "$page"; then bad "$page loads something"; else ok; fi
  local funcs nf k i
  funcs=$("$shapec" --emit=bytecode "$sasm" | sed -n 's/^func \([A-Za-z0-9_]*\)(.*/\1/p')
  nf=$(echo "$funcs" | wc -l)
  IFS=, read -r -a passes <<<"$pipe"
  # a section per function and stage, in pipeline order
  grep -o '<section class="pass[a-z ]*" id="f[0-9]*-s[0-9]*" data-pass="[a-z0-9]*"' "$page" |
    sed 's/.*id="\(f[0-9]*\)-s\([0-9]*\)" data-pass="\(.*\)"/\1 \2 \3/' >"$tmp/sections"
  i=0
  : >"$tmp/want"
  for f in $funcs; do
    for k in "${!passes[@]}"; do echo "f$i $k ${passes[$k]}"; done >>"$tmp/want"
    i=$((i + 1))
  done
  if cmp -s "$tmp/want" "$tmp/sections"; then ok; else
    bad "$page: the pass sections differ from $nf functions x (${pipe}):"; diff "$tmp/want" "$tmp/sections" | head; fi
  # the last IR shown is what --emit=ssa prints
  i=0
  for f in $funcs; do
    "$shapec" --emit=ssa "$sasm" --func "$f" "$@" >"$tmp/ssa"
    last_ir "$page" $i >"$tmp/shown"
    if cmp -s "$tmp/ssa" "$tmp/shown"; then ok; else
      bad "$page: the IR shown after the last pass of $f is not --emit=ssa's:"; diff "$tmp/ssa" "$tmp/shown" | head; fi
    i=$((i + 1))
  done
  # every link to the source names a line of the listing
  local nl
  nl=$(grep -o 'href="#L[0-9]*"' "$page" | sort -u | sed 's/href="#L\([0-9]*\)"/\1/' |
    while read -r l; do grep -q "id=\"L$l\"" "$page" || echo "$l"; done | wc -l)
  [ "$nl" = 0 ] && grep -q 'href="#L' "$page" && ok || bad "$page: $nl links to missing source lines (or none)"
  grep -q '<section id="code"><h2>native code' "$page" && ok || bad "$page: no native code section"
  if [ $have_dot = 1 ]; then
    grep -q '<svg' "$page" && ok || bad "$page: no SVG"
  fi
}

# fib, generic pipeline
"$shapec" --emit=html "$fib" >"$tmp/fib.html" 2>"$tmp/err" && [ ! -s "$tmp/err" ] && ok ||
  { bad "--emit=html fib.sasm failed"; cat "$tmp/err"; }
check_page "$tmp/fib.html" "$(pipeline generic)" "$fib"
# LtInt (line 5 of fib.sasm) links there
grep -q 'href="#L5" title="fib pc [0-9]*: line 5 of the source" data-l=":5"></a><span class="m"></span>    v[0-9]* = val LtInt' \
  "$tmp/fib.html" && sed -n 5p "$fib" | grep -q '^ *LtInt' && ok || bad "fib's LtInt does not link to line 5"
grep -q '<span class="l deopt">' "$tmp/fib.html" && ok || bad "fib: no deopt point marked"

# a loop with feedback: tier2, loop header, guards
"$shapec" --emit=html "$tmp/loop.sasm" --feedback-from-run >"$tmp/loop.html" 2>"$tmp/err" && ok ||
  { bad "--emit=html --feedback-from-run failed"; cat "$tmp/err"; }
check_page "$tmp/loop.html" "$(pipeline tier2)" "$tmp/loop.sasm" --feedback-from-run
grep -q 'class="l blk hdr' "$tmp/loop.html" && ok || bad "loop: no loop header marked"
grep -q 'class="l[a-z ]* deopt guard[a-z0-9 ]*"' "$tmp/loop.html" && ok || bad "loop: no guard marked"
grep -q 'class="l[a-z ]* d1"' "$tmp/loop.html" && ok || bad "loop: no line marked as in a loop"
grep -q '<span class="h">; func main (' "$tmp/loop.html" || grep -q 'class="note">.*built without' "$tmp/loop.html" &&
  ok || bad "loop: neither native code nor why not"

# escaping: a string with markup and quotes
cat >"$tmp/esc.sasm" <<'P'
func main() {
    PushConst "</pre><script>alert('x')</script> & \"q\""
    Print
    Return
}
P
"$shapec" --emit=html "$tmp/esc.sasm" >"$tmp/esc.html" && ok || bad "--emit=html of a string constant failed"
if grep -q "<script>alert" "$tmp/esc.html"; then bad "program text is not escaped"; else ok; fi
grep -q '&lt;/pre&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; \\&quot;q\\&quot;' "$tmp/esc.html" && ok ||
  bad "the string constant is not in the page, escaped"

# without dot: a note, no drawing, success
mkdir -p "$tmp/empty"
PATH=$tmp/empty "$shapec" --emit=html "$fib" >"$tmp/nodot.html" 2>"$tmp/err"; st=$?
[ $st = 0 ] && grep -q "Graphviz's dot is not installed" "$tmp/nodot.html" && ! grep -q '<svg' "$tmp/nodot.html" && ok ||
  { bad "--emit=html without dot: status $st"; cat "$tmp/err"; }

# errors
"$shapec" --emit=html "$fib" --print-after-all >"$tmp/out" 2>"$tmp/err"; st=$?
[ $st = 2 ] && [ ! -s "$tmp/out" ] && grep -q "^shapec: error: .*do not apply to --emit=html" "$tmp/err" && ok ||
  bad "--emit=html --print-after-all: status $st, $(cat "$tmp/err")"
echo 'func main() { bogus }' >"$tmp/bad.sasm"
"$shapec" --emit=html "$tmp/bad.sasm" >"$tmp/out" 2>"$tmp/err"; st=$?
[ $st = 2 ] && [ ! -s "$tmp/out" ] && grep -q "bad.sasm:1:" "$tmp/err" && ok || bad "--emit=html of a bad program: status $st"

# a real browser
browser=""
for b in chromium chromium-browser google-chrome; do command -v $b >/dev/null && { browser=$b; break; }; done
if [ -z "$browser" ]; then
  if [ "${SC_REQUIRE_BROWSER:-0}" = 1 ]; then bad "no chromium to load the page in (SC_REQUIRE_BROWSER=1)"; else
    skip "no chromium: the pages were not loaded in a browser"; fi
else
  art=${SC_ARTIFACT_DIR:-$tmp/shots}
  mkdir -p "$art"
  for name in fib loop; do
    page=$tmp/$name.html
    flags=(--headless --no-sandbox --disable-gpu --user-data-dir="$tmp/profile-$name" --no-first-run)
    timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$page" >"$tmp/$name.dom" 2>"$tmp/$name.berr"
    # every pass section, and the script ran (it colors the table of contents)
    ids=$(grep -o '<section class="pass[a-z ]*" id="[^"]*"' "$page" | sed 's/.*id="//; s/"$//')
    missing=0
    for id in $ids; do grep -q "<section class=\"pass[a-z ]*\" id=\"$id\"" "$tmp/$name.dom" || missing=$((missing + 1)); done
    [ -n "$ids" ] && [ $missing = 0 ] && ok || bad "$name: $missing pass sections missing from the rendered DOM"
    grep -q '<td data-for="f[0-9]*-s0" class="changed">' "$tmp/$name.dom" && ok ||
      bad "$name: the page's script did not run in $browser"
    if [ $have_dot = 1 ]; then
      grep -q '<svg' "$tmp/$name.dom" && ok || { bad "$name: no <svg> in the rendered DOM"; tail -5 "$tmp/$name.berr"; }
    fi
    rm -f "$art/html-$name.png"
    timeout 120 "$browser" "${flags[@]}" --screenshot="$art/html-$name.png" --window-size=1280,2000 "file://$page" \
      >/dev/null 2>"$tmp/$name.berr"
    [ -s "$art/html-$name.png" ] && [ "$(head -c 4 "$art/html-$name.png" | od -An -c | tr -d ' ')" = '211PNG' ] && ok ||
      { bad "$name: no screenshot"; tail -5 "$tmp/$name.berr"; }
    [ -n "${SC_ARTIFACT_DIR:-}" ] && cp "$page" "$art/html-$name.html"
  done
fi

echo "$pass passed, $fail failed"
[ $fail = 0 ] || exit 1
[ -z "$skipped" ] || { echo "SKIP${skipped}"; exit 77; }
exit 0
