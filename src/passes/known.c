/* What code moved out of a loop may rely on where it lands (hoist, licm):
 * tags and fields established by dominating guards, and the loop's entry
 * state on the preheader edge for code that may leave there. */
#include "passes/passes.h"

bool sc_tag_known(sc_irfunc *f, uint32_t x, sc_tag tag, uint32_t b) {
  unsigned op = f->ins[x].op;
  if (tag == SC_OBJECT && (op == IR_NewObject || op == IR_allocobj)) return true;
  if (tag == SC_ARRAY && (op == IR_NewArray || op == IR_ArrayNew)) return true;
  for (int32_t d = (int32_t)b; d >= 0; d = f->idom[d]) {
    const sc_blk *bl = &f->blk[d];
    for (uint32_t i = 0; i < bl->nins; i++) {
      const sc_ins *g = &f->ins[bl->ins[i]];
      if (g->op != IR_guard) continue;
      const sc_ins *c = &f->ins[g->args[0]];
      if (c->op == IR_istag && c->args[0] == x && c->aux == (int32_t)tag) return true;
    }
    if (d == 0) break;
  }
  return false;
}

bool sc_slot_known(sc_irfunc *f, uint32_t x, uint32_t slot, uint32_t b) {
  for (int32_t d = (int32_t)b; d >= 0; d = f->idom[d]) {
    const sc_blk *bl = &f->blk[d];
    for (uint32_t i = 0; i < bl->nins; i++) {
      const sc_ins *in = &f->ins[bl->ins[i]];
      bool on_x = in->op == IR_allocobj && bl->ins[i] == x; /* made with its fields */
      if (in->op == IR_guard) in = &f->ins[in->args[0]];
      else if (in->op != IR_addslot && !on_x) continue;
      const sc_shape *s = (const sc_shape *)(uintptr_t)in->imm;
      on_x = on_x || ((in->op == IR_hasshape || in->op == IR_addslot) && in->args[0] == x);
      if (on_x && s && slot < s->nfields) return true;
    }
    if (d == 0) break;
  }
  return false;
}

int32_t sc_entry_state_from(sc_irfunc *f, uint32_t h, uint32_t p) {
  int32_t e = f->blk[h].entry_fs;
  const sc_blk *hb = &f->blk[h];
  uint32_t kp = 0;
  while (kp < hb->npreds && hb->preds[kp] != p) kp++;
  if (e < 0 || kp == hb->npreds) return -1;
  sc_fs old = f->fs[e];
  int32_t s = sc_ir_new_fs(f, old.func, old.pc, old.nlocals, old.nstack);
  for (uint32_t k = 0; k < sc_ir_fs_nvals(&old); k++) {
    uint32_t x = old.vals[k];
    if (x && f->ins[x].blk == h) {
      if (f->ins[x].op != IR_phi) return -1;
      x = f->ins[x].args[kp];
    }
    f->fs[s].vals[k] = x;
  }
  return s;
}
