/* unswitch: an innermost loop that branches on a condition defined outside
 * it (loop-invariant: licm moves truthiness tests of invariant values out)
 * is copied, and the preheader branches on the condition once: the copy it
 * enters when the condition holds has each such `br c, X, Y` as `jmp X`,
 * the other copy as `jmp Y`. Every iteration then runs without the test,
 * and the arm not taken goes (simplify, run here after each copy, removes
 * what became unreachable).
 *
 * The copy's instructions read the copy's values; frame states (and the
 * parents of inlined frames) that hold loop values are copied with the
 * copy's values, so leaving from either copy resumes the interpreter at the
 * same state; so is the header's entry state (ir.h: entry_fs), so hoist and
 * licm work on both loops. Exit blocks get the copy's edges, their phis the
 * copy's values. A value of the loop used after it (an operand, a frame
 * state slot, an entry state slot) is now one of two values: it becomes the
 * value at the start of the using block, phis where the two copies' paths
 * meet (SSA reconstruction as in Braun et al. 2013), redundant ones removed.
 *
 * Bounded: loops of at most UNSW_MAX_INS instructions, at most
 * UNSW_MAX_PER_FUNC copies per function. Irreducible loops (an OSR entry
 * into a nest can make one) are left alone; every entry into a reducible
 * loop, an OSR entry's too, goes through the preheader that decides. */
#include <stdlib.h>
#include <string.h>

#include "passes/passes.h"

enum { UNSW_MAX_INS = 200, UNSW_MAX_PER_FUNC = 4 };

typedef struct unsw {
  sc_irfunc *f;
  uint32_t nblk0, nins0, nfs0; /* ids below: before the copy */
  uint8_t *inl;                /* per old block: in the loop */
  uint8_t *reach;              /* per old block: reachable */
  uint32_t *bmap;              /* old block of the loop -> its copy */
  uint32_t *vmap;              /* old value of the loop -> its copy (0: not in the loop) */
  int32_t *fsmap;              /* old frame state -> the copy's (-1: not made yet) */
  uint32_t *memo;              /* per block: the value at its start (0: not known yet) */
  uint32_t *touched, ntouched;
} unsw;

static bool loop_value(const unsw *U, uint32_t v) { return v && v < U->nins0 && U->vmap[v]; }

static bool chain_has_loop_value(const unsw *U, int32_t s) {
  sc_irfunc *f = U->f;
  for (; s >= 0; s = f->fs[s].parent)
    for (uint32_t k = 0; k < sc_ir_fs_nvals(&f->fs[s]); k++)
      if (loop_value(U, f->fs[s].vals[k])) return true;
  return false;
}

/* A new frame state like s, with parent `parent`, holding the copy's
 * values when `mapped` (the same values otherwise: a private copy to
 * rewrite). Parents are made first: a parent's id is below its children's,
 * as everywhere else. */
static int32_t copy_state(unsw *U, int32_t s, int32_t parent, bool mapped) {
  sc_irfunc *f = U->f;
  sc_fs old = f->fs[s];
  int32_t n = sc_ir_new_fs(f, old.func, old.pc, old.nlocals, old.nstack);
  for (uint32_t k = 0; k < sc_ir_fs_nvals(&old); k++) {
    uint32_t v = old.vals[k];
    f->fs[n].vals[k] = mapped && loop_value(U, v) ? U->vmap[v] : v;
  }
  f->fs[n].parent = parent;
  return n;
}

/* The copy's frame state for old state s: s itself when nothing in its
 * chain is a loop value; one copy per state, parents shared as before. */
static int32_t copy_fs(unsw *U, int32_t s) {
  if (s < 0 || (uint32_t)s >= U->nfs0) return s;
  if (U->fsmap[s] < 0) {
    if (!chain_has_loop_value(U, s)) U->fsmap[s] = s;
    else {
      int32_t parent = copy_fs(U, U->f->fs[s].parent);
      U->fsmap[s] = copy_state(U, s, parent, true);
    }
  }
  return U->fsmap[s];
}

/* A private copy of old state s (and of its parents holding loop values)
 * for the instructions of block b after the loop: the repair rewrites it
 * with the values at b's start. One per state and block. */
static int32_t private_fs(unsw *U, int32_t s, uint32_t b, int32_t *priv, uint32_t *privblk) {
  if (s < 0 || (uint32_t)s >= U->nfs0 || !chain_has_loop_value(U, s)) return s;
  if (priv[s] < 0 || privblk[s] != b) {
    int32_t parent = private_fs(U, U->f->fs[s].parent, b, priv, privblk);
    priv[s] = copy_state(U, s, parent, false);
    privblk[s] = b;
  }
  return priv[s];
}

static uint32_t at_start(unsw *U, uint32_t b, uint32_t v);

