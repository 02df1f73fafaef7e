/* Trivial-phi cleanup: a phi whose operands are all one value (or the phi
 * itself) is that value. Iterates to a fixed point, since removing one phi
 * can make another trivial. */
#include "passes/passes.h"

bool sc_pass_phis(sc_irfunc *f) {
  bool any = false, changed = true;
  while (changed) {
    changed = false;
    for (size_t i = 1; i < f->nins; i++) {
      sc_ins *in = &f->ins[i];
      if (in->op != IR_phi || in->dead) continue;
      uint32_t same = 0;
      bool trivial = true;
      for (uint32_t k = 0; k < in->nargs && trivial; k++) {
        uint32_t a = in->args[k];
        if (a == i || a == same) continue;
        if (same) trivial = false;
        else same = a;
      }
      if (!trivial || !same) continue;
      in->dead = 1;
      sc_ir_replace_uses(f, (uint32_t)i, same);
      changed = any = true;
    }
  }
  if (any) sc_ir_compact(f);
  return any;
}
