/* Reverse post-order and dominators (Cooper, Harvey & Kennedy, "A Simple,
 * Fast Dominance Algorithm"): iterate idom over the RPO until stable. */
#include <stdlib.h>
#include <string.h>

#include "ssa/ir.h"

static void compute_rpo(sc_irfunc *f) {
  size_t n = f->nblk;
  uint8_t *seen = calloc(n ? n : 1, 1);
  uint32_t *stack = malloc((n + 1) * sizeof *stack), *next = calloc(n ? n : 1, sizeof *next);
  uint32_t *post = malloc((n + 1) * sizeof *post);
  size_t sp = 0, np = 0;
  if (n) {
    stack[sp++] = 0;
    seen[0] = 1;
  }
  while (sp) { /* iterative DFS: next[b] is the next successor to visit */
    uint32_t b = stack[sp - 1], s[2];
    int ns;
    sc_ir_succs(f, b, s, &ns);
    if ((int)next[b] < ns) {
      uint32_t c = s[next[b]++];
      if (!seen[c]) {
        seen[c] = 1;
        stack[sp++] = c;
      }
    } else {
      post[np++] = b;
      sp--;
    }
  }
  f->rpo = sc_arena_alloc(f->arena, (np + 1) * sizeof *f->rpo);
  f->rpo_index = sc_arena_alloc(f->arena, (n + 1) * sizeof *f->rpo_index);
  for (size_t i = 0; i < n; i++) f->rpo_index[i] = UINT32_MAX;
  for (size_t i = 0; i < np; i++) {
    f->rpo[i] = post[np - 1 - i];
    f->rpo_index[f->rpo[i]] = (uint32_t)i;
  }
  f->nrpo = np;
  free(seen);
  free(stack);
  free(next);
  free(post);
}

static int32_t intersect(const sc_irfunc *f, int32_t a, int32_t b) {
  while (a != b) {
    while (f->rpo_index[a] > f->rpo_index[b]) a = f->idom[a];
    while (f->rpo_index[b] > f->rpo_index[a]) b = f->idom[b];
  }
  return a;
}

void sc_ir_dom(sc_irfunc *f) {
  compute_rpo(f);
  f->idom = sc_arena_alloc(f->arena, (f->nblk + 1) * sizeof *f->idom);
  for (size_t i = 0; i < f->nblk; i++) f->idom[i] = -1;
  if (!f->nrpo) return;
  f->idom[0] = 0; /* temporarily its own, for intersect */
  bool changed = true;
  while (changed) {
    changed = false;
    for (size_t i = 1; i < f->nrpo; i++) {
      uint32_t b = f->rpo[i];
      int32_t nd = -1;
      for (size_t k = 0; k < f->blk[b].npreds; k++) {
        uint32_t p = f->blk[b].preds[k];
        if (f->idom[p] < 0) continue; /* unreachable or not yet processed */
        nd = nd < 0 ? (int32_t)p : intersect(f, (int32_t)p, nd);
      }
      if (nd != f->idom[b]) {
        f->idom[b] = nd;
        changed = true;
      }
    }
  }
  f->idom[0] = -1;
}

bool sc_ir_dominates(const sc_irfunc *f, uint32_t a, uint32_t b) {
  if (f->rpo_index[b] == UINT32_MAX) return true; /* unreachable: vacuous */
  for (int32_t x = (int32_t)b; x >= 0; x = f->idom[x])
    if ((uint32_t)x == a) return true;
  return false;
}
