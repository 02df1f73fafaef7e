/* The loop nesting forest, from the CFG alone (LoopStart markers are hints
 * that nothing here reads). Strongly connected components, nested
 * (Steensgaard 1993; Ramalingam, "On Loops, Dominators, and Dominance
 * Frontiers", 2002): every cycle-carrying SCC of the reachable CFG is a
 * loop; its entries are the blocks entered from outside it. One entry makes
 * a reducible loop whose header dominates its body (exactly the union of
 * the natural loops of that header); several entries make an irreducible
 * loop, kept in the forest and flagged rather than assumed away. Edges from
 * the body to the entries are the back-edges; without them the body splits
 * into the nested loops, found the same way. Each block is visited once per
 * nesting level. */
#include <stdlib.h>
#include <string.h>

#include "ssa/ir.h"

typedef struct lf {
  sc_irfunc *f;
  uint32_t *stamp;    /* region membership */
  uint32_t *compof;   /* SCC membership */
  uint32_t *xmark;    /* exits already listed */
  int32_t *entry_of;  /* the loop a block is an entry of, -1 if none */
  uint32_t *idx, *low;
  uint8_t *onstk;
  uint32_t clock;
  /* regions still to decompose: blocks and the loop they are the body of */
  uint32_t **rq, *rqn;
  int32_t *rql;
  uint32_t nrq, crq;
  size_t cloops;
} lf;

static void add(sc_arena *a, uint32_t **v, uint32_t *n, size_t *cap, uint32_t x) {
  *v = sc_arena_grow(a, *v, sizeof **v, *n, cap, (size_t)*n + 1);
  (*v)[(*n)++] = x;
}

static int cmp_u64(const void *x, const void *y) {
  uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
  return a < b ? -1 : a > b;
}

/* Sorts ids by key[id] (ties by id). */
static void sort_by(uint32_t *v, uint32_t n, const uint32_t *key) {
  if (n < 2) return;
  uint64_t *t = malloc(n * sizeof *t);
  for (uint32_t i = 0; i < n; i++) t[i] = (uint64_t)key[v[i]] << 32 | v[i];
  qsort(t, n, sizeof *t, cmp_u64);
  for (uint32_t i = 0; i < n; i++) v[i] = (uint32_t)t[i];
  free(t);
}

static void push_region(lf *L, uint32_t *blocks, uint32_t n, int32_t loop) {
  if (L->nrq == L->crq) {
    L->crq = L->crq ? 2 * L->crq : 16;
    L->rq = realloc(L->rq, L->crq * sizeof *L->rq);
    L->rqn = realloc(L->rqn, L->crq * sizeof *L->rqn);
    L->rql = realloc(L->rql, L->crq * sizeof *L->rql);
  }
  L->rq[L->nrq] = blocks;
  L->rqn[L->nrq] = n;
  L->rql[L->nrq++] = loop;
}

