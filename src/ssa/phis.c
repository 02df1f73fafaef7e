/* Redundant phi removal (Braun, Buchwald, Hack, Leißa, Mallon, Zwinkau:
 * "Simple and Efficient Construction of Static Single Assignment Form",
 * CC 2013, section 3.2). A set of phis whose operands are only each other
 * and one value v from outside is v; a single trivial phi is the smallest
 * such set. Strongly connected components of the phi graph (phi -> phi
 * operand) come out of Tarjan's algorithm operands first, so each one is
 * judged after everything it reads: one replaced component makes the next
 * one trivial in the same walk. A component with several outside values
 * can still hold a redundant part: the phis that only read the component
 * are examined again on their own. Iterative DFS: no recursion on the CFG
 * size. */
#include <stdlib.h>

#include "ssa/ir.h"

typedef struct rp {
  sc_irfunc *f;
  uint32_t *fwd;           /* replacement of a removed phi */
  uint32_t *idx, *low;     /* Tarjan numbering */
  uint32_t *inset;         /* stamp of the set being examined */
  uint32_t *scc;           /* stamp of the component a phi is in */
  uint8_t *onstk;
  uint32_t stamp;
  bool changed;
} rp;

static uint32_t resolve(uint32_t *fwd, uint32_t v) {
  while (fwd[v]) v = fwd[v];
  return v;
}

static void examine(rp *R, uint32_t *set, uint32_t n);

/* One component (members set[0..n)): replace it, or look inside it. */
static void component(rp *R, uint32_t *set, uint32_t n) {
  sc_irfunc *f = R->f;
  uint32_t mark = ++R->stamp, outer = 0;
  bool many = false;
  for (uint32_t k = 0; k < n; k++) R->scc[set[k]] = mark;
  for (uint32_t k = 0; k < n && !many; k++) {
    sc_ins *in = &f->ins[set[k]];
    for (uint32_t j = 0; j < in->nargs; j++) {
      uint32_t a = resolve(R->fwd, in->args[j]);
      if (R->scc[a] == mark || a == outer) continue;
      if (outer) {
        many = true;
        break;
      }
      outer = a;
    }
  }
  if (outer && !many) {
    for (uint32_t k = 0; k < n; k++) {
      f->ins[set[k]].dead = 1;
      R->fwd[set[k]] = outer;
    }
    R->changed = true;
    return;
  }
  if (n == 1 || !many) return;
  /* Phis reading only the component: a redundant group may hide there. */
  uint32_t *inner = malloc(n * sizeof *inner), ni = 0;
  for (uint32_t k = 0; k < n; k++) {
    sc_ins *in = &f->ins[set[k]];
    bool all = true;
    for (uint32_t j = 0; j < in->nargs && all; j++) all = R->scc[resolve(R->fwd, in->args[j])] == mark;
    if (all) inner[ni++] = set[k];
  }
  if (ni && ni < n) examine(R, inner, ni);
  free(inner);
}

/* Tarjan over the phis of set[0..n), components handled as they complete
 * (which may examine a subset again, with stacks of its own). */
static void examine(rp *R, uint32_t *set, uint32_t n) {
  sc_irfunc *f = R->f;
  uint32_t me = ++R->stamp, counter = 1, nstk = 0;
  for (uint32_t k = 0; k < n; k++) {
    R->inset[set[k]] = me;
    R->idx[set[k]] = 0;
  }
  uint32_t *stk = malloc((n + 1) * sizeof *stk);  /* Tarjan's stack */
  uint32_t *call = malloc((n + 1) * sizeof *call); /* DFS: phi and next operand */
  uint32_t *pos = malloc((n + 1) * sizeof *pos);
  uint32_t *comp = malloc((n + 1) * sizeof *comp);
  for (uint32_t r = 0; r < n; r++) {
    if (R->idx[set[r]]) continue;
    uint32_t sp = 0;
    call[sp] = set[r];
    pos[sp++] = 0;
    R->idx[set[r]] = R->low[set[r]] = counter++;
    stk[nstk++] = set[r];
    R->onstk[set[r]] = 1;
    while (sp) {
      uint32_t v = call[sp - 1];
      sc_ins *in = &f->ins[v];
      if (pos[sp - 1] < in->nargs) {
        uint32_t a = resolve(R->fwd, in->args[pos[sp - 1]++]);
        if (f->ins[a].op != IR_phi || f->ins[a].dead || R->inset[a] != me) continue;
        if (!R->idx[a]) {
          R->idx[a] = R->low[a] = counter++;
          stk[nstk++] = a;
          R->onstk[a] = 1;
          call[sp] = a;
          pos[sp++] = 0;
        } else if (R->onstk[a] && R->idx[a] < R->low[v])
          R->low[v] = R->idx[a];
        continue;
      }
      sp--;
      if (sp && R->low[v] < R->low[call[sp - 1]]) R->low[call[sp - 1]] = R->low[v];
      if (R->low[v] != R->idx[v]) continue;
      uint32_t nc = 0, w;
      do {
        w = stk[--nstk];
        R->onstk[w] = 0;
        comp[nc++] = w;
      } while (w != v);
      component(R, comp, nc);
    }
  }
  free(stk);
  free(call);
  free(pos);
  free(comp);
}

bool sc_ir_remove_redundant_phis(sc_irfunc *f) { return sc_ir_remove_redundant_phis_after(f, NULL, 0); }

bool sc_ir_remove_redundant_phis_after(sc_irfunc *f, const uint32_t *fwd, uint32_t nfwd) {
  uint32_t n = f->nins;
  rp R = {.f = f};
  R.fwd = calloc(n, sizeof *R.fwd);
  bool any = false;
  for (uint32_t i = 0; i < nfwd && i < n; i++)
    if (fwd[i]) R.fwd[i] = fwd[i], any = true;
  R.idx = calloc(n, sizeof *R.idx);
  R.low = calloc(n, sizeof *R.low);
  R.inset = calloc(n, sizeof *R.inset);
  R.scc = calloc(n, sizeof *R.scc);
  R.onstk = calloc(n, 1);
  uint32_t *phis = malloc(n * sizeof *phis), np = 0;
  for (uint32_t b = 0; b < f->nblk; b++) {
    sc_blk *bl = &f->blk[b];
    if (bl->dead) continue;
    for (uint32_t i = 0; i < bl->nins && f->ins[bl->ins[i]].op == IR_phi; i++)
      if (!f->ins[bl->ins[i]].dead) phis[np++] = bl->ins[i];
  }
  do {
    R.changed = false;
    uint32_t m = 0;
    for (uint32_t k = 0; k < np; k++)
      if (!f->ins[phis[k]].dead) phis[m++] = phis[k];
    np = m;
    examine(&R, phis, np);
    any |= R.changed;
  } while (R.changed);
  if (any) {
    sc_ir_forward(f, R.fwd, n);
    sc_ir_compact(f);
  }
  free(R.fwd);
  free(R.idx);
  free(R.low);
  free(R.inset);
  free(R.scc);
  free(R.onstk);
  free(phis);
  return any;
}
