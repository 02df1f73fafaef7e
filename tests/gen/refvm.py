#!/usr/bin/env python3
"""A reference interpreter for Shape .sasm programs, written from the spec
(shared/spec/bytecode.md and the brief's semantics decisions) and not from
the C code: the independent oracle of the differential tests.

  refvm.py FILE.sasm [--budget STEPS]   prints what `shapec run` should print

It parses valid programs only (generated ones and tests/programs); anything
it cannot parse raises ParseError. run() returns (stdout bytes, stderr bytes,
exit status); a program that runs more than `budget` instructions raises
Budget. Runtime error messages are the runtime's texts where they are known;
the differential driver compares the trace lines exactly and the message
only loosely (see difftest.py).
"""
import math, struct, sys

I64_MIN, I64_MAX = -2**63, 2**63 - 1
MAX_FRAMES = 100000


class ParseError(Exception):
    pass


class Budget(Exception):
    pass


class RtError(Exception):
    pass


class Halt(Exception):
    pass


class Arr:
    __slots__ = ("v",)

    def __init__(self, v): self.v = v


class Obj:
    __slots__ = ("f",)

    def __init__(self): self.f = {}


class Map:
    __slots__ = ("d",)

    def __init__(self): self.d = {}


class Fn:
    __slots__ = ("idx",)

    def __init__(self, idx): self.idx = idx


def tag(v):
    t = type(v)
    if v is None: return "null"
    if t is bool: return "bool"
    if t is int: return "int"
    if t is float: return "float"
    if t is bytes: return "string"
    if t is Arr: return "array"
    if t is Obj: return "object"
    if t is Map: return "map"
    return "function"


def isnum(v): return type(v) is int or type(v) is float


def truthy(v):
    if v is None or v is False: return False
    t = type(v)
    if t is int or t is float: return v != 0
    return True


# ------------------------------------------------------------------ printing
def fmt_float(f):
    if f != f: return "nan"
    if f == math.inf: return "inf"
    if f == -math.inf: return "-inf"
    return repr(f)


def esc(s):
    return b'"' + s.replace(b"\\", b"\\\\").replace(b'"', b'\\"').replace(b"\n", b"\\n").replace(b"\t", b"\\t") + b'"'


def fmt(v, prog, limit=1 << 62):
    """Print's text; iterative, so deep nesting needs no Python recursion.
    A container already on the path being printed prints as [...] / {...}."""
    out, path = [], set()
    work = [("v", v, True)]
    while work:
        if len(out) > limit: raise Budget()
        item = work.pop()
        if item[0] == "s": out.append(item[1]); continue
        if item[0] == "leave": path.discard(item[1]); continue
        v, top = item[1], item[2]
        t = type(v)
        if v is None: out.append(b"null")
        elif t is bool: out.append(b"true" if v else b"false")
        elif t is int: out.append(str(v).encode())
        elif t is float: out.append(fmt_float(v).encode())
        elif t is bytes: out.append(v if top else esc(v))
        elif t is Map: out.append(b"map(%d)" % len(v.d))
        elif t is Fn: out.append(b"<func " + prog.funcs[v.idx].name.encode() + b">")
        else:
            arr = t is Arr
            if id(v) in path:
                out.append(b"[...]" if arr else b"{...}")
                continue
            path.add(id(v))
            out.append(b"[" if arr else b"{")
            work.append(("leave", id(v)))
            work.append(("s", b"]" if arr else b"}"))
            items = list(v.v) if arr else list(v.f.items())
            for k in range(len(items) - 1, -1, -1):
                if arr: work.append(("v", items[k], False))
                else:
                    work.append(("v", items[k][1], False))
                    work.append(("s", items[k][0].encode() + b": "))
                if k: work.append(("s", b", "))
    return b"".join(out)


# ------------------------------------------------------------------ semantics
def eq(a, b):
    ta, tb = tag(a), tag(b)
    if isnum(a) and isnum(b): return a == b
    if ta != tb: return False
    if ta == "null": return True
    if ta in ("bool", "string"): return a == b
    if ta == "function": return a.idx == b.idx
    return a is b


def f2(a, b, op):
    x, y = float(a), float(b)
    if op == "Add": return x + y
    if op == "Sub": return x - y
    if op == "Mul": return x * y
    if op == "Div":
        if y == 0.0:
            if x == 0.0 or x != x: return math.nan
            return math.copysign(math.inf, x) * math.copysign(1.0, y)
        return x / y
    # Mod: C fmod
    if x != x or y != y or y == 0.0 or math.isinf(x): return math.nan
    if math.isinf(y): return x
    return math.fmod(x, y)


