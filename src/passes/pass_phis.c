/* Trivial-phi cleanup: a phi whose operands are all one value (or the phi
 * itself) is that value; removing one can make another trivial, so this
 * runs to a fixed point (sc_ir_fold_trivial_phis). */
#include "passes/passes.h"

bool sc_pass_phis(sc_irfunc *f) { return sc_ir_fold_trivial_phis(f); }
