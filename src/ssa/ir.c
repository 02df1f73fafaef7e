/* IR construction and small utilities. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssa/ir.h"

static const char *const irop_names[] = {
#define IROP(name, flags) #name,
#include "ssa/irops.def"
#undef IROP
};

const char *sc_irop_name(unsigned op) { return op < IR_NOPS ? irop_names[op] : "?"; }

const char *sc_ty_name(sc_ty t) {
  static const char *const n[] = {"void", "val", "i64", "f64", "bool", "ptr"};
  return (unsigned)t < SC_NTY ? n[t] : "?";
}

unsigned sc_ir_flags(const sc_ins *in) {
  unsigned fl = sc_irop_flags(in->op);
  if (in->op == IR_bc) {
    unsigned of = sc_op_flags((sc_op)in->imm);
    if (of & (SC_OPF_THROW | SC_OPF_CALL)) fl |= IRF_THROW | IRF_SIDE;
    switch ((sc_op)in->imm) {
    case SC_OP_StoreGlobal: case SC_OP_SetIndex: case SC_OP_ArrayPush: case SC_OP_SetProp:
    case SC_OP_MapSet: case SC_OP_Print: case SC_OP_StoreLocal:
      fl |= IRF_SIDE;
      break;
    default: break;
    }
  }
  return fl;
}

sc_irfunc *sc_ir_new(sc_arena *a, const sc_program *prog, const char *name, uint32_t nparams, uint32_t nlocals) {
  sc_irfunc *f = sc_arena_alloc(a, sizeof *f);
  f->arena = a;
  f->prog = prog;
  f->name = sc_arena_strdup(a, name);
  f->nparams = nparams;
  f->nlocals = nlocals;
  f->local_names = sc_arena_alloc(a, (nlocals + 1) * sizeof *f->local_names);
  for (uint32_t i = 0; i < nlocals; i++) {
    char buf[24];
    snprintf(buf, sizeof buf, "l%u", i);
    f->local_names[i] = sc_arena_strdup(a, buf);
  }
  f->ins = sc_arena_grow(a, NULL, sizeof *f->ins, 0, &f->cins, 64);
  f->nins = 1; /* id 0 is "none" */
  return f;
}

uint32_t sc_ir_block(sc_irfunc *f) {
  f->blk = sc_arena_grow(f->arena, f->blk, sizeof *f->blk, f->nblk, &f->cblk, f->nblk + 1);
  sc_blk *b = &f->blk[f->nblk];
  memset(b, 0, sizeof *b);
  b->bcpc = -1;
  return (uint32_t)f->nblk++;
}

uint32_t sc_ir_append(sc_irfunc *f, uint32_t blk, sc_irop op, sc_ty ty, uint32_t nargs) {
  f->ins = sc_arena_grow(f->arena, f->ins, sizeof *f->ins, f->nins, &f->cins, f->nins + 1);
  uint32_t id = (uint32_t)f->nins++;
  sc_ins *in = &f->ins[id];
  memset(in, 0, sizeof *in);
  in->op = (uint16_t)op;
  in->ty = (uint8_t)ty;
  in->blk = blk;
  in->nargs = nargs;
  in->args = nargs ? sc_arena_alloc(f->arena, nargs * sizeof *in->args) : NULL;
  in->fs = -1;
  in->pc = -1;
  sc_blk *b = &f->blk[blk];
  b->ins = sc_arena_grow(f->arena, b->ins, sizeof *b->ins, b->nins, &b->cins, b->nins + 1);
  if (op == IR_phi) { /* phis stay at the start */
    size_t k = 0;
    while (k < b->nins && f->ins[b->ins[k]].op == IR_phi) k++;
    memmove(b->ins + k + 1, b->ins + k, (b->nins - k) * sizeof *b->ins);
    b->ins[k] = id;
    b->nins++;
  } else
    b->ins[b->nins++] = id;
  return id;
}

void sc_ir_add_pred(sc_irfunc *f, uint32_t blk, uint32_t pred) {
  sc_blk *b = &f->blk[blk];
  b->preds = sc_arena_grow(f->arena, b->preds, sizeof *b->preds, b->npreds, &b->cpreds, b->npreds + 1);
  b->preds[b->npreds++] = pred;
}

