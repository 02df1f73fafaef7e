/* The IR's text form (grammar in ir.h) and the loop forest as comments. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime.h"
#include "ssa/ir.h"
#include "ssa/irtext.h"

sc_fbclass sc_fb_class(sc_op op) {
  switch (op) {
  case SC_OP_Neg: case SC_OP_NegInt: case SC_OP_Not: case SC_OP_JumpIfFalse: case SC_OP_JumpIfTrue:
  case SC_OP_ReturnValue: /* sc_profile.ret */
    return SC_FBC_TAG;
  case SC_OP_GetIndex: case SC_OP_SetIndex: case SC_OP_ArrayPush: return SC_FBC_ELEMS;
  case SC_OP_GetProp: case SC_OP_SetProp: return SC_FBC_SHAPE;
  case SC_OP_CallValue: return SC_FBC_FUNC;
  default: return SC_FBC_PAIR;
  }
}

int sc_ir_default_fbop(const sc_ins *in) {
  if (in->op == IR_truthy) return SC_OP_JumpIfFalse;
  if (in->op == IR_rettag) return SC_OP_ReturnValue;
  return sc_irop_bcop(in->op);
}

static const char *func_name(const sc_irfunc *f, uint64_t i) {
  return f->prog && i < f->prog->nfuncs ? f->prog->funcs[i]->name : NULL;
}

static void print_fb_entry(const sc_irfunc *f, sc_op op, const sc_fb_slot *s, unsigned k, FILE *out) {
  uint64_t e = s->e[k];
  const char *fn;
  switch (sc_fb_class(op)) {
  case SC_FBC_PAIR: fprintf(out, "%s,%s", sc_tag_ir_name(SC_FB_PAIR_A(e)), sc_tag_ir_name(SC_FB_PAIR_B(e))); break;
  case SC_FBC_TAG: fputs(sc_tag_ir_name((sc_tag)e), out); break;
  case SC_FBC_ELEMS:
    if (e & 0x100) fprintf(out, "notarray:%s", sc_tag_ir_name((sc_tag)(e & 0xff)));
    else fprintf(out, "elems:%s", sc_elems_name(e));
    break;
  case SC_FBC_SHAPE:
    if (!e) fputs("notobject", out);
    else
      fprintf(out, "shape#%" PRIu64 "/%s%u", e - 1, (s->aux[k] & SC_FB_ADDS_FIELD) ? "+" : "",
              s->aux[k] & ~SC_FB_ADDS_FIELD);
    break;
  case SC_FBC_FUNC:
    if (e >> 40) fprintf(out, "notfunc:%s", sc_tag_ir_name((sc_tag)(e & 0xff)));
    else if ((fn = func_name(f, e))) fprintf(out, "func:%s", fn);
    else fprintf(out, "func#%" PRIu64, e);
    break;
  }
}

static void print_fb(const sc_irfunc *f, const sc_ins *in, FILE *out) {
  const sc_irfb *fb = in->fb;
  const sc_fb_slot *s = &fb->s;
  fputs(" !fb", out);
  if (fb->bcop != sc_ir_default_fbop(in)) fprintf(out, "[%s]", sc_op_name((sc_op)fb->bcop));
  fprintf(out, " %s x%u", sc_fb_state_name(s->state), s->count);
  if (s->n) {
    fputs(" [", out);
    for (unsigned k = 0; k < s->n && k < SC_FB_MAX; k++) {
      if (k) putc(' ', out);
      print_fb_entry(f, (sc_op)fb->bcop, s, k, out);
    }
    putc(']', out);
  }
  for (unsigned b = 0; b < SC_FB_NFLAGS; b++)
    if (s->flags & (1u << b)) fprintf(out, " +%s", sc_fb_flag_name(b, true));
}

static void print_name(FILE *out, const char *const *names, uint32_t n, int32_t i) {
  if (i >= 0 && (uint32_t)i < n && names[i]) fprintf(out, "[%s]", names[i]);
  else fprintf(out, "[#%d]", i);
}

