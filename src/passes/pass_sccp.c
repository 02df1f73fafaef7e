/* sccp: sparse conditional propagation of constants and tags (Wegman and
 * Zadeck). A block runs only when an edge into it can run, a phi merges
 * only the inputs whose edges can run, a branch whose condition is known
 * runs one way, and everything starts as "not run yet" (optimistic). Each
 * value has
 *  - a val: the set of tags it may have (a box of an f64 is a float, a
 *    phi the union of its inputs', a param or a load any);
 *  - an i64, f64 or bool: not yet known, one constant, or varying.
 * So a loop whose values enter as floats and whose generic arithmetic
 * dispatches on int and float runs the float path alone: the int path's
 * boxes never reach the phis, because the tag tests that lead there are
 * decided by the phis' tags (02_fib_iter's loop after its values turned
 * float). Then:
 *  - istag, compares and arithmetic on constants fold to constants (in
 *    place: the op could not fail on them);
 *  - a branch decided that way becomes a jump, and blocks no longer
 *    reached go with their edges and phi operands.
 * unbox then types the phis whose boxes now agree. */
#include <math.h>
#include <string.h>

#include "passes/passes.h"

enum { UNDEF, CONST, OVER };

typedef struct lat {
  uint16_t tags; /* val: SC_NTAGS bits, 0 not yet run */
  uint8_t st;    /* i64, f64, bool: UNDEF, CONST, OVER */
  int64_t k;     /* CONST: the bits (f64: IEEE) */
} lat;

#define ALLTAGS ((uint16_t)((1u << SC_NTAGS) - 1))

typedef struct sccp {
  sc_irfunc *f;
  lat *v;
  uint32_t *ustart, *ulist; /* the users of value x: ulist[ustart[x] .. ustart[x + 1]) */
  uint32_t *ebase;          /* block b's edges: eok[ebase[b] + k] for its predecessor k */
  uint8_t *eok, *bok;       /* edge, block can run */
  uint32_t *work, nwork, cwork;
  uint32_t *bwork, nbwork; /* blocks newly able to run (each once) */
} sccp;

static double dbl(int64_t k) {
  double d;
  memcpy(&d, &k, sizeof d);
  return d;
}

static int64_t bits(double d) {
  int64_t k;
  memcpy(&k, &d, sizeof k);
  return k;
}

static uint16_t tag_bit_of_ty(sc_ty t) { return sc_tag_of_ty(t) < 0 ? ALLTAGS : (uint16_t)(1u << sc_tag_of_ty(t)); }

static bool typed(sc_ty t) { return sc_tag_of_ty(t) >= 0; }

static void push(sccp *S, uint32_t x) {
  if (S->nwork == S->cwork) {
    size_t c = S->cwork;
    S->work = sc_arena_grow(S->f->arena, S->work, sizeof *S->work, S->nwork, &c, (size_t)S->nwork + 1);
    S->cwork = (uint32_t)c;
  }
  S->work[S->nwork++] = x;
}

/* Lowers x's lattice value to (its meet with) n; its users are looked at
 * again when it changed. */
static void set(sccp *S, uint32_t x, lat n) {
  lat *o = &S->v[x];
  bool ch = false;
  if (S->f->ins[x].ty == SC_TY_VAL) {
    uint16_t t = o->tags | n.tags;
    ch = t != o->tags;
    o->tags = t;
  } else if (n.st != UNDEF && o->st != OVER) {
    if (o->st == UNDEF) *o = n, ch = true;
    else if (n.st == OVER || n.k != o->k) o->st = OVER, ch = true;
  }
  if (ch)
    for (uint32_t j = S->ustart[x]; j < S->ustart[x + 1]; j++) push(S, S->ulist[j]);
}

static lat over(void) { return (lat){.tags = ALLTAGS, .st = OVER}; }
static lat konst(int64_t k) { return (lat){.st = CONST, .k = k}; }
static lat tags(uint16_t t) { return (lat){.tags = t}; }

/* Whether c holds between two values ordered lt, eq or gt (none of the
 * three: unordered, a NaN); unsigned conditions read lt and gt so. */