int32_t sc_ir_new_fs(sc_irfunc *f, uint32_t func, uint32_t pc, uint32_t nlocals, uint32_t nstack) {
  f->fs = sc_arena_grow(f->arena, f->fs, sizeof *f->fs, f->nfs, &f->cfs, f->nfs + 1);
  sc_fs *s = &f->fs[f->nfs];
  s->func = func;
  s->pc = pc;
  s->nlocals = nlocals;
  s->nstack = nstack;
  s->vals = sc_arena_alloc(f->arena, (nlocals + nstack + 1) * sizeof *s->vals);
  s->parent = -1;
  return (int32_t)f->nfs++;
}

uint32_t sc_ir_term(const sc_irfunc *f, uint32_t blk) {
  const sc_blk *b = &f->blk[blk];
  if (!b->nins) return 0;
  uint32_t t = b->ins[b->nins - 1];
  return (sc_irop_flags(f->ins[t].op) & IRF_TERM) ? t : 0;
}

void sc_ir_succs(const sc_irfunc *f, uint32_t blk, uint32_t succ[2], int *n) {
  uint32_t t = sc_ir_term(f, blk);
  *n = 0;
  if (!t) return;
  const sc_ins *in = &f->ins[t];
  if (in->op == IR_jmp) succ[(*n)++] = in->succ[0];
  else if (in->op == IR_br) {
    succ[(*n)++] = in->succ[0];
    succ[(*n)++] = in->succ[1];
  }
}

void sc_ir_replace_uses(sc_irfunc *f, uint32_t from, uint32_t to) {
  for (size_t i = 1; i < f->nins; i++) {
    sc_ins *in = &f->ins[i];
    if (in->dead) continue;
    for (uint32_t k = 0; k < in->nargs; k++)
      if (in->args[k] == from) in->args[k] = to;
  }
  for (size_t s = 0; s < f->nfs; s++)
    for (uint32_t k = 0; k < f->fs[s].nlocals + f->fs[s].nstack; k++)
      if (f->fs[s].vals[k] == from) f->fs[s].vals[k] = to;
}

void sc_ir_compact(sc_irfunc *f) {
  for (size_t b = 0; b < f->nblk; b++) {
    sc_blk *bl = &f->blk[b];
    size_t k = 0;
    for (size_t i = 0; i < bl->nins; i++)
      if (!bl->dead && !f->ins[bl->ins[i]].dead) bl->ins[k++] = bl->ins[i];
    bl->nins = bl->dead ? 0 : k;
  }
}

/* Folds trivial phis (all operands one value, or the phi itself) to that
 * value until none is left; uses are forwarded through one table, so the
 * cost is linear per round. Returns whether any phi went. */
bool sc_ir_fold_trivial_phis(sc_irfunc *f) {
  uint32_t *fwd = calloc(f->nins, sizeof *fwd);
  bool any = false, changed = true;
  while (changed) {
    changed = false;
    for (size_t i = 1; i < f->nins; i++) {
      sc_ins *in = &f->ins[i];
      if (in->op != IR_phi || in->dead) continue;
      uint32_t same = 0;
      bool trivial = true;
      for (uint32_t k = 0; k < in->nargs; k++) {
        uint32_t a = in->args[k];
        while (fwd[a]) a = fwd[a];
        in->args[k] = a;
        if (a == i || a == same) continue;
        if (same) {
          trivial = false;
          break;
        }
        same = a;
      }
      if (trivial && same) {
        in->dead = 1;
        fwd[i] = same;
        changed = any = true;
      }
    }
  }
  if (any) {
    for (size_t i = 1; i < f->nins; i++) {
      sc_ins *in = &f->ins[i];
      for (uint32_t k = 0; k < in->nargs; k++)
        while (fwd[in->args[k]]) in->args[k] = fwd[in->args[k]];
    }
    for (size_t s = 0; s < f->nfs; s++)
      for (uint32_t k = 0; k < f->fs[s].nlocals + f->fs[s].nstack; k++)
        while (fwd[f->fs[s].vals[k]]) f->fs[s].vals[k] = fwd[f->fs[s].vals[k]];
    sc_ir_compact(f);
  }
  free(fwd);
  return any;
}
