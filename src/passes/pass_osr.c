/* osr: an OSR compilation takes every live local and operand-stack slot
 * from the interpreter's frame as a boxed `param` of unknown tag, so the
 * loop phis it enters stay boxed (unbox types a phi only when every input
 * has a known tag) and every iteration tests and unboxes them again. This
 * pass guards and unboxes each such value once, at the entry, by
 *  - the local's declared kind (`local i: int`: StoreLocal checks it, so
 *    the frame holds that kind, or null before the first store), else
 *  - the one tag the code uses it at: the boxes the loop merges with it
 *    in phis, and the tag guards and unboxes on it and on
 *    those phis (specialize's, from feedback), else
 *  - float, for a value used as both int and float (generic arithmetic's
 *    dispatch) that is a float in the frame. Values used at other
 *    mixtures of tags, or at none, stay as they are.
 * and, when the tier manager says what the frame held when it asked for
 * the compilation (pipeline option osr_tags), only where the slot had
 * that tag then (a kinded local still null, a value of another tag: a
 * guard that would fail at every entry). The guard leaves at the OSR pc
 * with the params as the frame: a wrong guess resumes the interpreter
 * where it was. The param's uses
 * then read `box (unbox param)`, and the unbox pass makes the phis typed
 * and folds the in-loop checks. Runs after specialize, before unbox; does
 * nothing for a compilation entered at the function's start. */
#include "passes/passes.h"

#include <string.h>

/* Evidence of the tags a value is used at: a bit per tag, OTHER for a
 * use that takes no int, float or bool (a null merged in). */
#define OTHER (1u << SC_NTAGS)
static void agree(unsigned *t, int tag) { *t |= tag < 0 ? OTHER : 1u << tag; }

/* Is test c (an istag) what some guard checks? */
static bool guarded(sc_irfunc *f, const sc_ir_users *u, uint32_t c) {
  for (uint32_t j = u->start[c]; j < u->start[c + 1]; j++)
    if (f->ins[u->list[j]].op == IR_guard) return true;
  return false;
}

/* The tags the code uses param p at (see above): OTHER bits. */
static unsigned used_tags(sc_irfunc *f, const sc_ir_users *u, uint32_t p, uint8_t *seen, uint32_t *work) {
  uint32_t nw = 0;
  unsigned t = 0;
  work[nw++] = p;
  seen[p] = 1;
  while (nw && !(t & OTHER)) {
    uint32_t x = work[--nw];
    if (f->ins[x].op == IR_phi)
      for (uint32_t k = 0; k < f->ins[x].nargs; k++) {
        const sc_ins *a = &f->ins[f->ins[x].args[k]];
        if (seen[f->ins[x].args[k]]) continue;
        if (a->op == IR_box) agree(&t, sc_tag_of_ty((sc_ty)f->ins[a->args[0]].ty));
        else if (a->op == IR_null) agree(&t, -1);
        /* other inputs (phis, params, generic ops) add no evidence, nor do
         * constants: a branch that stores one may never have run, and the
         * frame's value may still be of another tag */
      }
    for (uint32_t j = u->start[x]; j < u->start[x + 1] && !(t & OTHER); j++) {
      uint32_t y = u->list[j];
      const sc_ins *in = &f->ins[y];
      if (in->op == IR_phi && in->ty == SC_TY_VAL && !seen[y]) {
        seen[y] = 1;
        work[nw++] = y;
      } else if (in->op == IR_istag && guarded(f, u, y)) agree(&t, in->aux);
      else if (in->op == IR_unbox) agree(&t, sc_tag_of_ty((sc_ty)in->ty));
    }
  }
  return t;
}

/* The frame as the interpreter left it at the OSR pc: each slot's param
 * (a local dead there has none). -1 if a stack slot has none. */
static int32_t entry_state(sc_irfunc *f, const uint32_t *params, uint32_t np) {
  uint32_t nstack = 0;
  for (uint32_t i = 0; i < np; i++) {
    int64_t slot = f->ins[params[i]].imm;
    if (slot >= f->nlocals && (uint32_t)(slot - f->nlocals) + 1 > nstack) nstack = (uint32_t)(slot - f->nlocals) + 1;
  }
  int32_t s = sc_ir_new_fs(f, f->func, (uint32_t)f->osr_pc, f->nlocals, nstack);
  for (uint32_t i = 0; i < np; i++) f->fs[s].vals[f->ins[params[i]].imm] = params[i];
  for (uint32_t k = 0; k < nstack; k++)
    if (!f->fs[s].vals[f->nlocals + k]) return -1;
  return s;
}

/* An instruction in b0 at *pos (after the params, before any code that
 * uses them), then *pos moves past it. */
