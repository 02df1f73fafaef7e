#!/usr/bin/env bash
# Tiering traces. For every tests/tiering/NAME.trace, tests/programs/NAME.sasm
# runs tiered on each built backend, compiling on the executing thread
# (--jit-threads=0: reproducible), with the options on the trace's first line
# (`; RUN: ARGS`) and --trace-tiering --trace-deopt. Its stdout must be the
# interpreter's, and its trace, with compile times and the backend's name taken
# out, exactly the rest of NAME.trace: which functions compile when, where
# they deopt, when they are dropped and recompiled, and that they then stay put.
#
#   tests/tiering/run.sh [--bless] [FILTER]
#
# --bless rewrites the traces from the first built backend (review them with
# git diff). SHAPEC names the shapec binary (default ./shapec).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=${abs_top_srcdir:-$(cd "$here/../.." && pwd)}
shapec=${SHAPEC:-./shapec}
case "$shapec" in /*) ;; *) shapec=$(pwd)/$shapec ;; esac
[ -x "$shapec" ] || shapec=$root/shapec
bless=0 filter=""
for a in "$@"; do
  case "$a" in
    --bless) bless=1 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) filter=$a ;;
  esac
done
cd "$root" || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'func main() {\n    Return\n}\n' >"$tmp/probe.sasm"
norm() { sed -E 's/: compiled in [0-9.]+ ms, [0-9.]+ ms after the request//; s/, [0-9]+\.[0-9]+ ms//; s/\b(mir|llvm)\b/BACKEND/g'; }
pass=0 fail=0 skip=0
for trace in tests/tiering/*.trace; do
  name=$(basename "$trace" .trace)
  case "$name" in *"$filter"*) ;; *) continue ;; esac
  prog=tests/programs/$name.sasm
  args=$(sed -n '1s/^; RUN: *//p' "$trace")
  "$shapec" run "$prog" --jit=off >"$tmp/want.out" 2>&1
  for be in mir llvm; do
    if ! "$shapec" run "$tmp/probe.sasm" --jit=eager --backend=$be >/dev/null 2>&1; then
      echo "SKIP: $name [$be]: backend not built"
      skip=$((skip + 1))
      continue
    fi
    # shellcheck disable=SC2086
    timeout 60 "$shapec" run "$prog" --jit=tiered --jit-threads=0 --backend=$be $args --trace-tiering --trace-deopt \
      >"$tmp/got.out" 2>"$tmp/got.err"
    { sed -n 1p "$trace"; norm <"$tmp/got.err"; } >"$tmp/got.trace"
    if [ $bless = 1 ]; then
      cp "$tmp/got.trace" "$trace"
      bless=2 # one backend writes it; the others are checked against it
      pass=$((pass + 1))
      continue
    fi
    if cmp -s "$tmp/want.out" "$tmp/got.out" && cmp -s "$trace" "$tmp/got.trace"; then
      pass=$((pass + 1))
    else
      fail=$((fail + 1))
      echo "FAIL: $name [$be]"
      diff -u "$tmp/want.out" "$tmp/got.out" | head -20
      diff -u "$trace" "$tmp/got.trace" | head -40
    fi
  done
  [ $bless = 2 ] && bless=1
done
if [ $skip -gt 0 ]; then echo "$pass passed, $fail failed, $skip skipped"; else echo "$pass passed, $fail failed"; fi
[ $fail = 0 ]
