/* specialize: generic operations become typed ones on unboxed values where
 * the interpreter's feedback (or the bytecode op itself) says which types
 * flow there. Each assumption becomes an explicit guard carrying the
 * operation's frame state, so a wrong guess leaves to the interpreter just
 * before the operation, which then runs it generically.
 *
 * The generic instruction v keeps its id and becomes `box` of the typed
 * result, so its users need no rewriting; the unbox pass then removes the
 * box/unbox pairs and unboxes phis.
 *  - Arithmetic and compares: one tag seen (typed int and float ops and
 *    the bitwise ops, which only take ints, need no feedback), the int or
 *    float op; ints and
 *    floats mixed (a site that saw int+float, or int+int and float+int...),
 *    the float op on the operands converted, when that is what the
 *    interpreter computes: never for int+int arithmetic (an int result), and
 *    for compares only on ints a double holds exactly (a guard).
 *  - Properties: up to SC_FB_MAX receiver shapes become a chain of shape
 *    tests, one slot access (or field addition) per shape; a shape the
 *    interpreter never saw leaves at the last test.
 *  - Generic Add, Sub, Mul that saw int op int and floats as well: a tag
 *    dispatch in the code, the int op (overflow to float) and the float op.
 * Megamorphic sites and ints that overflowed stay generic. */
#include <string.h>

#include "passes/passes.h"
#include "runtime/runtime.h"

/* Index of v in its block's list. */
static uint32_t pos_of(sc_irfunc *f, uint32_t v) {
  const sc_blk *b = &f->blk[f->ins[v].blk];
  for (uint32_t i = 0; i < b->nins; i++)
    if (b->ins[i] == v) return i;
  return b->nins;
}

/* A new instruction just before v, from the same pc. */
static uint32_t before(sc_irfunc *f, uint32_t v, sc_irop op, sc_ty ty, uint32_t nargs) {
  uint32_t blk = f->ins[v].blk;
  uint32_t id = sc_ir_insert(f, blk, pos_of(f, v), op, ty, nargs);
  f->ins[id].pc = f->ins[v].pc;
  return id;
}

static uint32_t guard_tag(sc_irfunc *f, uint32_t at, uint32_t x, sc_tag tag) {
  uint32_t t = before(f, at, IR_istag, SC_TY_BOOL, 1);
  f->ins[t].args[0] = x;
  f->ins[t].aux = (int32_t)tag;
  uint32_t g = before(f, at, IR_guard, SC_TY_VOID, 1);
  f->ins[g].args[0] = t;
  f->ins[g].aux = SC_RS_TAG;
  f->ins[g].fs = f->ins[at].fs;
  return g;
}

/* x (a val known to be tagged `tag` after a guard) as a raw value. */
static uint32_t unboxed(sc_irfunc *f, uint32_t at, uint32_t x, sc_tag tag) {
  const sc_ins *xi = &f->ins[x];
  sc_ty ty = tag == SC_INT ? SC_TY_I64 : tag == SC_FLOAT ? SC_TY_F64 : SC_TY_BOOL;
  if (xi->op == IR_box && f->ins[xi->args[0]].ty == ty) return xi->args[0];
  uint32_t u = before(f, at, IR_unbox, ty, 1);
  f->ins[u].args[0] = x;
  return u;
}

/* Guards and unboxes every val operand of v as `tag`. */
static void operands(sc_irfunc *f, uint32_t v, sc_tag tag, uint32_t *raw) {
  uint32_t n = f->ins[v].nargs;
  for (uint32_t k = 0; k < n; k++) guard_tag(f, v, f->ins[v].args[k], tag);
  for (uint32_t k = 0; k < n; k++) raw[k] = unboxed(f, v, f->ins[v].args[k], tag);
}

/* v becomes `box r`; r (typed) is inserted before it. */
static void become_box(sc_irfunc *f, uint32_t v, uint32_t r) {
  sc_ins *in = &f->ins[v];
  in->op = IR_box;
  in->ty = SC_TY_VAL;
  sc_ir_set_nargs(f, v, 1);
  in->nargs = 1;
  in->args[0] = r;
  in->fs = -1;
  in->aux = 0;
  in->imm = 0;
  in->fb = NULL;
}

/* The typed form of bytecode op `bc` on operands of `tag`: the core op and
 * a condition for compares (or -1). */
typedef struct typed {
  sc_irop op;
  int cond;
} typed;

