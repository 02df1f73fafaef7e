#!/usr/bin/env python3
"""Random valid, terminating Shape programs (.sasm), deterministic by seed.

  gen.py --seed S [--hot] [--out FILE.sasm] [--expect FILE.stdout]

Programs are built from a small static type discipline, so that every
operation is used type-correctly by construction: each local, parameter,
global, field and array element has one generator type (int with a magnitude
bound, float, num = int-or-float, str, bool, any, arrays by element type,
objects by class, maps, functions by signature). Typed ops (AddInt,
LtNumber, ...) are only used where the operand types are known; int bounds
decide where an int op may overflow to float (then the result is num and only
generic ops see it). Every loop has a counted bound and recursion depth is
masked, and an estimate of the dynamic instruction count keeps programs
short.

On top of that, "warm-up" templates build sites whose operand types change
after N iterations (int then float or string at one Add, shapes at one
GetProp, elements kinds at one GetIndex, functions at one CallValue, keys at
one MapSet, values of one map with dense int keys (its array part), int
overflow at one Mul), so speculative tiers must deopt; the
divmix template feeds a small inlined callee's Div/Mod/DivInt/ModInt mixed
int/float pairs, then int pairs and late divisors (0, -1 under INT64_MIN) in
a loop nest entered by OSR (see Emitter.divmix). A few
programs (about 1 in 15) contain a deliberate runtime error, often deep in a
call chain after warm-up. Programs print many intermediate values.

The expected behaviour comes from refvm.py, the reference interpreter: a
candidate that refvm finds to run too long, or to fail where no error was
planted, is regenerated from the next sub-seed.  --hot scales the warm-up
and trip counts up (for JIT tiers), at the price of slower model runs.
"""
import argparse, math, os, random, sys

sys.dont_write_bytecode = True

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import refvm  # noqa: E402

I64_MAX = 2**63 - 1
FULL = 2**63   # int bound meaning "any int64", INT64_MIN included
VB = 2**31     # bound of int variables, parameters, fields, elements, results
STRB = 2**24   # bound assumed for StrLen / ArrayLen results

INTS = [0, 1, 2, 3, 5, 7, 10, 42, 100, 255, 1000, 65535, -1, -2, -7, -100, 2**31 - 1, -2**31, 3037000499,
        3037000500, 2**53, 2**62, I64_MAX, -I64_MAX, -2**63, 123456789, -987654321]
FLOATS = [0.0, -0.0, 0.5, 1.0, 1.5, -2.25, 0.1, 0.2, 3.0, 100.0, 1e16, 1.0e-5, 1.5e300, -1.5e300, 2.5e-300,
          3.14159, 9007199254740993.0, 123456.789, 1e22, -7.75]
STRS = ["", "a", "b", "xy", "hello", "hello world", "tab\there", 'say "hi"', "back\\slash", "line\nbreak",
        "h\u00e9llo", "semi;colon", "{x: 1}", "[1, 2]", "null", "0"]
FIELDS = ["x", "y", "z", "w", "name", "val", "next", "k", "count"]
SCALARS = ["int", "float", "num", "str", "bool"]


def lit_text(v):
    if v is None: return "null"
    if v is True: return "true"
    if v is False: return "false"
    if isinstance(v, int): return str(v)
    if isinstance(v, float):
        r = repr(v)
        if "e" in r:
            m, e = r.split("e")
            if "." not in m: m += ".0"
            r = m + "e" + e
        return r
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def mask_below(b):
    """Largest 2^k - 1 <= b (b >= 1)."""
    return (1 << (b.bit_length() - 1)) - 1 if b < FULL else I64_MAX


class Func:
    def __init__(self, name, params, ret, kind="normal"):
        self.name, self.params, self.ret, self.kind = name, params, ret, kind
        self.cost = 1
        self.text = []


