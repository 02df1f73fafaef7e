/* Dead code elimination: everything with an effect (side effects, possible
 * runtime errors, terminators) is live; so is what live instructions and
 * their frame states use. The rest goes. */
#include <stdlib.h>

#include "passes/passes.h"

bool sc_pass_dce(sc_irfunc *f) {
  uint8_t *live = calloc(f->nins + 1, 1);
  uint32_t *work = malloc((f->nins + 1) * sizeof *work);
  size_t nw = 0;
  for (size_t b = 0; b < f->nblk; b++) {
    if (f->blk[b].dead) continue;
    for (size_t i = 0; i < f->blk[b].nins; i++) {
      uint32_t id = f->blk[b].ins[i];
      if (sc_ir_flags(&f->ins[id]) & (IRF_SIDE | IRF_THROW | IRF_TERM)) {
        live[id] = 1;
        work[nw++] = id;
      }
    }
  }
  while (nw) {
    sc_ins *in = &f->ins[work[--nw]];
    for (uint32_t k = 0; k < in->nargs; k++)
      if (!live[in->args[k]]) {
        live[in->args[k]] = 1;
        work[nw++] = in->args[k];
      }
    if (in->fs >= 0)
      for (int32_t s = in->fs; s >= 0; s = f->fs[s].parent)
        for (uint32_t k = 0; k < f->fs[s].nlocals + f->fs[s].nstack; k++) {
          uint32_t a = f->fs[s].vals[k];
          if (!live[a]) {
            live[a] = 1;
            work[nw++] = a;
          }
        }
  }
  bool changed = false;
  for (size_t b = 0; b < f->nblk; b++) {
    if (f->blk[b].dead) continue;
    for (size_t i = 0; i < f->blk[b].nins; i++) {
      uint32_t id = f->blk[b].ins[i];
      if (!live[id]) {
        f->ins[id].dead = 1;
        changed = true;
      }
    }
  }
  free(live);
  free(work);
  if (changed) sc_ir_compact(f);
  return changed;
}