static bool typed_form(sc_op bc, sc_tag tag, typed *t) {
  bool i = tag == SC_INT;
  t->cond = -1;
  switch (bc) {
  case SC_OP_Add: case SC_OP_AddInt: case SC_OP_AddNumber: t->op = i ? IR_iadd_ovf : IR_fadd; return true;
  case SC_OP_Sub: case SC_OP_SubInt: case SC_OP_SubNumber: t->op = i ? IR_isub_ovf : IR_fsub; return true;
  case SC_OP_Mul: case SC_OP_MulInt: case SC_OP_MulNumber: t->op = i ? IR_imul_ovf : IR_fmul; return true;
  case SC_OP_Div: case SC_OP_DivNumber: /* int / int may give a float: stays generic */
    if (i) return false;
    t->op = IR_fdiv;
    return true;
  case SC_OP_DivInt: t->op = IR_idiv; return i;
  case SC_OP_Mod: case SC_OP_ModInt: case SC_OP_ModNumber: t->op = i ? IR_imod : IR_fmod; return true;
  case SC_OP_Neg: case SC_OP_NegInt: case SC_OP_NegNumber: t->op = i ? IR_ineg_ovf : IR_fneg; return true;
  case SC_OP_BitAnd: t->op = IR_iand; return i;
  case SC_OP_BitOr: t->op = IR_ior; return i;
  case SC_OP_BitXor: t->op = IR_ixor; return i;
  case SC_OP_Shl: t->op = IR_ishl; return i;
  case SC_OP_Shr: t->op = IR_ishr; return i;
  case SC_OP_BitNot: t->op = IR_inot; return i;
  case SC_OP_Lt: case SC_OP_LtInt: case SC_OP_LtNumber: t->cond = SC_CC_LT; break;
  case SC_OP_Le: case SC_OP_LeInt: case SC_OP_LeNumber: t->cond = SC_CC_LE; break;
  /* every float compare but Ne is false for NaN, in the interpreter (C's
   * operators) and the runtime (unordered) alike: ordered conditions */
  case SC_OP_Gt: case SC_OP_GtInt: case SC_OP_GtNumber: t->cond = SC_CC_GT; break;
  case SC_OP_Ge: case SC_OP_GeInt: case SC_OP_GeNumber: t->cond = SC_CC_GE; break;
  case SC_OP_Eq: case SC_OP_EqInt: case SC_OP_EqNumber: /* generic Eq: exact int equality only */
    if (bc == SC_OP_Eq && !i) return false;
    t->cond = SC_CC_EQ;
    break;
  case SC_OP_Ne: case SC_OP_NeInt: case SC_OP_NeNumber:
    if (bc == SC_OP_Ne && !i) return false;
    t->cond = SC_CC_NE;
    break;
  default: return false;
  }
  t->op = i ? IR_icmp : IR_fcmp;
  return true;
}

/* The one tag both operands had at every execution, or -1. */
static int mono_tag(const sc_ins *in, sc_op bc) {
  const sc_irfb *fb = in->fb;
  switch (bc) { /* typed ops need no feedback: anything else is an error */
  case SC_OP_AddInt: case SC_OP_SubInt: case SC_OP_MulInt: case SC_OP_DivInt: case SC_OP_ModInt:
  case SC_OP_NegInt: case SC_OP_LtInt: case SC_OP_LeInt: case SC_OP_GtInt: case SC_OP_GeInt:
  case SC_OP_EqInt: case SC_OP_NeInt:
    return fb && (fb->s.flags & SC_FBF_OVERFLOW) ? -1 : SC_INT;
  case SC_OP_BitAnd: case SC_OP_BitOr: case SC_OP_BitXor: case SC_OP_Shl: case SC_OP_Shr:
  case SC_OP_BitNot: /* int only, never overflow: no feedback slot needed */
    return SC_INT;
  case SC_OP_AddNumber: case SC_OP_SubNumber: case SC_OP_MulNumber: case SC_OP_DivNumber:
  case SC_OP_ModNumber: case SC_OP_NegNumber: case SC_OP_LtNumber: case SC_OP_LeNumber:
  case SC_OP_GtNumber: case SC_OP_GeNumber: case SC_OP_EqNumber: case SC_OP_NeNumber:
    return SC_FLOAT;
  default: break;
  }
  if (!fb || fb->s.state != SC_FB_MONO) return -1;
  uint64_t e = fb->s.e[0];
  sc_tag a, b;
  if (in->nargs == 1) a = b = (sc_tag)e;
  else a = SC_FB_PAIR_A(e), b = SC_FB_PAIR_B(e);
  if (a != b || (a != SC_INT && a != SC_FLOAT)) return -1;
  if (a == SC_INT && (fb->s.flags & SC_FBF_OVERFLOW)) return -1;
  return a;
}

static bool arith(sc_irfunc *f, uint32_t v) {
  sc_ins *in = &f->ins[v];
  int bc = sc_irop_bcop(in->op);
  if (bc < 0 || in->nargs < 1 || in->nargs > 2 || in->fs < 0) return false;
  int tag = mono_tag(in, (sc_op)bc);
  typed t;
  if (tag < 0 || !typed_form((sc_op)bc, (sc_tag)tag, &t)) return false;
  uint32_t raw[2];
  operands(f, v, (sc_tag)tag, raw);
  sc_ty rty = t.cond >= 0 ? SC_TY_BOOL : tag == SC_INT ? SC_TY_I64 : SC_TY_F64;
  uint32_t r = before(f, v, t.op, rty, f->ins[v].nargs);
  for (uint32_t k = 0; k < f->ins[r].nargs; k++) f->ins[r].args[k] = raw[k];
  if (t.cond >= 0) f->ins[r].aux = t.cond;
  if (sc_irop_flags(t.op) & IRF_THROW) f->ins[r].fs = f->ins[v].fs;
  become_box(f, v, r);
  return true;
}

/* Int <-> float conversions, and Not of a bool. */
static bool convert(sc_irfunc *f, uint32_t v) {
  sc_ins *in = &f->ins[v];
  const sc_irfb *fb = in->fb;
  uint32_t raw;
  if (in->fs < 0) return false; /* guards need a state to leave to */
  switch (in->op) {
  case IR_IntToNumber: {
    operands(f, v, SC_INT, &raw);
    uint32_t r = before(f, v, IR_i2f, SC_TY_F64, 1);
    f->ins[r].args[0] = raw;
    become_box(f, v, r);
    return true;
  }
  case IR_NumberToInt: {
    operands(f, v, SC_FLOAT, &raw);
    uint32_t r = before(f, v, IR_f2i, SC_TY_I64, 1);
    f->ins[r].args[0] = raw;
    f->ins[r].fs = f->ins[v].fs;
    become_box(f, v, r);
    return true;
  }
  case IR_Not: {
    if (!fb || fb->s.state != SC_FB_MONO || fb->s.e[0] != SC_BOOL) return false;
    operands(f, v, SC_BOOL, &raw);
    uint32_t r = before(f, v, IR_bnot, SC_TY_BOOL, 1);
    f->ins[r].args[0] = raw;
    become_box(f, v, r);
    return true;
  }
  default: return false;
  }
}

