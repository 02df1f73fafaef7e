/* hoist: a guard in a loop whose check gives the same answer on every
 * iteration, and that every iteration runs, moves to the loop's preheader
 * with its check.
 *
 * Its frame state becomes the loop header's entry state (ir.h: entry_fs)
 * with the header's phis read on the preheader edge: a failure leaves
 * before the first iteration, and the interpreter runs the whole loop. So
 * nothing between the header and the guard's old place matters, whatever
 * it does: it has not happened yet. What matters is that the check cannot
 * change inside the loop:
 *  - tags of SSA values never change: pure checks of values defined
 *    outside the loop are invariant (and so is pure code on them);
 *  - hasshape, elemkind, arrlen and ldslot read the heap: invariant only
 *    when no instruction of the loop can change a shape, an elements kind,
 *    a length or a field (effects.c), and movable only where the object is
 *    known to be an object (an array; one whose shape has the field): a tag
 *    guard (a shape guard or an addslot) on it dominates the preheader. So
 *    a field the loop only reads is loaded once, with its tag guard.
 * An inlined call's framecheck at the function's own depth (its state and
 * the entry state have no parent) moves the same way: the frames the
 * loop's calls push are popped before the next iteration, so the room it
 * checks is the same every time.
 * A guard that some iterations skip (in a branch, after a `continue`)
 * stays: hoisting it would leave on values the loop never checks; the
 * guard's block must dominate every latch. Loops are taken innermost
 * first, so a guard can climb out of a nest one preheader at a time.
 * This pass is the entry states' one consumer: it drops them all. */
#include "passes/passes.h"

typedef struct hoist {
  sc_irfunc *f;
  uint32_t loop;
  uint8_t *inv;        /* per value, for this loop: 0 unknown, 1 invariant, 2 not */
  uint32_t ninv;
  uint32_t *touched, ntouched;
  bool shapes, kinds, lens, fields; /* the loop may change them */
} hoist;

static bool in_loop(const hoist *H, uint32_t v) { return sc_ir_loop_contains(H->f, H->loop, H->f->ins[v].blk); }

static bool invariant(hoist *H, uint32_t v) {
  if (v >= H->ninv) return !in_loop(H, v); /* made after the pass started: a preheader's phi */
  if (H->inv[v]) return H->inv[v] == 1;
  sc_irfunc *f = H->f;
  const sc_ins *in = &f->ins[v];
  bool ok;
  if (!in_loop(H, v)) ok = true;
  else {
    unsigned fl = sc_irop_flags(in->op);
    switch (in->op) {
    case IR_hasshape: ok = !H->shapes; break;
    case IR_elemkind: ok = !H->kinds; break;
    case IR_arrlen: ok = !H->lens; break;
    case IR_ldslot: ok = !H->fields && !H->shapes; break;
    default: ok = (fl & IRF_PURE) && !(fl & (IRF_THROW | IRF_SIDE | IRF_READ)) && in->op != IR_phi;
    }
    H->inv[v] = 2; /* no cycles without a phi, but stay safe */
    for (uint32_t k = 0; ok && k < in->nargs; k++) ok = invariant(H, in->args[k]);
  }
  H->inv[v] = ok ? 1 : 2;
  H->touched[H->ntouched++] = v;
  return ok;
}

/* Can the loop-invariant code under v run at the end of block p: heap
 * reads only of values known to be objects (with the field) or arrays
 * there. */
static bool safe_at(sc_irfunc *f, const hoist *H, uint32_t v, uint32_t p) {
  const sc_ins *in = &f->ins[v];
  if (!in_loop(H, v)) return true;
  if (in->op == IR_hasshape && !sc_tag_known(f, in->args[0], SC_OBJECT, p)) return false;
  if (in->op == IR_ldslot && !sc_slot_known(f, in->args[0], (uint32_t)in->aux, p)) return false;
  if ((in->op == IR_elemkind || in->op == IR_arrlen) && !sc_tag_known(f, in->args[0], SC_ARRAY, p)) return false;
  for (uint32_t k = 0; k < in->nargs; k++)
    if (!safe_at(f, H, in->args[k], p)) return false;
  return true;
}

/* Moves v (and the loop code it needs, first) to the end of p, before its
 * terminator. */
static void move(sc_irfunc *f, const hoist *H, uint32_t v, uint32_t p) {
  if (!in_loop(H, v)) return;
  for (uint32_t k = 0; k < f->ins[v].nargs; k++) move(f, H, f->ins[v].args[k], p);
  sc_ir_move_to_end(f, v, p);
}

