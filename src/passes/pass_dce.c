/* Dead code elimination: instructions with an effect (side effects, a
 * possible runtime error or deopt but out of memory, terminators) are live; so is everything
 * they use, their frame states (parents included) and loop entry states
 * use, and so on. The rest goes, phis and phi cycles included. */
#include <stdlib.h>

#include "passes/passes.h"

bool sc_pass_dce(sc_irfunc *f, sc_pass_ctx *c) {
  (void)c;
  uint8_t *live = calloc(f->nins + 1, 1);
  uint32_t *work = malloc((f->nins + 1) * sizeof *work), nw = 0;
  for (uint32_t b = 0; b < f->nblk; b++) {
    if (f->blk[b].dead) continue;
    for (uint32_t i = 0; i < f->blk[b].nins; i++) {
      uint32_t id = f->blk[b].ins[i];
      unsigned fl = sc_ir_flags(&f->ins[id]);
      /* an allocation nothing uses goes: it can only fail for want of memory */
      if ((fl & (IRF_SIDE | IRF_THROW | IRF_TERM)) && (fl & (IRF_SIDE | IRF_ALLOC)) != IRF_ALLOC) {
        live[id] = 1;
        work[nw++] = id;
      }
    }
  }
#define MARK(x)                                                       \
  do {                                                                \
    uint32_t x_ = (x);                                                \
    if (x_ && x_ < f->nins && !live[x_]) live[x_] = 1, work[nw++] = x_; \
  } while (0)
  for (uint32_t b = 0; b < f->nblk; b++) { /* loop entry states (hoist releases them) */
    int32_t s = f->blk[b].entry_fs;
    if (f->blk[b].dead || s < 0 || (uint32_t)s >= f->nfs) continue;
    for (uint32_t k = 0; k < sc_ir_fs_nvals(&f->fs[s]); k++) MARK(f->fs[s].vals[k]);
  }
  while (nw) {
    sc_ins *in = &f->ins[work[--nw]];
    for (uint32_t k = 0; k < in->nargs; k++) MARK(in->args[k]);
    uint32_t steps = 0;
    for (int32_t s = in->fs; s >= 0 && (uint32_t)s < f->nfs && steps++ <= f->nfs; s = f->fs[s].parent)
      for (uint32_t k = 0; k < sc_ir_fs_nvals(&f->fs[s]); k++) MARK(f->fs[s].vals[k]);
  }
#undef MARK
  bool changed = false;
  for (uint32_t b = 0; b < f->nblk; b++) {
    if (f->blk[b].dead) continue;
    for (uint32_t i = 0; i < f->blk[b].nins; i++) {
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