/* truthy of a value always seen as a bool: a guard and the payload. */
static bool branch(sc_irfunc *f, uint32_t v) {
  sc_ins *in = &f->ins[v];
  const sc_irfb *fb = in->fb;
  uint32_t x = in->args[0];
  if (f->ins[x].op == IR_box) return false; /* the unbox pass folds it */
  if (!fb || fb->s.state != SC_FB_MONO || fb->s.e[0] != SC_BOOL || in->fs < 0) return false;
  guard_tag(f, v, x, SC_BOOL);
  uint32_t u = before(f, v, IR_unbox, SC_TY_BOOL, 1);
  f->ins[u].args[0] = x;
  sc_ir_replace_uses(f, v, u);
  in->dead = 1;
  return true;
}

/* A guard that c (bool) holds, for `reason`, with at's frame state. */
static void guard_that(sc_irfunc *f, uint32_t at, uint32_t c, sc_reason reason) {
  uint32_t g = before(f, at, IR_guard, SC_TY_VOID, 1);
  f->ins[g].args[0] = c;
  f->ins[g].aux = reason;
  f->ins[g].fs = f->ins[at].fs;
}

static uint32_t iconst(sc_irfunc *f, uint32_t at, int64_t k) {
  uint32_t c = before(f, at, IR_const, SC_TY_I64, 0);
  f->ins[c].imm = k;
  return c;
}

static uint32_t icmp(sc_irfunc *f, uint32_t at, sc_cond cc, uint32_t a, uint32_t b) {
  uint32_t c = before(f, at, IR_icmp, SC_TY_BOOL, 2);
  f->ins[c].args[0] = a;
  f->ins[c].args[1] = b;
  f->ins[c].aux = cc;
  return c;
}

/* ---- code in new blocks ---- */

/* A new instruction at the end of block blk, from v's pc. */
static uint32_t add(sc_irfunc *f, uint32_t blk, uint32_t v, sc_irop op, sc_ty ty, uint32_t nargs) {
  uint32_t id = sc_ir_append(f, blk, op, ty, nargs);
  f->ins[id].pc = f->ins[v].pc;
  return id;
}

static void jump(sc_irfunc *f, uint32_t from, uint32_t to, uint32_t v) {
  uint32_t j = add(f, from, v, IR_jmp, SC_TY_VOID, 0); /* add may move f->ins: not in one expression */
  f->ins[j].succ[0] = to;
  sc_ir_add_pred(f, to, from);
}

static void branch2(sc_irfunc *f, uint32_t from, uint32_t c, uint32_t yes, uint32_t no, uint32_t v) {
  uint32_t br = add(f, from, v, IR_br, SC_TY_VOID, 1);
  f->ins[br].args[0] = c;
  f->ins[br].succ[0] = yes;
  f->ins[br].succ[1] = no;
  sc_ir_add_pred(f, yes, from);
  sc_ir_add_pred(f, no, from);
}

/* A guard at the end of blk that c holds, leaving at v's frame state. */
static void guard_in(sc_irfunc *f, uint32_t blk, uint32_t v, uint32_t c, sc_reason reason) {
  uint32_t g = add(f, blk, v, IR_guard, SC_TY_VOID, 1);
  f->ins[g].args[0] = c;
  f->ins[g].aux = reason;
  f->ins[g].fs = f->ins[v].fs;
}

/* Splits v's block before v: the code before it stays in the block, left
 * without a terminator for the caller; v and the rest move to the new
 * block, returned. */
static uint32_t split_before(sc_irfunc *f, uint32_t v) { return sc_ir_split_block(f, f->ins[v].blk, pos_of(f, v)); }

/* ---- ints and floats mixed: the float op ---- */

#define EXACT_INT ((int64_t)1 << 53) /* ints a double holds exactly: |i| <= 2^53 */

/* At the end of blk: guards that raw int u converts to a double exactly. */
static void guard_exact(sc_irfunc *f, uint32_t blk, uint32_t v, uint32_t u) {
  static const int64_t lim[2] = {EXACT_INT, -EXACT_INT};
  for (int k = 0; k < 2; k++) {
    uint32_t c = add(f, blk, v, IR_const, SC_TY_I64, 0);
    f->ins[c].imm = lim[k];
    uint32_t t = add(f, blk, v, IR_icmp, SC_TY_BOOL, 2);
    f->ins[t].args[0] = u;
    f->ins[t].args[1] = c;
    f->ins[t].aux = k ? SC_CC_GE : SC_CC_LE;
    guard_in(f, blk, v, t, SC_RS_OVERFLOW);
  }
}

/* At the end of block b: x (int or float, else leave at v's state) as an
 * f64 in block *join (0: a new block after the two arms), which b's new
 * branch reaches (x's own tag decides the conversion); exact: an int must
 * be exact in a double; other: on the int arm, leave unless other is a
 * float (int op int is not a float op). */
