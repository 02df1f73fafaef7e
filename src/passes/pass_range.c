/* range: integer ranges of i64 values, and what they prove.
 *
 * Every i64 value gets an interval [lo, hi] from its operation (constants,
 * arithmetic, masks, shifts, remainders, array lengths) and, at a given
 * point, the conditions known to hold there: a guard passed before it, or
 * the branch edge into a dominating block that has that branch as its only
 * way in (so `i < n` holds in the loop body the header's test leads to).
 * A loop header's phi whose every back-edge value is the phi plus (minus) a
 * non-negative amount, overflow-checked, is an induction variable: it
 * never goes below (above) the values it enters the loop with.
 *
 * What the ranges prove:
 *  - an overflow-checked add, sub, mul or neg that cannot overflow there
 *    becomes the wrapping op, without its frame state;
 *  - an icmp whose answer they decide becomes that constant, and a guard
 *    whose compare they decide true where it stands goes (a bounds check
 *    the loop's own `i < len` test already made); branches on constants
 *    fold in simplify;
 *  - a division or remainder by a constant power of two 2^k is a shift or
 *    a mask when the dividend is not negative, and otherwise the same with
 *    the rounding toward zero corrected (x + ((x >> 63) & (2^k - 1)) is
 *    never beyond INT64_MAX); either way it no longer leaves;
 *  - what stays of a bounds check, i >= 0 then i < n, is one unsigned
 *    compare (n is never negative);
 *  - a guard of `iv >= k` (`iv > k`) on an increasing induction variable
 *    (and `iv <= k`, `iv < k` on a decreasing one), k invariant, run on
 *    every iteration, moves to the loop's preheader as the same check of
 *    the value the loop is entered with, leaving at the header's entry
 *    state (ir.h: entry_fs) as licm's checks do: if it fails there the
 *    first iteration would have failed it too. This is how a bounds
 *    check's `i >= 0` leaves a loop counting up from a value OSR entry
 *    cannot know;
 *  - an overflow check of a monotone function of such a variable (a chain
 *    of adds, subs and muls, each with one operand from the variable and
 *    one invariant in the loop: k * n + j), run on every iteration, where
 *    the loop's test bounds the variable (k < n: its last value is n - 1),
 *    moves to the preheader as the chain computed, checked, at the first
 *    and the last value: between them every step of the chain lies between
 *    its values at the two ends, so none overflows; the loop's ops wrap.
 *    An entry that would overflow leaves at the header's entry state, even
 *    where the loop would have ended before (as hoisted guards do);
 *  - in a loop left only by its header's test `i < n`, i stepping by 1, a
 *    bounds check of such a chain (or of i) every iteration runs moves to
 *    the preheader as the checks of the first and the last index, made only
 *    when the loop runs: there it fails exactly when some iteration would
 *    (see hoist_bounds_checks).
 * Runs before hoist, which drops the entry states; licm runs again after
 * it to take the new checks further out of an enclosing loop. */
#include "passes/passes.h"

typedef struct rng {
  int64_t lo, hi;
} rng;

static const rng FULL = {INT64_MIN, INT64_MAX};

typedef struct R {
  sc_irfunc *f;
  rng *r;
  uint8_t *st; /* per value: 0 not computed, 1 being computed, 2 done */
  uint32_t n;
  unsigned depth;
  uint32_t nb, *gstart, *gids; /* per block (< nb): its guards' ids, gids[gstart[b]..gstart[b + 1]) */
  int8_t *ivd; /* header phis' iv_dir, taken before checks proved away make their steps wrap */
} R;

/* A condition known at a point: compare c is `truth` there. */
typedef struct fact {
  uint32_t c;
  bool truth;
} fact;

/* How deep range_of may recurse (through back-edge values and guards);
 * deeper answers are FULL, which is always sound. */
enum { MAX_DEPTH = 48, MAX_DOMS = 64 };
/* The facts one point gathers, and how far back in its own block it looks
 * for guards: bounds that keep the pass linear on huge functions. */
enum { MAX_FACTS = 96, MAX_SCAN = 64, MAX_BLOCK_GUARDS = 16 };

/* Each block's guards (the last MAX_BLOCK_GUARDS), by id. */
static void guard_lists(R *S) {
  sc_irfunc *f = S->f;
  S->nb = f->nblk;
  S->gstart = sc_arena_alloc(f->arena, (S->nb + 1) * sizeof *S->gstart);
  uint32_t n = 0;
  for (uint32_t b = 0; b < S->nb; b++) {
    uint32_t k = 0;
    for (uint32_t i = 0; i < f->blk[b].nins; i++) k += f->ins[f->blk[b].ins[i]].op == IR_guard;
    n += k < MAX_BLOCK_GUARDS ? k : MAX_BLOCK_GUARDS;
  }
  S->gids = sc_arena_alloc(f->arena, (n + 1) * sizeof *S->gids);
  n = 0;
  for (uint32_t b = 0; b < S->nb; b++) {
    S->gstart[b] = n;
    const sc_blk *bl = &f->blk[b];
    uint32_t k = 0;
    for (uint32_t i = bl->nins; i-- > 0 && k < MAX_BLOCK_GUARDS;)
      if (f->ins[bl->ins[i]].op == IR_guard) S->gids[n + k++] = bl->ins[i];
    n += k;
  }
  S->gstart[S->nb] = n;
}

/* The conditions known at block b before its instruction pos: guards
 * passed (nearest first), and the branch edge into each dominator that
 * has one way in. */
static unsigned facts_at(R *S, uint32_t b, uint32_t pos, fact *out) {
  const sc_irfunc *f = S->f;
  unsigned n = 0;
  int32_t x = (int32_t)b;
  for (unsigned d = 0; x >= 0 && d < MAX_DOMS && n < MAX_FACTS; d++) {
    const sc_blk *bl = &f->blk[x];
    if ((uint32_t)x == b) {
      uint32_t lim = pos < bl->nins ? pos : bl->nins;
      for (uint32_t i = lim, k = 0; i-- > 0 && k < MAX_SCAN && n < MAX_FACTS; k++) {
        const sc_ins *g = &f->ins[bl->ins[i]];
        if (g->op == IR_guard && !g->dead) out[n++] = (fact){g->args[0], true};
      }
    } else if ((uint32_t)x < S->nb) {
      for (uint32_t k = S->gstart[x]; k < S->gstart[x + 1] && n < MAX_FACTS; k++) {
        const sc_ins *g = &f->ins[S->gids[k]];
        if (!g->dead && g->blk == (uint32_t)x) out[n++] = (fact){g->args[0], true};
      }
    }
    if (bl->npreds == 1 && n < MAX_FACTS) {
      uint32_t t = sc_ir_term(f, bl->preds[0]);
      const sc_ins *br = &f->ins[t];
      if (t && br->op == IR_br && br->succ[0] != br->succ[1]) out[n++] = (fact){br->args[0], br->succ[0] == (uint32_t)x};
    }
    if (x == 0) break;
    x = f->idom[x];
  }
  return n;
}

