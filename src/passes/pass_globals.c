/* globals: loads of globals that have been stored at most once become the
 * value they hold now (the snapshot the compilation was given), and the
 * function records that it assumes it (c->gdeps). The tier manager watches
 * those globals: a store to one drops the code (jit.c).
 *
 * Only in code that makes no calls and does not store the global itself:
 * then nothing can store it while the code runs (programs are single
 * threaded), so dropping the code at the store is enough and no running
 * activation ever sees a stale value. */
#include "passes/passes.h"

static bool stores(const sc_irfunc *f, int32_t g) {
  for (uint32_t i = 1; i < f->nins; i++)
    if (!f->ins[i].dead && f->ins[i].op == IR_StoreGlobal && f->ins[i].aux == g) return true;
  return false;
}

static void add_dep(sc_irfunc *f, sc_pass_ctx *c, uint32_t g) {
  for (uint32_t k = 0; k < c->ngdeps; k++)
    if (c->gdeps[k] == g) return;
  uint32_t *n = sc_arena_alloc(f->arena, (c->ngdeps + 1) * sizeof *n);
  for (uint32_t k = 0; k < c->ngdeps; k++) n[k] = c->gdeps[k];
  n[c->ngdeps++] = g;
  c->gdeps = n;
}

bool sc_pass_globals(sc_irfunc *f, sc_pass_ctx *c) {
  if (!c->gvals || !c->gstores) return false;
  for (uint32_t i = 1; i < f->nins; i++) {
    const sc_ins *in = &f->ins[i];
    if (!in->dead && (in->op == IR_Call || in->op == IR_CallValue)) return false;
  }
  bool changed = false;
  uint32_t n = f->nins;
  for (uint32_t i = 1; i < n; i++) {
    sc_ins *in = &f->ins[i];
    if (in->dead || in->op != IR_LoadGlobal) continue;
    int32_t g = in->aux;
    int64_t at = sc_snapidx_at(&c->gidx, (uint32_t)g);
    if (at < 0 || c->gstores[at] > 1 || stores(f, g)) continue;
    sc_value v = c->gvals[at];
    sc_ty ty;
    int64_t imm;
    switch (v.tag) {
    case SC_NULL: in->op = IR_null; goto folded;
    case SC_FUNC: in->op = IR_func; in->imm = v.i; goto folded;
    case SC_INT: ty = SC_TY_I64; imm = v.i; break;
    case SC_FLOAT: ty = SC_TY_F64; imm = v.i; break; /* the bits */
    case SC_BOOL: ty = SC_TY_BOOL; imm = v.i != 0; break;
    default: continue; /* heap values: their contents change anyway */
    }
    {
      uint32_t at = sc_ir_index_in_block(f, i);
      uint32_t k = sc_ir_insert(f, in->blk, at, IR_const, ty, 0);
      in = &f->ins[i]; /* the array may have moved */
      f->ins[k].imm = imm;
      f->ins[k].pc = in->pc;
      in->op = IR_box;
      sc_ir_set_nargs(f, i, 1);
      f->ins[i].args[0] = k;
    }
  folded:
    f->ins[i].aux = 0;
    add_dep(f, c, (uint32_t)g);
    changed = true;
  }
  return changed;
}