static uint32_t f64_dispatch(sc_irfunc *f, uint32_t b, uint32_t *join, uint32_t v, uint32_t x, bool exact,
                             uint32_t other) {
  uint32_t bi = sc_ir_block(f), bf = sc_ir_block(f);
  if (!*join) *join = sc_ir_block(f);
  uint32_t t = add(f, b, v, IR_istag, SC_TY_BOOL, 1);
  f->ins[t].args[0] = x;
  f->ins[t].aux = SC_INT;
  branch2(f, b, t, bi, bf, v);
  if (other) {
    uint32_t to = add(f, bi, v, IR_istag, SC_TY_BOOL, 1);
    f->ins[to].args[0] = other;
    f->ins[to].aux = SC_FLOAT;
    guard_in(f, bi, v, to, SC_RS_TAG);
  }
  uint32_t u = add(f, bi, v, IR_unbox, SC_TY_I64, 1);
  f->ins[u].args[0] = x;
  if (exact) guard_exact(f, bi, v, u);
  uint32_t ci = add(f, bi, v, IR_i2f, SC_TY_F64, 1);
  f->ins[ci].args[0] = u;
  jump(f, bi, *join, v);
  uint32_t tf = add(f, bf, v, IR_istag, SC_TY_BOOL, 1);
  f->ins[tf].args[0] = x;
  f->ins[tf].aux = SC_FLOAT;
  guard_in(f, bf, v, tf, SC_RS_TAG);
  uint32_t cf = add(f, bf, v, IR_unbox, SC_TY_F64, 1);
  f->ins[cf].args[0] = x;
  jump(f, bf, *join, v);
  uint32_t phi = sc_ir_append(f, *join, IR_phi, SC_TY_F64, 2);
  f->ins[phi].args[0] = ci;
  f->ins[phi].args[1] = cf;
  return phi;
}

/* Operand x of v, which the interpreter saw with the tags in `seen` (a bit
 * per tag: int, float or both), as an f64 computed before v, the way the
 * interpreter converts it: (double)i. With `exact`, an int must convert
 * exactly (compares are exact on int and float). */
static uint32_t as_f64(sc_irfunc *f, uint32_t v, uint32_t x, unsigned seen, bool exact, uint32_t other) {
  const sc_ins *xi = &f->ins[x];
  if (xi->op == IR_const && xi->ty == SC_TY_VAL && f->prog->consts[xi->imm].tag == SC_INT) {
    int64_t k = f->prog->consts[xi->imm].i;
    if (!exact || (k <= EXACT_INT && k >= -EXACT_INT)) {
      double d = (double)k;
      uint32_t c = before(f, v, IR_const, SC_TY_F64, 0);
      memcpy(&f->ins[c].imm, &d, sizeof d);
      return c;
    }
  }
  if (seen == 1u << SC_FLOAT) {
    guard_tag(f, v, x, SC_FLOAT);
    return unboxed(f, v, x, SC_FLOAT);
  }
  if (seen == 1u << SC_INT) {
    guard_tag(f, v, x, SC_INT);
    uint32_t u = unboxed(f, v, x, SC_INT);
    if (exact) {
      guard_that(f, v, icmp(f, v, SC_CC_LE, u, iconst(f, v, EXACT_INT)), SC_RS_OVERFLOW);
      guard_that(f, v, icmp(f, v, SC_CC_GE, u, iconst(f, v, -EXACT_INT)), SC_RS_OVERFLOW);
    }
    uint32_t r = before(f, v, IR_i2f, SC_TY_F64, 1);
    f->ins[r].args[0] = u;
    return r;
  }
  /* both: test the tag, convert an int, unbox a float */
  uint32_t b = f->ins[v].blk, join = split_before(f, v);
  return f64_dispatch(f, b, &join, v, x, exact, other);
}

/* A generic arithmetic op or compare whose operands were ints and floats
 * mixed: the float op, when it computes what the interpreter does. Not for
 * int+int arithmetic, whose result is an int; int+int compares are exact
 * in doubles on ints up to 2^53 (guarded). */
static bool mixed(sc_irfunc *f, uint32_t v) {
  const sc_ins *in = &f->ins[v];
  const sc_irfb *fb = in->fb;
  int bc = sc_irop_bcop(in->op);
  if (in->nargs != 2 || in->fs < 0 || !fb || (fb->s.state != SC_FB_MONO && fb->s.state != SC_FB_POLY)) return false;
  bool cmp;
  switch (bc) {
  case SC_OP_Add: case SC_OP_Sub: case SC_OP_Mul: case SC_OP_Div: case SC_OP_Mod: cmp = false; break;
  case SC_OP_Lt: case SC_OP_Le: case SC_OP_Gt: case SC_OP_Ge: cmp = true; break;
  default: return false;
  }
  unsigned seen[2] = {0, 0}, num = 1u << SC_INT | 1u << SC_FLOAT;
  for (unsigned k = 0; k < fb->s.n; k++) {
    sc_tag a = SC_FB_PAIR_A(fb->s.e[k]), b = SC_FB_PAIR_B(fb->s.e[k]);
    if (!((num >> a) & 1) || !((num >> b) & 1) || (!cmp && a == SC_INT && b == SC_INT)) return false;
    seen[0] |= 1u << a;
    seen[1] |= 1u << b;
  }
  /* What each operand can be here: a box or a constant says it whatever
   * the site saw (its feedback may come from other callers of an inlined
   * function). Arithmetic never takes int op int to the float op, though
   * each operand alone may be an int: one known to be an int makes the
   * other a float (guarded), and where both may be either, an int on the
   * right leaves unless the left is a float. */
  uint32_t x[2] = {f->ins[v].args[0], f->ins[v].args[1]};
  for (int k = 0; k < 2; k++) {
    const sc_ins *xi = &f->ins[x[k]];
    sc_ty bt = xi->op == IR_box ? f->ins[xi->args[0]].ty : SC_TY_VOID;
    if (xi->op == IR_box) seen[k] = bt == SC_TY_I64 ? 1u << SC_INT : bt == SC_TY_F64 ? 1u << SC_FLOAT : 0;
    else if (xi->op == IR_const && xi->ty == SC_TY_VAL && f->prog->consts[xi->imm].tag == SC_INT) seen[k] = 1u << SC_INT;
    else if (xi->op == IR_const && xi->ty == SC_TY_VAL && f->prog->consts[xi->imm].tag == SC_FLOAT) seen[k] = 1u << SC_FLOAT;
  }
  uint32_t other = 0;
  if (!cmp) {
    for (int k = 0; k < 2; k++)
      if (seen[k] == 1u << SC_INT) seen[1 - k] &= ~(1u << SC_INT);
    if (seen[0] & seen[1] & 1u << SC_INT) other = x[0];
  }
  if (!seen[0] || !seen[1]) return false; /* int op int, or a box of neither */
  typed t;
  if (!typed_form((sc_op)bc, SC_FLOAT, &t)) return false;
  uint32_t raw[2];
  for (int k = 0; k < 2; k++) raw[k] = as_f64(f, v, x[k], seen[k], cmp, k ? other : 0);
  uint32_t r = before(f, v, t.op, cmp ? SC_TY_BOOL : SC_TY_F64, 2);
  f->ins[r].args[0] = raw[0];
  f->ins[r].args[1] = raw[1];
  if (cmp) f->ins[r].aux = t.cond;
  become_box(f, v, r);
  return true;
}

