/* The IR verifier: run after every pass in checking builds. */
#include <stdarg.h>
#include <stdlib.h>

#include "ssa/ir.h"

typedef struct vstate {
  sc_irfunc *f;
  sc_diags *d;
  int errors;
} vstate;

static void err(vstate *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void err(vstate *v, const char *fmt, ...) {
  char buf[300];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (v->errors++ < 20) sc_diag_add(v->d, 0, 0, "%s: %s", v->f->name, buf);
}

/* Is value a available at the position of instruction `user` in block b
 * (or at the end of block b when user is 0)? */
static bool available(sc_irfunc *f, uint32_t a, uint32_t b, uint32_t user, const uint32_t *pos) {
  uint32_t ab = f->ins[a].blk;
  if (ab != b) return sc_ir_dominates(f, ab, b);
  return !user || pos[a] < pos[user];
}

int sc_ir_verify(sc_irfunc *f, sc_diags *d) {
  vstate v = {f, d, 0};
  sc_ir_dom(f);
  uint32_t *pos = calloc(f->nins + 1, sizeof *pos);
  uint8_t *placed = calloc(f->nins + 1, 1);
  if (f->nblk == 0) err(&v, "no blocks");
  if (f->nblk && f->blk[0].npreds) err(&v, "the entry block b0 has predecessors");
  for (size_t b = 0; b < f->nblk; b++) {
    sc_blk *bl = &f->blk[b];
    if (bl->dead) continue;
    bool seen_nonphi = false;
    if (bl->nins == 0) err(&v, "b%zu is empty", b);
    for (size_t i = 0; i < bl->nins; i++) {
      uint32_t id = bl->ins[i];
      if (!id || id >= f->nins) { err(&v, "b%zu lists a bad instruction id %u", b, id); continue; }
      sc_ins *in = &f->ins[id];
      if (placed[id]) err(&v, "v%u is listed twice", id);
      placed[id] = 1;
      pos[id] = (uint32_t)i + 1;
      if (in->blk != b) err(&v, "v%u is listed in b%zu but says it is in b%u", id, b, in->blk);
      if (in->dead) err(&v, "v%u is dead but still listed", id);
      if (in->op >= IR_NOPS) { err(&v, "v%u has a bad opcode %u", id, in->op); continue; }
      bool term = (sc_irop_flags(in->op) & IRF_TERM) != 0;
      if (term && i != bl->nins - 1) err(&v, "terminator v%u is not last in b%zu", id, b);
      if (!term && i == bl->nins - 1) err(&v, "b%zu does not end in a terminator", b);
      if (in->op == IR_phi) {
        if (seen_nonphi) err(&v, "phi v%u after a non-phi in b%zu", id, b);
        if (in->nargs != bl->npreds) err(&v, "phi v%u has %u operands, b%zu has %zu predecessors", id, in->nargs, b, bl->npreds);
      } else
        seen_nonphi = true;
      if (in->op == IR_param && b != 0) err(&v, "param v%u outside the entry block", id);
      if ((in->op == IR_jmp || in->op == IR_br))
        for (int k = 0; k < (in->op == IR_br ? 2 : 1); k++) {
          if (in->succ[k] >= f->nblk || f->blk[in->succ[k]].dead) { err(&v, "v%u jumps to a missing block b%u", id, in->succ[k]); continue; }
          sc_blk *t = &f->blk[in->succ[k]];
          bool found = false;
          for (size_t j = 0; j < t->npreds; j++) found |= t->preds[j] == b;
          if (!found) err(&v, "b%zu jumps to b%u, which does not list it as a predecessor", b, in->succ[k]);
        }
      if ((sc_ir_flags(in) & IRF_THROW) && in->fs < 0) err(&v, "v%u may leave compiled code but has no frame state", id);
      if (in->fs >= (int32_t)f->nfs) err(&v, "v%u names a missing frame state fs%d", id, in->fs);
      bool wants_val = in->op == IR_bc || in->op == IR_call || in->op == IR_ret || in->op == IR_br || in->op == IR_phi;
      if (in->op == IR_bc && (in->imm < 0 || in->imm >= SC_NOPS)) err(&v, "v%u: bad bytecode op %lld", id, (long long)in->imm);
      if ((in->op == IR_jmp || in->op == IR_ret || in->op == IR_br || in->op == IR_halt) && in->ty != SC_TY_VOID)
        err(&v, "terminator v%u has a result type", id);
      for (uint32_t k = 0; k < in->nargs; k++) {
        uint32_t a = in->args[k];
        if (!a || a >= f->nins) { err(&v, "v%u operand %u is not a value", id, k); continue; }
        if (f->ins[a].ty == SC_TY_VOID) err(&v, "v%u uses v%u, which has no value", id, a);
        if (wants_val && in->op != IR_phi && f->ins[a].ty != SC_TY_VAL) err(&v, "v%u needs val operands, v%u is %s", id, a, sc_ty_name((sc_ty)f->ins[a].ty));
        if (in->op == IR_phi && f->ins[a].ty != in->ty) err(&v, "phi v%u is %s but operand v%u is %s", id, sc_ty_name((sc_ty)in->ty), a, sc_ty_name((sc_ty)f->ins[a].ty));
      }
    }
  }
  /* Dominance: a second walk, once every position is known. */
  for (size_t b = 0; b < f->nblk; b++) {
    sc_blk *bl = &f->blk[b];
    if (bl->dead || f->rpo_index[b] == UINT32_MAX) continue;
    for (size_t i = 0; i < bl->nins; i++) {
      uint32_t id = bl->ins[i];
      if (!id || id >= f->nins) continue;
      sc_ins *in = &f->ins[id];
      for (uint32_t k = 0; k < in->nargs; k++) {
        uint32_t a = in->args[k];
        if (!a || a >= f->nins) continue;
        if (!placed[a]) { err(&v, "v%u uses v%u, which is in no block", id, a); continue; }
        bool ok = in->op == IR_phi ? (k < bl->npreds && available(f, a, bl->preds[k], 0, pos))
                                   : available(f, a, (uint32_t)b, id, pos);
        if (!ok) err(&v, "v%u uses v%u, which does not dominate the use", id, a);
      }
      if (in->fs >= 0 && in->fs < (int32_t)f->nfs) {
        sc_fs *s = &f->fs[in->fs];
        for (uint32_t k = 0; k < s->nlocals + s->nstack; k++) {
          uint32_t a = s->vals[k];
          if (!a || a >= f->nins || !placed[a]) err(&v, "fs%d of v%u holds a missing value", in->fs, id);
          else if (!available(f, a, (uint32_t)b, id, pos)) err(&v, "fs%d of v%u uses v%u, which does not dominate it", in->fs, id, a);
        }
      }
    }
  }
  free(pos);
  free(placed);
  return v.errors ? -1 : 0;
}
