/* Reverse post-order and dominators (Cooper, Harvey & Kennedy, "A Simple,
 * Fast Dominance Algorithm", 2001): iterate idom over the RPO until it is
 * stable. Then the dominator tree as first-child/next-sibling arrays with
 * pre/post DFS numbers, so that "a dominates b" is two compares. */
#include <stdlib.h>
#include <string.h>

#include "ssa/ir.h"

static void compute_rpo(sc_irfunc *f) {
  uint32_t n = f->nblk;
  uint8_t *seen = calloc(n + 1, 1);
  uint32_t *stack = malloc((n + 1) * sizeof *stack), *next = calloc(n + 1, sizeof *next);
  uint32_t (*succ)[2] = malloc((n + 1) * sizeof *succ); /* each block's successors, read once */
  uint8_t *nsucc = malloc(n + 1);
  uint32_t *post = malloc((n + 1) * sizeof *post);
  uint32_t sp = 0, np = 0;
  if (n && !f->blk[0].dead) {
    stack[sp++] = 0;
    seen[0] = 1;
    nsucc[0] = (uint8_t)sc_ir_succs(f, 0, succ[0]);
  }
  while (sp) { /* iterative DFS: next[b] is the next successor to visit */
    uint32_t b = stack[sp - 1];
    if (next[b] < nsucc[b]) {
      uint32_t c = succ[b][next[b]++];
      if (c < n && !seen[c]) {
        seen[c] = 1;
        stack[sp++] = c;
        nsucc[c] = (uint8_t)sc_ir_succs(f, c, succ[c]);
      }
    } else {
      post[np++] = b;
      sp--;
    }
  }
  f->rpo = sc_arena_alloc(f->arena, (np + 1) * sizeof *f->rpo);
  f->rpo_index = sc_arena_alloc(f->arena, (n + 1) * sizeof *f->rpo_index);
  for (uint32_t i = 0; i < n; i++) f->rpo_index[i] = UINT32_MAX;
  for (uint32_t i = 0; i < np; i++) {
    f->rpo[i] = post[np - 1 - i];
    f->rpo_index[f->rpo[i]] = i;
  }
  f->nrpo = np;
  free(seen);
  free(stack);
  free(next);
  free(post);
  free(succ);
  free(nsucc);
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
  uint32_t n = f->nblk;
  f->idom = sc_arena_alloc(f->arena, (n + 1) * sizeof *f->idom);
  f->dom_child = sc_arena_alloc(f->arena, (n + 1) * sizeof *f->dom_child);
  f->dom_sibling = sc_arena_alloc(f->arena, (n + 1) * sizeof *f->dom_sibling);
  f->dom_pre = sc_arena_alloc(f->arena, (n + 1) * sizeof *f->dom_pre);
  f->dom_post = sc_arena_alloc(f->arena, (n + 1) * sizeof *f->dom_post);
  for (uint32_t i = 0; i < n; i++) {
    f->idom[i] = f->dom_child[i] = f->dom_sibling[i] = -1;
    f->dom_pre[i] = f->dom_post[i] = 0;
  }
  if (!f->nrpo) return;
  f->idom[0] = 0; /* its own, for intersect */
  bool changed = true;
  while (changed) {
    changed = false;
    for (uint32_t i = 1; i < f->nrpo; i++) {
      uint32_t b = f->rpo[i];
      int32_t nd = -1;
      for (uint32_t k = 0; k < f->blk[b].npreds; k++) {
        uint32_t p = f->blk[b].preds[k];
        if (p >= n || f->rpo_index[p] == UINT32_MAX || f->idom[p] < 0) continue; /* unreachable or not yet done */
        nd = nd < 0 ? (int32_t)p : intersect(f, (int32_t)p, nd);
      }
      if (nd != f->idom[b]) {
        f->idom[b] = nd;
        changed = true;
      }
    }
  }
  f->idom[0] = -1;
  /* Children in reverse RPO order, so that walking the list gives RPO. */
  for (uint32_t i = f->nrpo; i-- > 1;) {
    uint32_t b = f->rpo[i];
    int32_t d = f->idom[b];
    if (d < 0) continue; /* no predecessor lists it: malformed IR, which the verifier reports */
    f->dom_sibling[b] = f->dom_child[d];
    f->dom_child[d] = (int32_t)b;
  }
  /* Pre/post numbers from an iterative walk of the tree (numbers from 1). */
  uint32_t *stack = malloc((n + 1) * sizeof *stack), sp = 0, clock = 0;
  int32_t *cur = malloc((n + 1) * sizeof *cur);
  stack[sp++] = 0;
  f->dom_pre[0] = ++clock;
  cur[0] = f->dom_child[0];
  while (sp) {
    uint32_t b = stack[sp - 1];
    if (cur[b] >= 0) {
      uint32_t c = (uint32_t)cur[b];
      cur[b] = f->dom_sibling[c];
      f->dom_pre[c] = ++clock;
      cur[c] = f->dom_child[c];
      stack[sp++] = c;
    } else {
      f->dom_post[b] = ++clock;
      sp--;
    }
  }
  free(stack);
  free(cur);
}

bool sc_ir_dominates(const sc_irfunc *f, uint32_t a, uint32_t b) {
  if (f->rpo_index[b] == UINT32_MAX) return true; /* unreachable: vacuous */
  if (f->rpo_index[a] == UINT32_MAX) return false;
  return f->dom_pre[a] <= f->dom_pre[b] && f->dom_post[b] <= f->dom_post[a];
}
