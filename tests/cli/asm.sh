#!/usr/bin/env bash
# --emit=asm: each backend built (--backend=mir|llvm) compiles the loop of a
# benchmark-like program and LLVM's disassembler prints it: a header line
# with the backend and the code's length, a `ret`, and a branch back to an
# earlier offset (the loop), whole-function and as the OSR compilation a
# tiered run makes (--feedback-from-run --osr=PC, PC from --trace-tiering).
# A backend or disassembler that is not built is a clear error. --osr and
# --passes apply to --emit=mir too; --osr takes only a loop's pc.
# --feedback-from-run compiles as tiered run does: the guards left in the
# IR --emit=ssa prints are the guards the tiered run's --stats counts
# (emitted - removed) for the same OSR compilation.
# Output ends with `N passed, N failed`.
set -u
. "$(dirname "$0")/find-shapec.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# benchmark programs at a small size (bench/run rewrites the `; @size` literal too)
scaled() { sed -E "s/^( *PushConst )[0-9]+( *; @size)/\1$2\2/" "$root/bench/$1.sasm" >"$tmp/$1.sasm"; }
scaled 07_sum_loop 20000
scaled 04_mandelbrot 30
scaled 09_matrix_mul 12
scaled 08_collatz 30
printf 'func main() {\n    Return\n}\n' >"$tmp/probe.sasm"
prog=$tmp/07_sum_loop.sasm

# the loop pc OSR enters in a tiered run (the first one the trace names)
osr_pc() {
  "$shapec" run "$1" --jit-threads=0 --osr-threshold=100 --trace-tiering 2>&1 >/dev/null |
    sed -n 's/.*OSR code for loop pc \([0-9]*\) ready.*/\1/p' | head -1
}
# header, ret and a backward branch in the --emit=asm output in file $1
shape_ok() { # FILE HEADER-REGEX
  grep -Eq "$2" "$1" || { echo "no header /$2/"; return 1; }
  grep -Eq '^0x[0-9a-f]+: retq?$' "$1" || { echo "no ret"; return 1; }
  awk 'function hex(s,  i, n) { s = tolower(s); sub(/^0x/, "", s); n = 0
         for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return n }
       $2 ~ /^j[a-z]+$/ && $3 ~ /^0x[0-9a-f]+$/ && NF == 3 { if (hex($3) < hex($1)) back++ }
       END { exit back ? 0 : 1 }' "$1" || { echo "no backward branch"; return 1; }
}

have_llvm=0
"$shapec" run "$tmp/probe.sasm" --jit=eager --backend=llvm >/dev/null 2>&1 && have_llvm=1
pc=$(osr_pc "$prog")
[ -n "$pc" ] && ok || bad "no OSR compilation in the tiered run of 07_sum_loop"
for be in mir llvm; do
  if ! "$shapec" run "$tmp/probe.sasm" --jit=eager --backend=$be >/dev/null 2>&1; then
    "$shapec" --emit=asm --backend=$be "$prog" >"$tmp/out" 2>"$tmp/err"; st=$?
    if [ $st = 2 ] && grep -q "^shapec: error: --backend=$be: this shapec was built without it" "$tmp/err"; then ok; else
      bad "--emit=asm --backend=$be without that backend: status $st"; cat "$tmp/err"; fi
    continue
  fi
  if [ $have_llvm = 0 ]; then # the disassembler is LLVM's
    "$shapec" --emit=asm --backend=$be "$prog" >"$tmp/out" 2>"$tmp/err"; st=$?
    if [ $st = 2 ] && grep -q "built without LLVM" "$tmp/err"; then ok; else
      bad "--emit=asm without LLVM: status $st"; cat "$tmp/err"; fi
    continue
  fi
  for extra in "" "--feedback-from-run" "--feedback-from-run --osr=$pc"; do
    # shellcheck disable=SC2086
    if ! "$shapec" --emit=asm --backend=$be "$prog" $extra >"$tmp/out" 2>"$tmp/err"; then
      bad "--emit=asm --backend=$be $extra failed"; cat "$tmp/err"; continue; fi
    head="^; func main \\($be, [0-9]+ bytes\\)\$"
    case "$extra" in *osr*) head="^; func main osr @$pc \\($be, [0-9]+ bytes\\)\$" ;; esac
    why=$(shape_ok "$tmp/out" "$head") && ok || { bad "--emit=asm --backend=$be $extra: $why"; head -20 "$tmp/out"; }
  done
  # every function of a program with calls, each with its header
  "$shapec" --emit=asm --backend=$be "$tmp/09_matrix_mul.sasm" >"$tmp/out" 2>"$tmp/err"
  nf=$("$shapec" --emit=bytecode "$tmp/09_matrix_mul.sasm" | grep -c '^func ')
  nh=$(grep -Ec "^; func [a-z_0-9]+ \\($be, [0-9]+ bytes\\)\$" "$tmp/out")
  [ "$nh" = "$nf" ] && ok || { bad "--emit=asm --backend=$be: $nh headers for $nf functions"; cat "$tmp/err"; }
  # --func selects one
  n=$("$shapec" --emit=asm --backend=$be "$tmp/09_matrix_mul.sasm" --func main | grep -c '^; func ')
  [ "$n" = 1 ] && ok || bad "--emit=asm --func main printed $n functions"