/* An SCC that carries a cycle becomes loop `parent`'s child. */
static void make_loop(lf *L, uint32_t *comp, uint32_t n, int32_t parent) {
  sc_irfunc *f = L->f;
  sc_arena *a = f->arena;
  uint32_t me = ++L->clock;
  for (uint32_t k = 0; k < n; k++) L->compof[comp[k]] = me;
  sort_by(comp, n, f->rpo_index);
  sc_loop lp;
  memset(&lp, 0, sizeof lp);
  lp.parent = parent;
  lp.depth = parent < 0 ? 1 : f->loops[parent].depth + 1;
  size_t ce = 0, cl = 0, cx = 0;
  for (uint32_t k = 0; k < n; k++) {
    uint32_t b = comp[k];
    bool entry = false;
    for (uint32_t j = 0; j < f->blk[b].npreds && !entry; j++) {
      uint32_t p = f->blk[b].preds[j];
      entry = f->rpo_index[p] != UINT32_MAX && L->compof[p] != me;
    }
    if (entry) add(a, &lp.entries, &lp.nentries, &ce, b);
  }
  lp.header = lp.nentries ? lp.entries[0] : comp[0];
  lp.irreducible = lp.nentries > 1;
  uint32_t id = f->nloops;
  f->loops = sc_arena_grow(a, f->loops, sizeof *f->loops, f->nloops, &L->cloops, (size_t)f->nloops + 1);
  for (uint32_t k = 0; k < lp.nentries; k++) L->entry_of[lp.entries[k]] = (int32_t)id;
  /* Latches and exits; an exit seen twice is listed once. */
  uint32_t xm = ++L->clock;
  for (uint32_t k = 0; k < n; k++) {
    uint32_t s[2];
    int ns = sc_ir_succs(f, comp[k], s);
    bool latch = false;
    for (int j = 0; j < ns; j++) {
      if (L->compof[s[j]] == me) latch |= L->entry_of[s[j]] == (int32_t)id;
      else if (L->xmark[s[j]] != xm) {
        L->xmark[s[j]] = xm;
        add(a, &lp.exits, &lp.nexits, &cx, s[j]);
      }
    }
    if (latch) add(a, &lp.latches, &lp.nlatches, &cl, comp[k]);
  }
  sort_by(lp.exits, lp.nexits, f->rpo_index);
  /* Body: header first, then RPO. */
  lp.blocks = sc_arena_alloc(a, (n + 1) * sizeof *lp.blocks);
  lp.nblocks = n;
  lp.blocks[0] = lp.header;
  for (uint32_t k = 0, j = 1; k < n; k++)
    if (comp[k] != lp.header) lp.blocks[j++] = comp[k];
  f->loops[id] = lp;
  f->nloops++;
  if (lp.irreducible) f->irreducible = true;
  for (uint32_t k = 0; k < n; k++) f->loop_of[comp[k]] = (int32_t)id;
  uint32_t *body = malloc((n + 1) * sizeof *body);
  memcpy(body, comp, n * sizeof *body);
  push_region(L, body, n, (int32_t)id);
}

/* Tarjan's SCCs of the region's blocks, without the edges into the entries
 * of `loop` (the loop the region is the body of). */
static void decompose(lf *L, uint32_t *blocks, uint32_t n, int32_t loop) {
  sc_irfunc *f = L->f;
  uint32_t me = ++L->clock, counter = 1, nstk = 0;
  for (uint32_t k = 0; k < n; k++) {
    L->stamp[blocks[k]] = me;
    L->idx[blocks[k]] = 0;
  }
  uint32_t *stk = malloc((n + 1) * sizeof *stk), *call = malloc((n + 1) * sizeof *call);
  uint8_t *pos = malloc(n + 1);
  uint32_t *comp = malloc((n + 1) * sizeof *comp);
#define INREGION(x) (L->stamp[x] == me && !(loop >= 0 && L->entry_of[x] == loop))
  for (uint32_t r = 0; r < n; r++) {
    uint32_t root = blocks[r];
    if (L->idx[root]) continue;
    uint32_t sp = 0;
    call[sp] = root;
    pos[sp++] = 0;
    L->idx[root] = L->low[root] = counter++;
    stk[nstk++] = root;
    L->onstk[root] = 1;
    while (sp) {
      uint32_t b = call[sp - 1], s[2];
      int ns = sc_ir_succs(f, b, s);
      if (pos[sp - 1] < ns) {
        uint32_t c = s[pos[sp - 1]++];
        if (!INREGION(c)) continue;
        if (!L->idx[c]) {
          L->idx[c] = L->low[c] = counter++;
          stk[nstk++] = c;
          L->onstk[c] = 1;
          call[sp] = c;
          pos[sp++] = 0;
        } else if (L->onstk[c] && L->idx[c] < L->low[b])
          L->low[b] = L->idx[c];
        continue;
      }
      sp--;
      if (sp && L->low[b] < L->low[call[sp - 1]]) L->low[call[sp - 1]] = L->low[b];
      if (L->low[b] != L->idx[b]) continue;
      uint32_t nc = 0, w;
      do {
        w = stk[--nstk];
        L->onstk[w] = 0;
        comp[nc++] = w;
      } while (w != b);
      bool cycle = nc > 1;
      if (!cycle) {
        int k2 = sc_ir_succs(f, b, s);
        for (int j = 0; j < k2; j++) cycle |= s[j] == b && INREGION(b);
      }
      if (cycle) make_loop(L, comp, nc, loop);
    }
  }
#undef INREGION
  free(stk);
  free(call);
  free(pos);
  free(comp);
}

