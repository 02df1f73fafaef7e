#!/usr/bin/env bash
# Program tests: runs every tests/programs/NAME.sasm with `shapec run` and
# compares stdout, stderr and exit status with NAME.stdout, NAME.stderr and
# NAME.status (a missing file means empty output / status 0). Every
# tests/bad/NAME.sasm must fail `shapec check` and `shapec run` with exit 2
# and exactly NAME.stderr.
#
#   tests/run-programs.sh [--bless] [--mode "ARGS"]... [FILTER]
#
# --bless rewrites the expectation files from what shapec prints now:
# review the result with `git diff` before committing. Each --mode (or each
# ;-separated entry of SC_TEST_MODES) runs the whole suite again with extra
# `shapec run` arguments; every mode must give the same results.
set -u
here=$(cd "$(dirname "$0")" && pwd)
srcroot=${abs_top_srcdir:-$(cd "$here/.." && pwd)}
shapec=${SHAPEC:-$(pwd)/shapec}
[ -x "$shapec" ] || shapec=$srcroot/shapec
shapec=$(cd "$(dirname "$shapec")" && pwd)/$(basename "$shapec")

bless=0
modes=()
filter=""
while [ $# -gt 0 ]; do
  case "$1" in
    --bless) bless=1 ;;
    --mode) shift; modes+=("$1") ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) filter=$1 ;;
  esac
  shift
done
if [ ${#modes[@]} -eq 0 ]; then
  IFS=';' read -r -a modes <<< "${SC_TEST_MODES:-}"
  [ ${#modes[@]} -eq 0 ] && modes=("")
fi

cd "$srcroot" || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

check() { # name expected-file actual-file
  local exp=$2 act=$3
  if [ $bless = 1 ]; then
    if [ -s "$act" ]; then cp "$act" "$exp"; else rm -f "$exp"; fi
    return 0
  fi
  if [ -f "$exp" ]; then
    cmp -s "$exp" "$act" && return 0
    diff -u "$exp" "$act" | head -40
  else
    [ -s "$act" ] || return 0
    echo "unexpected output (no $exp):"; head -20 "$act"
  fi
  return 1
}

for mode in "${modes[@]}"; do
  for src in tests/programs/*.sasm; do
    [ -e "$src" ] || continue
    name=${src%.sasm}
    case "$name" in *"$filter"*) ;; *) continue ;; esac
    # shellcheck disable=SC2086
    timeout 60 "$shapec" run "$src" $mode >"$tmp/out" 2>"$tmp/err"
    echo $? >"$tmp/status"
    ok=1
    check "$name" "$name.stdout" "$tmp/out" || ok=0
    check "$name" "$name.stderr" "$tmp/err" || ok=0
    if [ $bless = 1 ]; then
      if [ "$(cat "$tmp/status")" = 0 ]; then rm -f "$name.status"; else cp "$tmp/status" "$name.status"; fi
    else
      want=0; [ -f "$name.status" ] && want=$(cat "$name.status")
      got=$(cat "$tmp/status")
      [ "$want" = "$got" ] || { echo "exit status $got, expected $want"; ok=0; }
    fi
    if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $src ${mode:+[mode $mode]}"; fi
  done
done

for src in tests/bad/*.sasm; do
  [ -e "$src" ] || continue
  name=${src%.sasm}
  case "$name" in *"$filter"*) ;; *) continue ;; esac
  ok=1
  timeout 20 "$shapec" check "$src" >"$tmp/out" 2>"$tmp/err"; st=$?
  check "$name" "$name.stderr" "$tmp/err" || ok=0
  if [ $bless = 0 ]; then
    [ $st = 2 ] || { echo "shapec check exit status $st, expected 2"; ok=0; }
    [ -s "$tmp/out" ] && { echo "shapec check wrote to stdout"; ok=0; }
    timeout 20 "$shapec" run "$src" >"$tmp/out2" 2>"$tmp/err2"; st=$?
    [ $st = 2 ] || { echo "shapec run exit status $st, expected 2"; ok=0; }
    [ -s "$tmp/out2" ] && { echo "shapec run wrote to stdout"; ok=0; }
    cmp -s "$tmp/err" "$tmp/err2" || { echo "shapec run and check report differently"; ok=0; }
  fi
  if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $src"; fi
done

echo "$pass passed, $fail failed"
[ $fail = 0 ]