def int_arith(op, a, b):
    if op in ("Add", "Sub", "Mul"):
        r = a + b if op == "Add" else a - b if op == "Sub" else a * b
        if I64_MIN <= r <= I64_MAX: return r
        return f2(a, b, op)
    if op == "Div":
        if b == 0: raise RtError("division by zero")
        q = abs(a) // abs(b)
        if (a < 0) != (b < 0): q = -q
        if q * b == a:
            return q if q <= I64_MAX else float(q)
        return float(a) / float(b)
    if b == 0: raise RtError("modulo by zero")
    r = abs(a) % abs(b)
    return -r if a < 0 else r


def binary(op, a, b):
    ta, tb = tag(a), tag(b)
    if op in ("Add", "Sub", "Mul", "Div", "Mod"):
        if op == "Add" and ta == "string" and tb == "string":
            if len(a) + len(b) > 1 << 24: raise Budget()  # strings that double: the model's memory, not an answer
            return a + b
        if not (isnum(a) and isnum(b)): raise RtError("%s cannot combine %s and %s" % (op, ta, tb))
        if ta == "int" and tb == "int": return int_arith(op, a, b)
        return f2(a, b, op)
    base, kind = op, None
    for suf in ("Int", "Number"):
        if op.endswith(suf) and op[:-len(suf)] in ("Add", "Sub", "Mul", "Div", "Mod", "Lt", "Le", "Gt", "Ge", "Eq", "Ne"):
            base, kind = op[:-len(suf)], suf
    if kind == "Int":
        if ta != "int" or tb != "int": raise RtError("%s expects int operands, got %s and %s" % (op, ta, tb))
        if base in ("Add", "Sub", "Mul"): return int_arith(base, a, b)
        if base == "Div":
            if b == 0: raise RtError("division by zero")
            q = abs(a) // abs(b)
            q = -q if (a < 0) != (b < 0) else q
            return float(q) if q > I64_MAX else q
        if base == "Mod":
            if b == 0: raise RtError("modulo by zero")
            return int_arith("Mod", a, b)
        return cmp(base, a, b)
    if kind == "Number":
        if ta != "float" or tb != "float": raise RtError("%s expects float operands, got %s and %s" % (op, ta, tb))
        if base in ("Add", "Sub", "Mul", "Div", "Mod"): return f2(a, b, base)
        return cmp(base, a, b)
    if op in ("BitAnd", "BitOr", "BitXor", "Shl", "Shr"):
        if ta != "int" or tb != "int": raise RtError("%s expects int operands, got %s and %s" % (op, ta, tb))
        if op == "BitAnd": return a & b
        if op == "BitOr": return a | b
        if op == "BitXor": return a ^ b
        if op == "Shl":
            r = (a << (b & 63)) & (2**64 - 1)
            return r - 2**64 if r >= 2**63 else r
        return a >> (b & 63)
    if op in ("Eq", "Ne"):
        r = eq(a, b)
        return r if op == "Eq" else not r
    if op in ("Lt", "Le", "Gt", "Ge"):
        if (isnum(a) and isnum(b)) or (ta == "string" and tb == "string"): return cmp(op, a, b)
        raise RtError("%s cannot compare %s and %s" % (op, ta, tb))
    raise ParseError("not a binary op " + op)


def cmp(op, a, b):
    if op == "Eq": return eq(a, b)
    if op == "Ne": return not eq(a, b)
    if op == "Lt": return a < b
    if op == "Le": return a <= b
    if op == "Gt": return a > b
    return a >= b


def unary(op, a):
    ta = tag(a)
    if op == "Neg":
        if ta == "int": return float(-a) if a == I64_MIN else -a
        if ta == "float": return -a
        raise RtError("Neg expects a number, got %s" % ta)
    if op == "NegInt":
        if ta != "int": raise RtError("NegInt expects an int, got %s" % ta)
        return float(-a) if a == I64_MIN else -a
    if op == "NegNumber":
        if ta != "float": raise RtError("NegNumber expects a float, got %s" % ta)
        return -a
    if op == "BitNot":
        if ta != "int": raise RtError("BitNot expects an int, got %s" % ta)
        return ~a
    if op == "IntToNumber":
        if ta != "int": raise RtError("IntToNumber expects an int, got %s" % ta)
        return float(a)
    if op == "NumberToInt":
        if ta != "float": raise RtError("NumberToInt expects a float, got %s" % ta)
        if a != a or math.isinf(a): raise RtError("NumberToInt of %s is out of range" % fmt_float(a))
        r = int(a)
        if not (I64_MIN <= r <= I64_MAX): raise RtError("NumberToInt of %s is out of range" % fmt_float(a))
        return r
    if op == "Not": return not truthy(a)
    if op == "StrLen":
        if ta != "string": raise RtError("StrLen on %s" % ta)
        return len(a)
    raise ParseError("not a unary op " + op)