/* ---- ints and floats both ways: a tag dispatch ---- */

static void become(sc_irfunc *f, uint32_t v, sc_irop op, sc_ty ty, uint32_t nargs, const uint32_t *args, int32_t aux);

/* At the end of blk: x (int or float, else leave at v's state) as an f64,
 * in the block returned (x's own tag decides the conversion). */
static uint32_t f64_of(sc_irfunc *f, uint32_t *blk, uint32_t v, uint32_t x, uint32_t *out) {
  uint32_t join = 0;
  *out = f64_dispatch(f, *blk, &join, v, x, false, 0);
  *blk = join;
  return *out;
}

static uint32_t op2(sc_irfunc *f, uint32_t blk, uint32_t v, sc_irop op, sc_ty ty, uint32_t a, uint32_t b) {
  uint32_t r = add(f, blk, v, op, ty, 2);
  f->ins[r].args[0] = a;
  f->ins[r].args[1] = b;
  return r;
}

/* Generic Add, Sub or Mul whose site saw int op int and floats too (02's
 * Fibonacci numbers overflow to floats): the interpreter's cases inline
 * instead of the runtime helper. Two ints: the int op, and on overflow
 * (Add, Sub: the sign test on the wrapped result) the float op on the
 * converted operands, the spec's rule; Mul leaves on overflow (a site
 * that overflowed stays generic). Otherwise each operand, int or float
 * (else leave), as a double, and the float op. v becomes the phi of the
 * boxed results. */
static bool poly_arith(sc_irfunc *f, uint32_t v) {
  const sc_ins *in = &f->ins[v];
  const sc_irfb *fb = in->fb;
  int bc = sc_irop_bcop(in->op);
  if (in->nargs != 2 || in->fs < 0 || !fb || (fb->s.state != SC_FB_MONO && fb->s.state != SC_FB_POLY)) return false;
  sc_irop iop, fop;
  switch (bc) {
  case SC_OP_Add: iop = IR_iadd, fop = IR_fadd; break;
  case SC_OP_Sub: iop = IR_isub, fop = IR_fsub; break;
  case SC_OP_Mul:
    if (fb->s.flags & SC_FBF_OVERFLOW) return false;
    iop = IR_imul_ovf, fop = IR_fmul;
    break;
  default: return false;
  }
  bool intint = false, other = false;
  for (unsigned k = 0; k < fb->s.n; k++) {
    sc_tag a = SC_FB_PAIR_A(fb->s.e[k]), b = SC_FB_PAIR_B(fb->s.e[k]);
    if ((a != SC_INT && a != SC_FLOAT) || (b != SC_INT && b != SC_FLOAT)) return false;
    if (a == SC_INT && b == SC_INT) intint = true;
    else other = true;
  }
  if (!intint || !other) return false;
  uint32_t x = in->args[0], y = in->args[1];
  uint32_t b = f->ins[v].blk, join = split_before(f, v);
  uint32_t bx = sc_ir_block(f), bii = sc_ir_block(f), bint = sc_ir_block(f), bovf = sc_ir_block(f);
  uint32_t bf = sc_ir_block(f);
  /* both ints? */
  uint32_t tx = add(f, b, v, IR_istag, SC_TY_BOOL, 1);
  f->ins[tx].args[0] = x;
  f->ins[tx].aux = SC_INT;
  branch2(f, b, tx, bx, bf, v);
  uint32_t tyi = add(f, bx, v, IR_istag, SC_TY_BOOL, 1);
  f->ins[tyi].args[0] = y;
  f->ins[tyi].aux = SC_INT;
  branch2(f, bx, tyi, bii, bf, v);
  uint32_t ux = add(f, bii, v, IR_unbox, SC_TY_I64, 1);
  f->ins[ux].args[0] = x;
  uint32_t uy = add(f, bii, v, IR_unbox, SC_TY_I64, 1);
  f->ins[uy].args[0] = y;
  uint32_t r = op2(f, bii, v, iop, SC_TY_I64, ux, uy), res[3], nres = 0;
  if (iop == IR_imul_ovf) {
    f->ins[r].fs = f->ins[v].fs;
    jump(f, bii, bint, v);
    f->blk[bovf].dead = 1;
  } else {
    /* signed overflow: the result's sign differs from both operands' (add),
     * from the minuend's where the operands' signs differ (sub) */
    uint32_t s1 = op2(f, bii, v, IR_ixor, SC_TY_I64, ux, r);
    uint32_t s2 = iop == IR_iadd ? op2(f, bii, v, IR_ixor, SC_TY_I64, uy, r) : op2(f, bii, v, IR_ixor, SC_TY_I64, ux, uy);
    uint32_t m = op2(f, bii, v, IR_iand, SC_TY_I64, s1, s2);
    uint32_t z = add(f, bii, v, IR_const, SC_TY_I64, 0);
    uint32_t o = op2(f, bii, v, IR_icmp, SC_TY_BOOL, m, z);
    f->ins[o].aux = SC_CC_LT;
    branch2(f, bii, o, bovf, bint, v);
    uint32_t cx = add(f, bovf, v, IR_i2f, SC_TY_F64, 1);
    f->ins[cx].args[0] = ux;
    uint32_t cy = add(f, bovf, v, IR_i2f, SC_TY_F64, 1);
    f->ins[cy].args[0] = uy;
    uint32_t fr = op2(f, bovf, v, fop, SC_TY_F64, cx, cy);
    res[nres++] = add(f, bovf, v, IR_box, SC_TY_VAL, 1);
    f->ins[res[nres - 1]].args[0] = fr;
    jump(f, bovf, join, v);
  }
  res[nres++] = add(f, bint, v, IR_box, SC_TY_VAL, 1);
  f->ins[res[nres - 1]].args[0] = r;
  jump(f, bint, join, v);
  /* not both ints: doubles */
  uint32_t blk = bf, fx, fy;
  f64_of(f, &blk, v, x, &fx);
  f64_of(f, &blk, v, y, &fy);
  uint32_t fr = op2(f, blk, v, fop, SC_TY_F64, fx, fy);
  res[nres++] = add(f, blk, v, IR_box, SC_TY_VAL, 1);
  f->ins[res[nres - 1]].args[0] = fr;
  jump(f, blk, join, v);
  become(f, v, IR_phi, SC_TY_VAL, nres, res, 0); /* join's predecessors are in the order of res */
  return true;
}

