#!/usr/bin/env bash
# make check: every benchmark at the tiny size must print exactly what the C
# peer prints (bench/expected/NAME.tiny.out, written by `bench/run
# --write-expected --size tiny` after `bench/run --size tiny` showed that the
# C, Lua 5.4, LuaJIT, Node and Python peers all agree).
# shapec: $SHAPEC (set by AM_TESTS_ENVIRONMENT), else ./shapec (tests run in
# the build dir). Extra `shapec run` arguments: SC_TEST_MODES, ;-separated,
# one pass each (';--no-profile' = the default mode, then --no-profile).
set -u
here=$(cd "$(dirname "$0")" && pwd)
shapec=${SHAPEC:-$(pwd)/shapec}
if [ ! -x "$shapec" ]; then
  echo "check-tiny: no shapec at $shapec"
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$here/run" --emit-scaled "$tmp" --size tiny || exit 1
modes=("")
if [ -n "${SC_TEST_MODES:-}" ]; then
  IFS=';' read -r -a modes <<< "$SC_TEST_MODES"
  case "$SC_TEST_MODES" in *';') modes+=("") ;; esac
fi
pass=0 fail=0 skip=0
printf 'func main() {\n    Return\n}\n' >"$tmp/probe.sasm.txt"
for mode in "${modes[@]}"; do
  # A mode this shapec rejects (a backend not built) is skipped, loudly.
  # shellcheck disable=SC2086
  if ! "$shapec" run "$tmp/probe.sasm.txt" $mode >/dev/null 2>"$tmp/probe.err"; then
    echo "SKIP: mode '$mode': $(head -1 "$tmp/probe.err")"
    skip=$((skip + 1))
    continue
  fi
  for prog in "$tmp"/*.sasm; do
    name=$(basename "$prog" .sasm)
    # shellcheck disable=SC2086
    timeout 60 "$shapec" run "$prog" $mode >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ $rc = 0 ] && cmp -s "$tmp/out" "$here/expected/$name.tiny.out"; then
      pass=$((pass + 1))
    else
      fail=$((fail + 1))
      echo "FAIL: $name${mode:+ [mode $mode]} (exit $rc)"
      diff -u "$here/expected/$name.tiny.out" "$tmp/out" | head -10
      head -5 "$tmp/err"
    fi
  done
done
if [ $skip -gt 0 ]; then echo "$pass passed, $fail failed, $skip modes skipped"; else echo "$pass passed, $fail failed"; fi
[ $fail = 0 ]