def builtin(name, args, clock):
    if name == "clock": return clock()
    if name in ("sqrt", "floor", "abs"):
        a = args[0]
        if not isnum(a): raise RtError("%s expects a number, got %s" % (name, tag(a)))
        if name == "sqrt":
            x = float(a)
            return math.nan if x != x or x < 0 else math.sqrt(x)
        if name == "floor":
            if type(a) is int: return a
            return a if a == 0 or math.isinf(a) or a != a else float(math.floor(a))
        if type(a) is int: return float(-a) if a == I64_MIN else abs(a)
        return abs(a)
    x, y = args
    if not (isnum(x) and isnum(y)): raise RtError("%s expects numbers, got %s and %s" % (name, tag(x), tag(y)))
    if name == "min": return y if y < x else x
    return y if y > x else x


def map_key(op, k):
    t = tag(k)
    if t not in ("int", "string", "bool"): raise RtError("%s key must be int, string or bool, got %s" % (op, t))
    return (t, k)


# ------------------------------------------------------------------ parsing
class Func:
    def __init__(self, name, params, line):
        self.name, self.params, self.line = name, params, line
        self.locals, self.kinds = list(params), ["any"] * len(params)
        self.code, self.labels = [], {}  # code: [op, a, b, line]


class Prog:
    def __init__(self):
        self.funcs, self.fidx, self.globals = [], {}, []


def tokens(s, line):
    out, i, n = [], 0, len(s)
    while i < n:
        c = s[i]
        if c in " \t\r": i += 1; continue
        if c == ";": break
        if c == '"':
            j, buf = i + 1, bytearray()
            while True:
                if j >= n: raise ParseError("line %d: unterminated string" % line)
                if s[j] == '"': break
                if s[j] == "\\":
                    buf += {"n": b"\n", "t": b"\t", "\\": b"\\", '"': b'"'}[s[j + 1]]
                    j += 2
                else:
                    buf += s[j].encode("utf-8", "surrogateescape")
                    j += 1
            out.append(("str", bytes(buf)))
            i = j + 1
            continue
        if c in "(){},:":
            out.append(("p", c)); i += 1; continue
        j = i
        while j < n and s[j] not in " \t\r;\"(){},:": j += 1
        out.append(("w", s[i:j]))
        i = j
    return out


def literal(t):
    k, s = t
    if k == "str": return s
    if s == "true": return True
    if s == "false": return False
    if s == "null": return None
    if "." in s or "e" in s or "E" in s: return float(s)
    v = int(s)
    if not I64_MIN <= v <= I64_MAX: raise ParseError("int out of range")
    return v


def parse(text):
    p, cur = Prog(), None
    fixups = []
    for ln, raw in enumerate(text.split("\n"), 1):
        toks = tokens(raw, ln)
        if not toks: continue
        w = [t[1] for t in toks]
        if cur is None:
            if w[0] == "global":
                p.globals.append(w[1])
            elif w[0] == "func":
                params, k = [], 3
                while w[k] != ")":
                    if w[k] != ",": params.append(w[k])
                    k += 1
                cur = Func(w[1], params, ln)
                p.fidx[w[1]] = len(p.funcs)
                p.funcs.append(cur)
            else:
                raise ParseError("line %d: unexpected %r" % (ln, raw))
            continue
        if w == ["{"]: continue
        if w[0] == "}":
            cur = None
            continue
        if len(w) == 2 and w[1] == ":" and toks[0][0] == "w":
            cur.labels[w[0]] = len(cur.code)
            continue
        if w[0] == "local":
            cur.locals.append(w[1])
            cur.kinds.append(w[3] if len(w) > 3 else "any")
            continue
        op = w[0]
        ins = [op, None, None, ln]
        if op == "PushConst": ins[1] = literal(toks[1])
        elif op in ("LoadLocal", "StoreLocal", "LoadGlobal", "StoreGlobal", "Jump", "JumpIfFalse", "JumpIfTrue",
                    "PushFunc", "GetProp", "SetProp"):
            ins[1] = w[1]
            fixups.append((cur, ins))
        elif op in ("Call", "CallBuiltin"):
            ins[1], ins[2] = w[1], int(w[2])
            if op == "Call": fixups.append((cur, ins))
        elif op in ("CallValue", "NewArray"): ins[1] = int(w[1])
        cur.code.append(ins)
    for f, ins in fixups:
        op, a = ins[0], ins[1]
        if op in ("LoadLocal", "StoreLocal"):
            ins[1] = int(a) if a.isdigit() else f.locals.index(a)
        elif op in ("LoadGlobal", "StoreGlobal"):
            ins[1] = int(a) if a.isdigit() else p.globals.index(a)
        elif op.startswith("Jump"):
            ins[1] = f.labels[a]
        elif op in ("PushFunc", "Call"):
            ins[1] = p.fidx[a]
    if "main" not in p.fidx: raise ParseError("no main")
    return p