static rng range_at(R *S, uint32_t v, uint32_t b, uint32_t pos);

static int64_t sat_add(int64_t a, int64_t b) {
  int64_t s;
  if (!__builtin_add_overflow(a, b, &s)) return s;
  return b > 0 ? INT64_MAX : INT64_MIN;
}

static int64_t sat_sub(int64_t a, int64_t b) {
  int64_t s;
  if (!__builtin_sub_overflow(a, b, &s)) return s;
  return b < 0 ? INT64_MAX : INT64_MIN;
}

static int64_t sat_mul(int64_t a, int64_t b) {
  int64_t s;
  if (!__builtin_mul_overflow(a, b, &s)) return s;
  return (a < 0) != (b < 0) ? INT64_MIN : INT64_MAX;
}

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }
static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

/* Could x op y overflow for some x in a, y in b? */
static bool may_overflow(unsigned op, rng a, rng b) {
  int64_t t;
  switch (op) {
  case IR_iadd_ovf: return __builtin_add_overflow(a.lo, b.lo, &t) || __builtin_add_overflow(a.hi, b.hi, &t);
  case IR_isub_ovf: return __builtin_sub_overflow(a.lo, b.hi, &t) || __builtin_sub_overflow(a.hi, b.lo, &t);
  case IR_imul_ovf:
    return __builtin_mul_overflow(a.lo, b.lo, &t) || __builtin_mul_overflow(a.lo, b.hi, &t) ||
           __builtin_mul_overflow(a.hi, b.lo, &t) || __builtin_mul_overflow(a.hi, b.hi, &t);
  case IR_ineg_ovf: return a.lo == INT64_MIN;
  default: return true;
  }
}

/* The overflow-checked form of an add, sub, mul or neg, and the wrapping
 * one; other ops stay as they are. */
static unsigned checked_op(unsigned op) {
  return op == IR_iadd ? IR_iadd_ovf : op == IR_isub ? IR_isub_ovf : op == IR_imul ? IR_imul_ovf
         : op == IR_ineg ? IR_ineg_ovf : op;
}
static unsigned wrapping_op(unsigned op) {
  return op == IR_iadd_ovf ? IR_iadd : op == IR_isub_ovf ? IR_isub : op == IR_imul_ovf ? IR_imul
         : op == IR_ineg_ovf ? IR_ineg : op;
}

/* The range of x op y, both in their ranges; checked ops' results that
 * would overflow leave instead, so their bounds saturate. */
static rng arith(unsigned op, rng a, rng b) {
  bool wraps = op == IR_iadd || op == IR_isub || op == IR_imul || op == IR_ineg;
  unsigned checked = checked_op(op);
  if (wraps && may_overflow(checked, a, b)) return FULL;
  switch (checked) {
  case IR_iadd_ovf: return (rng){sat_add(a.lo, b.lo), sat_add(a.hi, b.hi)};
  case IR_isub_ovf: return (rng){sat_sub(a.lo, b.hi), sat_sub(a.hi, b.lo)};
  case IR_imul_ovf: {
    int64_t p[4] = {sat_mul(a.lo, b.lo), sat_mul(a.lo, b.hi), sat_mul(a.hi, b.lo), sat_mul(a.hi, b.hi)};
    rng r = {p[0], p[0]};
    for (int k = 1; k < 4; k++) r.lo = min64(r.lo, p[k]), r.hi = max64(r.hi, p[k]);
    return r;
  }
  case IR_ineg_ovf: return (rng){a.hi == INT64_MIN ? INT64_MAX : -a.hi, a.lo == INT64_MIN ? INT64_MAX : -a.lo};
  default: return FULL;
  }
}

static bool is_const(const sc_irfunc *f, uint32_t v, int64_t *k) {
  const sc_ins *in = &f->ins[v];
  if (in->op != IR_const || in->ty != SC_TY_I64) return false;
  *k = in->imm;
  return true;
}

/* The way a loop header's phi changes along back edge value x: +1 when x
 * is phi + d (checked, d >= 0), -1 for phi - d, 0 otherwise. */
static int step(R *S, uint32_t phi, uint32_t x) {
  const sc_ins *in = &S->f->ins[x];
  bool add = in->op == IR_iadd_ovf || in->op == IR_iadd, sub = in->op == IR_isub_ovf || in->op == IR_isub;
  if (!(add && (in->args[0] == phi || in->args[1] == phi)) && !(sub && in->args[0] == phi)) return 0;
  uint32_t d = in->args[0] == phi ? in->args[1] : in->args[0];
  rng r = range_at(S, d, in->blk, 0);
  if (r.lo < 0) return 0;
  if (in->op == IR_iadd || in->op == IR_isub) /* wrapping (an earlier run proved it): prove it again here */
    if (may_overflow(checked_op(in->op), range_at(S, phi, in->blk, sc_ir_index_in_block(S->f, x)), r)) return 0;
  return add ? 1 : -1;
}

static bool back_edge(const sc_irfunc *f, uint32_t from, uint32_t to) { return sc_ir_dominates(f, to, from); }

/* The direction a header phi moves in (+1, -1), 0 if it is not an
 * induction variable. */
static int iv_dir(R *S, uint32_t phi) {
  const sc_irfunc *f = S->f;
  const sc_ins *in = &f->ins[phi];
  const sc_blk *b = &f->blk[in->blk];
  int dir = 0;
  bool latch = false;
  for (uint32_t k = 0; k < in->nargs; k++) {
    if (!back_edge(f, b->preds[k], in->blk)) continue;
    latch = true;
    int d = step(S, phi, in->args[k]);
    if (!d || (dir && d != dir)) return 0;
    dir = d;
  }
  return latch ? dir : 0;
}

static rng phi_range(R *S, uint32_t v) {
  const sc_irfunc *f = S->f;
  const sc_ins *in = &f->ins[v];
  const sc_blk *b = &f->blk[in->blk];
  bool loop = false;
  for (uint32_t k = 0; k < in->nargs; k++) loop |= back_edge(f, b->preds[k], in->blk);
  int dir = loop ? iv_dir(S, v) : 0;
  if (loop && !dir) return FULL;
  rng u = {INT64_MAX, INT64_MIN};
  for (uint32_t k = 0; k < in->nargs; k++) {
    if (loop && back_edge(f, b->preds[k], in->blk)) continue;
    uint32_t p = b->preds[k];
    rng a = range_at(S, in->args[k], p, f->blk[p].nins);
    u.lo = min64(u.lo, a.lo), u.hi = max64(u.hi, a.hi);
  }
  if (u.lo > u.hi) return FULL;
  if (dir > 0) u.hi = INT64_MAX;
  if (dir < 0) u.lo = INT64_MIN;
  return u;
}

