#!/usr/bin/env bash
# The progress line of long compilations (src/cli/progress.c): with
# standard error on a terminal (a pty from util-linux's script),
# `run --jit=eager` of a program with several functions and --emit=html
# draw "compiling: N/M functions" in place (\r) and clear it before the
# program's output; never when standard error is a file or a pipe, nor
# before the delay has passed. SHAPEC_PROGRESS_AFTER=0 makes the delay
# (1 s) zero, so nothing here depends on timing.
# Output ends with `N passed, N failed`.
set -u
. "$(dirname "$0")/find-shapec.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
command -v script >/dev/null || { echo "SKIP: no script (util-linux) to give a terminal"; exit 77; }
prog=$root/tests/tier_many.sasm
nf=$("$shapec" --emit=bytecode "$prog" | grep -c '^func ')
"$shapec" run "$prog" --jit=off >"$tmp/want" || bad "the program does not run"
"$shapec" run "$prog" --jit=eager >/dev/null 2>&1 || { echo "SKIP: no backend for --jit=eager"; exit 77; }
# in a pty: ARGS... as one shell command line; the terminal's output in $tmp/tty
on_tty() { SHAPEC_PROGRESS_AFTER=${after:-0} script -qec "$*" /dev/null >"$tmp/tty" </dev/null; }

on_tty "'$shapec' run '$prog' --jit=eager"
tr '\r' '\n' <"$tmp/tty" >"$tmp/lines"
grep -q "^compiling: 0/$nf functions\$" "$tmp/lines" && grep -q "^compiling: $nf/$nf functions\$" "$tmp/lines" && ok ||
  { bad "no progress line on the terminal:"; od -c "$tmp/tty" | head; }
# cleared (spaces, then \r) before the program's output, which is unchanged
sed 's/\r$//' "$tmp/tty" | awk -F'\r' '{ print $NF }' >"$tmp/out"
grep -q "compiling: $nf/$nf functions"$'\r'" *"$'\r' "$tmp/tty" && cmp -s "$tmp/want" "$tmp/out" && ok ||
  { bad "the progress line is not cleared before the output:"; od -c "$tmp/tty" | tail; }

# stderr a file (stdout still the terminal), or everything a pipe: none
on_tty "'$shapec' run '$prog' --jit=eager 2>'$tmp/err'"
! grep -q compiling "$tmp/tty" && [ ! -s "$tmp/err" ] && ok || bad "progress written with stderr a file"
SHAPEC_PROGRESS_AFTER=0 "$shapec" run "$prog" --jit=eager 2>&1 | grep -q compiling && bad "progress written to a pipe" || ok
# not before the delay (an hour)
after=3600 on_tty "'$shapec' run '$prog' --jit=eager"
grep -q compiling "$tmp/tty" && bad "progress shown before the delay" || ok
# nor mixed into a trace on the same terminal
on_tty "'$shapec' run '$prog' --jit=eager --trace-tiering"
grep -q compiling "$tmp/tty" && bad "progress mixed with --trace-tiering" || ok

# --emit=html (the page to a file): the native code's compilation
on_tty "'$shapec' --emit=html '$prog' >'$tmp/page.html'"
grep -q "compiling: 0/$nf functions" "$tmp/tty" && grep -q '</html>' "$tmp/page.html" && ! grep -q compiling "$tmp/page.html" &&
  ok || { bad "--emit=html: no progress on the terminal, or in the page"; od -c "$tmp/tty" | head -5; }

echo "$pass passed, $fail failed"
[ $fail = 0 ]