/* Old value v (of the loop) as it is at the end of block b. */
static uint32_t at_end(unsw *U, uint32_t b, uint32_t v) {
  if (b >= U->nblk0) return U->vmap[v]; /* a block of the copy */
  if (U->inl[b] || !U->reach[b]) return v;
  return at_start(U, b, v);
}

static uint32_t at_start(unsw *U, uint32_t b, uint32_t v) {
  sc_irfunc *f = U->f;
  if (U->memo[b]) return U->memo[b];
  uint32_t r, np = f->blk[b].npreds;
  if (np == 0) return v; /* b0: not reached from the loop (cannot happen for a use v dominates) */
  if (np == 1) r = at_end(U, f->blk[b].preds[0], v);
  else {
    r = sc_ir_append(f, b, IR_phi, (sc_ty)f->ins[v].ty, np);
    U->memo[b] = r; /* before the operands: a cycle back here reads the phi */
    U->touched[U->ntouched++] = b;
    for (uint32_t k = 0; k < np; k++) {
      uint32_t a = at_end(U, f->blk[b].preds[k], v);
      f->ins[r].args[k] = a;
    }
    return r;
  }
  U->memo[b] = r;
  U->touched[U->ntouched++] = b;
  return r;
}

/* The old blocks outside the loop that the repair looks at. */
static bool outside(const unsw *U, uint32_t b) {
  return b < U->nblk0 && !U->inl[b] && U->reach[b] && !U->f->blk[b].dead;
}

/* Marks the loop values frame state s and its parents hold. */
static void mark_chain(const unsw *U, int32_t s, uint8_t *used) {
  sc_irfunc *f = U->f;
  for (; s >= 0; s = f->fs[s].parent)
    for (uint32_t k = 0; k < sc_ir_fs_nvals(&f->fs[s]); k++)
      if (loop_value(U, f->fs[s].vals[k])) used[f->fs[s].vals[k]] = 1;
}

/* Uses of the loop's values after the loop: each reads, from now on, the
 * value of either copy, whichever ran. */
static void repair_uses(unsw *U) {
  sc_irfunc *f = U->f;
  uint32_t nb = U->nblk0;
  /* Which loop values are used outside, and private frame states for the
   * outside users that hold them (a state may be shared), one per block. */
  uint8_t *used = calloc(U->nins0 + 1, 1);
  int32_t *priv = malloc((U->nfs0 + 1) * sizeof *priv);
  uint32_t *privblk = malloc((U->nfs0 + 1) * sizeof *privblk);
  for (uint32_t s = 0; s < U->nfs0; s++) priv[s] = -1;
  for (uint32_t b = 0; b < nb; b++) {
    if (!outside(U, b)) continue;
    sc_blk *bl = &f->blk[b];
    for (uint32_t i = 0; i < bl->nins; i++) {
      sc_ins *in = &f->ins[bl->ins[i]];
      for (uint32_t k = 0; k < in->nargs; k++) {
        if (!loop_value(U, in->args[k])) continue;
        uint32_t q = in->op == IR_phi ? bl->preds[k] : b;
        if (in->op == IR_phi && (q >= nb || U->inl[q])) continue; /* an exit edge: set already */
        used[in->args[k]] = 1;
      }
      int32_t s = private_fs(U, in->fs, b, priv, privblk);
      f->ins[bl->ins[i]].fs = s;
      mark_chain(U, s, used);
    }
    int32_t e = private_fs(U, f->blk[b].entry_fs, b, priv, privblk);
    f->blk[b].entry_fs = e;
    mark_chain(U, e, used);
  }
  free(priv);
  free(privblk);
  for (uint32_t v = 1; v < U->nins0; v++) {
    if (!used[v]) continue;
    for (uint32_t b = 0; b < nb; b++) {
      if (!outside(U, b)) continue;
      /* a snapshot: phis made on the way join the list */
      uint32_t n = f->blk[b].nins, *list = malloc((n + 1) * sizeof *list);
      memcpy(list, f->blk[b].ins, n * sizeof *list);
      for (uint32_t i = 0; i < n; i++) {
        uint32_t id = list[i];
        for (uint32_t k = 0; k < f->ins[id].nargs; k++) {
          if (f->ins[id].args[k] != v) continue;
          uint32_t r;
          if (f->ins[id].op == IR_phi) {
            uint32_t q = f->blk[b].preds[k];
            if (q >= nb || U->inl[q]) continue;
            r = at_end(U, q, v);
          } else
            r = at_start(U, b, v);
          f->ins[id].args[k] = r;
        }
        for (int32_t s = f->ins[id].fs; s >= 0; s = f->fs[s].parent)
          for (uint32_t k = 0; k < sc_ir_fs_nvals(&f->fs[s]); k++)
            if (f->fs[s].vals[k] == v) {
              uint32_t r = at_start(U, b, v);
              f->fs[s].vals[k] = r;
            }
      }
      free(list);
      int32_t e = f->blk[b].entry_fs;
      if (e >= 0)
        for (uint32_t k = 0; k < sc_ir_fs_nvals(&f->fs[e]); k++)
          if (f->fs[e].vals[k] == v) {
            uint32_t r = at_start(U, b, v);
            f->fs[e].vals[k] = r;
          }
    }
    while (U->ntouched) U->memo[U->touched[--U->ntouched]] = 0;
  }
  free(used);
}

