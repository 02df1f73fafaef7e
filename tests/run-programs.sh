#!/usr/bin/env bash
# Program tests, through the shapec binary.
#
#   tests/run-programs.sh [--bless] [--mode "ARGS"]... [FILTER]...
#
# Every tests/programs/NAME.sasm is run as `shapec run tests/programs/NAME.sasm
# ARGS` from the source root; its stdout, stderr and exit status must equal
# NAME.stdout, NAME.stderr and NAME.status (a missing file means: empty, empty,
# 0). Every tests/bad/NAME.sasm must make both `shapec check` and `shapec run`
# exit 2, print nothing on stdout and exactly NAME.stderr on stderr.
#
# Modes: each --mode "ARGS" (or each ;-separated entry of $SC_TEST_MODES, e.g.
# SC_TEST_MODES=';--no-profile' for the default mode and --no-profile) is one
# pass over all programs with ARGS added to `shapec run`. Every pass is checked
# against the same expectation files, so all modes must behave identically. A
# mode that shapec rejects outright (a tier not built yet) is skipped, loudly.
# The default is one pass with no extra arguments.
#
# FILTER: only tests whose path contains one of the given substrings run.
#
# Known bugs: NAME.xfail (one line: the bug) marks a program whose spec-correct
# expectations the implementation does not meet yet. It is reported as XFAIL
# and counted as skipped; once it passes it FAILs until NAME.xfail is removed.
# --bless never touches the expectations of such a program.
#
# --bless is THE way to (re)write expectation files: it stores what shapec
# prints now (with the first mode) and reports nothing as failed except bad
# programs that do not exit 2. Review the result with `git diff` before
# committing; never bless a difference you have not understood.
#
# Environment: SHAPEC (the binary; default ./shapec in the build directory),
# abs_top_srcdir (the source root; default: the parent of this script).
# Output ends with `N passed, N failed` (`, N skipped` if any); the exit status
# is 0 when nothing failed, 1 otherwise, 77 (skip) when there is no shapec.
set -u

here=$(cd "$(dirname "$0")" && pwd)
srcroot=${abs_top_srcdir:-$(cd "$here/.." && pwd)}
shapec=${SHAPEC:-$(pwd)/shapec}
[ -x "$shapec" ] || [ -n "${SHAPEC:-}" ] || shapec=$srcroot/shapec

bless=0
modes=()
filters=()
while [ $# -gt 0 ]; do
  case "$1" in
    --bless) bless=1 ;;
    --mode) [ $# -ge 2 ] || { echo "--mode needs an argument" >&2; exit 2; }
            shift; modes+=("$1") ;;
    --mode=*) modes+=("${1#--mode=}") ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    -*) echo "unknown option '$1' (try --help)" >&2; exit 2 ;;
    *) filters+=("$1") ;;
  esac
  shift