/* Renumbers the loops in pre-order, siblings by header RPO, so that ids do
 * not depend on the order the regions were decomposed in. */
static void canonical_order(sc_irfunc *f) {
  uint32_t n = f->nloops;
  if (n < 2) return;
  uint32_t *hk = malloc(n * sizeof *hk), *byh = malloc(n * sizeof *byh);
  for (uint32_t i = 0; i < n; i++) {
    hk[i] = f->rpo_index[f->loops[i].header];
    byh[i] = i;
  }
  sort_by(byh, n, hk);
  /* Children lists built by prepending in ascending order: descending. */
  int32_t *fc = malloc(n * sizeof *fc), *ns = malloc(n * sizeof *ns), roots = -1;
  for (uint32_t i = 0; i < n; i++) fc[i] = -1;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t l = byh[i];
    int32_t p = f->loops[l].parent;
    int32_t *head = p < 0 ? &roots : &fc[p];
    ns[l] = *head;
    *head = (int32_t)l;
  }
  /* Pre-order: pushing a descending list leaves the smallest on top. */
  uint32_t *order = malloc(n * sizeof *order), no = 0, *stack = malloc(n * sizeof *stack), sp = 0;
  for (int32_t c = roots; c >= 0; c = ns[c]) stack[sp++] = (uint32_t)c;
  while (sp) {
    uint32_t l = stack[--sp];
    order[no++] = l;
    for (int32_t c = fc[l]; c >= 0; c = ns[c]) stack[sp++] = (uint32_t)c;
  }
  int32_t *newid = malloc(n * sizeof *newid);
  for (uint32_t i = 0; i < n; i++) newid[order[i]] = (int32_t)i;
  sc_loop *nl = sc_arena_alloc(f->arena, n * sizeof *nl);
  for (uint32_t i = 0; i < n; i++) {
    nl[i] = f->loops[order[i]];
    if (nl[i].parent >= 0) nl[i].parent = newid[nl[i].parent];
  }
  f->loops = nl;
  for (uint32_t b = 0; b < f->nblk; b++)
    if (f->loop_of[b] >= 0) f->loop_of[b] = newid[f->loop_of[b]];
  free(hk);
  free(byh);
  free(fc);
  free(ns);
  free(order);
  free(stack);
  free(newid);
}

void sc_ir_loops(sc_irfunc *f) {
  sc_ir_dom(f);
  uint32_t nb = f->nblk;
  f->loop_of = sc_arena_alloc(f->arena, (nb + 1) * sizeof *f->loop_of);
  for (uint32_t i = 0; i < nb; i++) f->loop_of[i] = -1;
  f->loops = NULL;
  f->nloops = 0;
  f->irreducible = false;
  lf L = {.f = f};
  L.stamp = calloc(nb + 1, sizeof *L.stamp);
  L.compof = calloc(nb + 1, sizeof *L.compof);
  L.xmark = calloc(nb + 1, sizeof *L.xmark);
  L.entry_of = malloc((nb + 1) * sizeof *L.entry_of);
  for (uint32_t i = 0; i < nb; i++) L.entry_of[i] = -1;
  L.idx = calloc(nb + 1, sizeof *L.idx);
  L.low = calloc(nb + 1, sizeof *L.low);
  L.onstk = calloc(nb + 1, 1);
  uint32_t *all = malloc((f->nrpo + 1) * sizeof *all);
  memcpy(all, f->rpo, f->nrpo * sizeof *all);
  push_region(&L, all, f->nrpo, -1);
  while (L.nrq) {
    L.nrq--;
    uint32_t *blocks = L.rq[L.nrq], n = L.rqn[L.nrq];
    decompose(&L, blocks, n, L.rql[L.nrq]);
    free(blocks);
  }
  canonical_order(f);
  free(L.stamp);
  free(L.compof);
  free(L.xmark);
  free(L.entry_of);
  free(L.idx);
  free(L.low);
  free(L.onstk);
  free(L.rq);
  free(L.rqn);
  free(L.rql);
}

