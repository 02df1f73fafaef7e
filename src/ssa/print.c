/* The IR's text form (see ir.h) and a Graphviz view of the CFG. */
#include <string.h>

#include "ssa/ir.h"
#include "ssa/irtext.h"

const char *const sc_fb_state_names[4] = {"uninit", "mono", "poly", "mega"};

sc_fbclass sc_fb_class(sc_op op) {
  switch (op) {
  case SC_OP_Neg: case SC_OP_NegInt: case SC_OP_Not: case SC_OP_JumpIfFalse: case SC_OP_JumpIfTrue:
    return SC_FBC_TAG;
  case SC_OP_GetIndex: case SC_OP_SetIndex: case SC_OP_ArrayPush: return SC_FBC_ELEMS;
  case SC_OP_GetProp: case SC_OP_SetProp: return SC_FBC_SHAPE;
  case SC_OP_CallValue: return SC_FBC_FUNC;
  default: return SC_FBC_PAIR;
  }
}

static const char *const elems_names[] = {"int", "float", "any"};

static void print_fb_entry(const sc_irfunc *f, sc_op op, const sc_fb_slot *s, unsigned k, FILE *out) {
  uint64_t e = s->e[k];
  switch (sc_fb_class(op)) {
  case SC_FBC_PAIR: fprintf(out, "%s,%s", sc_tag_name_ir(SC_FB_PAIR_A(e)), sc_tag_name_ir(SC_FB_PAIR_B(e))); break;
  case SC_FBC_TAG: fprintf(out, "%s", sc_tag_name_ir((sc_tag)e)); break;
  case SC_FBC_ELEMS:
    if (e & 0x100) fprintf(out, "notarray:%s", sc_tag_name_ir((sc_tag)(e & 0xff)));
    else fprintf(out, "elems:%s", e < 3 ? elems_names[e] : "?");
    break;
  case SC_FBC_SHAPE:
    if (!e) fprintf(out, "notobject");
    else
      fprintf(out, "shape#%llu/%s%u", (unsigned long long)(e - 1), (s->aux[k] & SC_FB_ADDS_FIELD) ? "+" : "",
              s->aux[k] & ~SC_FB_ADDS_FIELD);
    break;
  case SC_FBC_FUNC:
    if (e >> 40) fprintf(out, "notfunc:%s", sc_tag_name_ir((sc_tag)(e & 0xff)));
    else if (f->prog && e < f->prog->nfuncs) fprintf(out, "func:%s", f->prog->funcs[e]->name);
    else fprintf(out, "func#%llu", (unsigned long long)e);
    break;
  }
}

static const char *const fbflag_names[] = {"ovf", "oob", "nonint", "fres"};

void sc_ir_print_fb(const sc_irfunc *f, sc_op op, const sc_fb_slot *s, FILE *out) {
  fprintf(out, " !fb %s x%u", s->state < 4 ? sc_fb_state_names[s->state] : "?", s->count);
  if (s->n) {
    fputs(" [", out);
    for (unsigned k = 0; k < s->n; k++) {
      if (k) putc(' ', out);
      print_fb_entry(f, op, s, k, out);
    }
    putc(']', out);
  }
  for (unsigned b = 0; b < 4; b++)
    if (s->flags & (1u << b)) fprintf(out, " +%s", fbflag_names[b]);
}

const char *sc_tag_name_ir(sc_tag t) {
  static const char *const n[] = {"null", "bool", "int", "float", "string", "array", "object", "map", "function"};
  return (unsigned)t < SC_NTAGS ? n[t] : "?";
}

/* The operand of a bc instruction, in brackets after the opcode name. */
static void print_aux(const sc_irfunc *f, const sc_ins *in, FILE *out) {
  sc_op op = (sc_op)in->imm;
  const sc_program *p = f->prog;
  switch (sc_op_operand(op)) {
  case SC_OPND_LOCAL:
    if ((uint32_t)in->aux < f->nlocals) fprintf(out, "[%s]", f->local_names[in->aux]);
    else fprintf(out, "[%d]", in->aux);
    break;
  case SC_OPND_GLOBAL:
    if (p && (uint32_t)in->aux < p->nglobals) fprintf(out, "[%s]", p->global_names[in->aux]);
    else fprintf(out, "[%d]", in->aux);
    break;
  case SC_OPND_NAME:
    if (p && (uint32_t)in->aux < p->nnames) fprintf(out, "[%s]", p->names[in->aux]);
    else fprintf(out, "[%d]", in->aux);
    break;
  case SC_OPND_BUILTIN: fprintf(out, "[%s]", sc_builtin_name((sc_builtin)in->aux)); break;
  case SC_OPND_COUNT: fprintf(out, "[%d]", in->aux); break;
  default: break;
  }
}

static void print_fs(const sc_irfunc *f, int32_t id, FILE *out) {
  const sc_fs *s = &f->fs[id];
  const char *fn = f->prog && s->func < f->prog->nfuncs ? f->prog->funcs[s->func]->name : "?";
  fprintf(out, "    fs%d = state %s@%u [", id, fn, s->pc);
  for (uint32_t i = 0; i < s->nlocals; i++) fprintf(out, "%sv%u", i ? ", " : "", s->vals[i]);
  fputs(" |", out);
  for (uint32_t i = 0; i < s->nstack; i++) fprintf(out, "%s v%u", i ? "," : "", s->vals[s->nlocals + i]);
  putc(']', out);
  if (s->parent >= 0) fprintf(out, " parent fs%d", s->parent);
  putc('\n', out);
}

