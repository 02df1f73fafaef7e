/* CFG simplification, to a fixed point:
 *  - a branch on a constant (or on the truthiness of a constant value), or
 *    to the same block both ways, becomes a jump;
 *  - blocks unreachable from b0 go, with their edges and phi operands;
 *  - a block holding only `jmp T` is skipped: its predecessors jump to T
 *    (not when T has phis and that would give T a predecessor twice);
 *  - a block whose single predecessor only jumps to it joins that
 *    predecessor (its phis, one operand each, become that operand).
 * Phi operands follow their predecessor entries through every edit. */
#include <stdlib.h>
#include <string.h>

#include "passes/passes.h"

typedef struct simp {
  sc_irfunc *f;
  uint32_t *fwd; /* replacements of removed phis, applied once per round */
} simp;

static uint32_t resolve(const simp *S, uint32_t v) {
  while (S->fwd[v]) v = S->fwd[v];
  return v;
}

/* Truthiness of a branch condition known at compile time: 1, 0, or -1. */
static int const_cond(const simp *S, uint32_t c) {
  const sc_irfunc *f = S->f;
  const sc_ins *in = &f->ins[resolve(S, c)];
  if (in->op == IR_const && in->ty == SC_TY_BOOL) return in->imm != 0;
  if (in->op != IR_truthy || !in->nargs) return -1;
  const sc_ins *v = &f->ins[resolve(S, in->args[0])];
  if (v->op == IR_null) return 0;
  if (v->op == IR_func) return 1;
  if (v->op == IR_const && v->ty == SC_TY_VAL && f->prog && (uint64_t)v->imm < f->prog->nconsts)
    return sc_truthy(f->prog->consts[v->imm]);
  if (v->op == IR_box && v->nargs) {
    const sc_ins *r = &f->ins[resolve(S, v->args[0])];
    if (r->op == IR_const && r->ty == SC_TY_BOOL) return r->imm != 0;
    if (r->op == IR_const && r->ty == SC_TY_I64) return r->imm != 0;
    if (r->op == IR_const && r->ty == SC_TY_F64) {
      double d;
      memcpy(&d, &r->imm, sizeof d);
      return d != 0.0;
    }
  }
  return -1;
}

static bool fold_branches(simp *S) {
  sc_irfunc *f = S->f;
  bool changed = false;
  for (uint32_t b = 0; b < f->nblk; b++) {
    if (f->blk[b].dead) continue;
    uint32_t t = sc_ir_term(f, b);
    if (!t || f->ins[t].op != IR_br) continue;
    sc_ins *in = &f->ins[t];
    int c = in->succ[0] == in->succ[1] ? 1 : const_cond(S, in->args[0]);
    if (c < 0) continue;
    sc_ir_fold_branch(f, b, c != 0);
    changed = true;
  }
  return changed;
}