static bool holds(sc_cond c, bool lt, bool eq, bool gt) {
  switch (c) {
  case SC_CC_EQ: return eq;
  case SC_CC_NE: return !eq;
  case SC_CC_LT: case SC_CC_ULT: return lt;
  case SC_CC_LE: case SC_CC_ULE: return lt || eq;
  case SC_CC_GT: case SC_CC_UGT: return gt;
  default: return gt || eq;
  }
}

static bool cmp_i(sc_cond c, int64_t a, int64_t b) {
  if (sc_cond_unsigned(c)) return holds(c, (uint64_t)a < (uint64_t)b, a == b, (uint64_t)a > (uint64_t)b);
  return holds(c, a < b, a == b, a > b);
}

/* An i64 op on constants; false when it would leave (overflow, division by
 * 0) or is not one this folds. */
static bool fold_i(unsigned op, int64_t a, int64_t b, int64_t *r) {
  uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
  switch (op) {
  case IR_iadd: *r = (int64_t)(ua + ub); return true;
  case IR_isub: *r = (int64_t)(ua - ub); return true;
  case IR_imul: *r = (int64_t)(ua * ub); return true;
  case IR_ineg: *r = (int64_t)(0 - ua); return true;
  case IR_iadd_ovf: return !__builtin_add_overflow(a, b, r);
  case IR_isub_ovf: return !__builtin_sub_overflow(a, b, r);
  case IR_imul_ovf: return !__builtin_mul_overflow(a, b, r);
  case IR_ineg_ovf: return !__builtin_sub_overflow((int64_t)0, a, r);
  case IR_idiv: case IR_idiv_nz:
    if (b == 0 || (a == INT64_MIN && b == -1)) return false;
    *r = a / b;
    return true;
  case IR_imod: case IR_imod_nz:
    if (b == 0) return false;
    *r = b == -1 ? 0 : a % b;
    return true;
  case IR_iand: *r = a & b; return true;
  case IR_ior: *r = a | b; return true;
  case IR_ixor: *r = a ^ b; return true;
  case IR_ishl: *r = (int64_t)(ua << (ub & 63)); return true;
  case IR_ishr: *r = a >> (ub & 63); return true;
  case IR_inot: *r = ~a; return true;
  default: return false;
  }
}

static bool fold_f(unsigned op, double a, double b, double *r) {
  switch (op) {
  case IR_fadd: *r = a + b; return true;
  case IR_fsub: *r = a - b; return true;
  case IR_fmul: *r = a * b; return true;
  case IR_fdiv: *r = a / b; return true;
  case IR_fmod: *r = fmod(a, b); return true;
  case IR_fneg: *r = -a; return true;
  default: return false;
  }
}

/* The tags a generic op's result may have when it does not leave. */
static uint16_t generic_tags(unsigned op) {
  switch (op) {
  case IR_Not: case IR_Eq: case IR_Ne: case IR_Lt: case IR_Le: case IR_Gt: case IR_Ge:
  case IR_LtInt: case IR_LeInt: case IR_GtInt: case IR_GeInt: case IR_EqInt: case IR_NeInt:
  case IR_LtNumber: case IR_LeNumber: case IR_GtNumber: case IR_GeNumber: case IR_EqNumber: case IR_NeNumber:
  case IR_MapHas:
    return 1u << SC_BOOL;
  case IR_StrLen: case IR_ArrayLen: return 1u << SC_INT;
  case IR_NewObject: case IR_allocobj: return 1u << SC_OBJECT;
  case IR_NewArray: case IR_ArrayNew: return 1u << SC_ARRAY;
  case IR_NewMap: return 1u << SC_MAP;
  default: return ALLTAGS;
  }
}