/* ---- properties ---- */

/* One receiver shape of a GetProp/SetProp site: the field's slot, and for
 * a SetProp that adds the field, the shape the object moves to. */
typedef struct arm {
  const sc_shape *shape, *to;
  uint32_t slot;
  uint32_t blk; /* the block doing the access (property_chain) */
} arm;

/* The child of shape s that adds property `name`, from the snapshot of
 * the transitions the compilation was asked with (never the live shape
 * tree, which the interpreter grows meanwhile); NULL when not there. */
static const sc_shape *transition(const sc_pass_ctx *c, const sc_shape *s, uint32_t name) {
  uint32_t lo = 0, hi = c->ntrans;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    const sc_transition *t = &c->trans[mid];
    if ((uintptr_t)t->from < (uintptr_t)s || (t->from == s && t->name < name)) lo = mid + 1;
    else hi = mid;
  }
  return lo < c->ntrans && c->trans[lo].from == s && c->trans[lo].name == name ? c->trans[lo].to : NULL;
}

/* The site's receiver shapes, from mono or poly feedback lifted from a live
 * VM (parsed IR has no shapes); receivers that were not objects (runtime
 * errors) have no arm. Where the field is comes from the shape itself,
 * not from the slot the feedback recorded (feedback a host edits, or a
 * profile of another run, may say anything): a shape without the field
 * has an arm only for a SetProp whose transition is known (the store
 * adds the field), and a GetProp of a missing field none (the
 * interpreter raises the error). */
static uint32_t site_arms(const sc_pass_ctx *c, const sc_ins *in, arm *a) {
  const sc_irfb *fb = in->fb;
  if (!fb || (fb->s.state != SC_FB_MONO && fb->s.state != SC_FB_POLY)) return 0;
  uint32_t n = 0;
  for (unsigned k = 0; k < fb->s.n; k++) {
    if (!fb->s.e[k] || !fb->shape[k]) continue;
    arm x = {fb->shape[k], NULL, 0, 0};
    int have = sc_shape_lookup(x.shape, (uint32_t)in->aux);
    if (have >= 0) x.slot = (uint32_t)have;
    else if (in->op == IR_SetProp && (x.to = transition(c, x.shape, (uint32_t)in->aux)) &&
             x.to->nfields == x.shape->nfields + 1)
      x.slot = x.shape->nfields;
    else
      continue;
    a[n++] = x;
  }
  return n;
}

static uint32_t has_shape(sc_irfunc *f, uint32_t blk, uint32_t v, uint32_t obj, const sc_shape *shape) {
  uint32_t h = blk == f->ins[v].blk ? before(f, v, IR_hasshape, SC_TY_BOOL, 1) : add(f, blk, v, IR_hasshape, SC_TY_BOOL, 1);
  f->ins[h].args[0] = obj;
  f->ins[h].aux = (int32_t)shape->id;
  f->ins[h].imm = (int64_t)(uintptr_t)shape;
  return h;
}

/* v keeps its id as the plain operation `op` on args. */
static void become(sc_irfunc *f, uint32_t v, sc_irop op, sc_ty ty, uint32_t nargs, const uint32_t *args, int32_t aux) {
  sc_ins *in = &f->ins[v];
  in->op = op;
  in->ty = ty;
  sc_ir_set_nargs(f, v, nargs);
  in = &f->ins[v];
  in->nargs = nargs;
  for (uint32_t k = 0; k < nargs; k++) in->args[k] = args[k];
  in->aux = aux;
  in->imm = 0;
  in->fs = -1;
  in->fb = NULL;
}

/* v (GetProp or SetProp, with args) becomes the access of arm x. */
static void become_access(sc_irfunc *f, uint32_t v, const uint32_t *args, const arm *x) {
  if (f->ins[v].op == IR_GetProp) become(f, v, IR_ldslot, SC_TY_VAL, 1, args, (int32_t)x->slot);
  else if (!x->to) become(f, v, IR_stslot, SC_TY_VOID, 2, args, (int32_t)x->slot);
  else {
    become(f, v, IR_addslot, SC_TY_VOID, 2, args, (int32_t)x->to->id);
    f->ins[v].imm = (int64_t)(uintptr_t)x->to;
  }
}

/* Several shapes: a test per shape in turn, each branching to the access
 * for that shape; the last test is a guard (an unseen shape leaves: the
 * interpreter runs the access and records the shape, and a recompile
 * takes it in, or gives up on a megamorphic site). Shapes with the field
 * at the same slot share one load or store. A GetProp's value is a phi of
 * the loads where the accesses join. */
