/* The disassembler: prints .sasm that reassembles to the same bytecode.
 * Jump targets get generated labels; locals and globals are written by
 * name when the names are unique identifiers, else by index. */
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime.h"
#include "shapec/bytecode.h"

static bool is_ident(const char *s) {
  if (!s || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_')) return false;
  for (s++; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_')) return false;
  return true;
}

/* Names usable as operands: valid identifiers, pairwise distinct. */
static bool names_ok(const char *const *names, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    if (!is_ident(names[i])) return false;
    for (uint32_t j = 0; j < i; j++)
      if (!strcmp(names[i], names[j])) return false;
  }
  return true;
}

void sc_print_literal(FILE *out, sc_value v) {
  char buf[40];
  switch (v.tag) {
  case SC_NULL: fputs("null", out); break;
  case SC_BOOL: fputs(v.i ? "true" : "false", out); break;
  case SC_INT: fprintf(out, "%lld", (long long)v.i); break;
  case SC_FLOAT: {
    sc_format_float(v.f, buf);
    char *e = strchr(buf, 'e');
    if (e && !strchr(buf, '.')) { /* 1e+16 -> 1.0e+16: the .sasm float form */
      fwrite(buf, 1, (size_t)(e - buf), out);
      fprintf(out, ".0%s", e);
    } else
      fputs(buf, out);
    break;
  }
  case SC_STR:
    putc('"', out);
    for (int64_t i = 0; i < v.s->len; i++) {
      char c = v.s->data[i];
      if (c == '\n') fputs("\\n", out);
      else if (c == '\t') fputs("\\t", out);
      else if (c == '\\') fputs("\\\\", out);
      else if (c == '"') fputs("\\\"", out);
      else putc(c, out);
    }
    putc('"', out);
    break;
  default: fputs("null ; not a literal", out);
  }
}

static void print_func(const sc_program *p, const sc_func *f, bool gnames, FILE *out) {
  bool lnames = names_ok(f->local_names, f->nlocals);
  fprintf(out, "func %s(", f->name);
  for (uint32_t i = 0; i < f->arity; i++) {
    if (lnames) fprintf(out, "%s%s", i ? ", " : "", f->local_names[i]);
    else fprintf(out, "%sp%u", i ? ", " : "", i);
  }
  fputs(") {\n", out);
  for (uint32_t i = f->arity; i < f->nlocals; i++) {
    if (lnames) fprintf(out, "    local %s", f->local_names[i]);
    else fprintf(out, "    local l%u", i);
    if (f->local_kinds[i] != SC_KIND_ANY) fprintf(out, ": %s", sc_kind_name((sc_kind)f->local_kinds[i]));
    putc('\n', out);
  }
  uint8_t *target = calloc(f->ncode + 1, 1);
  for (uint32_t pc = 0; pc < f->ncode; pc++)
    if (sc_op_operand((sc_op)f->code[pc].op) == SC_OPND_LABEL && target && (uint32_t)f->code[pc].a <= f->ncode)
      target[f->code[pc].a] = 1;
  for (uint32_t pc = 0; pc < f->ncode; pc++) {
    const sc_insn *in = &f->code[pc];
    if (target && target[pc]) fprintf(out, "L%u:\n", pc);
    fprintf(out, "    %s", sc_op_name((sc_op)in->op));
    switch (sc_op_operand((sc_op)in->op)) {
    case SC_OPND_NONE: break;
    case SC_OPND_CONST: putc(' ', out); sc_print_literal(out, p->consts[in->a]); break;
    case SC_OPND_FUNC: fprintf(out, " %s", p->funcs[in->a]->name); break;
    case SC_OPND_CALL: fprintf(out, " %s %u", p->funcs[in->a]->name, in->b); break;
    case SC_OPND_LOCAL:
      if (lnames) fprintf(out, " %s", f->local_names[in->a]);
      else fprintf(out, " %d", in->a);
      break;
    case SC_OPND_GLOBAL:
      if (gnames) fprintf(out, " %s", p->global_names[in->a]);
      else fprintf(out, " %d", in->a);
      break;
    case SC_OPND_LABEL: fprintf(out, " L%d", in->a); break;
    case SC_OPND_COUNT: fprintf(out, " %d", in->a); break;
    case SC_OPND_NAME: fprintf(out, " %s", p->names[in->a]); break;
    case SC_OPND_BUILTIN: fprintf(out, " %s %u", sc_builtin_name((sc_builtin)in->a), in->b); break;
    }
    putc('\n', out);
  }
  if (target && target[f->ncode]) fprintf(out, "L%u:\n", f->ncode);
  free(target);
  fputs("}\n", out);
}

void sc_disassemble(const sc_program *p, FILE *out) {
  bool gnames = names_ok(p->global_names, p->nglobals);
  for (uint32_t i = 0; i < p->nglobals; i++) {
    if (gnames) fprintf(out, "global %s\n", p->global_names[i]);
    else fprintf(out, "global g%u\n", i);
  }
  for (uint32_t i = 0; i < p->nfuncs; i++) {
    if (i || p->nglobals) putc('\n', out);
    print_func(p, p->funcs[i], gnames, out);
  }
}
