/* CFG simplification, to a fixed point: drop unreachable blocks, turn
 * branches on constants or to one target into jumps, skip blocks that only
 * jump, and merge a block into its single predecessor. Phi operands follow
 * their predecessor entries through every edit. */
#include <stdlib.h>
#include <string.h>

#include "passes/passes.h"

static void remove_pred_at(sc_irfunc *f, uint32_t t, size_t k) {
  sc_blk *b = &f->blk[t];
  for (size_t i = 0; i < b->nins; i++) {
    sc_ins *in = &f->ins[b->ins[i]];
    if (in->op != IR_phi) break;
    memmove(in->args + k, in->args + k + 1, (in->nargs - k - 1) * sizeof *in->args);
    in->nargs--;
  }
  memmove(b->preds + k, b->preds + k + 1, (b->npreds - k - 1) * sizeof *b->preds);
  b->npreds--;
}

static void remove_edge(sc_irfunc *f, uint32_t from, uint32_t to) {
  sc_blk *b = &f->blk[to];
  for (size_t k = 0; k < b->npreds; k++)
    if (b->preds[k] == from) {
      remove_pred_at(f, to, k);
      return;
    }
}

static bool remove_unreachable(sc_irfunc *f) {
  uint8_t *seen = calloc(f->nblk + 1, 1);
  uint32_t *work = malloc((f->nblk + 1) * sizeof *work);
  size_t nw = 0;
  seen[0] = 1;
  work[nw++] = 0;
  while (nw) {
    uint32_t b = work[--nw], s[2];
    int ns;
    sc_ir_succs(f, b, s, &ns);
    for (int k = 0; k < ns; k++)
      if (!seen[s[k]]) seen[s[k]] = 1, work[nw++] = s[k];
  }
  bool changed = false;
  for (size_t b = 0; b < f->nblk; b++) {
    if (f->blk[b].dead) continue;
    if (!seen[b]) {
      f->blk[b].dead = 1;
      for (size_t i = 0; i < f->blk[b].nins; i++) f->ins[f->blk[b].ins[i]].dead = 1;
      changed = true;
      continue;
    }
    for (size_t k = f->blk[b].npreds; k-- > 0;)
      if (!seen[f->blk[b].preds[k]]) {
        remove_pred_at(f, (uint32_t)b, k);
        changed = true;
      }
  }
  free(seen);
  free(work);
  return changed;
}

/* Truthiness of a constant condition: 1, 0, or -1 when not constant. */
static int const_truth(const sc_irfunc *f, uint32_t v) {
  const sc_ins *in = &f->ins[v];
  if (in->op == IR_null) return 0;
  if (in->op == IR_func) return 1;
  if (in->op == IR_const && in->ty == SC_TY_VAL && f->prog && (uint64_t)in->imm < f->prog->nconsts)
    return sc_truthy(f->prog->consts[in->imm]);
  return -1;
}

static bool fold_branches(sc_irfunc *f) {
  bool changed = false;
  for (size_t b = 0; b < f->nblk; b++) {
    if (f->blk[b].dead) continue;
    uint32_t t = sc_ir_term(f, (uint32_t)b);
    if (!t || f->ins[t].op != IR_br) continue;
    sc_ins *in = &f->ins[t];
    int c = const_truth(f, in->args[0]);
    uint32_t keep;
    if (in->succ[0] == in->succ[1]) keep = in->succ[0];
    else if (c >= 0) keep = c ? in->succ[0] : in->succ[1];
    else continue;
    uint32_t drop = in->succ[0] == keep ? in->succ[1] : in->succ[0];
    remove_edge(f, (uint32_t)b, drop); /* one edge (of two, when both go to keep) */
    in->op = IR_jmp;
    in->nargs = 0;
    in->succ[0] = keep;
    in->fb = NULL;
    changed = true;
  }
  return changed;
}

