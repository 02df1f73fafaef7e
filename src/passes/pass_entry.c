/* entry: a function compiled whole (not an OSR entry) gets a typed entry
 * (ir.h: esig). A parameter whose tag is guarded before every other use
 * is taken unboxed, as an argument of its own: callers that know its type
 * pass it in a register, and the tier manager's trampoline (the generic entry)
 * checks the tag for the others, leaving at pc 0 when it differs (the code
 * would have left at a guard before reading it). When every ret returns a
 * box of one type (or the function's own call), the result is returned
 * unboxed.
 * The guards on those parameters go, and their unboxes are the arguments;
 * frame states hold the arguments boxed (exits write them: the frame's
 * slots for them are not written by typed callers). */
#include "passes/passes.h"

/* The type a parameter or result of tag `tag` travels as: a val when no raw type holds it. */
static sc_ty tag_ty(int32_t tag) {
  sc_ty t = sc_ty_of_tag(tag);
  return t == SC_TY_VOID ? SC_TY_VAL : t;
}

/* Two results' type: VOID is no constraint, two different types a val. */
static sc_ty meet(sc_ty a, sc_ty b) { return a == SC_TY_VOID ? b : b == SC_TY_VOID || a == b ? a : SC_TY_VAL; }

/* The type x is known to box: its box's operand's, a constant's, else
 * val; VOID for the function's own call, whose result is what the entry
 * returns (a typed self-call checks it). */
static sc_ty boxes(const sc_irfunc *f, uint32_t x, unsigned depth) {
  const sc_ins *in = &f->ins[x];
  if (in->op == IR_const && in->ty == SC_TY_VAL) return (sc_ty)tag_ty((int32_t)f->prog->consts[in->imm].tag);
  if (in->op == IR_Call && (uint32_t)in->imm == f->func) return SC_TY_VOID;
  if (in->op == IR_phi && in->ty == SC_TY_VAL && depth < 4) { /* inlined rets meet in phis */
    sc_ty r = SC_TY_VOID;
    for (uint32_t k = 0; k < in->nargs && r != SC_TY_VAL; k++) r = meet(r, boxes(f, in->args[k], depth + 1));
    return r;
  }
  return in->op == IR_box ? (sc_ty)f->ins[in->args[0]].ty : SC_TY_VAL;
}

/* Does instruction g come before u on every path to u? */
static bool before(const sc_irfunc *f, uint32_t g, uint32_t u) {
  uint32_t gb = f->ins[g].blk, ub = f->ins[u].blk;
  if (gb != ub) return sc_ir_dominates(f, gb, ub);
  return sc_ir_index_in_block(f, g) < sc_ir_index_in_block(f, u);
}

/* Does every path from the entry to a ret pass one of guards g[0..n)? Else
 * a call could return without testing the parameter, and a caller passing
 * another tag there would leave at the trampoline for nothing. */
static bool tested_on_every_return(const sc_irfunc *f, const uint32_t *g, uint32_t n) {
  uint8_t *open = sc_arena_alloc(f->arena, f->nblk); /* reached from the entry past no guard */
  for (bool changed = true; changed;) {
    changed = false;
    for (uint32_t k = 0; k < f->nrpo; k++) {
      uint32_t b = f->rpo[k];
      bool o = b == 0;
      for (uint32_t j = 0; j < f->blk[b].npreds && !o; j++) o = open[f->blk[b].preds[j]];
      for (uint32_t j = 0; j < n && o; j++) o = f->ins[g[j]].blk != b;
      if (o && !open[b]) open[b] = 1, changed = true;
    }
  }
  for (uint32_t k = 0; k < f->nrpo; k++) {
    uint32_t t = sc_ir_term(f, f->rpo[k]);
    if (open[f->rpo[k]] && t && f->ins[t].op == IR_ret) return false;
  }
  return true;
}

/* The type parameter x (a val) is taken as: T when every istag of it asks
 * for T's tag, one is guarded, and every other use of x comes after such a
 * guard (the code never reads x untested: a caller passing another tag
 * would have left at one of them); else val. Frame states do not count. */
static sc_ty param_type(const sc_irfunc *f, const sc_ir_users *us, uint32_t x) {
  int32_t tag = -1;
  uint32_t g[8], ng = 0;
  for (uint32_t j = us->start[x]; j < us->start[x + 1]; j++) {
    const sc_ins *t = &f->ins[us->list[j]];
    if (t->op != IR_istag) continue;
    if (tag >= 0 && t->aux != tag) return SC_TY_VAL;
    tag = t->aux;
    for (uint32_t i = us->start[us->list[j]]; i < us->start[us->list[j] + 1]; i++)
      if (f->ins[us->list[i]].op == IR_guard && ng < 8) g[ng++] = us->list[i];
  }
  if (!ng || tag_ty(tag) == SC_TY_VAL || !tested_on_every_return(f, g, ng)) return SC_TY_VAL;
  for (uint32_t j = us->start[x]; j < us->start[x + 1]; j++) {
    uint32_t u = us->list[j];
    if (f->ins[u].op == IR_istag) continue;
    if (f->ins[u].op == IR_phi) return SC_TY_VAL;
    bool after = false;
    for (uint32_t k = 0; k < ng && !after; k++) after = before(f, g[k], u);
    if (!after) return SC_TY_VAL;
  }
  return (sc_ty)tag_ty(tag);
}

bool sc_pass_entry(sc_irfunc *f, sc_pass_ctx *c) {
  (void)c;
  if (f->esig || f->osr_pc >= 0 || f->nparams > SC_ENTRY_MAXPARAMS || !f->nblk || !f->prog ||
      f->func >= f->prog->nfuncs)
    return false;
  if (!f->rpo) sc_ir_dom(f);
  sc_ir_users us = sc_ir_users_of(f);
  uint32_t p[SC_ENTRY_MAXPARAMS] = {0}, ntyped = 0;
  uint8_t ty[SC_ENTRY_MAXPARAMS];
  for (uint32_t k = 0; k < SC_ENTRY_MAXPARAMS; k++) ty[k] = SC_TY_VAL;
  const sc_blk *b0 = &f->blk[0];
  uint8_t twice[SC_ENTRY_MAXPARAMS] = {0}; /* read by two params (IR text may say so): stays a val */
  for (uint32_t i = 0; i < b0->nins; i++) {
    const sc_ins *in = &f->ins[b0->ins[i]];
    if (in->dead || in->op != IR_param || in->imm < 0 || in->imm >= f->nparams) continue;
    if (p[in->imm] || in->ty != SC_TY_VAL) twice[in->imm] = 1;
    p[in->imm] = b0->ins[i];
  }
  for (uint32_t k = 0; k < f->nparams && ntyped < SC_ENTRY_MAXARGS; k++)
    if (p[k] && !twice[k] && (ty[k] = (uint8_t)param_type(f, &us, p[k])) != SC_TY_VAL) ntyped++;
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
    res = meet(res, boxes(f, f->ins[t].args[0], 0));
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
