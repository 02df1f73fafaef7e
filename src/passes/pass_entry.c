/* entry: a function compiled whole (not an OSR entry) gets a typed entry
 * (ir.h: esig). A parameter whose tag the entry block guards is taken
 * unboxed, as an argument of its own: callers that know its type pass it
 * in a register, and the tier manager's trampoline (the generic entry)
 * checks the tag for the others, leaving at pc 0 when it differs. When
 * every ret returns a box of one type, the result is returned unboxed.
 * The guards on those parameters go, and their unboxes are the arguments;
 * frame states hold the arguments boxed (exits write them: the frame's
 * slots for them are not written by typed callers). */
#include "passes/passes.h"

static int tag_ty(int32_t tag) {
  return tag == SC_INT ? SC_TY_I64 : tag == SC_FLOAT ? SC_TY_F64 : tag == SC_BOOL ? SC_TY_BOOL : SC_TY_VAL;
}

/* The type x is known to box: its box's operand's, a constant's, else val. */
static sc_ty boxes(const sc_irfunc *f, uint32_t x) {
  const sc_ins *in = &f->ins[x];
  if (in->op == IR_const && in->ty == SC_TY_VAL) return (sc_ty)tag_ty((int32_t)f->prog->consts[in->imm].tag);
  return in->op == IR_box ? (sc_ty)f->ins[in->args[0]].ty : SC_TY_VAL;
}

bool sc_pass_entry(sc_irfunc *f, sc_pass_ctx *c) {
  (void)c;
  if (f->esig || f->osr_pc >= 0 || f->nparams > SC_ENTRY_MAXPARAMS || !f->nblk || !f->prog ||
      f->func >= f->prog->nfuncs)
    return false;
  uint32_t p[SC_ENTRY_MAXPARAMS] = {0}, ntyped = 0;
  uint8_t ty[SC_ENTRY_MAXPARAMS];
  for (uint32_t k = 0; k < SC_ENTRY_MAXPARAMS; k++) ty[k] = SC_TY_VAL;
  const sc_blk *b0 = &f->blk[0];
  for (uint32_t i = 0; i < b0->nins; i++) {
    const sc_ins *in = &f->ins[b0->ins[i]];
    if (in->dead) continue;
    if (in->op == IR_param && in->ty == SC_TY_VAL && in->imm >= 0 && in->imm < f->nparams) p[in->imm] = b0->ins[i];
    if (in->op != IR_guard) continue;
    const sc_ins *t = &f->ins[in->args[0]];
    if (t->op != IR_istag) continue;
    for (uint32_t k = 0; k < f->nparams; k++)
      if (p[k] && t->args[0] == p[k] && ty[k] == SC_TY_VAL && tag_ty(t->aux) != SC_TY_VAL && ntyped < SC_ENTRY_MAXARGS)
        ty[k] = (uint8_t)tag_ty(t->aux), ntyped++;
  }
  /* the typed parameters: `T param k` (first in b0: lower's stack check
   * keeps them there) and its box replace the val param */
  uint32_t tp[SC_ENTRY_MAXPARAMS], at = 0;
  for (uint32_t k = 0; k < f->nparams; k++)
    if (ty[k] != SC_TY_VAL) {
      tp[k] = sc_ir_insert(f, 0, at++, IR_param, (sc_ty)ty[k], 0);
      f->ins[tp[k]].imm = k;
    }
  for (uint32_t k = 0; k < f->nparams; k++) {
    if (ty[k] == SC_TY_VAL) continue;
    uint32_t b = sc_ir_insert(f, 0, at++, IR_box, SC_TY_VAL, 1);
    f->ins[b].args[0] = tp[k];
    sc_ir_replace_uses(f, p[k], b);
    f->ins[p[k]].dead = 1;
  }
  /* the result: one type boxed by every ret */
  sc_ty res = SC_TY_VOID;
  for (uint32_t b = 0; b < f->nblk; b++) {
    uint32_t t = f->blk[b].dead ? 0 : sc_ir_term(f, b);
    if (!t || f->ins[t].op != IR_ret) continue;
    sc_ty r = boxes(f, f->ins[t].args[0]);
    res = res == SC_TY_VOID || res == r ? r : SC_TY_VAL;
  }
  if (res == SC_TY_VOID) res = SC_TY_VAL;
  if (!ntyped && res == SC_TY_VAL) return false;
  /* what the entry now knows: tags of the boxes, their unboxes */
  for (uint32_t i = 1; i < f->nins; i++) {
    sc_ins *in = &f->ins[i];
    if (in->dead || !in->nargs) continue;
    uint32_t x = in->args[0];
    if (f->ins[x].op != IR_box || f->ins[x].blk != 0 || f->ins[f->ins[x].args[0]].op != IR_param) continue;
    if (in->op == IR_unbox && in->ty == f->ins[f->ins[x].args[0]].ty) {
      sc_ir_replace_uses(f, i, f->ins[x].args[0]);
      in->dead = 1;
    } else if (in->op == IR_istag) {
      in->op = IR_const, in->nargs = 0, in->imm = tag_ty(in->aux) == f->ins[f->ins[x].args[0]].ty, in->aux = 0;
    }
  }
  for (uint32_t i = 1; i < f->nins; i++) {
    sc_ins *in = &f->ins[i];
    if (!in->dead && in->op == IR_guard && f->ins[in->args[0]].op == IR_const && f->ins[in->args[0]].imm) in->dead = 1;
  }
  f->esig = sc_entry_sig(res, ty, f->nparams);
  sc_ir_compact(f);
  return true;
}
