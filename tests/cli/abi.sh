#!/usr/bin/env bash
# The installed library exports exactly the functions the public headers
# mark SC_API (include/shapec/*.h): no internal symbol (sc_ir_*, sc_jh_*,
# the arena, MIR's) is ABI, and every public function is there. (Names
# with two leading underscores belong to the toolchain, e.g. sanitizers.)
# Output ends with `N passed, N failed`.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=${abs_top_srcdir:-$(cd "$here/../.." && pwd)}
lib=${SC_LIBSHAPEC:-$(pwd)/.libs/libshapec.so}
[ -f "$lib" ] || { echo "no shared library at $lib (a static-only build?)"; exit 77; }
command -v nm >/dev/null || { echo "no nm"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed -n 's/^SC_API[^(]*[ *]\(sc_[a-z0-9_]*\)(.*/\1/p' "$root"/include/shapec/*.h | sort -u >"$tmp/api"
nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ && $3 !~ /^(_edata|_end|__bss_start|__.*)$/ {print $3}' | sort -u >"$tmp/exported"
pass=0 fail=0
if [ "$(wc -l <"$tmp/api")" -lt 20 ]; then
  fail=$((fail + 1)); echo "FAIL: found only $(wc -l <"$tmp/api") SC_API declarations"
else pass=$((pass + 1)); fi
extra=$(comm -13 "$tmp/api" "$tmp/exported")
missing=$(comm -23 "$tmp/api" "$tmp/exported")
if [ -n "$extra" ]; then
  fail=$((fail + 1)); echo "FAIL: exported but not public API:"; echo "$extra" | sed 's/^/  /'
else pass=$((pass + 1)); fi
if [ -n "$missing" ]; then
  fail=$((fail + 1)); echo "FAIL: public API not exported:"; echo "$missing" | sed 's/^/  /'
else pass=$((pass + 1)); fi
echo "$(wc -l <"$tmp/exported") symbols exported"
echo "$pass passed, $fail failed"
[ $fail = 0 ]