static void property_chain(sc_irfunc *f, uint32_t v, const uint32_t *args, arm *a, uint32_t n) {
  bool get = f->ins[v].op == IR_GetProp;
  uint32_t blk = f->ins[v].blk, join = split_before(f, v);
  uint32_t *loads = sc_arena_alloc(f->arena, (n + 1) * sizeof *loads), nloads = 0;
  for (uint32_t k = 0; k < n; k++) {
    a[k].blk = 0;
    for (uint32_t j = 0; j < k && !a[k].blk; j++)
      if (!a[j].to && !a[k].to && a[j].slot == a[k].slot) a[k].blk = a[j].blk;
    if (a[k].blk) continue;
    uint32_t b = a[k].blk = sc_ir_block(f);
    if (get) {
      uint32_t r = loads[nloads++] = add(f, b, v, IR_ldslot, SC_TY_VAL, 1);
      f->ins[r].args[0] = args[0];
      f->ins[r].aux = (int32_t)a[k].slot;
    } else {
      uint32_t st = add(f, b, v, a[k].to ? IR_addslot : IR_stslot, SC_TY_VOID, 2);
      f->ins[st].args[0] = args[0];
      f->ins[st].args[1] = args[1];
      f->ins[st].aux = a[k].to ? (int32_t)a[k].to->id : (int32_t)a[k].slot;
      f->ins[st].imm = (int64_t)(uintptr_t)a[k].to;
    }
    jump(f, b, join, v);
  }
  for (uint32_t k = 0; k < n; k++) {
    uint32_t h = has_shape(f, blk, v, args[0], a[k].shape);
    if (k + 1 < n) {
      uint32_t next = sc_ir_block(f);
      branch2(f, blk, h, a[k].blk, next, v);
      blk = next;
    } else {
      guard_in(f, blk, v, h, SC_RS_SHAPE);
      jump(f, blk, a[k].blk, v);
    }
  }
  if (get) { /* v, first in join, becomes the phi (join's predecessors are the loads' blocks, in order) */
    become(f, v, IR_phi, SC_TY_VAL, nloads, loads, 0);
  } else {
    f->ins[v].dead = 1;
  }
}

static bool props(sc_irfunc *f, const sc_pass_ctx *c, uint32_t v) {
  const sc_ins *in = &f->ins[v];
  arm a[SC_FB_MAX];
  uint32_t n = in->fs < 0 ? 0 : site_arms(c, in, a);
  if (!n) return false;
  uint32_t args[2] = {in->args[0], in->nargs > 1 ? in->args[1] : 0};
  guard_tag(f, v, args[0], SC_OBJECT);
  if (n > 1) {
    property_chain(f, v, args, a, n);
    return true;
  }
  guard_that(f, v, has_shape(f, f->ins[v].blk, v, args[0], a[0].shape), SC_RS_SHAPE);
  become_access(f, v, args, &a[0]);
  return true;
}

/* The one elements kind an indexing site saw, in bounds and with int
 * indexes; -1 otherwise. */
static int mono_elems(const sc_ins *in) {
  const sc_irfb *fb = in->fb;
  if (!fb || fb->s.state != SC_FB_MONO || fb->s.e[0] >= SC_NELEMS) return -1;
  if (fb->s.flags & (SC_FBF_OOB | SC_FBF_NONINT_IDX)) return -1;
  return (int)fb->s.e[0];
}

/* A kind's elements as compiled code holds them, and the tag a raw kind's
 * elements have (ANY: none). */
static const sc_ty elem_ty[SC_NELEMS] = {
    [SC_ELEMS_INT] = SC_TY_I64, [SC_ELEMS_FLOAT] = SC_TY_F64, [SC_ELEMS_ANY] = SC_TY_VAL, [SC_ELEMS_BOOL] = SC_TY_BOOL};
static const sc_tag elem_tag[SC_NELEMS] = {[SC_ELEMS_INT] = SC_INT, [SC_ELEMS_FLOAT] = SC_FLOAT, [SC_ELEMS_BOOL] = SC_BOOL};

/* Array, kind, int index in bounds: the raw index. */
static uint32_t guard_index(sc_irfunc *f, uint32_t v, uint32_t arr, uint32_t idx, int kind) {
  guard_tag(f, v, arr, SC_ARRAY);
  guard_tag(f, v, idx, SC_INT);
  uint32_t k = before(f, v, IR_elemkind, SC_TY_I64, 1);
  f->ins[k].args[0] = arr;
  guard_that(f, v, icmp(f, v, SC_CC_EQ, k, iconst(f, v, kind)), SC_RS_ELEMS);
  uint32_t i = unboxed(f, v, idx, SC_INT);
  uint32_t n = before(f, v, IR_arrlen, SC_TY_I64, 1);
  f->ins[n].args[0] = arr;
  guard_that(f, v, icmp(f, v, SC_CC_GE, i, iconst(f, v, 0)), SC_RS_BOUNDS);
  guard_that(f, v, icmp(f, v, SC_CC_LT, i, n), SC_RS_BOUNDS);
  return i;
}

/* The storage of array arr (its tag guarded), read before v: an op of its
 * own, so licm can take it out of a loop that neither grows the array nor
 * changes its kind. */
static uint32_t storage(sc_irfunc *f, uint32_t v, uint32_t arr) {
  uint32_t d = before(f, v, IR_arrdata, SC_TY_PTR, 1);
  f->ins[d].args[0] = arr;
  return d;
}