/* E holds only `jmp T`: E's predecessors jump to T directly. */
static bool skip_empty(simp *S) {
  sc_irfunc *f = S->f;
  bool changed = false;
  for (uint32_t e = 1; e < f->nblk; e++) {
    sc_blk *eb = &f->blk[e];
    if (eb->dead || eb->nins != 1 || f->ins[eb->ins[0]].op != IR_jmp || eb->npreds == 0) continue;
    uint32_t t = f->ins[eb->ins[0]].succ[0];
    if (t == e) continue;
    sc_blk *tb = &f->blk[t];
    uint32_t ke = 0;
    while (ke < tb->npreds && tb->preds[ke] != e) ke++;
    if (ke == tb->npreds) continue;
    if (sc_ir_has_phis(f, t)) { /* T's phis would need two operands for one predecessor */
      bool clash = false;
      for (uint32_t k = 0; k < eb->npreds && !clash; k++) {
        for (uint32_t j = 0; j < tb->npreds; j++) clash |= tb->preds[j] == eb->preds[k];
        for (uint32_t j = 0; j < k; j++) clash |= eb->preds[j] == eb->preds[k];
      }
      if (clash) continue;
    }
    /* T's predecessor E is replaced by E's predecessors; each new entry
     * takes the operand T's phis had for E. */
    uint32_t np = eb->npreds, newn = tb->npreds - 1 + np;
    uint32_t *preds = sc_arena_alloc(f->arena, ((size_t)newn + 1) * sizeof *preds), n = 0;
    for (uint32_t k = 0; k < tb->npreds; k++) {
      if (k == ke)
        for (uint32_t j = 0; j < np; j++) preds[n++] = eb->preds[j];
      else
        preds[n++] = tb->preds[k];
    }
    for (uint32_t i = 0; i < tb->nins; i++) {
      sc_ins *ph = &f->ins[tb->ins[i]];
      if (ph->op != IR_phi) break;
      uint32_t *args = sc_arena_alloc(f->arena, ((size_t)newn + 1) * sizeof *args), m = 0;
      for (uint32_t k = 0; k < tb->npreds; k++) {
        if (k == ke)
          for (uint32_t j = 0; j < np; j++) args[m++] = ph->args[ke];
        else
          args[m++] = ph->args[k];
      }
      ph->args = args;
      ph->nargs = newn;
    }
    tb->preds = preds;
    tb->npreds = tb->cpreds = newn;
    for (uint32_t k = 0; k < np; k++) {
      if (k && eb->preds[k] == eb->preds[k - 1]) continue;
      sc_ins *pt = &f->ins[sc_ir_term(f, eb->preds[k])];
      for (int j = 0; j < 2; j++)
        if (pt->succ[j] == e) pt->succ[j] = t;
    }
    eb->dead = 1;
    f->ins[eb->ins[0]].dead = 1;
    eb->nins = eb->npreds = 0;
    changed = true;
  }
  return changed;
}

/* B whose single predecessor P only jumps to B: B's code joins P. */
static bool merge_blocks(simp *S) {
  sc_irfunc *f = S->f;
  bool changed = false;
  for (uint32_t b = 1; b < f->nblk; b++) {
    sc_blk *bb = &f->blk[b];
    if (bb->dead || bb->npreds != 1) continue;
    uint32_t p = bb->preds[0];
    if (p == b) continue;
    uint32_t pt = sc_ir_term(f, p);
    if (!pt || f->ins[pt].op != IR_jmp) continue;
    for (uint32_t i = 0; i < bb->nins; i++) {
      sc_ins *ph = &f->ins[bb->ins[i]];
      if (ph->op != IR_phi) break;
      ph->dead = 1;
      S->fwd[bb->ins[i]] = ph->args[0];
    }
    f->ins[pt].dead = 1;
    sc_blk *pb = &f->blk[p];
    pb->nins--; /* its jmp */
    for (uint32_t i = 0; i < bb->nins; i++) {
      uint32_t id = bb->ins[i];
      if (f->ins[id].dead) continue;
      f->ins[id].blk = p;
      size_t c = pb->cins;
      pb->ins = sc_arena_grow(f->arena, pb->ins, sizeof *pb->ins, pb->nins, &c, (size_t)pb->nins + 1);
      pb->cins = (uint32_t)c;
      pb->ins[pb->nins++] = id;
    }
    uint32_t s[2];
    int ns = sc_ir_succs(f, p, s);
    for (int k = 0; k < ns; k++) {
      if (k == 1 && s[1] == s[0]) break;
      sc_blk *sb = &f->blk[s[k]];
      for (uint32_t j = 0; j < sb->npreds; j++)
        if (sb->preds[j] == b) sb->preds[j] = p;
    }
    bb->dead = 1;
    bb->nins = bb->npreds = 0;
    changed = true;
  }
  return changed;
}

bool sc_pass_simplify(sc_irfunc *f, sc_pass_ctx *c) {
  (void)c;
  uint32_t nfwd = f->nins + 1;
  simp S = {f, calloc(nfwd, sizeof(uint32_t))};
  bool any = false, changed = true;
  while (changed) {
    changed = fold_branches(&S);
    changed |= sc_ir_remove_unreachable(f);
    changed |= skip_empty(&S);
    changed |= merge_blocks(&S);
    if (changed) sc_ir_forward(f, S.fwd, nfwd);
    any |= changed;
  }
  free(S.fwd);
  sc_ir_compact(f);
  sc_ir_invalidate(f);
  return any;
}