static rng compute(R *S, uint32_t v) {
  sc_irfunc *f = S->f;
  const sc_ins *in = &f->ins[v];
  int64_t k;
  switch (in->op) {
  case IR_const: return (rng){in->imm, in->imm};
  case IR_arrlen: return (rng){0, INT64_MAX};
  case IR_copy: return range_at(S, in->args[0], in->blk, 0);
  case IR_phi: return phi_range(S, v);
  default: break;
  }
  if (in->nargs < 1 || in->nargs > 2 || f->ins[in->args[0]].ty != SC_TY_I64) return FULL;
  rng a = range_at(S, in->args[0], in->blk, 0);
  rng b = in->nargs > 1 && f->ins[in->args[1]].ty == SC_TY_I64 ? range_at(S, in->args[1], in->blk, 0) : FULL;
  switch (in->op) {
  case IR_iadd: case IR_isub: case IR_imul: case IR_ineg:
  case IR_iadd_ovf: case IR_isub_ovf: case IR_imul_ovf: case IR_ineg_ovf:
    return arith(in->op, a, b);
  case IR_iand:
    if (a.lo >= 0 && b.lo >= 0) return (rng){0, min64(a.hi, b.hi)};
    if (a.lo >= 0) return (rng){0, a.hi};
    if (b.lo >= 0) return (rng){0, b.hi};
    return FULL;
  case IR_ishr:
    if (!is_const(f, in->args[1], &k) || k < 0 || k > 63) return FULL;
    return (rng){a.lo >> k, a.hi >> k};
  case IR_imod: case IR_imod_nz: {
    if (!is_const(f, in->args[1], &k) || k == 0) return FULL;
    int64_t m = k == INT64_MIN ? INT64_MAX : (k < 0 ? -k : k) - 1;
    if (a.lo >= 0) return (rng){0, min64(a.hi, m)};
    if (a.hi <= 0) return (rng){max64(a.lo, -m), 0};
    return (rng){-m, m};
  }
  case IR_idiv: case IR_idiv_nz:
    if (!is_const(f, in->args[1], &k) || k <= 0) return FULL;
    return (rng){a.lo / k, a.hi / k};
  default: return FULL;
  }
}

static rng range_of(R *S, uint32_t v) {
  if (v >= S->n || S->f->ins[v].ty != SC_TY_I64) return FULL;
  if (S->st[v] == 2) return S->r[v];
  if (S->st[v] == 1 || S->depth >= MAX_DEPTH) return FULL;
  S->st[v] = 1;
  S->depth++;
  rng r = compute(S, v);
  S->depth--;
  S->r[v] = r;
  S->st[v] = 2;
  return r;
}

/* Narrows r, the range of v, by condition c (an icmp) being `truth`. */
static rng narrow(R *S, rng r, uint32_t v, uint32_t c, bool truth) {
  const sc_ins *in = &S->f->ins[c];
  if (in->op != IR_icmp || in->aux < 0 || in->aux >= SC_NCONDS || in->args[0] == in->args[1]) return r;
  sc_cond cc = (sc_cond)in->aux;
  uint32_t other;
  if (in->args[0] == v) other = in->args[1];
  else if (in->args[1] == v) other = in->args[0], cc = sc_cond_swapped(cc);
  else return r;
  if (!truth) cc = sc_cond_negated(cc);
  rng o = range_of(S, other);
  rng n = r;
  if (sc_cond_unsigned(cc)) { /* with a non-negative other side: 0 <= v and the signed bound */
    if (o.lo < 0 || (cc != SC_CC_ULT && cc != SC_CC_ULE)) return r;
    n.lo = max64(n.lo, 0);
    cc = cc == SC_CC_ULT ? SC_CC_LT : SC_CC_LE;
  }
  switch (cc) {
  case SC_CC_LT: n.hi = min64(n.hi, sat_sub(o.hi, 1)); break;
  case SC_CC_LE: n.hi = min64(n.hi, o.hi); break;
  case SC_CC_GT: n.lo = max64(n.lo, sat_add(o.lo, 1)); break;
  case SC_CC_GE: n.lo = max64(n.lo, o.lo); break;
  case SC_CC_EQ: n.lo = max64(n.lo, o.lo), n.hi = min64(n.hi, o.hi); break;
  case SC_CC_NE:
    if (o.lo == o.hi && o.lo == n.lo && n.lo < INT64_MAX) n.lo++;
    else if (o.lo == o.hi && o.lo == n.hi && n.hi > INT64_MIN) n.hi--;
    break;
  default: break;
  }
  /* an empty range: the point cannot be reached; claim nothing there */
  return n.lo <= n.hi ? n : r;
}

/* The range of v at block b before its instruction pos (pos = nins: at
 * its end): v's own, narrowed by the guards passed and the branch edges
 * taken on every way there. */
static rng range_at(R *S, uint32_t v, uint32_t b, uint32_t pos) {
  rng r = range_of(S, v);
  if (S->f->ins[v].ty != SC_TY_I64 || S->depth >= MAX_DEPTH) return r;
  S->depth++;
  fact fs[MAX_FACTS];
  unsigned n = facts_at(S, b, pos, fs);
  for (unsigned k = 0; k < n; k++) r = narrow(S, r, v, fs[k].c, fs[k].truth);
  S->depth--;
  return r;
}

/* Does fact d (an icmp, `truth`) decide icmp c? -1 if not, else c's answer. */
static int implies(const sc_irfunc *f, uint32_t d, bool truth, uint32_t c) {
  const sc_ins *x = &f->ins[d], *y = &f->ins[c];
  if (x->op != IR_icmp || x->aux < 0 || x->aux >= SC_NCONDS) return -1;
  sc_cond cx = truth ? (sc_cond)x->aux : sc_cond_negated((sc_cond)x->aux);
  if (x->args[0] == y->args[1] && x->args[1] == y->args[0]) cx = sc_cond_swapped(cx);
  else if (x->args[0] != y->args[0] || x->args[1] != y->args[1]) return -1;
  if (cx == (sc_cond)y->aux) return 1;
  if (cx == sc_cond_negated((sc_cond)y->aux)) return 0;
  return -1;
}

/* The same comparison already known at (b, pos): a guard passed, or a
 * branch edge taken (see range_at); -1 if none, else c's answer. */
static int known_compare(R *S, uint32_t c, uint32_t b, uint32_t pos) {
  fact fs[MAX_FACTS];
  unsigned n = facts_at(S, b, pos, fs);
  for (unsigned k = 0; k < n; k++) {
    int r = implies(S->f, fs[k].c, fs[k].truth, c);
    if (r >= 0) return r;
  }
  return -1;
}