/* Instruction x's value from its operands' (x in a block that can run). */
static lat eval(sccp *S, uint32_t x) {
  const sc_irfunc *f = S->f;
  const sc_ins *in = &f->ins[x];
  const lat *a = in->nargs > 0 ? &S->v[in->args[0]] : NULL, *b = in->nargs > 1 ? &S->v[in->args[1]] : NULL;
  switch (in->op) {
  case IR_phi: {
    lat r = {0};
    const sc_blk *bl = &f->blk[in->blk];
    for (uint32_t k = 0; k < in->nargs && k < bl->npreds; k++) {
      if (!S->eok[S->ebase[in->blk] + k]) continue;
      const lat *o = &S->v[in->args[k]];
      if (in->ty == SC_TY_VAL) r.tags |= o->tags;
      else if (o->st == OVER || (o->st == CONST && r.st == CONST && o->k != r.k)) r.st = OVER;
      else if (o->st == CONST && r.st == UNDEF) r = *o;
    }
    return r;
  }
  case IR_copy: return *a;
  case IR_const:
    if (in->ty != SC_TY_VAL) return konst(in->imm);
    return f->prog && (uint64_t)in->imm < f->prog->nconsts ? tags((uint16_t)(1u << f->prog->consts[in->imm].tag))
                                                            : over();
  case IR_null: return tags(1u << SC_NULL);
  case IR_func: return tags(1u << SC_FUNC);
  case IR_box: return a->st == UNDEF && a->tags == 0 ? (lat){0} : tags(tag_bit_of_ty((sc_ty)f->ins[in->args[0]].ty));
  case IR_unbox: {
    const sc_ins *src = &f->ins[in->args[0]];
    if (src->op == IR_box && src->ty == SC_TY_VAL && f->ins[src->args[0]].ty == in->ty) return S->v[src->args[0]];
    if (src->op == IR_const && f->prog && (uint64_t)src->imm < f->prog->nconsts) {
      sc_value c = f->prog->consts[src->imm];
      if (in->ty == SC_TY_I64 && c.tag == SC_INT) return konst(c.i);
      if (in->ty == SC_TY_BOOL && c.tag == SC_BOOL) return konst(c.i != 0);
      if (in->ty == SC_TY_F64 && c.tag == SC_FLOAT) return konst(bits(c.f));
    }
    return over();
  }
  case IR_istag:
    if (!a->tags) return (lat){0};
    if (a->tags == 1u << in->aux) return konst(1);
    if (!(a->tags & (1u << in->aux))) return konst(0);
    return over();
  case IR_truthy:
    if (!a->tags) return (lat){0};
    if (a->tags == 1u << SC_NULL) return konst(0);
    if (!(a->tags & ((1u << SC_NULL) | (1u << SC_BOOL) | (1u << SC_INT) | (1u << SC_FLOAT)))) return konst(1);
    return over();
  case IR_bnot:
    if (a->st != CONST) return *a;
    return konst(!a->k);
  case IR_band:
    if (a->st == CONST && !a->k) return konst(0);
    if (b->st == CONST && !b->k) return konst(0);
    if (a->st == UNDEF || b->st == UNDEF) return (lat){0};
    if (a->st == CONST && b->st == CONST) return konst(1);
    return over();
  case IR_icmp:
    if (a->st == UNDEF || b->st == UNDEF) return (lat){0};
    if (a->st == CONST && b->st == CONST) return konst(cmp_i((sc_cond)in->aux, a->k, b->k));
    return over();
  case IR_fcmp: {
    if (a->st == UNDEF || b->st == UNDEF) return (lat){0};
    if (a->st != CONST || b->st != CONST || sc_cond_unsigned((sc_cond)in->aux)) return over();
    double x = dbl(a->k), y = dbl(b->k);
    return konst(holds((sc_cond)in->aux, x < y, x == y, x > y));
  }
  case IR_i2f:
    if (a->st != CONST) return a->st == UNDEF ? (lat){0} : over();
    return konst(bits((double)a->k));
  default: break;
  }
  if (in->ty == SC_TY_VAL) return tags(generic_tags(in->op));
  if (!typed((sc_ty)in->ty) || !in->nargs || in->nargs > 2) return over();
  for (uint32_t k = 0; k < in->nargs; k++)
    if (!typed((sc_ty)f->ins[in->args[k]].ty)) return over();
  if (a->st == UNDEF || (b && b->st == UNDEF)) return (lat){0};
  if (a->st != CONST || (b && b->st != CONST)) return over();
  int64_t r;
  double d;
  if (in->ty == SC_TY_I64 && fold_i(in->op, a->k, b ? b->k : 0, &r)) return konst(r);
  if (in->ty == SC_TY_F64 && fold_f(in->op, dbl(a->k), b ? dbl(b->k) : 0, &d)) return konst(bits(d));
  return over();
}