# ------------------------------------------------------------------ running
KINDS = {"int": int, "float": float, "bool": bool}
BIN = {"Add", "Sub", "Mul", "Div", "Mod", "AddInt", "SubInt", "MulInt", "DivInt", "ModInt", "AddNumber",
       "SubNumber", "MulNumber", "DivNumber", "ModNumber", "BitAnd", "BitOr", "BitXor", "Shl", "Shr", "Lt", "Le",
       "Gt", "Ge", "Eq", "Ne", "LtInt", "LeInt", "GtInt", "GeInt", "EqInt", "NeInt", "LtNumber", "LeNumber",
       "GtNumber", "GeNumber", "EqNumber", "NeNumber"}
UN = {"Neg", "NegInt", "NegNumber", "BitNot", "IntToNumber", "NumberToInt", "Not", "StrLen"}


def run(text, filename="prog.sasm", budget=10**6, clock=None, max_frames=MAX_FRAMES, out_limit=1 << 22):
    p = parse(text) if isinstance(text, str) else text
    if clock is None:
        import time
        clock = time.monotonic
    out = bytearray()
    glob = [None] * len(p.globals)
    # a frame: [func, pc, locals, stack]
    main = p.funcs[p.fidx["main"]]
    frames = [[main, 0, [None] * len(main.locals), []]]
    steps = 0
    try:
        while True:
            fr = frames[-1]
            f, pc, loc, st = fr
            ins = f.code[pc]
            op = ins[0]
            fr[1] = pc + 1
            steps += 1
            if steps > budget: raise Budget()
            if op in BIN:
                b = st.pop(); a = st.pop()
                st.append(binary(op, a, b))
            elif op in UN:
                st.append(unary(op, st.pop()))
            elif op == "PushConst": st.append(ins[1])
            elif op == "PushNull": st.append(None)
            elif op == "PushFunc": st.append(Fn(ins[1]))
            elif op == "Pop": st.pop()
            elif op == "Dup": st.append(st[-1])
            elif op == "Swap": st[-1], st[-2] = st[-2], st[-1]
            elif op == "LoadLocal": st.append(loc[ins[1]])
            elif op == "StoreLocal":
                v = st.pop()
                k = f.kinds[ins[1]]
                if k != "any" and type(v) is not KINDS[k]:
                    raise RtError("local %s declared %s, got %s" % (f.locals[ins[1]], k, tag(v)))
                loc[ins[1]] = v
            elif op == "LoadGlobal": st.append(glob[ins[1]])
            elif op == "StoreGlobal": glob[ins[1]] = st.pop()
            elif op == "Jump": fr[1] = ins[1]
            elif op == "JumpIfFalse":
                if not truthy(st.pop()): fr[1] = ins[1]
            elif op == "JumpIfTrue":
                if truthy(st.pop()): fr[1] = ins[1]
            elif op in ("LoopStart", "LoopEnd", "Nop"): pass
            elif op in ("Call", "CallValue"):
                if op == "Call":
                    g, argc = p.funcs[ins[1]], ins[2]
                    args = st[len(st) - argc:]
                    del st[len(st) - argc:]
                else:
                    argc = ins[1]
                    args = st[len(st) - argc:]
                    del st[len(st) - argc:]
                    fn = st.pop()
                    if type(fn) is not Fn: raise RtError("cannot call %s" % tag(fn))
                    g = p.funcs[fn.idx]
                    if len(g.params) != argc:
                        raise RtError("function %s expects %d arguments, got %d" % (g.name, len(g.params), argc))
                if len(frames) >= max_frames: raise RtError("stack overflow")
                frames.append([g, 0, args + [None] * (len(g.locals) - argc), []])
            elif op in ("ReturnValue", "Return"):
                v = st.pop() if op == "ReturnValue" else None
                frames.pop()
                if not frames: break
                frames[-1][3].append(v)
            elif op == "NewArray":
                n = ins[1]
                a = Arr(st[len(st) - n:])
                del st[len(st) - n:]
                st.append(a)
            elif op == "ArrayNew":
                fill = st.pop(); n = st.pop()
                if type(n) is not int: raise RtError("ArrayNew length must be int, got %s" % tag(n))
                if n < 0: raise RtError("ArrayNew length %d is negative" % n)
                if n > 1 << 32: raise RtError("ArrayNew length %d is too large" % n)
                # the model cannot say what shapec's heap limit makes of a
                # big one, and a Python list of it can take all the memory
                # (a campaign worker grew to 24 GB and was OOM-killed)
                if n > 1 << 22: raise Budget()
                st.append(Arr([fill] * n))
            elif op in ("GetIndex", "SetIndex"):
                v = st.pop() if op == "SetIndex" else None
                i = st.pop(); a = st.pop()
                if type(a) is not Arr: raise RtError("%s on %s" % (op, tag(a)))
                if type(i) is not int: raise RtError("%s index must be int, got %s" % (op, tag(i)))
                if not 0 <= i < len(a.v):
                    raise RtError("%s index %d out of bounds for length %d" % (op, i, len(a.v)))
                if op == "GetIndex": st.append(a.v[i])
                else: a.v[i] = v
            elif op == "ArrayLen":
                a = st.pop()
                if type(a) is not Arr: raise RtError("ArrayLen on %s" % tag(a))
                st.append(len(a.v))
            elif op == "ArrayPush":
                v = st.pop(); a = st.pop()
                if type(a) is not Arr: raise RtError("ArrayPush on %s" % tag(a))
                a.v.append(v)
            elif op == "NewObject": st.append(Obj())
            elif op == "GetProp":
                o = st.pop()
                if type(o) is not Obj: raise RtError("GetProp on %s" % tag(o))
                if ins[1] not in o.f: raise RtError("GetProp of missing field '%s'" % ins[1])
                st.append(o.f[ins[1]])
            elif op == "SetProp":
                v = st.pop(); o = st.pop()
                if type(o) is not Obj: raise RtError("SetProp on %s" % tag(o))
                o.f[ins[1]] = v
            elif op == "NewMap": st.append(Map())
            elif op == "MapGet":
                k = st.pop(); m = st.pop()
                if type(m) is not Map: raise RtError("MapGet on %s" % tag(m))
                st.append(m.d.get(map_key("MapGet", k)))
            elif op == "MapHas":
                k = st.pop(); m = st.pop()
                if type(m) is not Map: raise RtError("MapHas on %s" % tag(m))
                st.append(map_key("MapHas", k) in m.d)
            elif op == "MapSet":
                v = st.pop(); k = st.pop(); m = st.pop()
                if type(m) is not Map: raise RtError("MapSet on %s" % tag(m))
                m.d[map_key("MapSet", k)] = v
            elif op == "CallBuiltin":
                n = ins[2]
                args = st[len(st) - n:]
                del st[len(st) - n:]
                st.append(builtin(ins[1], args, clock))
            elif op == "Print":
                out += fmt(st.pop(), p, out_limit) + b"\n"
                if len(out) > out_limit: raise Budget()
            elif op == "Halt":
                break
            else:
                raise ParseError("unknown opcode " + op)
    except RtError as e:
        err = bytearray(b"runtime error: " + str(e).encode() + b"\n")
        lines = [b"  at %s (%s:%d)\n" % (fr[0].name.encode(), filename.encode(), fr[0].code[fr[1] - 1][3])
                 for fr in reversed(frames)]
        if len(lines) > 40:
            lines = lines[:20] + [b"  ... %d more frames ...\n" % (len(lines) - 40)] + lines[-20:]
        err += b"".join(lines)
        return bytes(out), bytes(err), 1, steps
    return bytes(out), b"", 0, steps


def main():
    import argparse
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file")
    ap.add_argument("--budget", type=int, default=10**8)
    a = ap.parse_args()
    text = open(a.file, encoding="utf-8", errors="surrogateescape").read()
    try:
        o, e, status, _ = run(text, a.file, a.budget)
    except Budget:
        sys.stderr.write("refvm: step budget exhausted\n")
        return 3
    sys.stdout.buffer.write(o)
    sys.stderr.buffer.write(e)
    return status


if __name__ == "__main__":
    sys.exit(main())