/* A block that holds only `jmp T`: its predecessors jump to T directly. */
static bool skip_empty(sc_irfunc *f) {
  bool changed = false;
  for (size_t e = 1; e < f->nblk; e++) {
    sc_blk *eb = &f->blk[e];
    if (eb->dead || eb->nins != 1 || f->ins[eb->ins[0]].op != IR_jmp) continue;
    uint32_t t = f->ins[eb->ins[0]].succ[0];
    if (t == e || eb->npreds == 0) continue;
    sc_blk *tb = &f->blk[t];
    size_t ke = 0;
    while (ke < tb->npreds && tb->preds[ke] != e) ke++;
    if (ke == tb->npreds) continue;
    /* With phis in T, an edge P->T next to P->E->T would need two operands
     * for one predecessor: leave E in place then. */
    bool clash = tb->nins && f->ins[tb->ins[0]].op == IR_phi;
    for (size_t k = 0; clash && k < eb->npreds; k++) {
      bool dup = false;
      for (size_t j = 0; j < tb->npreds; j++) dup |= tb->preds[j] == eb->preds[k];
      for (size_t j = 0; j < k; j++) dup |= eb->preds[j] == eb->preds[k];
      if (dup) break;
      if (k == eb->npreds - 1) clash = false;
    }
    if (clash) continue;
    /* T's phis take, for each new edge, the operand they had for E. */
    size_t np = eb->npreds;
    size_t newn = tb->npreds - 1 + np;
    uint32_t *preds = sc_arena_alloc(f->arena, (newn + 1) * sizeof *preds);
    size_t n = 0;
    for (size_t k = 0; k < tb->npreds; k++)
      if (k != ke) preds[n++] = tb->preds[k];
    for (size_t k = 0; k < np; k++) preds[n++] = eb->preds[k];
    for (size_t i = 0; i < tb->nins; i++) {
      sc_ins *ph = &f->ins[tb->ins[i]];
      if (ph->op != IR_phi) break;
      uint32_t *args = sc_arena_alloc(f->arena, (newn + 1) * sizeof *args), ve = ph->args[ke];
      size_t m = 0;
      for (size_t k = 0; k < tb->npreds; k++)
        if (k != ke) args[m++] = ph->args[k];
      for (size_t k = 0; k < np; k++) args[m++] = ve;
      ph->args = args;
      ph->nargs = (uint32_t)newn;
    }
    tb->preds = preds;
    tb->npreds = tb->cpreds = newn;
    for (size_t k = 0; k < np; k++) {
      sc_ins *pt = &f->ins[sc_ir_term(f, eb->preds[k])];
      for (int j = 0; j < 2; j++)
        if (pt->succ[j] == e) pt->succ[j] = t;
    }
    eb->dead = 1;
    f->ins[eb->ins[0]].dead = 1;
    eb->npreds = 0;
    changed = true;
  }
  return changed;
}

/* B with a single predecessor P that only jumps to B: B joins P. */
static bool merge_blocks(sc_irfunc *f) {
  bool changed = false;
  for (size_t b = 1; b < f->nblk; b++) {
    sc_blk *bb = &f->blk[b];
    if (bb->dead || bb->npreds != 1) continue;
    uint32_t p = bb->preds[0];
    if (p == b) continue;
    uint32_t pt = sc_ir_term(f, p);
    if (!pt || f->ins[pt].op != IR_jmp) continue;
    for (size_t i = 0; i < bb->nins; i++) {
      sc_ins *ph = &f->ins[bb->ins[i]];
      if (ph->op != IR_phi) break;
      ph->dead = 1;
      sc_ir_replace_uses(f, bb->ins[i], ph->args[0]);
    }
    f->ins[pt].dead = 1;
    sc_blk *pb = &f->blk[p];
    pb->nins--; /* the jmp */
    for (size_t i = 0; i < bb->nins; i++) {
      uint32_t id = bb->ins[i];
      if (f->ins[id].dead) continue;
      f->ins[id].blk = p;
      pb->ins = sc_arena_grow(f->arena, pb->ins, sizeof *pb->ins, pb->nins, &pb->cins, pb->nins + 1);
      pb->ins[pb->nins++] = id;
    }
    uint32_t s[2];
    int ns;
    sc_ir_succs(f, p, s, &ns);
    for (int k = 0; k < ns; k++) {
      if (k == 1 && s[1] == s[0]) break;
      sc_blk *sb = &f->blk[s[k]];
      for (size_t j = 0; j < sb->npreds; j++)
        if (sb->preds[j] == b) sb->preds[j] = p;
    }
    bb->dead = 1;
    bb->nins = 0;
    bb->npreds = 0;
    changed = true;
  }
  return changed;
}

bool sc_pass_simplify(sc_irfunc *f) {
  bool any = false, changed = true;
  while (changed) {
    changed = fold_branches(f);
    changed |= remove_unreachable(f);
    changed |= skip_empty(f);
    changed |= merge_blocks(f);
    any |= changed;
  }
  sc_ir_compact(f);
  f->idom = NULL;
  f->loop_of = NULL;
  return any;
}