/* The bracketed static operand of an instruction, if it has one. */
static void print_static(const sc_irfunc *f, const sc_ins *in, FILE *out) {
  const sc_program *p = f->prog;
  switch (sc_irop_static(in->op)) {
  case SC_SK_NONE: break;
  case SC_SK_TAG: fprintf(out, "[%s]", sc_tag_ir_name((sc_tag)in->aux)); break;
  case SC_SK_COND: fprintf(out, "[%s]", sc_cond_name((sc_cond)in->aux)); break;
  case SC_SK_REASON: fprintf(out, "[%s]", sc_reason_name((sc_reason)in->aux)); break;
  case SC_SK_LOCAL: print_name(out, f->local_names, f->nlocals, in->aux); break;
  case SC_SK_GLOBAL: print_name(out, p ? p->global_names : NULL, p ? p->nglobals : 0, in->aux); break;
  case SC_SK_NAME: print_name(out, p ? p->names : NULL, p ? p->nnames : 0, in->aux); break;
  case SC_SK_BUILTIN: fprintf(out, "[%s]", sc_builtin_name((sc_builtin)in->aux)); break;
  case SC_SK_NUM: fprintf(out, "[#%d]", in->aux); break;
  case SC_SK_HELPER: fprintf(out, "[%s]", (unsigned)in->aux < SC_NHELPERS ? sc_helpers[in->aux].name : "?"); break;
  case SC_SK_FUNC: {
    const char *fn = func_name(f, (uint64_t)in->imm);
    if (fn) fprintf(out, "[%s]", fn);
    else fprintf(out, "[#%" PRId64 "]", in->imm);
    break;
  }
  }
}

static void print_const(const sc_irfunc *f, const sc_ins *in, FILE *out) {
  switch (in->ty) {
  case SC_TY_VAL:
    if (f->prog && (uint64_t)in->imm < f->prog->nconsts) sc_print_literal(out, f->prog->consts[in->imm]);
    else fprintf(out, "#%" PRId64, in->imm);
    break;
  case SC_TY_F64: {
    double d;
    char buf[40];
    memcpy(&d, &in->imm, sizeof d);
    sc_format_float(d, buf);
    fputs(buf, out);
    break;
  }
  case SC_TY_BOOL: fputs(in->imm ? "true" : "false", out); break;
  default: fprintf(out, "%" PRId64, in->imm);
  }
}

void sc_ir_print_ins(sc_irfunc *f, uint32_t id, FILE *out) {
  sc_ins *in = &f->ins[id];
  if (in->ty != SC_TY_VOID) fprintf(out, "v%u = %s ", id, sc_ty_name((sc_ty)in->ty));
  fputs(sc_irop_name(in->op), out);
  print_static(f, in, out);
  const char *fn;
  switch (in->op) {
  case IR_param: fprintf(out, " %" PRId64, in->imm); break;
  case IR_rpc: fprintf(out, " %d", in->aux); break;
  case IR_const: putc(' ', out); print_const(f, in, out); break;
  case IR_func:
    if ((fn = func_name(f, (uint64_t)in->imm))) fprintf(out, " %s", fn);
    else fprintf(out, " #%" PRId64, in->imm);
    break;
  case IR_phi: {
    const sc_blk *b = &f->blk[in->blk];
    for (uint32_t k = 0; k < in->nargs; k++)
      fprintf(out, "%s [b%u: v%u]", k ? "," : "", k < b->npreds ? b->preds[k] : UINT32_MAX, in->args[k]);
    break;
  }
  default:
    for (uint32_t k = 0; k < in->nargs; k++) fprintf(out, "%s v%u", k ? "," : "", in->args[k]);
  }
  if (in->op == IR_jmp) fprintf(out, " b%u", in->succ[0]);
  if (in->op == IR_br) fprintf(out, ", b%u, b%u", in->succ[0], in->succ[1]);
  if (in->fs >= 0) fprintf(out, " !fs%d", in->fs);
  if (in->fb) print_fb(f, in, out);
  if (in->pc >= 0) fprintf(out, " @%d", in->pc);
}

void sc_ir_print_fs(sc_irfunc *f, int32_t id, FILE *out) {
  const sc_fs *s = &f->fs[id];
  const char *fn = func_name(f, s->func);
  fprintf(out, "fs%d = state ", id);
  if (fn) fputs(fn, out);
  else fprintf(out, "#%u", s->func);
  fprintf(out, "@%u [", s->pc);
  for (uint32_t i = 0; i < s->nlocals; i++) {
    if (i) fputs(", ", out);
    if (s->vals[i]) fprintf(out, "v%u", s->vals[i]);
    else putc('_', out);
  }
  fputs(s->nlocals ? " |" : "|", out);
  for (uint32_t i = 0; i < s->nstack; i++) fprintf(out, "%s v%u", i ? "," : "", s->vals[s->nlocals + i]);
  putc(']', out);
  if (s->parent >= 0) fprintf(out, " parent fs%d", s->parent);
}