/* -1 if ranges cannot decide icmp c at (b, pos), else its answer. */
static int decide(R *S, uint32_t c, uint32_t b, uint32_t pos) {
  const sc_ins *in = &S->f->ins[c];
  if (in->aux < 0 || in->aux >= SC_NCONDS || S->f->ins[in->args[0]].ty != SC_TY_I64) return -1;
  int k = known_compare(S, c, b, pos);
  if (k >= 0) return k;
  rng x = range_at(S, in->args[0], b, pos), y = range_at(S, in->args[1], b, pos);
  sc_cond cc = (sc_cond)in->aux;
  if (sc_cond_unsigned(cc)) { /* the same as signed on non-negative values */
    if (x.lo < 0 || y.lo < 0) return -1;
    cc = (sc_cond)(cc - SC_CC_ULT + SC_CC_LT);
  }
  switch (cc) {
  case SC_CC_LT: return x.hi < y.lo ? 1 : x.lo >= y.hi ? 0 : -1;
  case SC_CC_LE: return x.hi <= y.lo ? 1 : x.lo > y.hi ? 0 : -1;
  case SC_CC_GT: return x.lo > y.hi ? 1 : x.hi <= y.lo ? 0 : -1;
  case SC_CC_GE: return x.lo >= y.hi ? 1 : x.hi < y.lo ? 0 : -1;
  case SC_CC_EQ: return x.lo == x.hi && y.lo == y.hi && x.lo == y.lo ? 1 : x.hi < y.lo || y.hi < x.lo ? 0 : -1;
  case SC_CC_NE: return x.lo == x.hi && y.lo == y.hi && x.lo == y.lo ? 0 : x.hi < y.lo || y.hi < x.lo ? 1 : -1;
  default: return -1;
  }
}

/* An i64 instruction computing op(a, b) right before index at of block b. */
static uint32_t emit(sc_irfunc *f, uint32_t b, uint32_t *at, sc_irop op, uint32_t x, uint32_t y, int32_t pc) {
  uint32_t v = sc_ir_insert(f, b, (*at)++, op, SC_TY_I64, 2);
  f->ins[v].args[0] = x;
  f->ins[v].args[1] = y;
  f->ins[v].pc = pc;
  return v;
}

static uint32_t kconst(sc_irfunc *f, uint32_t b, uint32_t *at, int64_t k) {
  uint32_t v = sc_ir_insert(f, b, (*at)++, IR_const, SC_TY_I64, 0);
  f->ins[v].imm = k;
  return v;
}

/* x / 2^k or x % 2^k (v, at index *at of block b) as shifts and masks;
 * false if the divisor is not such a power (k >= 1). */
static bool by_power_of_two(R *S, uint32_t v, uint32_t b, uint32_t *at) {
  sc_irfunc *f = S->f;
  int64_t d;
  if (!is_const(f, f->ins[v].args[1], &d) || d < 2 || (d & (d - 1))) return false;
  int64_t k = __builtin_ctzll((uint64_t)d);
  uint32_t x = f->ins[v].args[0];
  int32_t pc = f->ins[v].pc;
  bool div = f->ins[v].op == IR_idiv;
  uint32_t r;
  if (range_at(S, x, b, *at).lo >= 0) {
    r = div ? emit(f, b, at, IR_ishr, x, kconst(f, b, at, k), pc) : emit(f, b, at, IR_iand, x, kconst(f, b, at, d - 1), pc);
  } else {
    uint32_t sign = emit(f, b, at, IR_ishr, x, kconst(f, b, at, 63), pc);
    /* the bias d - 1 for a negative x: sign & (d - 1), which for 2 is -sign */
    uint32_t xb = d == 2 ? emit(f, b, at, IR_isub, x, sign, pc)
                         : emit(f, b, at, IR_iadd, x, emit(f, b, at, IR_iand, sign, kconst(f, b, at, d - 1), pc), pc);
    if (div) r = emit(f, b, at, IR_ishr, xb, kconst(f, b, at, k), pc);
    else r = emit(f, b, at, IR_isub, x, emit(f, b, at, IR_iand, xb, kconst(f, b, at, -d), pc), pc);
  }
  sc_ir_replace_uses(f, v, r);
  f->ins[v].dead = 1;
  return true;
}

/* x / y or x % y (v, at index at of block b) whose y is neither 0 nor -1
 * there never leaves: idiv_nz, imod_nz. */
static bool nonzero_divisor(R *S, uint32_t v, uint32_t b, uint32_t at) {
  sc_ins *in = &S->f->ins[v];
  rng y = range_at(S, in->args[1], b, at);
  if (!(y.lo > 0 || y.hi < -1)) return false;
  in->op = in->op == IR_idiv ? IR_idiv_nz : IR_imod_nz;
  in->fs = -1;
  return true;
}

static void reset(R *S) {
  for (uint32_t v = 0; v < S->n; v++) S->st[v] = 0;
}

static bool every_iteration(const sc_irfunc *f, const sc_loop *L, uint32_t b) {
  for (uint32_t k = 0; k < L->nlatches; k++)
    if (!sc_ir_dominates(f, b, L->latches[k])) return false;
  return true;
}

/* The induction-variable guard of loop l at v (see the top), or 0: the
 * phi is *iv, the bound *k, and *cc the condition with the phi first. */
static uint32_t iv_guard(R *S, uint32_t l, uint32_t v, uint32_t *iv, uint32_t *k, sc_cond *cc) {
  sc_irfunc *f = S->f;
  const sc_loop *L = &f->loops[l];
  const sc_ins *g = &f->ins[v];
  if (g->op != IR_guard || !every_iteration(f, L, g->blk)) return 0;
  const sc_ins *c = &f->ins[g->args[0]];
  if (c->op != IR_icmp || c->aux < 0 || c->aux >= SC_NCONDS || f->ins[c->args[0]].ty != SC_TY_I64) return 0;
  for (int side = 0; side < 2; side++) {
    uint32_t x = c->args[side], y = c->args[!side];
    sc_cond q = side ? sc_cond_swapped((sc_cond)c->aux) : (sc_cond)c->aux;
    const sc_ins *p = &f->ins[x];
    if (p->op != IR_phi || p->blk != L->header) continue;
    const sc_ins *bound = &f->ins[y];
    if (sc_ir_loop_contains(f, l, bound->blk) && !is_const(f, y, &(int64_t){0})) continue;
    int dir = iv_dir(S, x);
    if ((dir > 0 && (q == SC_CC_GE || q == SC_CC_GT)) || (dir < 0 && (q == SC_CC_LE || q == SC_CC_LT))) {
      *iv = x, *k = y, *cc = q;
      return g->args[0];
    }
  }
  return 0;
}

/* Can code leave loop l at its entry state (a reducible loop whose header
 * has one: ir.h entry_fs)? What every hoist here needs. */
