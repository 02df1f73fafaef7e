#!/usr/bin/env bash
# Diagnostics never echo control bytes from their input: ESC (and the
# rest of C0, DEL, C1 and malformed UTF-8) in a file's text, a file name or
# an argument comes out as \xNN. Output ends with `N passed, N failed`.
set -u
. "$(dirname "$0")/find-shapec.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sc-escape.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
esc=$(printf '\033')
# expect STATUS STDERR-TEXT ARGS...: the status, the text (fixed string)
# in stderr, and no raw control byte but the line ends
expect() {
  local want=$1 text=$2
  shift 2
  "$shapec" "$@" >/dev/null 2>"$tmp/err"
  local st=$?
  if [ "$st" = "$want" ] && grep -qF -- "$text" "$tmp/err" && ! LC_ALL=C grep -q '[[:cntrl:]]' <(tr -d '\n' <"$tmp/err"); then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL: shapec $*: status $st (want $want), stderr (od -c):"
    od -c "$tmp/err" | head -8 | sed 's/^/  /'
  fi
}
printf 'func f(%s[31m) {\n}\n' "$esc" >"$tmp/esc.ir"
expect 2 "unexpected character '\\x1b'" opt "$tmp/esc.ir"
printf 'func ma%s[31min() {\n    Return\n}\n' "$esc" >"$tmp/esc.sasm"
expect 2 "'\\x1b'" run "$tmp/esc.sasm"
expect 2 "unknown --backend=\\x1b[31m" run --backend="${esc}[31m" "$tmp/esc.sasm"
expect 2 "cannot read $tmp/no\\x1b]0;title\\x07.sasm" run "$tmp/no${esc}]0;title$(printf '\007').sasm"
expect 2 "got 'x\\xc2\\x9bq'" run --inline-depth "x$(printf '\302\233')q" "$tmp/esc.sasm"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
