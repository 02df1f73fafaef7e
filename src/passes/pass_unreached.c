/* unreached: in code compiled on feedback, an operation whose feedback
 * slot counted no execution ends its block in `deopt[unreached]` at its
 * frame state, so that the code from there on, which the interpreter never
 * ran, is not compiled (simplify then drops the blocks no longer reached).
 *
 * Generic code there would call helpers, and a call anywhere in a loop
 * costs the whole loop: an OSR compilation made before the code after an
 * inner loop first ran kept a generic SetIndex call in the outer loop, and
 * MIR then kept the inner loop's float accumulator in memory (no xmm
 * register survives a call). When the operation is reached the interpreter
 * runs it, so its slot has feedback for the next compilation; the tier
 * manager drops code that leaves this way at its first exit (tier.c), and
 * since every such exit gives one more site feedback, recompilations stay
 * bounded. Operations without a frame state, or without feedback (code
 * compiled without a profile), stay as they are. */
#include "passes/passes.h"

bool sc_pass_unreached(sc_irfunc *f, sc_pass_ctx *c) {
  (void)c;
  bool changed = false;
  uint32_t nblk = f->nblk; /* the blocks split off here are never reached */
  for (uint32_t b = 0; b < nblk; b++) {
    if (f->blk[b].dead) continue;
    for (uint32_t i = 0; i < f->blk[b].nins; i++) {
      const sc_ins *in = &f->ins[f->blk[b].ins[i]];
      if (!in->fb || in->fs < 0 || in->fb->s.count || (sc_irop_flags(in->op) & IRF_TERM)) continue;
      int32_t fs = in->fs;
      uint32_t pc = in->pc;
      sc_ir_split_block(f, b, i);
      uint32_t d = sc_ir_insert(f, b, i, IR_deopt, SC_TY_VOID, 0);
      f->ins[d].aux = SC_RS_UNREACHED;
      f->ins[d].fs = fs;
      f->ins[d].pc = pc;
      changed = true;
      break;
    }
  }
  return changed;
}