static bool has_entry_state(const sc_irfunc *f, uint32_t l) {
  return !f->loops[l].irreducible && f->blk[f->loops[l].header].entry_fs >= 0;
}

/* Loop l's preheader *p and its entry state read there *s, made when
 * first needed (*p, *s < 0: not yet); false if there can be none. */
static bool entry_point(sc_irfunc *f, uint32_t l, int32_t *p, int32_t *s) {
  if (*p < 0 && (*p = sc_ir_preheader(f, l)) < 0) return false; /* may recompute the analyses */
  if (*s < 0 && (*s = sc_entry_state_from(f, f->loops[l].header, (uint32_t)*p)) < 0) return false;
  return true;
}

/* The value header phi iv enters loop l with from preheader p. */
static uint32_t entry_value(const sc_irfunc *f, uint32_t l, uint32_t p, uint32_t iv) {
  const sc_blk *h = &f->blk[f->loops[l].header];
  uint32_t kp = 0;
  while (h->preds[kp] != p) kp++;
  return f->ins[iv].args[kp];
}

/* Moves loop l's induction-variable guards to its preheader; how many. */
static uint32_t hoist_iv_guards(R *S, uint32_t l) {
  sc_irfunc *f = S->f;
  if (!has_entry_state(f, l)) return 0;
  uint32_t moved = 0;
  int32_t p = -1, s = -1;
  for (uint32_t i = 0; i < f->loops[l].nblocks; i++) {
    uint32_t b = f->loops[l].blocks[i];
    for (uint32_t j = 0; j < f->blk[b].nins; j++) {
      uint32_t v = f->blk[b].ins[j], iv, k;
      sc_cond cc;
      if (!iv_guard(S, l, v, &iv, &k, &cc)) continue;
      if (!entry_point(f, l, &p, &s)) return moved;
      uint32_t init = entry_value(f, l, (uint32_t)p, iv), at = f->blk[p].nins - 1;
      k = sc_ir_outside_loop(f, l, (uint32_t)p, &at, k);
      uint32_t c = sc_ir_insert(f, (uint32_t)p, at++, IR_icmp, SC_TY_BOOL, 2);
      f->ins[c].aux = cc;
      f->ins[c].args[0] = init;
      f->ins[c].args[1] = k;
      f->ins[c].pc = f->ins[v].pc;
      uint32_t g = sc_ir_insert(f, (uint32_t)p, at, IR_guard, SC_TY_VOID, 1);
      f->ins[g].args[0] = c;
      f->ins[g].aux = f->ins[v].aux;
      f->ins[g].fs = s;
      f->ins[g].pc = f->ins[v].pc;
      f->ins[v].dead = 1;
      moved++;
    }
  }
  return moved;
}

/* Overflow checks of a monotone function of an induction variable (see
 * the top): a chain of adds, subs and muls each of which has one operand
 * depending on the variable, the other invariant in the loop. */
enum { MAX_CHAIN = 8 };

static bool invariant_in(const sc_irfunc *f, uint32_t l, uint32_t x) {
  int64_t k;
  return !sc_ir_loop_contains(f, l, f->ins[x].blk) || is_const(f, x, &k);
}

static bool chain_op(unsigned op) {
  return op == IR_iadd || op == IR_isub || op == IR_imul || op == IR_iadd_ovf || op == IR_isub_ovf ||
         op == IR_imul_ovf;
}

/* v's chain down to header phi *iv of loop l (ops from v inwards), its
 * length, 0 if v is no such chain. */
static unsigned chain_of(R *S, uint32_t l, uint32_t v, uint32_t *ops, uint32_t *iv) {
  sc_irfunc *f = S->f;
  unsigned n = 0;
  for (uint32_t x = v;;) {
    const sc_ins *in = &f->ins[x];
    if (in->op == IR_phi) {
      if (in->blk != f->loops[l].header || in->ty != SC_TY_I64 || !n || x >= S->n || !S->ivd[x]) return 0;
      *iv = x;
      return n;
    }
    if (n == MAX_CHAIN || !chain_op(in->op) || in->nargs != 2 || !sc_ir_loop_contains(f, l, in->blk)) return 0;
    bool i0 = invariant_in(f, l, in->args[0]), i1 = invariant_in(f, l, in->args[1]);
    if (i0 == i1) return 0;
    ops[n++] = x;
    x = in->args[i0 ? 1 : 0];
  }
}

/* The last value header phi iv of loop l may have at (b, pos), by a
 * condition known there against a loop-invariant bound: *bound and how to
 * get from it to the value (-1: bound - 1, 0: bound, +1: bound + 1). */
static bool iv_last(R *S, uint32_t l, uint32_t iv, uint32_t b, uint32_t pos, uint32_t *bound, int *adj) {
  sc_irfunc *f = S->f;
  int dir = S->ivd[iv];
  fact fs[MAX_FACTS];
  unsigned n = facts_at(S, b, pos, fs);
  for (unsigned k = 0; k < n; k++) {
    const sc_ins *c = &f->ins[fs[k].c];
    if (c->op != IR_icmp || c->aux < 0 || c->aux >= SC_NCONDS) continue;
    for (int side = 0; side < 2; side++) {
      if (c->args[side] != iv || !invariant_in(f, l, c->args[!side])) continue;
      sc_cond q = side ? sc_cond_swapped((sc_cond)c->aux) : (sc_cond)c->aux;
      if (!fs[k].truth) q = sc_cond_negated(q);
      *bound = c->args[!side];
      if (dir > 0 && (q == SC_CC_LT || q == SC_CC_LE)) return *adj = q == SC_CC_LT ? -1 : 0, true;
      if (dir < 0 && (q == SC_CC_GT || q == SC_CC_GE)) return *adj = q == SC_CC_GT ? 1 : 0, true;
    }
  }
  return false;
}

/* Does the same bound hold where each op of the chain is (an op in the
 * header, before its test, also runs for the value that ends the loop)? */
static bool bound_everywhere(R *S, uint32_t l, const uint32_t *ops, unsigned n, uint32_t iv, uint32_t bound,
                             int adj) {
  const sc_irfunc *f = S->f;
  for (unsigned k = 1; k < n; k++) {
    uint32_t b2;
    int a2;
    if (!iv_last(S, l, iv, f->ins[ops[k]].blk, sc_ir_index_in_block(f, ops[k]), &b2, &a2) || b2 != bound || a2 != adj)
      return false;
  }
  return true;
}

/* The chain ops[n - 1] .. ops[0] computed at the end of preheader p for
 * the variable's value x, each step checked (leaving at state s). */
