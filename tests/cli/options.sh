#!/usr/bin/env bash
# The command line (src/cli/options.def): every option that takes a value
# takes it as --x=V and as --x V with the same result; - reads stdin for
# every command taking a file; --list-passes, -h/--help, -V/--version work
# alone; an unknown option or command gets a "did you mean"; abbreviations
# are refused; and the man page documents exactly the options --help lists
# (and renders without warnings).
# Output ends with `N passed, N failed`.
set -u
. "$(dirname "$0")/find-shapec.sh"
build=$(pwd)
man=${SC_MANPAGE:-$build/docs/shapec.1}
[ -f "$man" ] || man=$root/docs/shapec.1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

cat >"$tmp/p.sasm" <<'P'
func f(n) {
    LoadLocal n
    PushConst 2
    LtInt
    JumpIfFalse r
    LoadLocal n
    ReturnValue
r:
    LoadLocal n
    PushConst 1
    SubInt
    Call f 1
    LoadLocal n
    PushConst 2
    SubInt
    Call f 1
    AddInt
    ReturnValue
}

func main() {
    local i: int
    PushConst 0
    StoreLocal i
loop:
    LoadLocal i
    PushConst 3
    LtInt
    JumpIfFalse done
    LoadLocal i
    PushConst 1
    AddInt
    StoreLocal i
    Jump loop
done:
    PushConst 15
    Call f 1
    Print
    Return
}
P

# --help, -h, --version, -V, --list-passes: alone, exit 0, on stdout
"$shapec" --help >"$tmp/help" 2>"$tmp/err" && [ ! -s "$tmp/err" ] && grep -q '^usage: shapec run' "$tmp/help" && ok || bad "--help"
"$shapec" -h >"$tmp/h" && cmp -s "$tmp/help" "$tmp/h" && ok || bad "-h differs from --help"
"$shapec" --version | grep -q '^shapec [0-9]' && ok || bad "--version"
"$shapec" -V | grep -q '^shapec [0-9]' && ok || bad "-V"
"$shapec" --list-passes >"$tmp/passes" && grep -q '^lift ' "$tmp/passes" && ok || bad "--list-passes alone"

# every option --help lists, as "NAME KIND [ARG]": flag, value (--x ARG),
# choice (--x=A|B), format (--x[=A|B])
awk '/^  (-[a-zA-Z], |    )--[a-z]/ {
  sub(/^  (-[a-zA-Z], |    )--/, ""); name = $1; k = "flag"
  if (name ~ /\[=/) k = "format"; else if (name ~ /=/) k = "choice"; else if ($2 ~ /^[A-Z]/) k = "value"
  arg = $2; if (k == "choice" || k == "format") arg = ""
  sub(/[[=].*/, "", name); print name, k, arg }' "$tmp/help" >"$tmp/opts"
n=$(wc -l <"$tmp/opts")
[ "$n" -ge 30 ] && ok || bad "--help lists only $n options"

# a value that works for each option; and the command it applies to
value() {
  [ "$2" = SIZE ] && { echo 64M; return; } # bytes with a suffix (e.g. a heap limit)
  case "$1" in
    dump-feedback) echo "$tmp/fb" ;;
    func) echo f ;;
    passes) echo lift,phis ;;
    print-after) echo phis ;;
    deopt-stress) echo 0.5:3 ;;
    max-frames) echo 100 ;;
    osr) echo 2 ;; # main's loop
    emit) echo ssa ;;
    jit) echo eager ;;
    backend) for b in mir llvm; do "$shapec" run "$tmp/p.sasm" --jit=eager --backend=$b >/dev/null 2>&1 && { echo $b; return; }; done; echo none ;;
    *) echo 3 ;;
  esac
}
cmd_for() {
  awk -v o="$1" '/^[a-z].*:$/ {s=$0} $0 ~ "--" o "([= ]|$)" {print s; exit}' "$tmp/help"
}
while read -r name kind arg; do
  [ "$kind" = value ] || [ "$kind" = choice ] || continue
  v=$(value "$name" "$arg")
  [ "$v" = none ] && { echo "skipped --$name: no backend built"; continue; }
  case "$(cmd_for "$name")" in
    "run options:" | "code generation"*) set -- run "$tmp/p.sasm" ;;
    "options:") set -- "$tmp/p.sasm" ;;
    *) set -- --emit=ssa "$tmp/p.sasm" ;;
  esac
  "$shapec" "$@" "--$name=$v" >"$tmp/a.out" 2>"$tmp/a.err"; sa=$?
  "$shapec" "$@" "--$name" "$v" >"$tmp/b.out" 2>"$tmp/b.err"; sb=$?
  if [ $sa = 0 ] && [ $sb = 0 ] && cmp -s "$tmp/a.out" "$tmp/b.out"; then ok; else
    bad "--$name=$v (status $sa) and --$name $v (status $sb) differ"; cat "$tmp/a.err" "$tmp/b.err"; fi