/* Copies loop l, whose preheader is p, and branches on c in p: the loop on
 * true, the copy on false. */
static void unswitch(sc_irfunc *f, uint32_t l, uint32_t p, uint32_t c) {
  const sc_loop *L = &f->loops[l];
  uint32_t h = L->header, nbody = L->nblocks;
  uint32_t *body = malloc((nbody + 1) * sizeof *body), *exits = malloc((L->nexits + 1) * sizeof *exits);
  uint32_t nexits = L->nexits;
  memcpy(body, L->blocks, nbody * sizeof *body);
  memcpy(exits, L->exits, nexits * sizeof *exits);
  unsw U = {.f = f, .nblk0 = f->nblk, .nins0 = f->nins, .nfs0 = f->nfs};
  U.inl = calloc(U.nblk0 + 1, 1);
  U.reach = calloc(U.nblk0 + 1, 1);
  U.bmap = calloc(U.nblk0 + 1, sizeof *U.bmap);
  U.vmap = calloc(U.nins0 + 1, sizeof *U.vmap);
  U.fsmap = malloc((U.nfs0 + 1) * sizeof *U.fsmap);
  for (uint32_t s = 0; s < U.nfs0; s++) U.fsmap[s] = -1;
  for (uint32_t b = 0; b < U.nblk0; b++) U.reach[b] = f->rpo_index[b] != UINT32_MAX;
  for (uint32_t i = 0; i < nbody; i++) U.inl[body[i]] = 1;
  /* blocks and instructions, operands still the old ones */
  for (uint32_t i = 0; i < nbody; i++) {
    uint32_t b = body[i], nb = sc_ir_block(f);
    U.bmap[b] = nb;
    f->blk[nb].bcpc = f->blk[b].bcpc;
    f->blk[nb].backedges = f->blk[b].backedges;
    f->blk[nb].cold = f->blk[b].cold;
    for (uint32_t j = 0; j < f->blk[b].nins; j++) {
      uint32_t id = f->blk[b].ins[j];
      sc_ins o = f->ins[id];
      uint32_t n = sc_ir_append(f, nb, (sc_irop)o.op, (sc_ty)o.ty, o.nargs);
      sc_ins *ni = &f->ins[n];
      if (o.nargs) memcpy(ni->args, o.args, o.nargs * sizeof *ni->args);
      ni->imm = o.imm;
      ni->aux = o.aux;
      ni->pc = o.pc;
      ni->fb = o.fb;
      ni->fs = o.fs;
      ni->succ[0] = o.succ[0];
      ni->succ[1] = o.succ[1];
      U.vmap[id] = n;
    }
  }
  /* the copy reads the copy: operands, frame states, successors, entry state */
  for (uint32_t i = 0; i < nbody; i++) {
    uint32_t b = body[i], nb = U.bmap[b];
    for (uint32_t j = 0; j < f->blk[nb].nins; j++) {
      uint32_t n = f->blk[nb].ins[j];
      for (uint32_t k = 0; k < f->ins[n].nargs; k++) {
        uint32_t a = f->ins[n].args[k];
        if (loop_value(&U, a)) f->ins[n].args[k] = U.vmap[a];
      }
      int32_t s = copy_fs(&U, f->ins[n].fs);
      f->ins[n].fs = s;
      if (f->ins[n].op == IR_jmp || f->ins[n].op == IR_br)
        for (int k = 0; k < 2; k++)
          if (f->ins[n].succ[k] < U.nblk0 && U.inl[f->ins[n].succ[k]]) f->ins[n].succ[k] = U.bmap[f->ins[n].succ[k]];
    }
    int32_t e = copy_fs(&U, f->blk[b].entry_fs);
    f->blk[nb].entry_fs = e;
  }
  /* the copy's predecessors: its own blocks, and p for the header */
  for (uint32_t i = 0; i < nbody; i++) {
    uint32_t b = body[i], nb = U.bmap[b], np = f->blk[b].npreds, kept = 0;
    uint32_t *keep = malloc((np + 1) * sizeof *keep);
    for (uint32_t k = 0; k < np; k++) {
      uint32_t q = f->blk[b].preds[k];
      if (q < U.nblk0 && U.inl[q]) sc_ir_add_pred(f, nb, U.bmap[q]);
      else if (b == h && q == p) sc_ir_add_pred(f, nb, p);
      else continue; /* an unreachable block's edge into the loop */
      keep[kept++] = k;
    }
    for (uint32_t j = 0; j < f->blk[nb].nins && f->ins[f->blk[nb].ins[j]].op == IR_phi; j++) {
      sc_ins *ph = &f->ins[f->blk[nb].ins[j]];
      for (uint32_t k = 0; k < kept; k++) ph->args[k] = ph->args[keep[k]];
      ph->nargs = kept;
    }
    free(keep);
  }
  /* exits: the copy's edges, with the copy's values in their phis */
  for (uint32_t x = 0; x < nexits; x++) {
    uint32_t e = exits[x], np = f->blk[e].npreds;
    for (uint32_t k = 0; k < np; k++) {
      uint32_t q = f->blk[e].preds[k];
      if (q >= U.nblk0 || !U.inl[q]) continue;
      sc_ir_add_pred(f, e, U.bmap[q]);
      for (uint32_t j = 0; j < f->blk[e].nins && f->ins[f->blk[e].ins[j]].op == IR_phi; j++) {
        uint32_t ph = f->blk[e].ins[j], a = f->ins[ph].args[k];
        sc_ir_set_nargs(f, ph, f->ins[ph].nargs + 1);
        f->ins[ph].args[f->ins[ph].nargs - 1] = loop_value(&U, a) ? U.vmap[a] : a;
      }
    }
  }
  /* p decides once; in each loop the branches on c go one way */
  uint32_t t = sc_ir_term(f, p);
  f->ins[t].op = IR_br;
  sc_ir_set_nargs(f, t, 1);
  f->ins[t].args[0] = c;
  f->ins[t].succ[0] = h;
  f->ins[t].succ[1] = U.bmap[h];
  for (uint32_t i = 0; i < nbody; i++) {
    uint32_t b = body[i], bt = sc_ir_term(f, b);
    if (!bt || f->ins[bt].op != IR_br || f->ins[bt].args[0] != c || f->ins[bt].succ[0] == f->ins[bt].succ[1]) continue;
    sc_ir_fold_branch(f, b, true);
    sc_ir_fold_branch(f, U.bmap[b], false);
  }
  U.memo = calloc(f->nblk + 1, sizeof *U.memo);
  U.touched = malloc((f->nblk + 1) * sizeof *U.touched);
  repair_uses(&U);
  free(U.inl);
  free(U.reach);
  free(U.bmap);
  free(U.vmap);
  free(U.fsmap);
  free(U.memo);
  free(U.touched);
  free(body);
  free(exits);
  sc_ir_invalidate(f);
}