bool sc_ir_loop_contains(const sc_irfunc *f, uint32_t loop, uint32_t blk) {
  for (int32_t l = f->loop_of[blk]; l >= 0; l = f->loops[l].parent)
    if ((uint32_t)l == loop) return true;
  return false;
}

int32_t sc_ir_preheader(sc_irfunc *f, uint32_t l) {
  if (!f->loop_of) sc_ir_loops(f);
  if (f->loops[l].irreducible) return -1;
  uint32_t h = f->loops[l].header;
  sc_blk *hb = &f->blk[h];
  uint32_t nent = 0, single = 0;
  for (uint32_t k = 0; k < hb->npreds; k++)
    if (!sc_ir_loop_contains(f, l, hb->preds[k])) {
      nent++;
      single = hb->preds[k];
    }
  uint32_t s[2];
  if (nent == 1 && sc_ir_succs(f, single, s) == 1) return (int32_t)single;
  uint32_t p = sc_ir_block(f);
  hb = &f->blk[h];
  /* Entering edges move to p, in order; header phis get p's value. */
  uint32_t *keep = sc_arena_alloc(f->arena, (hb->npreds + 1) * sizeof *keep), nkeep = 0;
  bool *outside = calloc(hb->npreds + 1, sizeof *outside);
  for (uint32_t k = 0; k < hb->npreds; k++) {
    uint32_t q = hb->preds[k];
    if (sc_ir_loop_contains(f, l, q)) {
      keep[nkeep++] = k;
      continue;
    }
    outside[k] = true;
    sc_ir_add_pred(f, p, q);
  }
  /* Each entering block's terminator now targets p (one pred entry per edge). */
  for (uint32_t k = 0; k < hb->npreds; k++) {
    if (!outside[k]) continue;
    bool seen = false;
    for (uint32_t j = 0; j < k; j++) seen |= outside[j] && hb->preds[j] == hb->preds[k];
    if (seen) continue;
    sc_ins *t = &f->ins[sc_ir_term(f, hb->preds[k])];
    for (int j = 0; j < 2; j++)
      if (t->succ[j] == h) t->succ[j] = p;
  }
  for (uint32_t i = 0; i < f->blk[h].nins; i++) {
    uint32_t phi = f->blk[h].ins[i];
    if (f->ins[phi].op != IR_phi) break;
    uint32_t v = 0;
    bool same = true;
    for (uint32_t k = 0; k < f->blk[h].npreds; k++)
      if (outside[k]) {
        if (v && f->ins[phi].args[k] != v) same = false;
        v = f->ins[phi].args[k];
      }
    if (!same) {
      v = sc_ir_append(f, p, IR_phi, (sc_ty)f->ins[phi].ty, nent);
      for (uint32_t k = 0, a = 0; k < f->blk[h].npreds; k++)
        if (outside[k]) f->ins[v].args[a++] = f->ins[phi].args[k];
    }
    sc_ins *ph = &f->ins[phi];
    uint32_t *na = sc_arena_alloc(f->arena, (nkeep + 1) * sizeof *na);
    na[0] = v;
    for (uint32_t j = 0; j < nkeep; j++) na[j + 1] = ph->args[keep[j]];
    ph->args = na;
    ph->nargs = nkeep + 1;
  }
  uint32_t *np = sc_arena_alloc(f->arena, (nkeep + 1) * sizeof *np);
  np[0] = p;
  for (uint32_t j = 0; j < nkeep; j++) np[j + 1] = f->blk[h].preds[keep[j]];
  f->blk[h].preds = np;
  f->blk[h].npreds = f->blk[h].cpreds = nkeep + 1;
  uint32_t j = sc_ir_append(f, p, IR_jmp, SC_TY_VOID, 0);
  f->ins[j].succ[0] = h;
  free(outside);
  sc_ir_invalidate(f);
  sc_ir_loops(f);
  return (int32_t)p;
}