done <"$tmp/opts"

# - reads stdin, for every command taking a file
"$shapec" run "$tmp/p.sasm" >"$tmp/want"
"$shapec" run - <"$tmp/p.sasm" >"$tmp/got" && cmp -s "$tmp/want" "$tmp/got" && ok || bad "run -"
"$shapec" check - <"$tmp/p.sasm" && ok || bad "check -"
"$shapec" --emit=bytecode - <"$tmp/p.sasm" >"$tmp/bc" && "$shapec" --emit=bytecode "$tmp/p.sasm" | cmp -s - "$tmp/bc" && ok || bad "--emit=bytecode -"
"$shapec" --emit=ssa "$tmp/p.sasm" >"$tmp/ir" && "$shapec" --emit=ssa - <"$tmp/p.sasm" | cmp -s - "$tmp/ir" && ok || bad "--emit=ssa -"
"$shapec" opt "$tmp/ir" --passes=dce >"$tmp/o1" && "$shapec" opt - --passes=dce <"$tmp/ir" | cmp -s - "$tmp/o1" && ok || bad "opt -"
echo 'func main() { bogus }' | "$shapec" check - 2>"$tmp/err"
[ $? = 2 ] && grep -q '^<stdin>:1:' "$tmp/err" && ok || bad "a bad program on stdin is reported as <stdin>:LINE:COL"

# errors: status 2, one `shapec: error:` line, a hint where one is near
expect_err() { # PATTERN ARGS...
  local pat=$1; shift
  "$shapec" "$@" >"$tmp/out" 2>"$tmp/err"; local st=$?
  if [ $st = 2 ] && [ ! -s "$tmp/out" ] && grep -q -- "$pat" "$tmp/err"; then ok; else
    bad "shapec $*: status $st, stderr:"; sed 's/^/  /' "$tmp/err"; fi
}
expect_err "unknown option '--jit-thread'; did you mean '--jit-threads'?" run "$tmp/p.sasm" --jit-thread 2
expect_err "did you mean '--tier-threshold'?" run "$tmp/p.sasm" --tier-treshold=5
expect_err "unknown option '--jit-wai'" run "$tmp/p.sasm" --jit-wai
expect_err "unknown command 'rnu'; did you mean 'run'?" rnu "$tmp/p.sasm"
expect_err "unknown --jit=fast (off, eager or tiered)" run "$tmp/p.sasm" --jit=fast
expect_err "--jit-wait takes no value" run "$tmp/p.sasm" --jit-wait=1
expect_err "--max-frames needs a value" run "$tmp/p.sasm" --max-frames
expect_err "--jit-threads expects a number from 0 to 16, got '17'" run "$tmp/p.sasm" --jit-threads 17
expect_err "--func does not apply to 'run'" run "$tmp/p.sasm" --func f
expect_err "--jit does not apply to --emit=ssa" --emit=ssa "$tmp/p.sasm" --jit=off
expect_err "unknown option '-x'" -x
expect_err "no command given"
expect_err "unexpected argument" run "$tmp/p.sasm" extra

# the man page: the same options as --help, and it renders cleanly
if [ -f "$man" ]; then
  cut -d' ' -f1 "$tmp/opts" | sort -u >"$tmp/help-names"
  # the options the page describes: the headings of its .TP paragraphs
  awk 'prev == ".TP" && /^\\fB\\-/ { print } { prev = $0 }' "$man" |
    sed 's/\\-/-/g' | grep -o -- '--[a-z][a-z-]*' | sed 's/^--//' | sort -u >"$tmp/man-names"
  d=$(diff "$tmp/help-names" "$tmp/man-names")
  [ -z "$d" ] && ok || { bad "options in --help (<) and the man page (>) differ:"; echo "$d"; }
  if command -v groff >/dev/null; then
    w=$(groff -man -ww -z "$man" 2>&1)
    [ -z "$w" ] && ok || bad "groff warns on the man page: $w"
  fi
  if command -v man >/dev/null; then
    MANWIDTH=80 man -l "$man" 2>/dev/null | grep -q -- '--tier-threshold' && ok || bad "man -l does not render the page"
  fi
else
  bad "no man page at $man"
fi

echo "$pass passed, $fail failed"
[ $fail = 0 ]
