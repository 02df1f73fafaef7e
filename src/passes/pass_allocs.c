/* allocs: a NewObject followed in its block by the stores that add its
 * first fields (addslots along the transition chain feedback recorded,
 * from the root shape) allocates once with the last of those shapes and
 * slots for it (allocobj), and the stores become plain slot stores. Only
 * stores with nothing between the allocation and them that could leave
 * compiled code, or see or change the object: pure ops that cannot leave.
 * So no frame state sees the object between the allocation and the last
 * fused store, and deopt stays exact (the stored values are computed
 * first). The shapes are those the addslots name, which exist. */
#include "passes/passes.h"
#include "runtime/runtime.h"

/* in neither leaves compiled code nor touches the heap. */
static bool quiet(const sc_ins *in) {
  return in->fs < 0 && !(sc_irop_flags(in->op) & (IRF_SIDE | IRF_THROW | IRF_READ | IRF_TERM | IRF_ALLOC)) &&
         in->op != IR_guard;
}

/* The NewObject at position i of block b: fuses the stores after it. */
static bool fuse(sc_irfunc *f, const sc_blk *bl, uint32_t i) {
  uint32_t obj = bl->ins[i];
  const sc_shape *cur = NULL;
  uint32_t last = i;
  for (uint32_t j = i + 1; j < bl->nins; j++) {
    const sc_ins *in = &f->ins[bl->ins[j]];
    if (in->dead) continue;
    if (in->op == IR_addslot && in->args[0] == obj && in->imm) {
      const sc_shape *ns = (const sc_shape *)(uintptr_t)in->imm;
      if (!ns->parent || (cur ? ns->parent != cur : ns->parent->nfields != 0)) break;
      cur = ns;
      last = j;
    } else if (!quiet(in)) {
      break;
    }
  }
  if (!cur) return false;
  sc_ins *n = &f->ins[obj];
  n->op = IR_allocobj;
  n->aux = (int32_t)cur->id;
  n->imm = (int64_t)(uintptr_t)cur;
  for (uint32_t j = i + 1; j <= last; j++) {
    sc_ins *in = &f->ins[bl->ins[j]];
    if (in->dead || in->op != IR_addslot || in->args[0] != obj) continue;
    in->aux = (int32_t)((const sc_shape *)(uintptr_t)in->imm)->nfields - 1;
    in->op = IR_stslot;
    in->imm = 0;
  }
  return true;
}

bool sc_pass_allocs(sc_irfunc *f, sc_pass_ctx *c) {
  (void)c;
  bool changed = false;
  for (uint32_t b = 0; b < f->nblk; b++) {
    const sc_blk *bl = &f->blk[b];
    for (uint32_t i = 0; i < bl->nins; i++) {
      const sc_ins *in = &f->ins[bl->ins[i]];
      if (!in->dead && in->op == IR_NewObject && fuse(f, bl, i)) changed = true;
    }
  }
  return changed;
}
