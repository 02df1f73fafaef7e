/* Copy and phi cleanup: uses of a `copy` become uses of its operand, and
 * redundant phis go (trivial ones, whose operands are one value or the phi
 * itself, and phi cycles fed by one outside value; sc_ir_remove_redundant_phis).
 * Removing one can make another redundant: both run to a fixed point. */
#include <stdlib.h>

#include "passes/passes.h"

bool sc_pass_phis(sc_irfunc *f, sc_pass_ctx *c) {
  (void)c;
  uint32_t nfwd = f->nins + 1, *fwd = calloc(nfwd, sizeof *fwd);
  bool copies = false;
  for (uint32_t b = 0; b < f->nblk; b++) {
    sc_blk *bl = &f->blk[b];
    if (bl->dead) continue;
    for (uint32_t i = 0; i < bl->nins; i++) {
      sc_ins *in = &f->ins[bl->ins[i]];
      if (in->op != IR_copy || in->nargs != 1) continue;
      fwd[bl->ins[i]] = in->args[0];
      in->dead = 1;
      copies = true;
    }
  }
  if (copies) {
    /* Copies cannot form a cycle in reachable code (each is dominated by
     * what it copies), but in unreachable code they can: cut any cycle so
     * that forwarding terminates. Each chain is walked once (3 colors). */
    uint8_t *col = calloc(f->nins + 1, 1); /* 0 new, 1 on the current chain, 2 done */
    for (uint32_t i = 1; i < f->nins; i++) {
      uint32_t v = i;
      while (fwd[v] && !col[v]) {
        col[v] = 1;
        if (col[fwd[v]] == 1) fwd[v] = 0, f->ins[v].dead = 0; /* closes a cycle: this copy stays */
        else v = fwd[v];
      }
      for (v = i; col[v] == 1; v = fwd[v]) col[v] = 2;
    }
    free(col);
    sc_ir_forward(f, fwd, nfwd);
    sc_ir_compact(f);
  }
  free(fwd);
  bool phis = sc_ir_remove_redundant_phis(f);
  return copies || phis;
}
