/* guards: a tag check on a value that a dominating guard already checked
 * is known: it folds to true (or false for another tag), and the guard it
 * fed goes. A walk of the dominator tree with the facts of the guards
 * above, undone on the way back up. Shapes can change (a field added), so
 * a shape check is only known after a guard (or an addslot, which sets
 * the shape, or a NewObject, whose shape is the empty root, id 0) earlier
 * in the same block, or in a chain of blocks each the only predecessor of
 * the next, with nothing in between that could add a field.
 * Shapes are compared by id (one VM's ids name its shapes). */
#include "passes/passes.h"

typedef struct gstate {
  sc_irfunc *f;
  uint8_t *fact; /* per value: 1 + the tag a dominating guard established, or 0 */
  uint32_t *undo, nundo;
  int64_t *shape; /* per value: 1 + the shape id a guard established in this block (or in
                     the blocks before it, each the only predecessor of the next), or 0 */
  uint32_t *shaped, nshaped;
  uint32_t removed;
} gstate;

static void walk(gstate *g, uint32_t b) {
  sc_irfunc *f = g->f;
  uint32_t mark = g->nundo;
  sc_blk *bl = &f->blk[b];
  for (uint32_t i = 0; i < bl->nins; i++) {
    uint32_t v = bl->ins[i];
    sc_ins *in = &f->ins[v];
    if (in->op == IR_istag && g->fact[in->args[0]]) {
      in->imm = (int)g->fact[in->args[0]] - 1 == in->aux;
      in->op = IR_const;
      in->nargs = 0;
    } else if (in->op == IR_hasshape && g->shape[in->args[0]] == (int64_t)in->aux + 1) {
      in->imm = 1;
      in->op = IR_const;
      in->nargs = 0;
    } else if ((sc_irop_flags(in->op) & IRF_SIDE) && !sc_keeps_shapes(in->op)) {
      while (g->nshaped) g->shape[g->shaped[--g->nshaped]] = 0;
      if (in->op == IR_addslot) { /* the object has the new shape now */
        g->shape[in->args[0]] = (int64_t)in->aux + 1;
        g->shaped[g->nshaped++] = in->args[0];
      }
    } else if (in->op == IR_guard) {
      const sc_ins *c = &f->ins[in->args[0]];
      if (c->op == IR_const && c->imm == 1) {
        in->dead = 1;
        g->removed++;
      } else if (c->op == IR_istag && !g->fact[c->args[0]]) {
        g->fact[c->args[0]] = (uint8_t)(c->aux + 1);
        g->undo[g->nundo++] = c->args[0];
      } else if (c->op == IR_hasshape && !g->shape[c->args[0]]) {
        g->shape[c->args[0]] = (int64_t)c->aux + 1;
        g->shaped[g->nshaped++] = c->args[0];
      }
    } else if (in->op == IR_NewObject || in->op == IR_allocobj) {
      g->shape[v] = in->op == IR_NewObject ? 1 : (int64_t)in->aux + 1; /* the root shape, or the one made */
      g->shaped[g->nshaped++] = v;
    }
  }
  /* a child whose only predecessor is b starts with b's shapes as they are
   * at its end (nothing runs in between); the others with none */
  uint32_t n = g->nshaped, *val = sc_arena_alloc(f->arena, (2 * n + 1) * sizeof *val);
  for (uint32_t k = 0; k < n; k++) val[k] = g->shaped[k], val[n + k] = (uint32_t)g->shape[g->shaped[k]];
  for (int32_t c = f->dom_child[b]; c >= 0; c = f->dom_sibling[c]) {
    while (g->nshaped) g->shape[g->shaped[--g->nshaped]] = 0;
    if (f->blk[c].npreds == 1)
      for (uint32_t k = 0; k < n; k++) g->shape[val[k]] = val[n + k], g->shaped[g->nshaped++] = val[k];
    walk(g, (uint32_t)c);
  }
  while (g->nshaped) g->shape[g->shaped[--g->nshaped]] = 0;
  while (g->nundo > mark) g->fact[g->undo[--g->nundo]] = 0;
}

bool sc_pass_guards(sc_irfunc *f, sc_pass_ctx *c) {
  sc_ir_dom(f);
  gstate g = {.f = f};
  g.fact = sc_arena_alloc(f->arena, f->nins + 1);
  g.undo = sc_arena_alloc(f->arena, (f->nins + 1) * sizeof *g.undo);
  g.shape = sc_arena_alloc(f->arena, (f->nins + 1) * sizeof *g.shape);
  g.shaped = sc_arena_alloc(f->arena, (f->nins + 1) * sizeof *g.shaped);
  walk(&g, 0);
  if (g.removed) sc_ir_compact(f);
  c->guards_removed += g.removed;
  return g.removed != 0;
}
