/* The loop nesting forest, found from the CFG alone (LoopStart markers are
 * hints the lifter does not trust). A natural loop has a header that
 * dominates every block of the cycle; back-edges are edges to a dominating
 * header. A retreating edge whose target does not dominate its source
 * closes a cycle with several entries: the function is irreducible, that
 * cycle is not a loop, and passes that need loops must leave it alone. */
#include <stdlib.h>
#include <string.h>

#include "ssa/ir.h"

static void add_u32(sc_arena *a, uint32_t **v, size_t *n, size_t *cap, uint32_t x) {
  *v = sc_arena_grow(a, *v, sizeof **v, *n, cap, *n + 1);
  (*v)[(*n)++] = x;
}

void sc_ir_loops(sc_irfunc *f) {
  if (!f->idom) sc_ir_dom(f);
  size_t nb = f->nblk;
  f->loop_of = sc_arena_alloc(f->arena, (nb + 1) * sizeof *f->loop_of);
  for (size_t i = 0; i < nb; i++) f->loop_of[i] = -1;
  f->loops = NULL;
  f->nloops = 0;
  f->irreducible = false;
  size_t cloops = 0;
  /* Retreating edges: to a block not later in RPO. */
  for (size_t i = 0; i < f->nrpo; i++) {
    uint32_t b = f->rpo[i], s[2];
    int ns;
    sc_ir_succs(f, b, s, &ns);
    for (int k = 0; k < ns; k++)
      if (f->rpo_index[s[k]] <= i && !sc_ir_dominates(f, s[k], b)) f->irreducible = true;
  }
  /* Headers in RPO order, so outer loops come before inner ones. */
  uint8_t *in = malloc(nb ? nb : 1);
  uint32_t *work = malloc((nb + 1) * sizeof *work);
  for (size_t i = 0; i < f->nrpo; i++) {
    uint32_t h = f->rpo[i];
    sc_loop L;
    memset(&L, 0, sizeof L);
    L.header = h;
    L.parent = -1;
    size_t cl = 0, cb = 0;
    for (size_t k = 0; k < f->blk[h].npreds; k++) {
      uint32_t p = f->blk[h].preds[k];
      if (f->rpo_index[p] != UINT32_MAX && sc_ir_dominates(f, h, p)) add_u32(f->arena, &L.latches, &L.nlatches, &cl, p);
    }
    if (!L.nlatches) continue;
    /* Body: walk predecessors back from the latches to the header. */
    memset(in, 0, nb);
    in[h] = 1;
    add_u32(f->arena, &L.blocks, &L.nblocks, &cb, h);
    size_t nw = 0;
    for (size_t k = 0; k < L.nlatches; k++)
      if (!in[L.latches[k]]) {
        in[L.latches[k]] = 1;
        work[nw++] = L.latches[k];
      }
    while (nw) {
      uint32_t b = work[--nw];
      add_u32(f->arena, &L.blocks, &L.nblocks, &cb, b);
      for (size_t k = 0; k < f->blk[b].npreds; k++) {
        uint32_t p = f->blk[b].preds[k];
        if (!in[p] && f->rpo_index[p] != UINT32_MAX) {
          in[p] = 1;
          work[nw++] = p;
        }
      }
    }
    size_t ce = 0;
    for (size_t k = 0; k < L.nblocks; k++) {
      uint32_t s[2];
      int ns;
      sc_ir_succs(f, L.blocks[k], s, &ns);
      for (int j = 0; j < ns; j++) {
        bool dup = in[s[j]];
        for (size_t e = 0; e < L.nexits && !dup; e++) dup = L.exits[e] == s[j];
        if (!dup) add_u32(f->arena, &L.exits, &L.nexits, &ce, s[j]);
      }
    }
    f->loops = sc_arena_grow(f->arena, f->loops, sizeof *f->loops, f->nloops, &cloops, f->nloops + 1);
    uint32_t id = (uint32_t)f->nloops++;
    /* The enclosing loop is the innermost loop found so far containing h;
     * since outer headers come first, loop_of[h] is it. */
    L.parent = f->loop_of[h];
    L.depth = L.parent < 0 ? 1 : f->loops[L.parent].depth + 1;
    f->loops[id] = L;
    for (size_t k = 0; k < L.nblocks; k++) f->loop_of[L.blocks[k]] = (int32_t)id;
  }
  free(in);
  free(work);
}