done
if [ ${#modes[@]} -eq 0 ]; then
  if [ -n "${SC_TEST_MODES:-}" ]; then
    IFS=';' read -r -a modes <<< "$SC_TEST_MODES"
    # `SC_TEST_MODES=';--x'` means the default mode then --x
    case "$SC_TEST_MODES" in *';') modes+=("") ;; esac
  fi
  [ ${#modes[@]} -eq 0 ] && modes=("")
fi
[ $bless = 1 ] && modes=("${modes[0]}")

if [ ! -x "$shapec" ]; then
  echo "no shapec binary at $shapec (set SHAPEC)"
  echo "0 passed, 0 failed, 1 skipped"
  exit 77
fi
shapec=$(cd "$(dirname "$shapec")" && pwd)/$(basename "$shapec")

# A libtool wrapper script costs ~30 ms a run; run the real binary instead
# (with the library path the wrapper would set) when it works.
if head -c 200 "$shapec" | grep -q '^#!' && grep -q 'just a wrapper for' "$shapec"; then
  prog=$(sed -n "s/^ *program='\(.*\)'$/\1/p" "$shapec" | head -1)
  libs=$(dirname "$shapec")/.libs
  if [ -n "$prog" ] && [ -x "$libs/$prog" ] &&
     LD_LIBRARY_PATH="$libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$libs/$prog" --version >/dev/null 2>&1; then
    export LD_LIBRARY_PATH="$libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    shapec=$libs/$prog
  fi
fi

cd "$srcroot" || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sc-progtests.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 skip=0

selected() { # path
  [ ${#filters[@]} -eq 0 ] && return 0
  local f
  for f in "${filters[@]}"; do
    case "$1" in *"$f"*) return 0 ;; esac
  done
  return 1
}

# same EXPECTED-FILE ACTUAL-FILE WHAT: compares (a missing expectation file
# means empty), prints a unified diff when they differ; under --bless stores
# the actual output instead (removing the file when it is empty).
same() {
  local exp=$1 act=$2 what=$3
  if [ $bless = 1 ]; then
    if [ -s "$act" ]; then cmp -s "$act" "$exp" || cp "$act" "$exp"; else rm -f "$exp"; fi
    return 0
  fi
  if [ -f "$exp" ]; then
    cmp -s "$exp" "$act" && return 0
    echo "  $what differs:"
    diff -u --label "$exp" --label "actual $what" "$exp" "$act" | head -60 | sed 's/^/    /'
  else
    [ -s "$act" ] || return 0
    echo "  unexpected $what (there is no $exp):"
    head -20 "$act" | sed 's/^/    /'
  fi
  return 1
}

# program SRC MODE ID: one run of a tests/programs file; report in $tmp/ID.*
program() {
  local src=$1 mode=$2 id=$3 name=${1%.sasm} got want ok=1
  if [ $bless = 1 ] && [ -f "$name.xfail" ]; then
    echo "  not blessed: $name.xfail says: $(head -1 "$name.xfail")"
    echo skip >"$tmp/$id.ok"
    return
  fi
  # shellcheck disable=SC2086  # the mode is a list of arguments
  timeout 20 "$shapec" run "$src" $mode >"$tmp/$id.out" 2>"$tmp/$id.err"
  got=$?
  same "$name.stdout" "$tmp/$id.out" stdout || ok=0
  same "$name.stderr" "$tmp/$id.err" stderr || ok=0
  if [ $bless = 1 ]; then
    if [ $got = 0 ]; then rm -f "$name.status"; else echo $got >"$name.status"; fi
  else
    want=0
    [ -f "$name.status" ] && want=$(<"$name.status")
    if [ "$want" != "$got" ]; then
      case $got in
        124) echo "  timed out after 20 s (expected exit status $want)" ;;
        13[0-9]) echo "  killed by signal $((got - 128)) (expected exit status $want)" ;;
        *) echo "  exit status $got, expected $want" ;;
      esac
      ok=0
    fi
  fi
  if [ -f "$name.xfail" ]; then
    if [ $ok = 0 ]; then
      echo "  known bug ($name.xfail): $(head -1 "$name.xfail")"
      echo xfail >"$tmp/$id.ok"
      return
    fi
    echo "  passes now: remove $name.xfail"
    ok=0
  fi
  echo $ok >"$tmp/$id.ok"
}

# bad SRC ID: a tests/bad file must be rejected alike by check and every run mode
bad() {
  local src=$1 id=$2 name=${1%.sasm} st mode ok=1
  timeout 20 "$shapec" check "$src" >"$tmp/$id.out" 2>"$tmp/$id.err"
  st=$?
  same "$name.stderr" "$tmp/$id.err" stderr || ok=0
  [ $st = 2 ] || { echo "  shapec check: exit status $st, expected 2"; ok=0; }
  [ -s "$tmp/$id.out" ] && { echo "  shapec check wrote to stdout"; ok=0; }
  for mode in "${run_modes[@]}"; do
    # shellcheck disable=SC2086
    timeout 20 "$shapec" run "$src" $mode >"$tmp/$id.out" 2>"$tmp/$id.err2"
    st=$?
    [ $st = 2 ] || { echo "  shapec run${mode:+ $mode}: exit status $st, expected 2"; ok=0; }
    [ -s "$tmp/$id.out" ] && { echo "  shapec run${mode:+ $mode} wrote to stdout"; ok=0; }
    cmp -s "$tmp/$id.err" "$tmp/$id.err2" || {
      echo "  shapec run${mode:+ $mode} and shapec check report differently:"
      diff -u --label check --label run "$tmp/$id.err" "$tmp/$id.err2" | head -20 | sed 's/^/    /'
      ok=0
    }
  done
  echo $ok >"$tmp/$id.ok"
}

# Tests run in parallel (SC_TEST_JOBS, default: the number of CPUs); their
# reports are printed in order afterwards.
jobs=${SC_TEST_JOBS:-$(nproc 2>/dev/null || echo 2)}
labels=()
running=0
spawn() { # label command...
  local id=${#labels[@]}
  labels+=("$1")
  shift
  "$@" "$id" >"$tmp/$id.log" 2>&1 &
  running=$((running + 1))
  if [ $running -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
}

printf 'func main() {\n    Return\n}\n' >"$tmp/probe.sasm"
run_modes=()
for mode in "${modes[@]}"; do
  # A mode this shapec rejects (e.g. a tier not built yet) is skipped, loudly.
  # shellcheck disable=SC2086
  if ! "$shapec" run "$tmp/probe.sasm" $mode >/dev/null 2>"$tmp/probe.err"; then
    n=0
    for src in tests/programs/*.sasm; do selected "$src" && n=$((n + 1)); done
    echo "SKIP: mode '$mode' ($n programs): $(head -1 "$tmp/probe.err")"
    skip=$((skip + n))
    continue
  fi
  run_modes+=("$mode")
  for src in tests/programs/*.sasm; do
    [ -e "$src" ] || continue
    selected "$src" || continue
    spawn "$src${mode:+ [mode $mode]}" program "$src" "$mode"
  done
done
for src in tests/bad/*.sasm; do
  [ -e "$src" ] || continue
  selected "$src" || continue
  spawn "$src" bad "$src"
done
wait

for id in "${!labels[@]}"; do
  r=$(<"$tmp/$id.ok")
  if [ "$r" = 1 ]; then
    pass=$((pass + 1))
  elif [ "$r" = xfail ] || [ "$r" = skip ]; then
    skip=$((skip + 1))
    echo "$([ "$r" = xfail ] && echo XFAIL || echo SKIP): ${labels[$id]}"
    sed -n '$p' "$tmp/$id.log"
  else
    fail=$((fail + 1))
    echo "FAIL: ${labels[$id]}"
    cat "$tmp/$id.log"
  fi
done

if [ $skip -gt 0 ]; then
  echo "$pass passed, $fail failed, $skip skipped"
else
  echo "$pass passed, $fail failed"
fi
[ $fail = 0 ]
