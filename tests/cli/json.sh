#!/usr/bin/env bash
# Machine-readable output (docs/json.md): --stats=json is one JSON object on
# stderr, --trace-deopt=json and --trace-tiering=json one object a line,
# each with the documented fields; deopt traces give the operands seen
# against the feedback speculated and mark deopts --deopt-stress forced;
# --stats totals deopts per site; --dump-feedback FILE never touches stdout.
# The program's output is the interpreter's throughout.
# Output ends with `N passed, N failed`.
set -u
. "$(dirname "$0")/find-shapec.sh"
command -v python3 >/dev/null || { echo "no python3"; exit 77; }
prog=$root/tests/programs/type_flip.sasm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
"$shapec" run "$prog" --jit=off >"$tmp/want" || { echo "the interpreter cannot run $prog"; exit 1; }
if ! "$shapec" run "$prog" --jit=eager >/dev/null 2>&1; then echo "no backend built: skipped"; exit 77; fi
tiered="--jit=tiered --jit-threads=0 --tier-threshold=2 --osr-threshold=10"
# check NAME PYTHON-CHECK ARGS...: runs, compares stdout, hands stderr to the check
check() {
  local name=$1 py=$2
  shift 2
  "$shapec" run "$prog" "$@" >"$tmp/out" 2>"$tmp/err"
  local st=$?
  if [ $st != 0 ] || ! cmp -s "$tmp/want" "$tmp/out"; then
    fail=$((fail + 1)); echo "FAIL: $name: status $st or stdout differs from the interpreter's"; return
  fi
  if python3 -c "$py" "$tmp/err" 2>"$tmp/py"; then pass=$((pass + 1)); else
    fail=$((fail + 1)); echo "FAIL: $name ($*):"; sed 's/^/  /' "$tmp/py"; head -5 "$tmp/err" | sed 's/^/  | /'; fi
}
lib='
import json, sys
lines = open(sys.argv[1]).read().splitlines()
objs = [json.loads(l) for l in lines if l.startswith("{")]
def need(o, fields):
    for f, t in fields.items():
        assert f in o, "no field %r in %r" % (f, o)
        assert isinstance(o[f], t), "field %r of %r is not %r" % (f, o, t)
'
stats_py=$lib'
assert len(objs) == 1, "want one JSON object, got %d" % len(objs)
s = objs[0]
need(s, {"type": str, "jit": str, "backend": str, "run_ms": (int, float), "samples": dict,
         "functions_compiled": int, "compile_ms": dict, "compilations": int, "failed": int,
         "osr_compilations": int, "osr_entries": int, "requests": int, "stale": int, "unfinished": int,
         "deopts": int, "invalidations": int, "global_invalidations": int, "guards": dict,
         "inlined_calls": int, "code": dict, "function_ms": dict, "deopt_sites": list})
assert s["type"] == "stats"
for d in s["deopt_sites"]:
    need(d, {"func": str, "pc": int, "line": int, "op": str, "reason": str, "count": int, "forced": int})
    assert 0 <= d["forced"] <= d["count"]
assert s["deopts"] == sum(d["count"] for d in s["deopt_sites"]), "deopts is not the sum over the sites"
'
check "--stats=json" "$stats_py"'
assert s["deopts"] > 0 and s["jit"] == "tiered"
r = {(d["func"], d["pc"], d["reason"]) for d in s["deopt_sites"]}
assert ("lt", 2, "tag") in r and ("lt", 2, "overflow") in r, r
assert all(d["forced"] == 0 for d in s["deopt_sites"])
' $tiered --stats=json
check "--stats=json with --deopt-stress" "$stats_py"'
assert sum(d["forced"] for d in s["deopt_sites"]) > 0, "no deopt counted as forced"
' $tiered --stats=json --deopt-stress=0.5:1
check "--stats=json --jit=off" '
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
assert objs == [{"type": "stats", "jit": None}], objs
' --jit=off --stats=json
check "--stats (text) per site" '
import sys
t = open(sys.argv[1]).read()
assert "jit: deopts at lt pc 2 (Lt, line 10): " in t, t
' $tiered --stats
deopt_py=$lib'
assert objs and len(objs) == len(lines), "every line is one JSON object"
for o in objs:
    need(o, {"type": str, "func": str, "compiled": str, "pc": int, "line": int, "op": str, "reason": str,
             "seen": list, "speculated": list, "stress": bool})
    assert o["type"] == "deopt"
'
check "--trace-deopt=json" "$deopt_py"'
tags = [o for o in objs if o["reason"] == "tag"]
assert tags and tags[0]["seen"] == ["float", "int"] and tags[0]["speculated"] == ["int,int"], tags[:1]
assert any(o["compiled"] == "main" and o["func"] == "lt" for o in objs), "no deopt of inlined code"
assert not any(o["stress"] for o in objs)
' $tiered --trace-deopt=json
check "--trace-deopt=json with --deopt-stress" "$deopt_py"'
forced = [o for o in objs if o["stress"]]
assert forced, "no deopt marked as forced by --deopt-stress"
' $tiered --trace-deopt=json --deopt-stress=1.0:1
check "--trace-deopt (text)" '
import sys
t = open(sys.argv[1]).read()
assert "[deopt] lt: tag at pc 2 (Lt, line 10) inlined in main: seen float, int; speculated int,int\n" in t, t[:300]
' $tiered --trace-deopt
tier_py=$lib'
assert objs and len(objs) == len(lines), "every line is one JSON object"
events = {"requested", "installed", "compiled", "failed", "osr_requested", "osr_ready", "osr_entry",
          "osr_failed", "osr_dropped", "discarded", "invalidated"}
for o in objs:
    need(o, {"type": str, "event": str, "func": str, "calls": int, "msg": str})
    assert o["type"] == "tier" and o["event"] in events, o
    assert ("loop_pc" in o) == o["event"].startswith("osr_") or o["event"] == "discarded", o
'
check "--trace-tiering=json" "$tier_py"'
ev = [o["event"] for o in objs]
assert "installed" in ev and "osr_entry" in ev and "invalidated" in ev, ev
' $tiered --trace-tiering=json
check "--trace-tiering=json --jit=eager" "$tier_py"'
assert {o["func"] for o in objs if o["event"] == "compiled"} == {"lt", "main"}, objs
' --jit=eager --trace-tiering=json
# --dump-feedback: a FILE only, stdout untouched
"$shapec" run "$prog" --dump-feedback "$tmp/fb" >"$tmp/out" 2>"$tmp/err"
if [ $? = 0 ] && cmp -s "$tmp/want" "$tmp/out" && grep -q '^func lt: calls' "$tmp/fb"; then pass=$((pass + 1)); else
  fail=$((fail + 1)); echo "FAIL: --dump-feedback FILE"; fi
"$shapec" run "$prog" --dump-feedback - >"$tmp/out" 2>"$tmp/err"
if [ $? = 2 ] && [ ! -s "$tmp/out" ] && grep -q 'would mix' "$tmp/err"; then pass=$((pass + 1)); else
  fail=$((fail + 1)); echo "FAIL: --dump-feedback - is not refused"; fi
echo "$pass passed, $fail failed"
[ $fail = 0 ]