static bool index_ops(sc_irfunc *f, uint32_t v) {
  const sc_ins *in = &f->ins[v];
  if (in->fs < 0) return false;
  if (in->op == IR_ArrayLen) {
    uint32_t arr = in->args[0];
    guard_tag(f, v, arr, SC_ARRAY);
    uint32_t n = before(f, v, IR_arrlen, SC_TY_I64, 1);
    f->ins[n].args[0] = arr;
    become_box(f, v, n);
    return true;
  }
  int kind = mono_elems(in);
  if (kind < 0) return false;
  uint32_t arr = in->args[0], idx = in->args[1];
  if (in->op == IR_GetIndex) {
    uint32_t i = guard_index(f, v, arr, idx, kind);
    uint32_t args[2] = {storage(f, v, arr), i};
    if (kind == SC_ELEMS_ANY) {
      become(f, v, IR_ldelem, SC_TY_VAL, 2, args, 0);
    } else {
      uint32_t r = before(f, v, IR_ldelem, elem_ty[kind], 2);
      f->ins[r].args[0] = args[0];
      f->ins[r].args[1] = i;
      become_box(f, v, r);
    }
    return true;
  }
  /* SetIndex: a value of the array's kind keeps it */
  uint32_t x = in->args[2];
  uint32_t i = guard_index(f, v, arr, idx, kind);
  if (kind != SC_ELEMS_ANY) {
    guard_tag(f, v, x, elem_tag[kind]);
    x = unboxed(f, v, x, elem_tag[kind]);
  }
  uint32_t args[3] = {storage(f, v, arr), i, x};
  become(f, v, IR_stelem, SC_TY_VOID, 3, args, 0);
  return true;
}

/* CallValue that always called one function: a callee guard and a Call. */
static bool callee(sc_irfunc *f, uint32_t v) {
  const sc_ins *in = &f->ins[v];
  const sc_irfb *fb = in->fb;
  if (in->fs < 0 || !fb || fb->s.state != SC_FB_MONO || fb->s.e[0] >= f->prog->nfuncs) return false;
  uint32_t k = (uint32_t)fb->s.e[0];
  if (f->prog->funcs[k]->arity != in->nargs - 1) return false;
  uint32_t fn = in->args[0];
  guard_tag(f, v, fn, SC_FUNC);
  uint32_t u = before(f, v, IR_unbox, SC_TY_I64, 1);
  f->ins[u].args[0] = fn;
  guard_that(f, v, icmp(f, v, SC_CC_EQ, u, iconst(f, v, k)), SC_RS_CALLEE);
  sc_ins *c = &f->ins[v];
  c->op = IR_Call;
  c->imm = k;
  for (uint32_t j = 1; j < c->nargs; j++) c->args[j - 1] = c->args[j];
  c->nargs--;
  c->fb = NULL;
  return true;
}

/* StoreLocal's check of a kinded local is a tag guard. */
static bool checkkind(sc_irfunc *f, uint32_t v) {
  static const sc_tag want[] = {[SC_KIND_INT] = SC_INT, [SC_KIND_FLOAT] = SC_FLOAT, [SC_KIND_BOOL] = SC_BOOL};
  sc_ins *in = &f->ins[v];
  uint8_t k = f->local_kinds[in->aux];
  if (k == SC_KIND_ANY || k > SC_KIND_BOOL) return false;
  uint32_t g = guard_tag(f, v, in->args[0], want[k]);
  f->ins[g].aux = SC_RS_CHECK;
  f->ins[v].dead = 1;
  return true;
}

/* Return type feedback: when every return returned one type, a function
 * compiled whole returns x after a guard of its tag, as a box of its raw
 * value (pass entry then returns it unboxed); elsewhere it checks nothing. */
static bool rettag(sc_irfunc *f, uint32_t v) {
  const sc_ins *in = &f->ins[v];
  uint32_t x = in->args[0], t = sc_ir_term(f, in->blk);
  int32_t tag = in->fb && in->fb->s.state == SC_FB_MONO ? (int32_t)in->fb->s.e[0] : -1;
  bool typable = f->osr_pc < 0 && f->nparams <= SC_ENTRY_MAXPARAMS && tag >= 0 && sc_ty_of_tag(tag) != SC_TY_VOID;
  if (!typable || !t || f->ins[t].op != IR_ret || f->ins[t].args[0] != x || f->ins[x].op == IR_box) {
    f->ins[v].dead = 1;
    return true;
  }
  guard_tag(f, v, x, (sc_tag)tag);
  become_box(f, v, unboxed(f, v, x, (sc_tag)tag));
  f->ins[t].args[0] = v;
  return true;
}

bool sc_pass_specialize(sc_irfunc *f, sc_pass_ctx *c) {
  bool changed = false;
  uint32_t n = f->nins; /* the instructions made here need nothing more */
  for (uint32_t v = 1; v < n; v++) {
    sc_ins *in = &f->ins[v];
    if (in->dead || f->blk[in->blk].dead) continue;
    switch (in->op) {
    case IR_truthy: changed |= branch(f, v); break;
    case IR_checkkind: changed |= checkkind(f, v); break;
    case IR_rettag: changed |= rettag(f, v); break;
    case IR_IntToNumber: case IR_NumberToInt: case IR_Not: changed |= convert(f, v); break;
    case IR_GetProp: case IR_SetProp: changed |= props(f, c, v); break;
    case IR_GetIndex: case IR_SetIndex: case IR_ArrayLen: changed |= index_ops(f, v); break;
    case IR_CallValue: changed |= callee(f, v); break;
    default:
      if (sc_irop_bcop(in->op) >= 0) changed |= arith(f, v) || mixed(f, v) || poly_arith(f, v);
    }
  }
  /* the guards emitted: every one is a new instruction */
  for (uint32_t v = n; v < f->nins; v++) c->guards_emitted += f->ins[v].op == IR_guard;
  if (changed) sc_ir_compact(f);
  return changed;
}
