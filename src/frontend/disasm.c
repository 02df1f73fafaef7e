/* The disassembler: prints .sasm that reassembles to the same bytecode.
 *
 * Jump targets get generated labels (L<pc>). Functions, globals and locals
 * keep their names when those are distinct identifiers; otherwise (a
 * program built in C) the whole group is renamed: f<i> (main stays main),
 * g<i>, p<i> for parameters and l<i> for other locals. Floats print as the
 * shortest text that reads back to the same double. Not expressible in
 * .sasm, hence printed as is and rejected on reassembly: NaN and infinite
 * constants, strings with NUL bytes, property names that are not
 * identifiers. */
#include <stdlib.h>
#include <string.h>

#include "runtime/program.h"
#include "runtime/runtime.h"
#include "shapec/bytecode.h"

/* Names usable as operands: identifiers, pairwise distinct. */
static bool names_ok(const char *const *names, uint32_t n) {
  if (n && !names) return false;
  sc_symtab seen = {0};
  for (uint32_t i = 0; i < n; i++) {
    if (!names[i]) return false;
    size_t len = strlen(names[i]);
    if (!sc_is_ident(names[i], len) || sc_symtab_put(&seen, names[i], len, (int32_t)i) != (int32_t)i) return false;
  }
  return true;
}


typedef struct dctx {
  const sc_program *p;
  FILE *out;
  bool fnames, gnames;
} dctx;

static void print_func_name(const dctx *c, uint32_t i) {
  const sc_program *p = c->p;
  if (c->fnames) fputs(p->funcs[i]->name, c->out);
  else if ((int32_t)i == p->main_index) fputs("main", c->out);
  else fprintf(c->out, "f%u", i);
}

static void print_local(const sc_func *f, bool lnames, uint32_t i, FILE *out) {
  if (lnames) fputs(f->local_names[i], out);
  else fprintf(out, "%c%u", i < f->arity ? 'p' : 'l', i);
}

static void print_func(const dctx *c, uint32_t fi) {
  const sc_program *p = c->p;
  const sc_func *f = p->funcs[fi];
  FILE *out = c->out;
  bool lnames = names_ok(f->local_names, f->nlocals);
  bool locals_ok = !f->nlocals || (f->local_names && f->local_kinds);
  fputs("func ", out);
  print_func_name(c, fi);
  putc('(', out);
  for (uint32_t i = 0; i < f->arity && i < f->nlocals; i++) {
    if (i) fputs(", ", out);
    print_local(f, lnames, i, out);
  }
  fputs(") {\n", out);
  for (uint32_t i = f->arity; locals_ok && i < f->nlocals; i++) {
    fputs("    local ", out);
    print_local(f, lnames, i, out);
    if (f->local_kinds[i] != SC_KIND_ANY) fprintf(out, ": %s", sc_kind_name((sc_kind)f->local_kinds[i]));
    putc('\n', out);
  }
  uint32_t n = f->code ? f->ncode : 0;
  uint8_t *target = calloc((size_t)n + 1, 1);
  for (uint32_t pc = 0; target && pc < n; pc++)
    if (sc_op_operand((sc_op)f->code[pc].op) == SC_OPND_LABEL && f->code[pc].a >= 0 && (uint32_t)f->code[pc].a <= n)
      target[f->code[pc].a] = 1;
  for (uint32_t pc = 0; pc < n; pc++) {
    const sc_insn *in = &f->code[pc];
    int32_t a = in->a;
    if (target && target[pc]) fprintf(out, "L%u:\n", pc);
    if (in->op >= SC_NOPS) {
      fprintf(out, "    ; invalid opcode %u\n", in->op);
      continue;
    }
    fprintf(out, "    %s", sc_op_name((sc_op)in->op));
    bool bad = false;
    switch (sc_op_operand((sc_op)in->op)) {
    case SC_OPND_NONE: break;
    case SC_OPND_CONST:
      if ((bad = a < 0 || (uint32_t)a >= p->nconsts || !p->consts)) break;
      putc(' ', out);
      sc_print_literal(out, p->consts[a]);
      break;
    case SC_OPND_FUNC:
    case SC_OPND_CALL:
      if ((bad = a < 0 || (uint32_t)a >= p->nfuncs || !p->funcs[a])) break;
      putc(' ', out);
      print_func_name(c, (uint32_t)a);
      if (sc_op_operand((sc_op)in->op) == SC_OPND_CALL) fprintf(out, " %u", in->b);
      break;
    case SC_OPND_LOCAL:
      if ((bad = a < 0 || (uint32_t)a >= f->nlocals)) break;
      putc(' ', out);
      print_local(f, lnames, (uint32_t)a, out);
      break;
    case SC_OPND_GLOBAL:
      if ((bad = a < 0 || (uint32_t)a >= p->nglobals)) break;
      if (c->gnames) fprintf(out, " %s", p->global_names[a]);
      else fprintf(out, " g%d", a);
      break;
    case SC_OPND_LABEL: fprintf(out, " L%d", a); break;
    case SC_OPND_COUNT: fprintf(out, " %d", a); break;
    case SC_OPND_NAME:
      if ((bad = a < 0 || (uint32_t)a >= p->nnames || !p->names || !p->names[a])) break;
      fprintf(out, " %s", p->names[a]);
      break;
    case SC_OPND_BUILTIN: fprintf(out, " %s %u", sc_builtin_name((sc_builtin)a), in->b); break;
    }
    if (bad) fprintf(out, " ; invalid operand %d", a);
    putc('\n', out);
  }
  if (target && target[n]) fprintf(out, "L%u:\n", n);
  free(target);
  fputs("}\n", out);
}

void sc_disassemble(const sc_program *p, FILE *out) {
  if (!p) return;
  if (!out) out = stdout;
  dctx c = {p, out, true, names_ok(p->global_names, p->nglobals)};
  if (p->nfuncs && !p->funcs) return;
  /* function names: distinct identifiers, and main is called main */
  for (uint32_t i = 0; i < p->nfuncs && c.fnames; i++) c.fnames = p->funcs[i] != NULL;
  if (c.fnames) {
    const char **names = malloc((p->nfuncs ? p->nfuncs : 1) * sizeof *names);
    for (uint32_t i = 0; names && i < p->nfuncs; i++) names[i] = p->funcs[i]->name;
    c.fnames = names && names_ok(names, p->nfuncs);
    free(names);
  }
  if (c.fnames && p->main_index >= 0 && (uint32_t)p->main_index < p->nfuncs)
    c.fnames = !strcmp(p->funcs[p->main_index]->name, "main");
  for (uint32_t i = 0; i < p->nglobals; i++) {
    if (c.gnames) fprintf(out, "global %s\n", p->global_names[i]);
    else fprintf(out, "global g%u\n", i);
  }
  bool first = !p->nglobals;
  for (uint32_t i = 0; i < p->nfuncs; i++) {
    if (!p->funcs[i]) continue;
    if (!first) putc('\n', out);
    first = false;
    print_func(&c, i);
  }
}