/* The edge from p into s can run. */
static void edge(sccp *S, uint32_t p, uint32_t s) {
  const sc_blk *bl = &S->f->blk[s];
  bool any = false;
  for (uint32_t k = 0; k < bl->npreds; k++)
    if (bl->preds[k] == p && !S->eok[S->ebase[s] + k]) S->eok[S->ebase[s] + k] = 1, any = true;
  if (!any) return;
  if (!S->bok[s]) {
    S->bok[s] = 1;
    S->bwork[S->nbwork++] = s;
    return;
  }
  for (uint32_t i = 0; i < bl->nins && S->f->ins[bl->ins[i]].op == IR_phi; i++) push(S, bl->ins[i]);
}

static void visit(sccp *S, uint32_t x) {
  const sc_ins *in = &S->f->ins[x];
  if (in->dead || !S->bok[in->blk]) return;
  if (in->op == IR_jmp) {
    edge(S, in->blk, in->succ[0]);
  } else if (in->op == IR_br) {
    const lat *c = &S->v[in->args[0]];
    if (c->st == UNDEF) return;
    if (c->st == OVER || c->k) edge(S, in->blk, in->succ[0]);
    if (c->st == OVER || !c->k) edge(S, in->blk, in->succ[1]);
  } else if (in->ty != SC_TY_VOID) {
    set(S, x, eval(S, x));
  }
}

static void solve(sccp *S) {
  sc_irfunc *f = S->f;
  S->bok[0] = 1;
  S->bwork[S->nbwork++] = 0;
  while (S->nbwork || S->nwork) {
    if (S->nbwork) {
      const sc_blk *bl = &f->blk[S->bwork[--S->nbwork]];
      for (uint32_t i = 0; i < bl->nins; i++) visit(S, bl->ins[i]);
    } else {
      visit(S, S->work[--S->nwork]);
    }
  }
}