static uint32_t chain_at(sc_irfunc *f, uint32_t l, const uint32_t *ops, unsigned n, uint32_t x, uint32_t p,
                         int32_t s) {
  for (unsigned j = n; j-- > 0;) {
    const sc_ins *in = &f->ins[ops[j]];
    bool inv0 = invariant_in(f, l, in->args[0]);
    uint32_t a[2] = {in->args[0], in->args[1]}, op = checked_op(in->op), pc = (uint32_t)in->pc;
    a[inv0 ? 1 : 0] = x;
    for (int k = 0; k < 2; k++) {
      uint32_t at = f->blk[p].nins - 1;
      if (a[k] != x) a[k] = sc_ir_outside_loop(f, l, p, &at, a[k]);
    }
    int64_t k0 = 0, k1 = 0;
    bool c0 = is_const(f, a[0], &k0), c1 = is_const(f, a[1], &k1);
    if ((op != IR_imul_ovf && c1 && k1 == 0) || (op == IR_iadd_ovf && c0 && k0 == 0) ||
        (op == IR_imul_ovf && c1 && k1 == 1) || (op == IR_imul_ovf && c0 && k0 == 1)) { /* x + 0, x * 1 */
      x = c1 && (k1 == 0 || (op == IR_imul_ovf && k1 == 1)) ? a[0] : a[1];
      continue;
    }
    if (op == IR_imul_ovf && ((c0 && k0 == 0) || (c1 && k1 == 0))) { /* 0 * x */
      x = c0 && k0 == 0 ? a[0] : a[1];
      continue;
    }
    x = sc_ir_insert(f, p, f->blk[p].nins - 1, op, SC_TY_I64, 2);
    f->ins[x].args[0] = a[0];
    f->ins[x].args[1] = a[1];
    f->ins[x].fs = s;
    f->ins[x].pc = (int32_t)pc;
  }
  return x;
}

/* Moves the overflow checks of loop l's monotone chains to its preheader:
 * the chain computed, checked, at the variable's first value (the one
 * the loop is entered with) and its last (by the loop's bound), leaving
 * at the header's entry state; in the loop the ops wrap. How many. */
static uint32_t hoist_chain_checks(R *S, uint32_t l) {
  sc_irfunc *f = S->f;
  if (!has_entry_state(f, l)) return 0;
  uint32_t moved = 0;
  int32_t p = -1, s = -1;
  for (uint32_t i = 0; i < f->loops[l].nblocks; i++) {
    uint32_t b = f->loops[l].blocks[i];
    for (uint32_t j = f->blk[b].nins; j-- > 0;) { /* a chain's last op first: it takes the others along */
      uint32_t v = f->blk[b].ins[j], ops[MAX_CHAIN], iv, bound;
      int adj;
      unsigned op = f->ins[v].op;
      if ((op != IR_iadd_ovf && op != IR_isub_ovf && op != IR_imul_ovf) || f->ins[v].dead) continue;
      if (!every_iteration(f, &f->loops[l], b)) break;
      unsigned n = chain_of(S, l, v, ops, &iv);
      if (!n || !iv_last(S, l, iv, b, j, &bound, &adj) || !bound_everywhere(S, l, ops, n, iv, bound, adj)) continue;
      if (!entry_point(f, l, &p, &s)) return moved;
      uint32_t first = entry_value(f, l, (uint32_t)p, iv), at = f->blk[p].nins - 1;
      uint32_t last = sc_ir_outside_loop(f, l, (uint32_t)p, &at, bound);
      if (adj) {
        uint32_t one = sc_ir_insert(f, (uint32_t)p, f->blk[p].nins - 1, IR_const, SC_TY_I64, 0);
        f->ins[one].imm = 1;
        /* wrapping: exact whenever the loop runs (bound - 1 >= the variable); if it
         * does not, a wrong last value can only make the checks leave for nothing */
        uint32_t x = sc_ir_insert(f, (uint32_t)p, f->blk[p].nins - 1, adj < 0 ? IR_isub : IR_iadd, SC_TY_I64, 2);
        f->ins[x].args[0] = last;
        f->ins[x].args[1] = one;
        f->ins[x].pc = f->ins[v].pc;
        last = x;
      }
      chain_at(f, l, ops, n, first, (uint32_t)p, s);
      chain_at(f, l, ops, n, last, (uint32_t)p, s);
      for (unsigned k = 0; k < n; k++) {
        sc_ins *in = &f->ins[ops[k]];
        in->op = wrapping_op(in->op);
        in->fs = -1;
      }
      moved++;
    }
  }
  return moved;
}

/* Bounds checks of a monotone index in a loop that visits every value of
 * its variable: the loop is left only by its header's test `iv < n`, iv
 * steps by exactly 1, so when it runs at all (iv's first value < n) it
 * runs the check for each of first .. n - 1 in turn, and the index takes
 * every value between its two ends. A check `idx <u len` (len invariant,
 * not negative), or `idx < k` (<=, >, >=: any compare whose passing values
 * are an interval) every iteration runs then fails in the loop exactly
 * when it fails at one of the ends: it moves to the preheader as those two
 * checks, made only when the loop runs (a block of their own the preheader
 * branches around), leaving at the header's entry state (the interpreter
 * then runs the loop and fails where it fails). */

/* The bound n of loop l's header test `iv < n` (n invariant, iv a header
 * phi stepped by exactly +1 on every back edge) when that test is the
 * loop's only way out; 0 otherwise. */
static uint32_t counted_loop(R *S, uint32_t l, uint32_t *ivp) {
  sc_irfunc *f = S->f;
  const sc_loop *L = &f->loops[l];
  for (uint32_t i = 0; i < L->nblocks; i++) {
    uint32_t b = L->blocks[i], succ[2], t = sc_ir_term(f, b);
    if (!t || (f->ins[t].op != IR_jmp && f->ins[t].op != IR_br && f->ins[t].op != IR_deopt)) return 0;
    int ns = sc_ir_succs(f, b, succ);
    for (int k = 0; k < ns; k++)
      if (b != L->header && !sc_ir_loop_contains(f, l, succ[k])) return 0;
  }
  uint32_t t = sc_ir_term(f, L->header);
  if (!t || f->ins[t].op != IR_br) return 0;
  const sc_ins *br = &f->ins[t], *c = &f->ins[br->args[0]];
  bool in0 = sc_ir_loop_contains(f, l, br->succ[0]), in1 = sc_ir_loop_contains(f, l, br->succ[1]);
  if (in0 == in1 || c->op != IR_icmp || c->aux < 0 || c->aux >= SC_NCONDS) return 0;
  for (int side = 0; side < 2; side++) {
    uint32_t iv = c->args[side], n = c->args[!side];
    const sc_ins *phi = &f->ins[iv];
    if (phi->op != IR_phi || phi->blk != L->header || phi->ty != SC_TY_I64 || !invariant_in(f, l, n)) continue;
    sc_cond q = side ? sc_cond_swapped((sc_cond)c->aux) : (sc_cond)c->aux;
    if (!in0) q = sc_cond_negated(q);
    if (q != SC_CC_LT) continue;
    const sc_blk *h = &f->blk[L->header];
    bool by_one = true;
    for (uint32_t k = 0; k < h->npreds && by_one; k++) {
      if (!sc_ir_loop_contains(f, l, h->preds[k])) continue;
      const sc_ins *x = &f->ins[phi->args[k]];
      int64_t one;
      by_one = (x->op == IR_iadd || x->op == IR_iadd_ovf) && x->nargs == 2 &&
               ((x->args[0] == iv && is_const(f, x->args[1], &one) && one == 1) ||
                (x->args[1] == iv && is_const(f, x->args[0], &one) && one == 1));
    }
    if (!by_one) continue;
    *ivp = iv;
    return n;
  }
  return 0;
}