static uint32_t at_entry(sc_irfunc *f, uint32_t *pos, sc_irop op, sc_ty ty, uint32_t x) {
  uint32_t v = sc_ir_insert(f, 0, (*pos)++, op, ty, 1);
  f->ins[v].args[0] = x;
  f->ins[v].pc = f->osr_pc;
  return v;
}

bool sc_pass_osr(sc_irfunc *f, sc_pass_ctx *c) {
  if (f->osr_pc < 0) return false;
  sc_ir_users u = sc_ir_users_of(f);
  /* seen, work and the users cover the values there are now; the checks
   * added below are not walked (at_entry grows f->nins) */
  uint32_t nold = f->nins;
  uint8_t *seen = sc_arena_alloc(f->arena, f->nins + 1);
  uint32_t *work = sc_arena_alloc(f->arena, ((size_t)f->nins + 1) * sizeof *work);
  uint32_t n0 = f->blk[0].nins, *params = sc_arena_alloc(f->arena, (n0 + 1) * sizeof *params), np = 0, pos = 0;
  for (uint32_t i = 0; i < n0; i++) {
    uint32_t p = f->blk[0].ins[i];
    if (f->ins[p].op != IR_param) continue;
    if (f->ins[p].ty == SC_TY_VAL) params[np++] = p;
    pos = i + 1;
  }
  int32_t s = entry_state(f, params, np);
  if (s < 0) return false;
  uint32_t nfwd = f->nins, *fwd = sc_arena_alloc(f->arena, ((size_t)nfwd + 1) * sizeof *fwd);
  uint32_t *checks = sc_arena_alloc(f->arena, (3 * (size_t)np + 1) * sizeof *checks), nchecks = 0;
  bool changed = false;
  for (uint32_t i = 0; i < np; i++) {
    uint32_t p = params[i];
    int64_t slot = f->ins[p].imm;
    int tag = -1;
    if (slot < f->nlocals) {
      static const int8_t by_kind[] = {[SC_KIND_ANY] = -1, [SC_KIND_INT] = SC_INT, [SC_KIND_FLOAT] = SC_FLOAT,
                                       [SC_KIND_BOOL] = SC_BOOL};
      uint8_t k = f->local_kinds[slot];
      tag = k <= SC_KIND_BOOL ? by_kind[k] : -1;
    }
    if (tag < 0) {
      memset(seen, 0, nold);
      unsigned t = used_tags(f, &u, p, seen, work);
      const unsigned num = 1u << SC_INT | 1u << SC_FLOAT;
      if (t == 1u << SC_INT || t == 1u << SC_FLOAT || t == 1u << SC_BOOL) tag = __builtin_ctz(t);
      /* used as both (generic arithmetic's dispatch): a float stays a
       * float under arithmetic with ints, so a float entered with lets
       * the loop run on floats alone (sccp); without the frame's tags
       * (--emit) the guess is float */
      else if (t == num && (!c->osr_tags || (slot < c->nosr_tags && c->osr_tags[slot] == SC_FLOAT))) tag = SC_FLOAT;
    }
    if (tag < 0 || (c->osr_tags && (slot >= c->nosr_tags || c->osr_tags[slot] != tag))) continue;
    uint32_t t = at_entry(f, &pos, IR_istag, SC_TY_BOOL, p);
    f->ins[t].aux = tag;
    uint32_t g = at_entry(f, &pos, IR_guard, SC_TY_VOID, t);
    f->ins[g].aux = SC_RS_TAG;
    f->ins[g].fs = s;
    uint32_t x = at_entry(f, &pos, IR_unbox, sc_ty_of_tag(tag), p);
    fwd[p] = at_entry(f, &pos, IR_box, SC_TY_VAL, x);
    checks[nchecks++] = t; /* each check and then its param */
    checks[nchecks++] = x;
    checks[nchecks++] = p;
    if (c->osr_checked && slot < c->nosr_tags) c->osr_checked[slot] = (uint8_t)tag;
    c->guards_emitted++;
    changed = true;
  }
  if (!changed) return false;
  /* every use of a param reads its box but the checks made here and the
   * entry state, which keep the params themselves */
  sc_fs keep = f->fs[s];
  uint32_t nv = sc_ir_fs_nvals(&keep), *vals = sc_arena_alloc(f->arena, ((size_t)nv + 1) * sizeof *vals);
  for (uint32_t k = 0; k < nv; k++) vals[k] = keep.vals[k];
  sc_ir_forward(f, fwd, nfwd);
  for (uint32_t k = 0; k < nv; k++) f->fs[s].vals[k] = vals[k];
  for (uint32_t k = 0; k < nchecks; k += 3) f->ins[checks[k]].args[0] = f->ins[checks[k + 1]].args[0] = checks[k + 2];
  return true;
}