void sc_ir_print_ins(sc_irfunc *f, uint32_t id, FILE *out) {
  sc_ins *in = &f->ins[id];
  if (in->fs >= 0) print_fs(f, in->fs, out);
  fputs("    ", out);
  if (in->ty != SC_TY_VOID) fprintf(out, "v%u = %s ", id, sc_ty_name((sc_ty)in->ty));
  switch (in->op) {
  case IR_bc:
    fputs(sc_op_name((sc_op)in->imm), out);
    print_aux(f, in, out);
    break;
  case IR_const:
    fputs("const ", out);
    if (in->ty == SC_TY_VAL && f->prog && (uint64_t)in->imm < f->prog->nconsts) sc_print_literal(out, f->prog->consts[in->imm]);
    else fprintf(out, "%lld", (long long)in->imm);
    break;
  case IR_func:
    if (f->prog && (uint64_t)in->imm < f->prog->nfuncs) fprintf(out, "func %s", f->prog->funcs[in->imm]->name);
    else fprintf(out, "func #%lld", (long long)in->imm);
    break;
  case IR_param: fprintf(out, "param %lld", (long long)in->imm); break;
  case IR_call:
    if (f->prog && (uint64_t)in->imm < f->prog->nfuncs) fprintf(out, "call %s", f->prog->funcs[in->imm]->name);
    else fprintf(out, "call #%lld", (long long)in->imm);
    break;
  default: fputs(sc_irop_name(in->op), out);
  }
  if (in->op == IR_phi) {
    const sc_blk *b = &f->blk[in->blk];
    for (uint32_t k = 0; k < in->nargs; k++)
      fprintf(out, "%s [b%u: v%u]", k ? "," : "", k < b->npreds ? b->preds[k] : 0, in->args[k]);
  } else {
    for (uint32_t k = 0; k < in->nargs; k++) fprintf(out, "%s v%u", k ? "," : "", in->args[k]);
  }
  if (in->op == IR_jmp) fprintf(out, " b%u", in->succ[0]);
  if (in->op == IR_br) fprintf(out, ", b%u, b%u", in->succ[0], in->succ[1]);
  if (in->fs >= 0) fprintf(out, " !fs%d", in->fs);
  if (in->fb) sc_ir_print_fb(f, in->op == IR_br ? SC_OP_JumpIfTrue : (sc_op)in->imm, in->fb, out);
  if (in->pc >= 0) fprintf(out, " @%d", in->pc);
  putc('\n', out);
}

void sc_ir_print(sc_irfunc *f, FILE *out) {
  fprintf(out, "func %s(", f->name);
  for (uint32_t i = 0; i < f->nparams; i++) fprintf(out, "%s%s", i ? ", " : "", f->local_names[i]);
  putc(')', out);
  if (f->nlocals > f->nparams) {
    fputs(" locals(", out);
    for (uint32_t i = f->nparams; i < f->nlocals; i++) fprintf(out, "%s%s", i > f->nparams ? ", " : "", f->local_names[i]);
    putc(')', out);
  }
  fputs(" {\n", out);
  for (size_t b = 0; b < f->nblk; b++) {
    const sc_blk *bl = &f->blk[b];
    if (bl->dead) continue;
    fprintf(out, "b%zu:", b);
    if (bl->npreds) {
      fputs("  ; preds", out);
      for (size_t k = 0; k < bl->npreds; k++) fprintf(out, " b%u", bl->preds[k]);
    }
    putc('\n', out);
    for (size_t i = 0; i < bl->nins; i++) sc_ir_print_ins(f, bl->ins[i], out);
  }
  fputs("}\n", out);
}

void sc_ir_print_dot(sc_irfunc *f, FILE *out) {
  if (!f->loop_of) sc_ir_loops(f);
  fprintf(out, "digraph \"%s\" {\n  node [shape=box fontname=monospace];\n", f->name);
  for (size_t b = 0; b < f->nblk; b++) {
    if (f->blk[b].dead) continue;
    int32_t l = f->loop_of[b];
    bool header = l >= 0 && f->loops[l].header == b;
    fprintf(out, "  b%zu [label=\"b%zu%s%s\\l", b, b, header ? " (loop header)" : "", f->irreducible ? "" : "");
    if (l >= 0) fprintf(out, "loop depth %u\\l", f->loops[l].depth);
    if (header) fprintf(out, "%zu exit%s\\l", f->loops[l].nexits, f->loops[l].nexits == 1 ? "" : "s");
    fprintf(out, "%zu instructions\\l\"%s];\n", f->blk[b].nins, header ? " style=bold color=blue" : "");
    uint32_t s[2];
    int ns;
    sc_ir_succs(f, (uint32_t)b, s, &ns);
    for (int k = 0; k < ns; k++) {
      bool back = l >= 0 && f->loops[f->loop_of[b]].header == s[k] && sc_ir_dominates(f, s[k], (uint32_t)b);
      fprintf(out, "  b%zu -> b%u%s;\n", b, s[k], back ? " [color=red label=\"back\"]" : ns == 2 ? (k ? " [label=F]" : " [label=T]") : "");
    }
  }
  if (f->irreducible) fputs("  irreducible [label=\"irreducible control flow\" shape=note];\n", out);
  fputs("}\n", out);
}