bool sc_pass_sccp(sc_irfunc *f, sc_pass_ctx *c) {
  (void)c;
  sccp S = {.f = f};
  uint32_t n = f->nins;
  S.v = sc_arena_alloc(f->arena, ((size_t)n + 1) * sizeof *S.v);
  sc_ir_users u = sc_ir_users_of(f);
  S.ustart = u.start;
  S.ulist = u.list;
  S.ebase = sc_arena_alloc(f->arena, ((size_t)f->nblk + 1) * sizeof *S.ebase);
  for (uint32_t b = 0; b < f->nblk; b++) S.ebase[b + 1] = S.ebase[b] + (f->blk[b].dead ? 0 : f->blk[b].npreds);
  S.eok = sc_arena_alloc(f->arena, (size_t)S.ebase[f->nblk] + 1);
  S.bok = sc_arena_alloc(f->arena, (size_t)f->nblk + 1);
  S.bwork = sc_arena_alloc(f->arena, ((size_t)f->nblk + 1) * sizeof *S.bwork);
  solve(&S);

  /* a branch left undecided in code that runs would drop its successors:
   * the lattice did not settle there, so change nothing */
  for (uint32_t b = 0; b < f->nblk; b++) {
    uint32_t t = f->blk[b].dead || !S.bok[b] ? 0 : sc_ir_term(f, b);
    if (t && f->ins[t].op == IR_br && S.v[f->ins[t].args[0]].st == UNDEF) return false;
  }
  bool changed = false;
  /* branches decided: jumps (before the constants below renumber their
   * conditions) */
  for (uint32_t b = 0; b < f->nblk; b++) {
    if (f->blk[b].dead || !S.bok[b]) continue;
    uint32_t t = sc_ir_term(f, b);
    if (!t || f->ins[t].op != IR_br || f->ins[t].succ[0] == f->ins[t].succ[1]) continue;
    sc_ins *in = &f->ins[t];
    const lat *cv = &S.v[in->args[0]];
    if (cv->st != CONST) continue;
    sc_ir_fold_branch(f, b, cv->k != 0);
    changed = true;
  }
  /* a guard of false always leaves: its block ends there (deopt at the
   * guard's state, for its reason), and what only it led to goes below.
   * Left in, such dead code reaches MIR, whose own folding then finds
   * unreachable loops its GVN can spin on (a cycle of copies). */
  for (uint32_t b = 0; b < f->nblk; b++) {
    if (f->blk[b].dead || !S.bok[b]) continue;
    sc_blk *bl = &f->blk[b];
    for (uint32_t i = 0; i < bl->nins; i++) {
      sc_ins *g = &f->ins[bl->ins[i]];
      if (g->dead || g->op != IR_guard || S.v[g->args[0]].st != CONST || S.v[g->args[0]].k) continue;
      uint32_t succ[2];
      int ns = sc_ir_succs(f, b, succ);
      for (int k = 0; k < ns; k++) sc_ir_remove_edge(f, b, succ[k]);
      for (uint32_t j = i + 1; j < bl->nins; j++) f->ins[bl->ins[j]].dead = 1;
      bl->nins = i + 1;
      g->op = IR_deopt;
      g->nargs = 0;
      changed = true;
      break;
    }
  }
  /* constants where the values were (their live ranges stay as short):
   * an op becomes the const, a phi's uses read a const after the phis */
  uint32_t *fwd = sc_arena_alloc(f->arena, ((size_t)n + 1) * sizeof *fwd);
  bool folded = false;
  for (uint32_t x = 1; x < n; x++) {
    sc_ins *in = &f->ins[x];
    if (in->dead || !S.bok[in->blk] || in->op == IR_const || !typed((sc_ty)in->ty) || S.v[x].st != CONST) continue;
    if (sc_irop_flags(in->op) & IRF_SIDE) continue;
    if (in->op != IR_phi) { /* pure, and could not leave on these operands */
      in->op = IR_const;
      in->nargs = 0;
      in->imm = S.v[x].k;
      in->aux = 0;
      in->fs = -1;
      in->fb = NULL;
      changed = true;
      continue;
    }
    uint32_t b = in->blk, at = 0;
    while (at < f->blk[b].nins && f->ins[f->blk[b].ins[at]].op == IR_phi) at++;
    uint32_t k = sc_ir_insert(f, b, at, IR_const, (sc_ty)f->ins[x].ty, 0);
    f->ins[k].imm = S.v[x].k;
    fwd[x] = k;
    folded = true;
  }
  if (folded) {
    sc_ir_forward(f, fwd, n);
    for (uint32_t x = 1; x < n; x++)
      if (fwd[x]) f->ins[x].dead = 1;
    /* a loop's entry state is read at the header's start, before the const
     * that replaced a phi of it: it reads a copy made in the entry block */
    for (uint32_t b = 0; b < f->nblk; b++) {
      int32_t e = f->blk[b].entry_fs;
      if (f->blk[b].dead || e < 0) continue;
      for (uint32_t k = 0; k < sc_ir_fs_nvals(&f->fs[e]); k++) {
        uint32_t v = f->fs[e].vals[k];
        if (!v || f->ins[v].blk != b || f->ins[v].op != IR_const) continue;
        uint32_t c = sc_ir_insert(f, 0, f->blk[0].nins - 1, IR_const, (sc_ty)f->ins[v].ty, 0);
        f->ins[c].imm = f->ins[v].imm;
        f->fs[e].vals[k] = c;
      }
    }
    changed = true;
  }
  /* the blocks that could not run go */
  changed |= sc_ir_remove_unreachable(f);
  if (changed) {
    sc_ir_compact(f);
    sc_ir_invalidate(f);
  }
  return changed;
}
