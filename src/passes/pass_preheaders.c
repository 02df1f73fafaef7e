/* Gives every reducible loop a preheader (sc_ir_preheader); irreducible
 * loops have several entries and are left alone. For tests and for the
 * loop passes that will want one. */
#include "passes/passes.h"

bool sc_pass_preheaders(sc_irfunc *f, sc_pass_ctx *c) {
  (void)c;
  sc_ir_loops(f);
  uint32_t before = f->nblk;
  for (uint32_t l = 0; l < f->nloops; l++)
    if (!f->loops[l].irreducible) sc_ir_preheader(f, l);
  return f->nblk != before;
}