/* Moves loop l's bounds checks of monotone indices (see above); how many. */
static uint32_t hoist_bounds_checks(R *S, uint32_t l) {
  sc_irfunc *f = S->f;
  if (!has_entry_state(f, l)) return 0;
  uint32_t iv, n = counted_loop(S, l, &iv);
  if (!n) return 0;
  uint32_t moved = 0;
  int32_t p = -1, s = -1, chk = -1;
  uint32_t first = 0, last = 0;
  unsigned writes = sc_loop_clobbers(f, l);
  for (uint32_t i = 0; i < f->loops[l].nblocks; i++) {
    uint32_t b = f->loops[l].blocks[i];
    if (!every_iteration(f, &f->loops[l], b)) continue;
    for (uint32_t j = 0; j < f->blk[b].nins; j++) {
      uint32_t v = f->blk[b].ins[j], ops[MAX_CHAIN], iv2 = iv;
      const sc_ins *g = &f->ins[v];
      if (g->op != IR_guard || g->dead) continue;
      const sc_ins *c = &f->ins[g->args[0]];
      /* idx against an invariant: the values passing are an interval (for
       * <u, while the bound is not negative: [0, len)) */
      if (c->op != IR_icmp || c->aux < 0 || c->aux >= SC_NCONDS || c->args[0] == c->args[1]) continue;
      sc_cond cc = (sc_cond)c->aux;
      if (cc != SC_CC_LT && cc != SC_CC_LE && cc != SC_CC_GT && cc != SC_CC_GE && cc != SC_CC_ULT) continue;
      if (cc == SC_CC_ULT && range_of(S, c->args[1]).lo < 0) continue;
      /* the length: invariant, or the arrlen of an invariant array the loop
       * cannot resize (before hoist takes it out with its tag guard) */
      const sc_ins *ln = &f->ins[c->args[1]];
      bool arrlen = ln->op == IR_arrlen && invariant_in(f, l, ln->args[0]) && !(writes & SC_MEM_LEN);
      if (!arrlen && !invariant_in(f, l, c->args[1])) continue;
      /* f->ins moves as instructions are added: what the guard says, first */
      uint32_t idx = c->args[0], lenv = c->args[1];
      int32_t gpc = g->pc, reason = g->aux;
      unsigned nops = idx == iv ? 0 : chain_of(S, l, idx, ops, &iv2);
      if ((idx != iv && !nops) || iv2 != iv) continue;
      if (chk < 0) { /* p: br first < n, chk, join; chk: the checks; jmp join; join: jmp header */
        if (!entry_point(f, l, &p, &s) || f->ins[sc_ir_term(f, (uint32_t)p)].op != IR_jmp) return moved;
        uint32_t h = f->loops[l].header, at = f->blk[p].nins - 1;
        first = entry_value(f, l, (uint32_t)p, iv);
        uint32_t bound = sc_ir_outside_loop(f, l, (uint32_t)p, &at, n);
        uint32_t runs = sc_ir_insert(f, (uint32_t)p, at, IR_icmp, SC_TY_BOOL, 2);
        f->ins[runs].aux = SC_CC_LT;
        f->ins[runs].args[0] = first;
        f->ins[runs].args[1] = bound;
        chk = (int32_t)sc_ir_block(f);
        uint32_t join = sc_ir_block(f);
        sc_ins *t = &f->ins[sc_ir_term(f, (uint32_t)p)];
        t->op = IR_br;
        sc_ir_set_nargs(f, sc_ir_term(f, (uint32_t)p), 1);
        t = &f->ins[sc_ir_term(f, (uint32_t)p)];
        t->args[0] = runs;
        t->succ[0] = (uint32_t)chk;
        t->succ[1] = join;
        sc_ir_add_pred(f, (uint32_t)chk, (uint32_t)p);
        sc_ir_add_pred(f, join, (uint32_t)p);
        sc_ir_add_pred(f, join, (uint32_t)chk);
        int32_t tpc = t->pc;
        uint32_t jc = sc_ir_append(f, (uint32_t)chk, IR_jmp, SC_TY_VOID, 0), jj;
        f->ins[jc].succ[0] = join;
        f->ins[jc].pc = tpc;
        jj = sc_ir_append(f, join, IR_jmp, SC_TY_VOID, 0);
        f->ins[jj].succ[0] = h;
        f->ins[jj].pc = f->ins[jc].pc;
        sc_blk *hb = &f->blk[h];
        for (uint32_t k = 0; k < hb->npreds; k++)
          if (hb->preds[k] == (uint32_t)p) hb->preds[k] = join; /* the phis' inputs stay in place */
        uint32_t one = sc_ir_insert(f, (uint32_t)chk, 0, IR_const, SC_TY_I64, 0);
        f->ins[one].imm = 1;
        last = sc_ir_insert(f, (uint32_t)chk, 1, IR_isub, SC_TY_I64, 2); /* n - 1: the loop runs, so n > first */
        f->ins[last].args[0] = bound;
        f->ins[last].args[1] = one;
      }
      uint32_t ends[2] = {first, last}, at = f->blk[chk].nins - 1, len;
      if (!invariant_in(f, l, lenv)) { /* the array's length, its tag checked first */
        uint32_t a = f->ins[lenv].args[0];
        uint32_t t = sc_ir_insert(f, (uint32_t)chk, at++, IR_istag, SC_TY_BOOL, 1);
        f->ins[t].aux = SC_ARRAY;
        f->ins[t].args[0] = a;
        uint32_t gt = sc_ir_insert(f, (uint32_t)chk, at++, IR_guard, SC_TY_VOID, 1);
        f->ins[gt].args[0] = t;
        f->ins[gt].aux = SC_RS_TAG;
        f->ins[gt].fs = s;
        f->ins[gt].pc = gpc;
        len = sc_ir_insert(f, (uint32_t)chk, at++, IR_arrlen, SC_TY_I64, 1);
        f->ins[len].args[0] = a;
        f->ins[len].pc = gpc;
      } else {
        len = sc_ir_outside_loop(f, l, (uint32_t)chk, &at, lenv);
      }
      for (int e = 0; e < 2; e++) {
        uint32_t x = nops ? chain_at(f, l, ops, nops, ends[e], (uint32_t)chk, s) : ends[e];
        at = f->blk[chk].nins - 1;
        uint32_t u = sc_ir_insert(f, (uint32_t)chk, at++, IR_icmp, SC_TY_BOOL, 2);
        f->ins[u].aux = cc;
        f->ins[u].args[0] = x;
        f->ins[u].args[1] = len;
        f->ins[u].pc = gpc;
        uint32_t g2 = sc_ir_insert(f, (uint32_t)chk, at, IR_guard, SC_TY_VOID, 1);
        f->ins[g2].args[0] = u;
        f->ins[g2].aux = reason;
        f->ins[g2].fs = s;
        f->ins[g2].pc = gpc;
      }
      f->ins[v].dead = 1;
      moved++;
    }
  }
  if (chk >= 0) sc_ir_invalidate(f);
  return moved;
}