uint32_t sc_ir_preheader(sc_irfunc *f, uint32_t l) {
  sc_loop *L = &f->loops[l];
  uint32_t h = L->header;
  sc_blk *hb = &f->blk[h];
  /* Entering edges: predecessors that are not latches. */
  size_t nent = 0;
  uint32_t single = 0;
  for (size_t k = 0; k < hb->npreds; k++) {
    bool latch = false;
    for (size_t j = 0; j < L->nlatches; j++) latch |= hb->preds[k] == L->latches[j];
    if (!latch) {
      nent++;
      single = hb->preds[k];
    }
  }
  if (nent == 1) {
    uint32_t s[2];
    int ns;
    sc_ir_succs(f, single, s, &ns);
    if (ns == 1) return single; /* already a preheader */
  }
  uint32_t p = sc_ir_block(f);
  hb = &f->blk[h];
  f->blk[p].bcpc = hb->bcpc;
  /* Move entering edges to p; header phis take a phi of p (or the value). */
  uint32_t *keep = sc_arena_alloc(f->arena, (hb->npreds + 1) * sizeof *keep);
  size_t nkeep = 0;
  for (size_t k = 0; k < hb->npreds; k++) {
    uint32_t q = hb->preds[k];
    bool latch = false;
    for (size_t j = 0; j < L->nlatches; j++) latch |= q == L->latches[j];
    if (latch) {
      keep[nkeep++] = (uint32_t)k;
      continue;
    }
    sc_ir_add_pred(f, p, q);
    sc_ins *t = &f->ins[sc_ir_term(f, q)];
    for (int j = 0; j < 2; j++)
      if (t->succ[j] == h) t->succ[j] = p;
  }
  for (size_t i = 0; i < f->blk[h].nins; i++) {
    uint32_t phi = f->blk[h].ins[i];
    if (f->ins[phi].op != IR_phi) break;
    uint32_t v;
    if (nent == 1) {
      v = 0;
      for (size_t k = 0; k < f->blk[h].npreds; k++) {
        bool kept = false;
        for (size_t j = 0; j < nkeep; j++) kept |= keep[j] == k;
        if (!kept) v = f->ins[phi].args[k];
      }
    } else {
      v = sc_ir_append(f, p, IR_phi, (sc_ty)f->ins[phi].ty, (uint32_t)nent);
      size_t a = 0;
      for (size_t k = 0; k < f->blk[h].npreds; k++) {
        bool kept = false;
        for (size_t j = 0; j < nkeep; j++) kept |= keep[j] == k;
        if (!kept) f->ins[v].args[a++] = f->ins[phi].args[k];
      }
    }
    sc_ins *ph = &f->ins[phi];
    uint32_t *na = sc_arena_alloc(f->arena, (nkeep + 1) * sizeof *na);
    na[0] = v;
    for (size_t j = 0; j < nkeep; j++) na[j + 1] = ph->args[keep[j]];
    ph->args = na;
    ph->nargs = (uint32_t)nkeep + 1;
  }
  uint32_t *np = sc_arena_alloc(f->arena, (nkeep + 1) * sizeof *np);
  np[0] = p;
  for (size_t j = 0; j < nkeep; j++) np[j + 1] = f->blk[h].preds[keep[j]];
  f->blk[h].preds = np;
  f->blk[h].npreds = f->blk[h].cpreds = nkeep + 1;
  uint32_t j = sc_ir_append(f, p, IR_jmp, SC_TY_VOID, 0);
  f->ins[j].succ[0] = h;
  f->idom = NULL; /* analyses are stale */
  return p;
}