class Emitter:
    """One function being generated: code lines, locals, loop context, cost."""

    def __init__(self, g, fn, cap):
        self.g, self.fn, self.r = g, fn, g.r
        self.lines = []
        self.locals = [(p, t, None) for p, t in fn.params]  # (name, type, declared kind)
        self.inits = []      # locals that need an initial value at entry
        self.counters = {}   # loop counter local -> bound
        self.nlab = 0
        self.mult = 1        # how many times the current point runs per call (estimate)
        self.cost = 0
        self.cap = cap       # max multiplicity of loops in this function
        self.loops = []      # (continue label, break label) of enclosing loops
        self.depth = 0
        self.noglobals = self.nocalls = False
        self.names = None    # local names for operands by index (default: self.locals)

    # ---- code
    def emit(self, s, n=1):
        self.lines.append("    " + s)
        self.cost += self.mult * n

    def label(self, name=None):
        self.nlab += 1
        return "%s%d" % (name or "L", self.nlab)

    def place(self, lab):
        self.lines.append(lab + ":")

    def comment(self, s):
        self.lines.append("    ; " + s)

    def const(self, v):
        self.emit("PushConst " + lit_text(v))

    # ---- variables
    def vars_of(self, ty):
        return [n for n, t, _ in self.locals if t == ty]

    def new_local(self, ty, init=True, prefix=None):
        """A new local of generator type ty; "ctr" is an int that only its
        loop writes (counters and trip limits are never assigned elsewhere)."""
        name = "%s%d" % (prefix or {"int": "n", "float": "f", "num": "v", "str": "s", "bool": "b"}.get(
            ty, ty.split(":")[0][0] if ty != "any" else "q"), len(self.locals))
        decl = None
        if ty == "ctr" and self.r.random() < 0.6: decl = "int"
        elif ty in ("int", "float", "bool") and self.r.random() < 0.5: decl = ty
        elif self.r.random() < 0.15: decl = "any"
        self.locals.append((name, ty, decl))
        if init: self.inits.append(name)
        return name

    def ref(self, name):
        """A local operand, by name or (sometimes) by index."""
        if self.r.random() < 0.1:
            return str(self.names.index(name) if self.names else [n for n, _, _ in self.locals].index(name))
        return name

    def load(self, name):
        self.emit("LoadLocal " + self.ref(name))

    def store(self, name):
        self.emit("StoreLocal " + self.ref(name))

    def gvars(self, t):
        g = self.g
        if self.noglobals or not g.globals_ready: return []
        return [n for n, gt in g.globals if gt == t]

    def pick_var(self, ty, create=0.2):
        vs = self.vars_of(ty)
        if vs and self.r.random() > create: return self.r.choice(vs)
        if len(self.locals) > 24 and vs: return self.r.choice(vs)
        return self.new_local(ty)

    # ---- expressions; each pushes one value of the requested type
    def e_int(self, B=VB, d=0):
        r = self.r
        x = r.random()
        if d >= 3 or x < 0.25: return self.int_leaf(B)
        if x < 0.36 and B >= 4:
            op = r.choice(["AddInt", "SubInt", "Add", "Sub"])
            self.e_int(B // 2, d + 1); self.e_int(B // 2, d + 1)
            return self.emit(op)
        if x < 0.44 and B >= 4:
            h = math.isqrt(B)
            if r.random() < 0.2:
                self.e_int(h, d + 1); self.emit("Dup"); return self.emit("MulInt")
            self.e_int(h, d + 1); self.e_int(h, d + 1)
            return self.emit(r.choice(["MulInt", "Mul"]))
        if x < 0.50:  # swapped operands
            self.e_int(B // 2 or 1, d + 1); self.e_int(B // 2 or 1, d + 1)
            self.emit("Swap")
            return self.emit(r.choice(["SubInt", "Sub"]) if B >= 2 else "BitAnd")
        if x < 0.56:
            self.e_int(min(B, I64_MAX), d + 1); self.nonzero_int(d + 1)
            return self.emit(r.choice(["DivInt", "ModInt", "Mod"]) if B < FULL else r.choice(["ModInt", "Mod"]))
        if x < 0.60 and B >= 2:
            c = r.randint(2, min(B, 1000) if B < FULL else 1000)
            self.e_int(FULL, d + 1); self.const(c)
            return self.emit(r.choice(["ModInt", "Mod"]))
        if x < 0.64:
            self.e_int(min(B, I64_MAX), d + 1)
            return self.emit(r.choice(["NegInt", "Neg"]))
        if x < 0.67 and B >= 2:
            self.e_int(B - 1, d + 1)
            return self.emit("BitNot")
        if x < 0.73:
            m = mask_below(B) if B < FULL else I64_MAX
            if r.random() < 0.5 and m >= 1:
                self.e_int(FULL, d + 1); self.const(r.randint(0, m))
                return self.emit("BitAnd")
            self.e_int(m, d + 1); self.e_int(m, d + 1)
            return self.emit(r.choice(["BitAnd", "BitOr", "BitXor"]))
        if x < 0.76:
            if B == FULL:
                self.e_int(FULL, d + 1); self.e_int(FULL, d + 1)
                return self.emit(r.choice(["Shl", "Shr"]))
            k = min(63, 63 - min(62, max(0, B.bit_length() - 1)) + r.randint(0, 3))
            self.e_int(FULL, d + 1); self.const(k)
            return self.emit("Shr")
        if x < 0.79 and B >= STRB:
            if r.random() < 0.5:
                self.e_str(d + 1); return self.emit("StrLen")
            self.e_arr(r.choice(["arr:int", "arr:float", "arr:num", "arr:any"]), d + 1)
            return self.emit("ArrayLen")
        if x < 0.82:
            self.e_int(min(B, 2**53), d + 1); self.emit("IntToNumber")
            if r.random() < 0.5:
                self.const(r.choice([0.5, 1.0, 0.75, -0.5])); self.emit("MulNumber")
            return self.emit("NumberToInt")
        if x < 0.86:
            b = r.choice(["abs", "floor", "min", "max"])
            if b in ("abs", "floor"):
                self.e_int(min(B, I64_MAX), d + 1)
                return self.emit("CallBuiltin %s 1" % b)
            self.e_int(B, d + 1); self.e_int(B, d + 1)
            return self.emit("CallBuiltin %s 2" % b)
        if x < 0.90:
            return self.ternary(lambda: self.e_int(B, d + 1), d)
        if x < 0.95 and self.call_expr("int", d): return self.fit(B)
        if x < 0.98 and self.read_field_or_elem("int", d): return self.fit(B)
        return self.int_leaf(B)

    def fit(self, B):
        """The value on the stack is an int bounded by VB; make it fit B."""
        if B < VB:
            self.const(max(1, min(B, 1000)) if B > 1 else 1)
            self.emit("ModInt")

    def nonzero_int(self, d):
        self.e_int(FULL, d)
        self.const(self.r.choice([1, 3, 129]))
        self.emit("BitOr")

    def int_leaf(self, B):
        r = self.r
        vs = self.vars_of("int") + list(self.counters) + list(self.fn.rec_bound)
        gs = self.gvars("int")
        x = r.random()
        if vs and x < 0.55:
            v = r.choice(vs)
            self.load(v)
            bound = self.counters.get(v, self.fn.rec_bound.get(v, VB))
            if bound > B: self.fit(B)
            return
        if gs and x < 0.65:
            self.emit("LoadGlobal " + self.g.gref(r.choice(gs)))
            return self.fit(B)
        c = [v for v in INTS if abs(v) <= B and (B == FULL or v != -2**63)]
        if r.random() < 0.3: self.const(r.randint(-min(B, 50), min(B, 50)))
        else: self.const(r.choice(c))

    def e_float(self, d=0):
        r = self.r
        x = r.random()
        if d >= 3 or x < 0.3:
            vs = self.vars_of("float")
            if vs and r.random() < 0.6: return self.load(r.choice(vs))
            return self.const(r.choice(FLOATS))
        if x < 0.5:
            self.e_float(d + 1); self.e_float(d + 1)
            return self.emit(r.choice(["AddNumber", "SubNumber", "MulNumber", "DivNumber", "ModNumber", "Add",
                                       "Sub", "Mul", "Div", "Mod"]))
        if x < 0.58:
            a, b = [self.e_float, lambda dd: self.e_num(dd)]
            if r.random() < 0.5: a(d + 1); b(d + 1)
            else: b(d + 1); a(d + 1)
            return self.emit(r.choice(["Add", "Sub", "Mul", "Div"]))
        if x < 0.66:
            self.e_int(FULL, d + 1); return self.emit("IntToNumber")
        if x < 0.70:
            self.e_float(d + 1); return self.emit(r.choice(["NegNumber", "Neg"]))
        if x < 0.78:
            b = r.choice(["sqrt", "floor", "abs", "min", "max"])
            if b == "sqrt":
                self.e_num(d + 1); return self.emit("CallBuiltin sqrt 1")
            if b in ("floor", "abs"):
                self.e_float(d + 1); return self.emit("CallBuiltin %s 1" % b)
            self.e_float(d + 1); self.e_float(d + 1); return self.emit("CallBuiltin %s 2" % b)
        if x < 0.84: return self.ternary(lambda: self.e_float(d + 1), d)
        if x < 0.92 and self.call_expr("float", d): return
        if self.read_field_or_elem("float", d): return
        self.const(r.choice(FLOATS))

    def e_num(self, d=0):
        r = self.r
        x = r.random()
        if x < 0.2: return self.e_int(FULL, d)
        if x < 0.35: return self.e_float(d)
        if d >= 3 or x < 0.55:
            vs = self.vars_of("num")
            if vs: return self.load(r.choice(vs))
            return self.e_int(VB, d) if r.random() < 0.5 else self.e_float(d)
        if x < 0.66:
            self.e_num(d + 1); self.e_num(d + 1)
            return self.emit(r.choice(["Add", "Sub", "Mul"]))
        if x < 0.72:  # typed int ops that may overflow to float
            if r.random() < 0.2:
                self.e_int(FULL, d + 1); return self.emit(r.choice(["NegInt", "Neg", "CallBuiltin abs 1"]))
            self.e_int(FULL, d + 1); self.e_int(FULL, d + 1)
            return self.emit(r.choice(["AddInt", "SubInt", "MulInt", "Mul"]))
        if x < 0.8:
            self.e_num(d + 1)
            if r.random() < 0.5: self.e_float(d + 1)
            else: self.nonzero_int(d + 1)
            return self.emit(r.choice(["Div", "Mod"]))
        if x < 0.84:
            self.e_num(d + 1); return self.emit("Neg")
        if x < 0.88:
            b = r.choice(["floor", "abs", "min", "max"])
            if b in ("floor", "abs"):
                self.e_num(d + 1); return self.emit("CallBuiltin %s 1" % b)
            self.e_num(d + 1); self.e_num(d + 1); return self.emit("CallBuiltin %s 2" % b)
        if x < 0.91: return self.ternary(lambda: self.e_num(d + 1), d)
        if x < 0.96 and self.call_expr("num", d): return
        if self.read_field_or_elem("num", d): return
        self.e_int(FULL, d)

    def e_str(self, d=0, var_ok=True):
        """At most one variable-like source per string expression, so that
        strings grow at most linearly with the number of steps."""
        r = self.r
        x = r.random()
        if not var_ok or d >= 2 or x < 0.35:
            if var_ok and r.random() < 0.5:
                vs = self.vars_of("str")
                if vs: return self.load(r.choice(vs))
                gs = self.gvars("str")
                if gs: return self.emit("LoadGlobal " + self.g.gref(r.choice(gs)))
            return self.const(r.choice(STRS))
        if x < 0.75:
            if r.random() < 0.5:
                self.e_str(d + 1, var_ok); self.e_str(d + 1, False)
            else:
                self.e_str(d + 1, False); self.e_str(d + 1, var_ok)
            return self.emit("Add")
        if x < 0.82: return self.ternary(lambda: self.e_str(d + 1, var_ok), d)
        if x < 0.9 and self.call_expr("str", d): return
        if self.read_field_or_elem("str", d): return
        self.const(r.choice(STRS))

    def e_bool(self, d=0):
        r = self.r
        x = r.random()
        if d >= 3 or x < 0.15:
            vs = self.vars_of("bool")
            if vs and r.random() < 0.6: return self.load(r.choice(vs))
            return self.const(r.choice([True, False]))
        cmp = ["Lt", "Le", "Gt", "Ge", "Eq", "Ne"]
        if x < 0.35:
            self.e_int(FULL, d + 1); self.e_int(FULL, d + 1)
            return self.emit(r.choice(cmp) + r.choice(["Int", ""]))
        if x < 0.45:
            self.e_float(d + 1); self.e_float(d + 1)
            return self.emit(r.choice(cmp) + r.choice(["Number", ""]))
        if x < 0.55:
            self.e_num(d + 1); self.e_num(d + 1)
            return self.emit(r.choice(cmp))
        if x < 0.62:
            self.e_str(d + 1); self.e_str(d + 1)
            return self.emit(r.choice(cmp))
        if x < 0.72:
            self.e_any(d + 1); self.e_any(d + 1)
            return self.emit(r.choice(["Eq", "Ne"]))
        if x < 0.8:
            self.e_any(d + 1); return self.emit("Not")
        if x < 0.86:
            self.e_map(d + 1); self.e_key(d + 1); return self.emit("MapHas")
        if x < 0.92: return self.ternary(lambda: self.e_bool(d + 1), d)
        if self.call_expr("bool", d): return
        self.const(r.choice([True, False]))

    def e_key(self, d=0):
        x = self.r.random()
        if x < 0.55: return self.e_int(VB, d)
        if x < 0.9: return self.e_str(d, var_ok=False)
        return self.e_bool(d)

    def e_any(self, d=0):
        r = self.r
        x = r.random()
        if x < 0.08: return self.emit("PushNull")
        if x < 0.2:
            vs = self.vars_of("any")
            if vs: return self.load(r.choice(vs))
        if x < 0.25 and d < 3:
            self.e_map(d + 1); self.e_key(d + 1); return self.emit("MapGet")
        if x < 0.3 and d < 3 and self.read_field_or_elem("any", d): return
        if x < 0.34 and d < 3 and self.call_expr("any", d): return
        t = r.choice(SCALARS * 3 + ["arr:int", "arr:float", "arr:num", "arr:any", "map", "obj", "fn"])
        self.e_type(t, d + 1)

    def e_type(self, t, d=0):
        if t == "int": return self.e_int(VB, d)
        if t == "float": return self.e_float(d)
        if t == "num": return self.e_num(d)
        if t == "str": return self.e_str(d)
        if t == "bool": return self.e_bool(d)
        if t == "any": return self.e_any(d)
        if t == "map": return self.e_map(d)
        if t.startswith("arr:"): return self.e_arr(t, d)
        if t == "obj": return self.e_obj(self.r.choice(sorted(self.g.classes)), d)
        if t.startswith("obj:"): return self.e_obj(t[4:], d)
        if t == "fn":
            if not self.g.sigs_avail(): return self.emit("PushNull")
            return self.e_fn(self.r.choice(self.g.sigs_avail()), d)
        if t.startswith("fn:"): return self.e_fn(t[3:], d)
        raise ValueError(t)

    def e_arr(self, t, d=0):
        """An array with at least one element (arrays never shrink, so
        `i % len` is always a valid index)."""
        r = self.r
        vs = self.vars_of(t)
        x = r.random()
        if vs and (x < 0.5 or d >= 3): return self.load(r.choice(vs))
        gs = self.gvars(t)
        if gs and x < 0.6: return self.emit("LoadGlobal " + self.g.gref(r.choice(gs)))
        el = t[4:]
        # bools are any: such an array starts in the runtime's BOOL elements
        # kind, which the other values stored or pushed into it later leave
        if el == "any" and r.random() < 0.5: el = "bool"
        if x < 0.8 or d >= 3:
            n = r.randint(1, 4)
            for _ in range(n): self.e_elem(el, d + 1)
            return self.emit("NewArray %d" % n)
        self.e_int(7, d + 1); self.emit("CallBuiltin abs 1"); self.const(1); self.emit("AddInt")
        self.e_elem(el, d + 1)
        self.emit("ArrayNew")

    def e_elem(self, el, d):
        if el == "int": return self.e_int(VB, d)
        if el == "float": return self.e_float(d)
        if el == "num": return self.e_num(d)
        if el == "bool": return self.e_bool(d)
        return self.e_any(d)

    def e_map(self, d=0):
        vs = self.vars_of("map")
        gs = self.gvars("map")
        x = self.r.random()
        if vs and x < 0.7: return self.load(self.r.choice(vs))
        if gs and x < 0.85: return self.emit("LoadGlobal " + self.g.gref(self.r.choice(gs)))
        self.emit("NewMap")
        if d < 3 and self.r.random() < 0.5:
            self.emit("Dup"); self.e_key(d + 1); self.e_any(d + 1); self.emit("MapSet")

    def e_obj(self, cls, d=0):
        """An object of class cls, or of a subclass (more fields): built with
        the fields in a random order, sometimes with extra fields, so one site
        sees several shapes."""
        r = self.r
        ok = [c for c in self.g.classes if self.g.is_sub(c, cls)]
        vs = [n for c in ok for n in self.vars_of("obj:" + c)]
        if vs and (r.random() < 0.5 or d >= 3): return self.load(r.choice(vs))
        c = r.choice(ok)
        fields = list(self.g.classes[c])
        r.shuffle(fields)
        self.emit("NewObject")
        extra = r.random() < 0.3
        for i, (f, ft) in enumerate(fields):
            if extra and i == len(fields) // 2:
                self.emit("Dup"); self.e_int(VB, 3); self.emit("SetProp extra%d" % r.randint(0, 2))
            self.emit("Dup")
            self.e_type(ft, min(d + 1, 3))
            self.emit("SetProp " + f)

    def e_fn(self, sig, d=0):
        vs = self.vars_of("fn:" + sig)
        if vs and self.r.random() < 0.5: return self.load(self.r.choice(vs))
        fs = self.g.by_sig(sig)
        self.emit("PushFunc " + self.r.choice(fs).name)

    def ternary(self, sub, d):
        """cond ? a : b, with a value on the stack across the merge."""
        els, end = self.label(), self.label()
        self.e_bool(d + 1)
        self.emit("JumpIfFalse " + els)
        sub()
        self.emit("Jump " + end)
        self.place(els)
        sub()
        self.place(end)

    def call_expr(self, ret, d):
        """Calls a function (directly or through a function value) returning
        type ret; False if none is affordable here."""
        g = self.g
        if self.nocalls: return False
        cands = [f for f in g.funcs if g.ret_ok(f.ret, ret) and f.cost * self.mult <= self.budget_left()]
        if not cands: return False
        f = self.r.choice(cands)
        via_value = self.r.random() < 0.25
        if via_value: self.emit("PushFunc " + f.name)
        for p, t in f.params:
            if p in f.rec_bound:
                self.e_int(FULL, d + 1); self.const(f.rec_bound[p]); self.emit("BitAnd")
            else:
                self.e_type(t, d + 1)
        self.cost += f.cost * self.mult
        if via_value: self.emit("CallValue %d" % len(f.params))
        else: self.emit("Call %s %d" % (f.name, len(f.params)))
        return True

    def budget_left(self):
        return self.g.fbudget - self.cost

    def read_field_or_elem(self, ty, d):
        r = self.r
        opts = []
        for c, fields in self.g.classes.items():
            for f, ft in fields:
                if ft == ty: opts.append(("obj", c, f))
        if ty in ("int", "float", "num", "any"): opts.append(("arr", "arr:" + ty, None))
        if ty == "num": opts += [("arr", "arr:int", None), ("arr", "arr:float", None)]
        if ty == "any": opts += [("arr", "arr:" + t, None) for t in ("int", "float", "num")]
        if not opts: return False
        k, t, f = r.choice(opts)
        if k == "obj":
            self.e_obj(t, d + 1)
            if r.random() < 0.3:  # a value cached across the load
                self.emit("Dup"); self.emit("GetProp " + f); self.emit("Swap"); self.emit("Pop")
            else:
                self.emit("GetProp " + f)
            return True
        self.e_arr(t, d + 1)
        self.emit("Dup"); self.emit("ArrayLen")
        # index = (e & 0xffff) % len, computed without locals
        self.e_int(FULL, d + 1); self.const(65535); self.emit("BitAnd"); self.emit("Swap"); self.emit("ModInt")
        self.emit("GetIndex")
        return True

    # ---- statements
    def block(self, n):
        for _ in range(n):
            self.stmt()

    def stmt(self):
        r = self.r
        g = self.g
        x = r.random()
        deep = self.depth >= 3
        if g.want_error and not g.error_placed and r.random() < g.error_rate(self):
            return self.error_stmt()
        if x < 0.22: return self.s_assign()
        if x < 0.38: return self.s_print()
        if x < 0.47 and not deep: return self.s_if()
        if x < 0.58 and not deep: return self.s_loop()
        if x < 0.64: return self.s_array()
        if x < 0.69: return self.s_object()
        if x < 0.73: return self.s_map()
        if x < 0.78: return self.s_call()
        if x < 0.80 and self.loops: return self.s_break_continue()
        if x < 0.81 and self.fn.name != "main" and self.depth > 0: return self.s_return()
        if x < 0.88 and not deep and self.mult * 8 <= self.cap: return self.template()
        if x < 0.9: return self.s_global()
        if x < 0.91: return self.s_null_local()
        if x < 0.92: return self.s_stack_games()
        return self.s_assign()

    def s_assign(self):
        t = self.r.choice(["int", "int", "float", "num", "num", "str", "bool", "any", "arr:int", "arr:float",
                           "arr:num", "arr:any", "map", "obj"] + (["fn"] if self.g.sigs_avail() else []))
        if t == "obj": t = "obj:" + self.r.choice(sorted(self.g.classes))
        if t == "fn": t = "fn:" + self.r.choice(self.g.sigs_avail())
        v = self.pick_var(t)
        self.e_type(t)
        self.store(v)

    def s_print(self):
        r = self.r
        if self.mult > 30:
            # hot code prints scalars only, so that output stays small
            t = r.choice(["int", "float", "num", "bool"])
            self.e_type(t)
        elif r.random() < 0.5:
            vs = [n for n, t, _ in self.locals if n not in self.counters]
            if vs:
                self.load(r.choice(vs))
            else:
                self.e_any()
        else:
            self.e_any()
        self.emit("Print")

    def cond_jump_false(self, lab):
        """Evaluates a condition and jumps to lab when it is false."""
        r = self.r
        x = r.random()
        if x < 0.6:
            self.e_bool(); self.emit("JumpIfFalse " + lab)
        elif x < 0.8:
            self.e_any(1); self.emit("JumpIfFalse " + lab)
        else:
            self.e_any(1); self.emit("Not"); self.emit("JumpIfTrue " + lab)

    def s_if(self):
        r = self.r
        els, end = self.label(), self.label()
        self.cond_jump_false(els)
        self.depth += 1
        self.block(r.randint(1, 3))
        if r.random() < 0.6:
            self.emit("Jump " + end)
            self.place(els)
            self.block(r.randint(1, 2))
            self.place(end)
        else:
            self.place(els)
        self.depth -= 1

    def trip_count(self):
        r = self.r
        room = max(1, self.cap // self.mult)
        hi = min(room, self.g.tripmax)
        return r.randint(1, max(1, hi))

    def s_loop(self, body=None, n=None, dyn_ok=True):
        """A counted loop, top- or bottom-tested, with LoopStart/LoopEnd;
        with dyn_ok, the trip count may be computed at run time (at most n)."""
        r = self.r
        n = n or self.trip_count()
        i = self.new_local("ctr", init=False, prefix="i")
        top, cont, done = self.label("top"), self.label("cont"), self.label("done")
        dyn = r.random() < 0.3 and n >= 2 and dyn_ok
        self.const(0); self.store(i)
        bottom = r.random() < 0.4
        if dyn:  # a trip count computed at run time, bounded by n
            lim = self.new_local("ctr", init=False, prefix="lim")
            self.e_int(FULL); self.const(mask_below(n)); self.emit("BitAnd"); self.store(lim)
            limit = lambda: self.load(lim)  # noqa: E731
        else:
            limit = lambda: self.const(n)  # noqa: E731
        self.counters[i] = n
        if bottom:
            self.emit("Jump " + top) if r.random() < 0.2 else None
            self.place(top)
            self.emit("LoopStart")
        else:
            self.place(top)
            self.emit("LoopStart")
            self.load(i); limit(); self.emit(r.choice(["LtInt", "Lt"])); self.emit("JumpIfFalse " + done)
        self.loops.append((cont, done))
        saved = self.mult
        self.mult *= n
        self.depth += 1
        if body: body(i)
        else: self.block(r.randint(1, 4))
        self.depth -= 1
        self.place(cont)
        self.load(i); self.const(1); self.emit(r.choice(["AddInt", "Add"])); self.store(i)
        self.emit("LoopEnd")
        if bottom:
            self.load(i); limit(); self.emit(r.choice(["LtInt", "Lt", "GeInt"]))
            # GeInt: jump out when done, else back
            if self.lines[-1].strip() == "GeInt":
                self.emit("JumpIfTrue " + done); self.emit("Jump " + top)
            else:
                self.emit("JumpIfTrue " + top)
        else:
            self.emit("Jump " + top)
        self.mult = saved
        self.loops.pop()
        self.place(done)
        del self.counters[i]
        return i

    def s_break_continue(self):
        cont, done = self.loops[-1]
        skip = self.label()
        self.cond_jump_false(skip)
        self.emit("Jump " + (done if self.r.random() < 0.5 else cont))
        self.place(skip)

    def s_return(self):
        skip = self.label()
        self.cond_jump_false(skip)
        self.ret_value()
        self.place(skip)

    def ret_value(self):
        t = self.fn.ret
        if t is None: return self.emit("Return")
        self.e_type(t)
        self.emit("ReturnValue")

    def s_array(self):
        r = self.r
        t = r.choice(["arr:int", "arr:float", "arr:num", "arr:any", "arr:any"])
        a = self.pick_var(t, 0.1)
        el = t[4:]
        x = r.random()
        if x < 0.45:
            self.load(a)
            if el == "any" and r.random() < 0.15: self.load(a)  # a cycle: prints [...]
            else: self.e_elem(el, 1)
            self.emit("ArrayPush")
        elif x < 0.8:
            self.load(a)
            self.e_int(FULL, 2); self.const(255); self.emit("BitAnd")
            self.load(a); self.emit("ArrayLen"); self.emit("ModInt")
            self.e_elem(el, 1)
            self.emit("SetIndex")
        else:
            self.load(a); self.emit("ArrayLen")
            self.emit("Print")
        if self.mult <= 30 and r.random() < 0.3:
            self.load(a); self.emit("Print")

    def s_object(self):
        r = self.r
        c = r.choice(sorted(self.g.classes))
        o = self.pick_var("obj:" + c, 0.1)
        fields = self.g.classes[c]
        f, ft = r.choice(fields)
        x = r.random()
        if x < 0.5:
            self.load(o); self.e_type(ft, 1); self.emit("SetProp " + f)
        elif x < 0.65:
            # a field outside the class: the shape grows (never read back by GetProp)
            self.load(o); self.e_any(2); self.emit("SetProp extra%d" % r.randint(0, 3))
        else:
            self.load(o); self.emit("GetProp " + f)
            if ft in ("int", "float", "num", "bool") or self.mult <= 30: self.emit("Print")
            else: self.emit("Pop")
        if self.mult <= 30 and r.random() < 0.3:
            self.load(o); self.emit("Print")

    def s_map(self):
        r = self.r
        m = self.pick_var("map", 0.2)
        x = r.random()
        if x < 0.5:
            self.load(m); self.e_key(1); self.e_any(2); self.emit("MapSet")
        elif x < 0.8:
            self.load(m); self.e_key(1); self.emit("MapGet")
            if self.mult <= 30: self.emit("Print")
            else: self.emit("Pop")
        else:
            self.load(m); self.e_key(1); self.emit("MapHas"); self.emit("Print")
        if r.random() < 0.2:
            self.load(m); self.emit("Print")

    def s_call(self):
        r = self.r
        t = r.choice(["int", "float", "num", "str", "bool", "any"])
        if self.call_expr(t, 0) or self.call_expr("any", 0):
            if r.random() < 0.5 and (self.mult <= 30 or t in ("int", "float", "num", "bool")):
                self.emit("Print")
            else:
                self.emit("Pop")

    def s_global(self):
        g = self.g
        if not g.globals: return self.s_assign()
        name, t = self.r.choice(g.globals)
        if t == "int":
            self.emit("LoadGlobal " + g.gref(name)); self.e_int(VB, 1); self.emit("AddInt")
            self.const(1000003); self.emit("ModInt")
        else:
            self.e_type(t, 1)
        self.emit("StoreGlobal " + g.gref(name))
        if self.mult <= 30 and self.r.random() < 0.3:
            self.emit("LoadGlobal " + g.gref(name)); self.emit("Print")

    def s_null_local(self):
        """A local read before it is written holds null."""
        kind = self.r.choice(["int", "float", "bool", "any", None])
        name = "u%d" % len(self.locals)
        self.locals.append((name, "null", kind))
        self.load(name)
        self.emit("Print")

    def s_stack_games(self):
        r = self.r
        x = r.random()
        if x < 0.3:
            self.e_any(1); self.emit("Dup"); self.emit("Pop"); self.emit("Print")
        elif x < 0.6:
            self.e_int(VB, 1); self.e_str(1); self.emit("Swap"); self.emit("Print")
            if self.mult <= 30: self.emit("Print")
            else: self.emit("Pop")
        else:
            self.emit("Nop"); self.e_num(1); self.emit("Pop")

    # ---- warm-up templates: one site, operand types change after W iterations
    def template(self):
        r = self.r
        g = self.g
        n = self.trip_count()
        n = max(n, min(self.cap // self.mult, g.warm * 2))
        W = r.randint(1, max(1, min(n - 1, g.warm))) if n > 1 else 1
        kind = r.choice(["arith", "concat", "shape", "elems", "callvalue", "keys", "dense", "truthy", "overflow",
                         "global", "cmp", "divmix", "divmix"])
        if kind == "divmix": return self.divmix(n, W)
        self.comment("warm-up template %s: %d iterations, change after %d" % (kind, n, W))
        acc = self.new_local("num" if kind in ("arith", "overflow") else "any", prefix="acc")
        v = self.new_local("any", prefix="w")
        if kind == "arith":
            self.const(r.choice([0, 1, 0.5]))
        elif kind == "overflow":
            self.const(r.choice([1, 3, 2**40]))
        else:
            self.emit("PushNull")
        self.store(acc)
        if kind == "dense":  # one map, keys dense ints (its array part, runtime/map.c)
            dm = self.new_local("map", prefix="dm")
            self.emit("NewMap"); self.store(dm)
            form, probe = r.choice(["up", "up", "even", "down", "offset"]), r.choice(["get", "get", "has"])
        sub = r.choice(g.funcs) if g.funcs else None

        def dense_key(i):
            self.load(i)
            if form == "even": self.const(2); self.emit("MulInt")
            elif form == "down": self.const(n - 1); self.emit("Swap"); self.emit("SubInt")
            elif form == "offset": self.const(3); self.emit("AddInt")

        def switch(i, first, second, third=None):
            """v = i < W ? first() : (third and i >= W2 ? third() : second())."""
            a, b, end = self.label(), self.label(), self.label()
            self.load(i); self.const(W); self.emit("LtInt"); self.emit("JumpIfFalse " + a)
            first(); self.emit("Jump " + end)
            self.place(a)
            if third:
                self.load(i); self.const(W + (n - W) // 2); self.emit("LtInt"); self.emit("JumpIfFalse " + b)
                second(); self.emit("Jump " + end)
                self.place(b); third()
            else:
                second()
            self.place(end)
            self.store(v)

        def body(i):
            if kind == "arith":
                switch(i, lambda: self.e_int(2**20, 2), lambda: self.e_float(2),
                       (lambda: self.e_int(FULL, 2)) if r.random() < 0.5 else None)
                self.load(acc); self.load(v)
                op = r.choice(["Add", "Sub", "Mul", "Div", "Mod"])
                if op in ("Div", "Mod"):  # divisor v*v+1: never an int zero
                    self.emit("Dup"); self.emit("Mul"); self.const(1); self.emit("Add")
                self.emit(op)
                self.store(acc)
            elif kind == "overflow":
                self.load(acc); self.const(r.choice([3, 7, 31, 1000])); self.emit("Mul")
                self.load(i); self.emit("Add"); self.store(acc)
            elif kind == "concat":
                switch(i, lambda: self.e_int(2**20, 2), lambda: self.const(r.choice(STRS)))
                self.load(v); self.load(v); self.emit("Add"); self.store(acc)
            elif kind == "cmp":
                switch(i, lambda: self.e_int(2**20, 2), lambda: self.e_float(2),
                       (lambda: self.const(r.choice(STRS[1:]))) if r.random() < 0.3 else None)
                if r.random() < 0.5:
                    self.load(v); self.load(v); self.emit(r.choice(["Eq", "Ne", "Le"]))
                else:
                    self.load(v); self.e_num(2); self.emit(r.choice(["Eq", "Ne"]))
                self.store(acc)
            elif kind == "shape":
                c = r.choice(sorted(g.classes))
                switch(i, lambda: self.e_obj(c, 3), lambda: self.e_obj(c, 1))
                f, _ = r.choice(g.classes[c])
                self.load(v); self.emit("GetProp " + f); self.store(acc)
                if r.random() < 0.5:
                    self.load(v); self.e_type(dict(g.classes[c])[f], 2); self.emit("SetProp " + f)
            elif kind == "elems":
                arr = self.new_local("arr:any", prefix="ka")
                self.lines_init_array(arr)
                switch(i, lambda: self.e_int(VB, 2), lambda: self.e_float(2), lambda: self.e_any(2))
                self.load(arr); self.load(v); self.emit("ArrayPush")
                self.load(arr); self.load(i); self.load(arr); self.emit("ArrayLen"); self.emit("ModInt")
                self.emit("GetIndex"); self.store(acc)
                self.load(arr); self.const(0); self.load(v); self.emit("SetIndex")
            elif kind == "callvalue":
                sigs = g.sigs_avail()
                if sigs:
                    s = r.choice(sigs)
                    fs = g.by_sig(s)
                    switch(i, lambda: self.emit("PushFunc " + r.choice(fs).name),
                           lambda: self.emit("PushFunc " + r.choice(fs).name))
                    self.load(v)
                    for t in g.sig_params(s): self.e_type(t, 2)
                    self.cost += max(f.cost for f in fs) * self.mult
                    self.emit("CallValue %d" % len(g.sig_params(s)))
                else:
                    self.e_int(VB, 2)
                self.store(acc)
            elif kind == "keys":
                m = self.new_local("map", prefix="km")
                self.emit("NewMap"); self.store(m)
                switch(i, lambda: self.e_int(100, 2), lambda: self.e_str(2, False), lambda: self.e_bool(2))
                self.load(m); self.load(v); self.load(i); self.emit("MapSet")
                self.load(m); self.load(v); self.emit("MapGet"); self.store(acc)
            elif kind == "dense":
                switch(i, lambda: self.e_int(VB, 2), lambda: self.e_float(2), lambda: self.e_any(2))
                self.load(dm); dense_key(i); self.load(v); self.emit("MapSet")
                self.load(dm)
                if probe == "get": dense_key(i); self.emit("MapGet")
                else: self.load(i); self.const(1); self.emit("AddInt"); self.emit("MapHas")
                self.store(acc)
            elif kind == "truthy":
                switch(i, lambda: self.e_int(3, 2), lambda: self.e_any(2))
                skip = self.label()
                self.load(v); self.emit("JumpIfFalse " + skip)
                self.load(i); self.store(acc)
                self.place(skip)
            elif kind == "global":
                name = g.template_global()
                switch(i, lambda: self.e_int(VB, 2), lambda: self.e_float(2), lambda: self.e_str(2, False))
                self.load(v); self.emit("StoreGlobal " + g.gref(name))
                self.emit("LoadGlobal " + g.gref(name)); self.store(acc)
            if sub is not None and r.random() < 0.3 and self.call_expr("any", 2):
                self.emit("Pop")
            if g.want_error and not g.error_placed and r.random() < 0.3:
                skip = self.label()
                self.load(i); self.const(W); self.emit("NeInt"); self.emit("JumpIfTrue " + skip)
                self.error_stmt()
                self.place(skip)
            if n * self.mult <= 400 or r.random() < 0.2:
                self.load(acc); self.emit("Print")

        self.s_loop(body, n)
        self.load(acc); self.emit("Print")
        if kind == "dense":
            self.load(dm); self.emit("Print")

    def divmix(self, n, W):
        """A hot loop calls a small function (inlined by a speculative tier)
        computing generic arithmetic, Div and Mod, or DivInt and ModInt on a
        pair drawn from two tables, and walks the results in an inner loop (an
        OSR entry of its own). Warm-up pairs are ints and floats mixed, each
        operand alone int or float (or, for the int ops, nonzero ints); from
        iteration W on, pairs are int op int and float op float (or the late
        divisors: -1 under INT64_MIN, and 0 where a runtime error is wanted):
        a site specialized on mixed pairs must not compute int op int as a
        float, and a division must keep its zero check (issue 14)."""
        r, g = self.r, self.g
        K = r.randint(2, 4)
        ints = r.random() < 0.35
        err = g.want_error and not g.error_placed and r.random() < 0.5
        if err: g.error_placed = True
        nan, inf = float("nan"), float("inf")
        fl = [0.0, -0.0, nan, inf, -inf, 0.5, -1.5, 1e16, 2.5e-300, 9007199254740993.0, 7.0]
        iv = [0, 1, -1, 2, 3, 7, -7, 65537, 2**31 - 1, 2**53 + 1, I64_MAX, -2**63]
        nz = [v for v in iv if v != 0]
        if ints:  # x, y: K warm-up ints (y nonzero), then K late ones: INT64_MIN over -1, maybe over 0
            xs = [r.choice(iv) for _ in range(2 * K)]
            ys = [r.choice(nz) for _ in range(2 * K)]
            late = r.sample(range(K, 2 * K), 2)
            xs[late[0]], ys[late[0]] = -2**63, -1
            if err: ys[late[1]] = 0
            xw, xl, yw, yl = (0, K, 0), (0, K, K), (0, K, 0), (0, K, K)
            ops = r.sample(["DivInt", "ModInt", "Div", "Mod", "Mul"], r.randint(1, 3))
        else:  # x, y: K floats then K ints; warm-up pairs float with int, late ones same with same
            xs = [r.choice(fl) for _ in range(K)] + [r.choice(iv) for _ in range(K)]
            ys = [r.choice(fl) for _ in range(K)] + [r.choice(iv if err else nz) for _ in range(K)]
            if err and 0 not in ys[K:]: ys[K + r.randrange(K)] = 0
            xw, xl, yw, yl = (0, 2 * K, 0), (0, 2 * K, 0), (K, 2 * K, 0), (0, 2 * K, 0)
            ops = r.sample(["Add", "Sub", "Mul", "Div", "Mod"], r.randint(1, 3))
        if not any(o in ("Div", "Mod", "DivInt", "ModInt") for o in ops): ops.append(r.choice(["Div", "Mod"]))
        fn = "dm%d" % len(g.helpers)
        text = ["func %s(x, y) {" % fn]
        for o in ops: text += ["    LoadLocal x", "    LoadLocal y", "    " + o]
        text += ["    NewArray %d" % len(ops), "    ReturnValue", "}"]
        f = Func(fn, [("x", "any"), ("y", "any")], "any")
        f.text = text
        g.helpers.append(f)
        self.comment("warm-up template divmix: %d iterations, change after %d" % (n, W))
        tabs = []
        for vals in (xs, ys):
            t = self.new_local("tab", init=False, prefix="tab")
            for v in vals:
                if v != v: self.const(0.0); self.const(0.0); self.emit("DivNumber")
                elif v in (inf, -inf): self.const(1.0 if v > 0 else -1.0); self.const(0.0); self.emit("DivNumber")
                else: self.const(v)
            self.emit("NewArray %d" % len(vals)); self.store(t)
            tabs.append(t)
        acc = self.new_local("num", prefix="acc")
        res = self.new_local("any", prefix="w")
        self.const(0); self.store(acc)

        def index(i, warm, late):
            """(i + off) % mod + base, from `warm` before iteration W, `late` after."""
            a, end = self.label(), self.label()
            for k, (off, mod, base) in enumerate((warm, late)):
                if k: self.place(a)
                else: self.load(i); self.const(W); self.emit("LtInt"); self.emit("JumpIfFalse " + a)
                self.load(i)
                if off: self.const(off); self.emit("AddInt")
                self.const(mod); self.emit("ModInt")
                if base: self.const(base); self.emit("AddInt")
                if not k: self.emit("Jump " + end)
            self.place(end)

        def inner(j):
            skip = self.label()
            self.load(res); self.load(j); self.emit("GetIndex"); self.emit("Dup"); self.emit("Ne")
            self.emit("JumpIfFalse " + skip)
            self.load(acc); self.const(1); self.emit("Add"); self.store(acc)
            self.place(skip)

        def body(i):
            self.load(tabs[0]); index(i, xw, xl); self.emit("GetIndex")
            self.load(tabs[1]); index(i, yw, yl); self.emit("GetIndex")
            self.emit("Call %s 2" % fn, 3 * len(ops) + 3)
            self.store(res)
            self.s_loop(inner, len(ops))
            quiet = self.label()
            self.load(i); self.const(W); self.emit("LtInt"); self.emit("JumpIfTrue " + quiet)
            self.load(i); self.const(W + 2 * K); self.emit("GeInt"); self.emit("JumpIfTrue " + quiet)
            self.load(res); self.emit("Print")
            self.place(quiet)

        self.s_loop(body, max(n, W + 2 * K), dyn_ok=False)
        self.load(acc); self.emit("Print")

    def lines_init_array(self, arr):
        """A fresh int or float array (never an alias of a typed array)."""
        el = self.r.choice([self.e_int, self.e_float])
        k = self.r.randint(1, 3)
        for _ in range(k): el(d=3)
        self.emit("NewArray %d" % k)
        self.store(arr)

    # ---- deliberate runtime errors
    def error_stmt(self):
        r = self.r
        self.g.error_placed = True
        self.comment("a deliberate runtime error")
        kind = r.choice(["prop", "addint", "index", "div", "callvalue", "kind", "nan", "cmp", "key", "arity",
                         "arith", "setprop", "deep"])
        if kind == "prop":
            self.e_obj(r.choice(sorted(self.g.classes)), 2); self.emit("GetProp nosuchfield")
        elif kind == "addint":
            self.e_int(VB, 2); self.e_float(2); self.emit(r.choice(["AddInt", "LtInt", "MulInt"]))
        elif kind == "index":
            self.e_arr("arr:any", 2); self.const(r.choice([-1, 1000000])); self.emit("GetIndex")
        elif kind == "div":
            self.e_int(VB, 2); self.const(0); self.emit(r.choice(["DivInt", "ModInt", "Div", "Mod"]))
        elif kind == "callvalue":
            self.e_type(r.choice(["int", "str", "arr:int", "map"]), 2); self.emit("CallValue 0")
        elif kind == "kind":
            self.new_local("int", init=False)
            name, _, _ = self.locals[-1]
            self.locals[-1] = (name, "null", "int")
            self.e_float(2); self.store(name); self.emit("PushNull")
        elif kind == "nan":
            self.const(0.0); self.const(0.0); self.emit("DivNumber"); self.emit("NumberToInt")
        elif kind == "cmp":
            self.e_str(2, False); self.e_int(VB, 2); self.emit(r.choice(["Lt", "Ge"]))
        elif kind == "key":
            self.e_map(2); self.e_float(2); self.emit("MapGet")
        elif kind == "arity":
            f = self.g.funcs[0] if self.g.funcs else None
            if f is None:
                self.const(1); self.emit("ArrayLen")
            else:
                self.emit("PushFunc " + f.name)
                for _ in range(len(f.params) + 1): self.e_int(VB, 2)
                self.emit("CallValue %d" % (len(f.params) + 1))
        elif kind == "arith":
            self.e_str(2, False); self.e_num(2); self.emit(r.choice(["Add", "Sub", "Mul"]))
        elif kind == "setprop":
            self.e_arr("arr:int", 2); self.e_int(VB, 2); self.emit("SetProp x")
            self.emit("PushNull")
        else:  # unbounded recursion: stack overflow, a trace with elided frames
            self.g.need_forever = True
            self.e_int(VB, 2); self.emit("Call forever 1")
        self.emit("Pop")

    # ---- whole function
    def finish(self):
        fn = self.fn
        head = "func %s(%s) {" % (fn.name, ", ".join(p for p, _ in fn.params))
        decls = []
        for name, t, k in self.locals[len(fn.params):]:
            decls.append("    local %s%s" % (name, ": " + k if k else ""))
        init = Emitter(self.g, fn, self.cap)
        init.names = [n for n, _, _ in self.locals]
        if fn.name == "main":  # main's locals are set before the globals are
            init.noglobals = init.nocalls = True
        init.locals = [l for l in self.locals[:len(fn.params)]]
        init.nlab = 10000
        init.cost = 0
        for name in self.inits:
            t = [t for n, t, _ in self.locals if n == name][0]
            init.e_type(t, 2)
            init.store(name)
            init.locals.append([l for l in self.locals if l[0] == name][0])
        fn.cost = max(1, self.cost + init.cost)
        return [head] + decls + init.lines + self.lines + ["}"]


class Gen:
    def __init__(self, seed, hot=False, error=None):
        self.r = random.Random(seed)
        r = self.r
        self.hot = hot
        self.warm = r.choice([3, 10, 40, 100]) if not hot else r.choice([200, 1000, 3000])
        self.tripmax = 12 if not hot else 200
        self.fbudget = 4000 if not hot else 400000
        self.want_error = r.random() < 1 / 15 if error is None else error
        self.error_placed = False
        self.need_forever = False
        self.funcs = []
        self.helpers = []  # functions of templates, called only there
        self.globals = []
        self.globals_ready = False
        self.tglobals = []
        # classes: a base and subclasses with more fields
        self.classes = {}
        self.parent = {}
        for k in range(r.randint(1, 3)):
            if k and r.random() < 0.6:
                base = r.choice(sorted(self.classes))
                used = {f for f, _ in self.classes[base]}
                more = [f for f in FIELDS if f not in used]
                fields = self.classes[base] + [(f, r.choice(SCALARS + ["any"])) for f in r.sample(more, r.randint(1, 2))]
                self.parent["C%d" % k] = base
            else:
                fields = [(f, r.choice(SCALARS + ["any", "arr:int"])) for f in r.sample(FIELDS, r.randint(1, 4))]
            self.classes["C%d" % k] = fields

    def error_rate(self, em):
        return 0.08 if em.depth > 0 else 0.03

    def is_sub(self, c, base):
        while c is not None:
            if c == base: return True
            c = self.parent.get(c)
        return False

    def gref(self, name):
        if self.r.random() < 0.1: return str([n for n, _ in self.globals].index(name))
        return name

    def template_global(self):
        name = "tg%d" % len(self.globals)
        self.globals.append((name, "any"))
        return name

    @staticmethod
    def ret_ok(have, want):
        if have is None: return want == "any"
        if have == want or want == "any": return True
        return want == "num" and have in ("int", "float")

    def sig_of(self, f):
        if f.kind != "normal" or f.ret is None: return None
        if any(t.startswith("fn:") for _, t in f.params): return None
        return ",".join(t for _, t in f.params) + "->" + f.ret

    def sigs_avail(self):
        return sorted({self.sig_of(f) for f in self.funcs if self.sig_of(f)})

    def by_sig(self, s):
        return [f for f in self.funcs if self.sig_of(f) == s]

    @staticmethod
    def sig_params(s):
        p = s.split("->")[0]
        return p.split(",") if p else []

    def param_type(self):
        r = self.r
        t = r.choice(["int", "int", "float", "num", "num", "str", "bool", "any", "arr:int", "arr:num", "arr:any",
                      "obj", "map"] + (["fn"] if self.sigs_avail() else []))
        if t == "obj": t = "obj:" + r.choice(sorted(self.classes))
        if t == "fn": t = "fn:" + r.choice(self.sigs_avail())
        return t

    def function(self, k):
        r = self.r
        kind = r.choice(["normal", "normal", "normal", "rec", "tree"])
        params = [("p%d" % j, self.param_type()) for j in range(r.randint(0, 3))]
        ret = r.choice(["int", "float", "num", "num", "str", "bool", "any", None])
        if kind != "normal":
            params = [("n", "rint")] + params[:2]
            ret = r.choice(["int", "num", "num", "str", "any"])
        fn = Func("f%d" % k, params, ret, kind)
        fn.rec_bound = {}
        if kind == "rec": fn.rec_bound["n"] = r.choice([7, 15, 31]) if not self.hot else r.choice([255, 1023])
        if kind == "tree": fn.rec_bound["n"] = 7 if not self.hot else 15
        em = Emitter(self, fn, 60 if not self.hot else 3000)
        if kind == "normal":
            em.block(r.randint(2, 6))
            em.ret_value()
        else:
            base = em.label("base")
            em.load("n"); em.const(0); em.emit(r.choice(["LeInt", "Le"])); em.emit("JumpIfFalse " + base)
            em.e_type(ret, 1); em.emit("ReturnValue")
            em.place(base)
            em.block(r.randint(0, 2))
            calls = 1 if kind == "rec" else 2
            for c in range(calls):
                em.load("n"); em.const(c + 1); em.emit(r.choice(["SubInt", "Sub"]))
                for p, t in params[1:]: em.e_type(t, 1)
                em.emit("Call %s %d" % (fn.name, len(params)))
            if calls == 2:
                if ret in ("int",):
                    em.emit("AddInt"); em.const(1000003); em.emit("ModInt")
                elif ret == "num":
                    em.emit("Add")
                elif ret == "str":
                    em.emit("Pop")  # keep one, strings stay linear in size
                else:
                    em.emit("NewArray 2")
            elif ret == "int":
                em.e_int(VB, 2); em.emit("AddInt"); em.const(1000003); em.emit("ModInt")
            elif ret == "num":
                em.e_num(2); em.emit(r.choice(["Add", "Mul", "Sub"]))
            elif ret == "str":
                em.const(r.choice(STRS)); em.emit("Add")
            else:
                em.e_any(2); em.emit("NewArray 2")
            em.emit("ReturnValue")
        fn.text = em.finish()
        if kind == "rec": fn.cost *= fn.rec_bound["n"] + 1
        if kind == "tree": fn.cost *= 2 ** (fn.rec_bound["n"] + 1)
        return fn

    def program(self):
        r = self.r
        for k in range(r.randint(0, 3)):
            t = r.choice(["int", "num", "str", "arr:any", "arr:int", "map", "obj"])
            if t == "obj": t = "obj:" + r.choice(sorted(self.classes))
            self.globals.append(("g%d" % k, t))
        self.globals_ready = True
        for k in range(r.randint(1, 5)):
            self.funcs.append(self.function(k))
        main = Func("main", [], None)
        main.rec_bound = {}
        em = Emitter(self, main, 2000 if not self.hot else 200000)
        self.fbudget = 60000 if not self.hot else 3000000
        em.noglobals = em.nocalls = True  # globals are set first, from constants
        for name, t in self.globals:
            if name.startswith("tg"): continue
            em.e_type(t, 2)
            em.emit("StoreGlobal " + self.gref(name))
        em.noglobals = em.nocalls = False
        em.block(r.randint(5, 14))
        if self.want_error and not self.error_placed:
            em.error_stmt()
        if r.random() < 0.05:
            em.emit("Halt")
            em.const("not printed"); em.emit("Print")
        for name, _ in self.globals:
            if not name.startswith("tg") or r.random() < 0.5:
                em.emit("LoadGlobal " + self.gref(name)); em.emit("Print")
        em.emit("Return")
        main.text = em.finish()
        out = ["; generated by tests/gen/gen.py"]
        for name, _ in self.globals:
            out.append("global " + name)
        if self.need_forever:
            out += ["func forever(n) {", "    LoadLocal n", "    PushConst 1", "    Add", "    Call forever 1",
                    "    ReturnValue", "}"]
        fs = self.funcs + self.helpers + [main]
        order = list(range(len(fs)))
        r.shuffle(order)  # functions may be used before their definition
        for k in order:
            out += fs[k].text
        return "\n".join(out) + "\n"


def generate(seed, hot=False, budget=None, tries=30):
    """(source, (stdout, stderr, status) from the reference interpreter) of
    the first acceptable program from seed: one that terminates within the
    budget and fails only where an error was planted."""
    budget = budget or (400000 if not hot else 20000000)
    last = None
    for k in range(tries):
        g = Gen(seed * 1000003 + k, hot)
        src = g.program()
        try:
            res = refvm.run(src, "prog.sasm", budget, clock=lambda: 1.0)
        except refvm.Budget:
            continue
        last = (src, res[:3])
        if (res[2] != 0) == g.want_error:
            return last
    if last: return last
    raise SystemExit("gen.py: no acceptable program from seed %d" % seed)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--hot", action="store_true", help="long warm-ups and loops (for JIT tiers)")
    ap.add_argument("--out", help="write the program here (default stdout)")
    ap.add_argument("--expect", help="write the reference stdout here")
    a = ap.parse_args()
    src, res = generate(a.seed, a.hot)
    if a.out:
        with open(a.out, "w") as f: f.write(src)
    else:
        sys.stdout.write(src)
    if a.expect:
        with open(a.expect, "wb") as f: f.write(res[0])


if __name__ == "__main__":
    main()