/* A frame state line before its first user; parents first. */
static void print_fs_once(sc_irfunc *f, int32_t id, uint8_t *done, FILE *out) {
  if (id < 0 || (uint32_t)id >= f->nfs || done[id]) return;
  done[id] = 1;
  print_fs_once(f, f->fs[id].parent, done, out);
  fputs("    ", out);
  sc_ir_print_fs(f, id, out);
  putc('\n', out);
}

static void print_local(const sc_irfunc *f, uint32_t i, FILE *out) {
  fputs(f->local_names[i], out);
  if (f->local_kinds[i] != SC_KIND_ANY) fprintf(out, ": %s", sc_kind_name((sc_kind)f->local_kinds[i]));
}

void sc_ir_print(sc_irfunc *f, FILE *out) {
  fprintf(out, "func %s(", f->name);
  for (uint32_t i = 0; i < f->nparams; i++) {
    if (i) fputs(", ", out);
    print_local(f, i, out);
  }
  putc(')', out);
  if (f->nlocals > f->nparams) {
    fputs(" locals(", out);
    for (uint32_t i = f->nparams; i < f->nlocals; i++) {
      if (i > f->nparams) fputs(", ", out);
      print_local(f, i, out);
    }
    putc(')', out);
  }
  if (f->osr_pc >= 0) fprintf(out, " osr @%d", f->osr_pc);
  if (f->calls) fprintf(out, " !calls %" PRIu64, f->calls);
  if (f->esig) {
    fprintf(out, " !entry %s(", sc_ty_name(sc_entry_result(f->esig)));
    for (uint32_t k = 0; k < sc_entry_nparams(f->esig); k++)
      fprintf(out, "%s%s", k ? ", " : "", sc_ty_name(sc_entry_param(f->esig, k)));
    putc(')', out);
  }
  fputs(" {\n", out);
  uint8_t *done = calloc(f->nfs + 1, 1);
  for (uint32_t b = 0; b < f->nblk; b++) {
    const sc_blk *bl = &f->blk[b];
    if (bl->dead) continue;
    fprintf(out, "b%u:", b);
    if (bl->npreds) {
      fputs(" <-", out);
      for (uint32_t k = 0; k < bl->npreds; k++) fprintf(out, " b%u", bl->preds[k]);
    }
    if (bl->backedges) fprintf(out, " !backedges %u", bl->backedges);
    if (bl->entry_fs >= 0) fprintf(out, " !entry fs%d", bl->entry_fs);
    if (bl->cold) fputs(" !cold", out);
    putc('\n', out);
    print_fs_once(f, bl->entry_fs, done, out);
    for (uint32_t i = 0; i < bl->nins; i++) {
      uint32_t id = bl->ins[i];
      print_fs_once(f, f->ins[id].fs, done, out);
      fputs("    ", out);
      sc_ir_print_ins(f, id, out);
      putc('\n', out);
    }
  }
  free(done);
  fputs("}\n", out);
}

static void print_list(FILE *out, const char *what, const uint32_t *v, uint32_t n) {
  if (!n) return;
  fprintf(out, ", %s", what);
  for (uint32_t k = 0; k < n; k++) fprintf(out, " b%u", v[k]);
}

void sc_ir_print_loops(sc_irfunc *f, FILE *out) {
  if (!f->loop_of) sc_ir_loops(f);
  fprintf(out, "; loops of %s: %u%s\n", f->name, f->nloops, f->irreducible ? " (irreducible control flow)" : "");
  for (uint32_t l = 0; l < f->nloops; l++) {
    const sc_loop *L = &f->loops[l];
    fprintf(out, ";   L%u: ", l);
    if (L->irreducible) {
      fputs("irreducible, entries", out);
      for (uint32_t k = 0; k < L->nentries; k++) fprintf(out, " b%u", L->entries[k]);
    } else
      fprintf(out, "header b%u", L->header);
    fprintf(out, ", depth %u", L->depth);
    if (L->parent >= 0) fprintf(out, ", in L%d", L->parent);
    print_list(out, "blocks", L->blocks, L->nblocks);
    print_list(out, "latches", L->latches, L->nlatches);
    print_list(out, "exits", L->exits, L->nexits);
    putc('\n', out);
  }
}