done

# --osr and --passes reach the backend's compilation (--emit=mir|llvm)
for be in mir llvm; do
  "$shapec" run "$tmp/probe.sasm" --jit=eager --backend=$be >/dev/null 2>&1 || continue
  emit() { "$shapec" --emit=$be "$prog" --feedback-from-run "$@" | sed -E 's/[0-9]{9,}/ADDR/g'; } # ASLR
  emit >"$tmp/whole" && emit --osr="$pc" >"$tmp/osr" && emit --passes=tier2 >"$tmp/tier2" &&
    emit --passes=generic >"$tmp/generic"
  if ! cmp -s "$tmp/whole" "$tmp/osr" && cmp -s "$tmp/whole" "$tmp/tier2" && ! cmp -s "$tmp/whole" "$tmp/generic"; then
    ok; else bad "--emit=$be ignores --osr or --passes"; fi
done

# a shift by a constant is the machine's immediate form (MIR: no count
# register masked with 63 at run time); x is the typed entry's argument a0
printf 'func f(x) {\n    LoadLocal x\n    PushConst 3\n    Shr\n    ReturnValue\n}\n\nfunc main() {\n    PushConst 12345\n    Call f 1\n    Print\n    Return\n}\n' >"$tmp/shr.sasm"
if "$shapec" run "$tmp/probe.sasm" --jit=eager --backend=mir >/dev/null 2>&1; then
  "$shapec" --emit=mir --passes=eager --func f "$tmp/shr.sasm" >"$tmp/out" 2>&1
  if grep -Eq $'^\trsh\tv[0-9]+, (v[0-9]+|a0), 3$' "$tmp/out" && ! grep -q ', 63$' "$tmp/out"; then ok; else
    bad "--emit=mir: Shr by 3 is not an immediate shift"; cat "$tmp/out"; fi
fi

# bad combinations
expect_err() { # MESSAGE ARGS...
  local msg=$1
  shift
  "$shapec" "$@" >"$tmp/out" 2>"$tmp/err"; local st=$?
  if [ $st = 2 ] && grep -qF -- "$msg" "$tmp/err" && [ ! -s "$tmp/out" ]; then ok; else
    bad "$* (status $st):"; cat "$tmp/err"; fi
}
expect_err "--jit does not apply to --emit=asm" --emit=asm --jit=off "$prog"
expect_err "--backend does not apply to --emit=mir" --emit=mir --backend=llvm "$prog"
expect_err "--backend does not apply to --emit=ssa" --emit=ssa --backend=mir "$prog"
expect_err "--osr=3: no loop of main starts at that pc" --emit=asm --osr=3 "$prog"
expect_err "--osr=3: no loop of main starts at that pc" --emit=ssa --osr=3 "$prog"
expect_err "--osr=99999: no loop of main starts at that pc" --emit=mir --osr=99999 "$prog"

# --emit=ssa --feedback-from-run --osr=PC: the guards a tiered run's OSR
# compilation of that loop keeps (programs whose one OSR compilation
# happens after all of the function ran: the code after an inner loop
# that has not run yet is compiled as a deopt, pass unreached)
if "$shapec" run "$tmp/probe.sasm" --jit=eager >/dev/null 2>&1; then
  for b in 07_sum_loop 08_collatz; do
    p=$tmp/$b.sasm
    lpc=$(osr_pc "$p")
    "$shapec" run "$p" --jit-threads=0 --osr-threshold=100 --stats 2>"$tmp/stats" >/dev/null
    kept=$(sed -n 's/.* 1 OSR compilations, .* \([0-9]*\) guards emitted, \([0-9]*\) removed.*/\1 \2/p' "$tmp/stats" |
      awk '{print $1 - $2}')
    seen=$("$shapec" --emit=ssa "$p" --feedback-from-run --osr="$lpc" | grep -c 'guard\[')
    if [ -n "$kept" ] && [ "$kept" = "$seen" ]; then ok; else
      bad "$b: the tiered run's OSR code at pc $lpc keeps ${kept:-?} guards, --emit=ssa --feedback-from-run shows $seen"
      cat "$tmp/stats"; fi
  done
fi
echo "$pass passed, $fail failed"
[ $fail = 0 ]