/* A condition loop l branches on that is defined outside it, or 0. */
static uint32_t invariant_branch(sc_irfunc *f, uint32_t l) {
  const sc_loop *L = &f->loops[l];
  for (uint32_t i = 0; i < L->nblocks; i++) {
    uint32_t t = sc_ir_term(f, L->blocks[i]);
    if (!t || f->ins[t].op != IR_br || f->ins[t].succ[0] == f->ins[t].succ[1]) continue;
    uint32_t c = f->ins[t].args[0];
    if (!sc_is_constant(f->ins[c].op) && !sc_ir_loop_contains(f, l, f->ins[c].blk)) return c;
  }
  return 0;
}

static bool small_innermost(const sc_irfunc *f, uint32_t l) {
  const sc_loop *L = &f->loops[l];
  if (L->irreducible || (l + 1 < f->nloops && f->loops[l + 1].parent == (int32_t)l)) return false;
  uint32_t n = 0;
  for (uint32_t i = 0; i < L->nblocks; i++) n += f->blk[L->blocks[i]].nins;
  return n <= UNSW_MAX_INS;
}

bool sc_pass_unswitch(sc_irfunc *f, sc_pass_ctx *ctx) {
  uint32_t done = 0;
  bool again = true;
  while (again && done < UNSW_MAX_PER_FUNC) {
    again = false;
    sc_ir_loops(f);
    for (uint32_t l = f->nloops; l-- > 0;) {
      if (!small_innermost(f, l)) continue;
      uint32_t c = invariant_branch(f, l);
      if (!c) continue;
      int32_t p = sc_ir_preheader(f, l); /* may recompute the analyses */
      if (p < 0 || !sc_ir_dominates(f, f->ins[c].blk, (uint32_t)p)) continue;
      unswitch(f, l, (uint32_t)p, c);
      sc_pass_simplify(f, ctx); /* the arms not taken go */
      sc_ir_remove_redundant_phis(f);
      done++;
      again = true;
      break;
    }
  }
  return done != 0;
}