static bool every_iteration(const sc_irfunc *f, const sc_loop *L, uint32_t b) {
  for (uint32_t k = 0; k < L->nlatches; k++)
    if (!sc_ir_dominates(f, b, L->latches[k])) return false;
  return true;
}

static uint32_t hoist_loop(hoist *H) {
  sc_irfunc *f = H->f;
  const sc_loop *L = &f->loops[H->loop];
  uint32_t h = L->header;
  if (L->irreducible || f->blk[h].entry_fs < 0) return 0;
  H->shapes = H->kinds = H->lens = H->fields = false;
  uint32_t nguards = 0;
  for (uint32_t i = 0; i < L->nblocks; i++) {
    const sc_blk *bl = &f->blk[L->blocks[i]];
    for (uint32_t j = 0; j < bl->nins; j++) {
      unsigned op = f->ins[bl->ins[j]].op;
      nguards += op == IR_guard || op == IR_framecheck;
      if (!(sc_irop_flags(op) & IRF_SIDE)) continue;
      H->shapes |= !sc_keeps_shapes(op);
      H->kinds |= !sc_keeps_elems(op, false);
      H->lens |= !sc_keeps_elems(op, true);
      H->fields |= !sc_keeps_fields(op);
    }
  }
  if (!nguards) return 0;
  /* the candidates in reverse post-order: a tag guard moves before the
   * heap checks it protects */
  uint32_t *cand = sc_arena_alloc(f->arena, (nguards + 1) * sizeof *cand), n = 0;
  for (uint32_t i = 0; i < f->nrpo; i++) {
    uint32_t b = f->rpo[i];
    if (!sc_ir_loop_contains(f, H->loop, b) || !every_iteration(f, L, b)) continue;
    const sc_blk *bl = &f->blk[b];
    for (uint32_t j = 0; j < bl->nins; j++) {
      uint32_t g = bl->ins[j];
      if (f->ins[g].op == IR_guard && invariant(H, f->ins[g].args[0])) cand[n++] = g;
      if (f->ins[g].op == IR_framecheck && f->ins[g].fs >= 0 && f->fs[f->ins[g].fs].parent < 0 &&
          f->fs[f->blk[h].entry_fs].parent < 0)
        cand[n++] = g;
    }
  }
  while (H->ntouched) H->inv[H->touched[--H->ntouched]] = 0;
  if (!n) return 0;
  int32_t p = sc_ir_preheader(f, H->loop); /* may recompute the analyses */
  if (p < 0) return 0;
  L = &f->loops[H->loop];
  int32_t s = sc_entry_state_from(f, h, (uint32_t)p);
  if (s < 0) return 0;
  uint32_t moved = 0;
  bool fc = false; /* a framecheck moved: the others check the same */
  for (uint32_t k = 0; k < n; k++) {
    uint32_t g = cand[k];
    if (f->ins[g].op == IR_framecheck && fc) {
      f->ins[g].dead = 1;
      moved++;
      continue;
    }
    fc |= f->ins[g].op == IR_framecheck;
    if (f->ins[g].op == IR_guard && (!invariant(H, f->ins[g].args[0]) || !safe_at(f, H, f->ins[g].args[0], (uint32_t)p)))
      continue;
    move(f, H, g, (uint32_t)p);
    f->ins[g].fs = s;
    moved++;
  }
  while (H->ntouched) H->inv[H->touched[--H->ntouched]] = 0;
  return moved;
}

bool sc_pass_hoist(sc_irfunc *f, sc_pass_ctx *c) {
  sc_ir_loops(f);
  hoist H = {.f = f};
  uint32_t moved = 0;
  if (f->nloops) {
    H.ninv = f->nins;
    H.inv = sc_arena_alloc(f->arena, f->nins + 1);
    H.touched = sc_arena_alloc(f->arena, (f->nins + 1) * sizeof *H.touched);
  }
  /* pre-order puts a loop before the loops inside it: backwards, inner first */
  for (uint32_t l = f->nloops; l-- > 0;) {
    H.loop = l;
    moved += hoist_loop(&H);
  }
  if (moved) sc_ir_compact(f); /* the framechecks a moved one covers */
  bool released = false;
  for (uint32_t b = 0; b < f->nblk; b++)
    if (f->blk[b].entry_fs >= 0) f->blk[b].entry_fs = -1, released = true;
  c->guards_hoisted += moved;
  return moved || released;
}