/* A guard of i >= 0 followed, with only pure code between, by a guard of
 * i < n leaving at the same state for the same reason (a bounds check),
 * n not negative: one guard of (u64)i < (u64)n. How many merged. */
static uint32_t unsigned_bounds(R *S) {
  sc_irfunc *f = S->f;
  uint32_t merged = 0;
  for (uint32_t i = 0; i < f->nrpo; i++) {
    uint32_t b = f->rpo[i];
    for (uint32_t j = 0; j < f->blk[b].nins; j++) {
      uint32_t v = f->blk[b].ins[j];
      const sc_ins *g2 = &f->ins[v];
      if (g2->op != IR_guard || g2->dead) continue; /* args only then: an op without operands may have none */
      const sc_ins *c2 = &f->ins[g2->args[0]];
      if (c2->op != IR_icmp || c2->aux != SC_CC_LT || range_of(S, c2->args[1]).lo < 0) continue;
      for (uint32_t k = j; k-- > 0;) {
        const sc_ins *g1 = &f->ins[f->blk[b].ins[k]];
        unsigned fl = sc_irop_flags(g1->op);
        if (g1->dead) continue;
        if (g1->op != IR_guard) {
          if (!(fl & IRF_PURE) || (fl & (IRF_THROW | IRF_SIDE | IRF_READ)) || g1->op == IR_phi) break;
          continue;
        }
        const sc_ins *c1 = &f->ins[g1->args[0]];
        int64_t z;
        if (g1->fs != g2->fs || g1->aux != g2->aux || c1->op != IR_icmp || c1->aux != SC_CC_GE ||
            c1->args[0] != c2->args[0] || !is_const(f, c1->args[1], &z) || z != 0)
          break;
        uint32_t x = c2->args[0], n = c2->args[1];
        f->ins[f->blk[b].ins[k]].dead = 1;
        uint32_t u = sc_ir_insert(f, b, j, IR_icmp, SC_TY_BOOL, 2); /* the i < n compare may have other uses */
        f->ins[u].aux = SC_CC_ULT;
        f->ins[u].args[0] = x;
        f->ins[u].args[1] = n;
        f->ins[u].pc = f->ins[v].pc;
        f->ins[v].args[0] = u;
        j++;
        merged++;
        break;
      }
    }
  }
  return merged;
}

bool sc_pass_range(sc_irfunc *f, sc_pass_ctx *ctx) {
  (void)ctx;
  sc_ir_loops(f);
  R S = {.f = f};
  /* room for what hoisting adds: two instructions per guard at most */
  S.n = f->nins;
  for (uint32_t v = 1; v < f->nins; v++) S.n += f->ins[v].op == IR_guard ? 3 : 0;
  S.r = sc_arena_alloc(f->arena, S.n * sizeof *S.r);
  S.st = sc_arena_alloc(f->arena, S.n);
  reset(&S);
  guard_lists(&S);
  bool changed = false;
  for (uint32_t l = f->nloops; l-- > 0;) {
    uint32_t m = hoist_iv_guards(&S, l);
    if (m) changed = true, reset(&S), sc_ir_compact(f), sc_ir_loops(f), guard_lists(&S);
  }
  S.ivd = sc_arena_alloc(f->arena, S.n);
  for (uint32_t v = 1; v < f->nins; v++)
    if (f->ins[v].op == IR_phi && !f->ins[v].dead && f->ins[v].ty == SC_TY_I64) S.ivd[v] = (int8_t)iv_dir(&S, v);
  /* a value's operands come first in reverse post-order (phis aside):
   * computing in that order keeps the recursion shallow */
  for (uint32_t i = 0; i < f->nrpo; i++) {
    const sc_blk *bl = &f->blk[f->rpo[i]];
    for (uint32_t j = 0; j < bl->nins; j++) range_of(&S, bl->ins[j]);
  }
  for (uint32_t i = 0; i < f->nrpo; i++) {
    uint32_t b = f->rpo[i];
    for (uint32_t j = 0; j < f->blk[b].nins; j++) {
      uint32_t v = f->blk[b].ins[j];
      sc_ins *in = &f->ins[v];
      switch (in->op) {
      case IR_iadd_ovf: case IR_isub_ovf: case IR_imul_ovf: case IR_ineg_ovf: {
        rng a = range_at(&S, in->args[0], b, j);
        rng c = in->nargs > 1 ? range_at(&S, in->args[1], b, j) : FULL;
        if (may_overflow(in->op, a, c)) break;
        in->op = wrapping_op(in->op);
        in->fs = -1;
        changed = true;
        break;
      }
      case IR_icmp: {
        int d = decide(&S, v, b, j);
        if (d < 0) break;
        in->op = IR_const;
        in->nargs = 0;
        in->imm = d;
        in->aux = 0;
        changed = true;
        break;
      }
      case IR_idiv: case IR_imod:
        if (by_power_of_two(&S, v, b, &j) || nonzero_divisor(&S, v, b, j)) changed = true;
        break;
      case IR_guard: {
        /* its check at the guard: a compare known there holds */
        const sc_ins *c = &f->ins[in->args[0]];
        if ((c->op == IR_const && c->imm) || (c->op == IR_icmp && decide(&S, in->args[0], b, j) == 1))
          in->dead = 1, changed = true;
        break;
      }
      default: break;
      }
    }
  }
  /* no instruction goes, so ids (and ivd) hold until the compaction below */
  for (uint32_t l = f->nloops; l-- > 0;) changed |= hoist_chain_checks(&S, l) != 0;
  changed |= unsigned_bounds(&S) != 0;
  /* each hoist changes the CFG: the analyses again, loop by loop */
  for (uint32_t l = f->nloops; l-- > 0;)
    if (hoist_bounds_checks(&S, l)) changed = true, reset(&S), sc_ir_compact(f), sc_ir_loops(f), guard_lists(&S);
  if (changed) sc_ir_compact(f);
  return changed;
}
