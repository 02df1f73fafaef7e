#!/usr/bin/env bash
# make check: every benchmark at the tiny size must print exactly what the C
# peer prints (bench/expected/NAME.tiny.out, generated from bench/c and
# cross-checked against the Lua, Python and JS peers with `bench/run`).
# Extra `shapec run` arguments: SC_TEST_MODES, ;-separated, one pass each.
set -u
here=$(cd "$(dirname "$0")" && pwd)
shapec=${SHAPEC:-$(pwd)/shapec}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$here/run" --emit-scaled "$tmp" --size tiny || exit 2
IFS=';' read -r -a modes <<< "${SC_TEST_MODES:-}"
[ ${#modes[@]} -eq 0 ] && modes=("")
pass=0 fail=0
for mode in "${modes[@]}"; do
  for prog in "$tmp"/*.sasm; do
    name=$(basename "$prog" .sasm)
    # shellcheck disable=SC2086
    if timeout 60 "$shapec" run "$prog" $mode >"$tmp/out" 2>"$tmp/err" && cmp -s "$tmp/out" "$here/expected/$name.tiny.out"; then
      pass=$((pass + 1))
    else
      fail=$((fail + 1))
      echo "FAIL: $name ${mode:+[mode $mode]}"
      diff -u "$here/expected/$name.tiny.out" "$tmp/out" | head -10
      head -5 "$tmp/err"
    fi
  done
done
echo "$pass passed, $fail failed"
[ $fail = 0 ]
