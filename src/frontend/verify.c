/* The bytecode verifier. Run on every program before anything executes or
 * compiles it; it also completes the program (max_stack, feedback slots).
 * It must survive anything a C host can build: every field is checked
 * before it is used. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime.h"
#include "shapec/bytecode.h"

#define SC_MAX_STACK 65535

typedef struct vctx {
  const sc_program *p;
  const sc_func *f;
  sc_diags *d;
  int errors;
} vctx;

static void at(vctx *v, uint32_t pc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void at(vctx *v, uint32_t pc, const char *fmt, ...) {
  char buf[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  v->errors++;
  const sc_func *f = v->f;
  uint32_t line = 0, col = 0;
  if (f && f->lines && f->cols && pc < f->ncode) {
    line = f->lines[pc];
    col = f->cols[pc];
  }
  if (!line && f) {
    line = f->line;
    col = f->col;
  }
  if (line) sc_diag_add(v->d, line, col, "%s", buf);
  else if (f) sc_diag_add(v->d, 0, 0, "%s (function '%s', pc %u)", buf, f->name ? f->name : "?", pc);
  else sc_diag_add(v->d, 0, 0, "%s", buf);
}

static bool check_operands(vctx *v, uint32_t pc) {
  const sc_program *p = v->p;
  const sc_func *f = v->f;
  const sc_insn *in = &f->code[pc];
  if (in->op >= SC_NOPS) {
    at(v, pc, "invalid opcode %u", in->op);
    return false;
  }
  const char *name = sc_op_name((sc_op)in->op);
  int32_t a = in->a;
  switch (sc_op_operand((sc_op)in->op)) {
  case SC_OPND_NONE: return true;
  case SC_OPND_CONST:
    if (a < 0 || (uint32_t)a >= p->nconsts) break;
    if (p->consts[a].tag > SC_STR || (p->consts[a].tag == SC_STR && !p->consts[a].s)) {
      at(v, pc, "%s of a constant that is not a literal", name);
      return false;
    }
    return true;
  case SC_OPND_FUNC: if (a >= 0 && (uint32_t)a < p->nfuncs) return true; break;
  case SC_OPND_CALL:
    if (a < 0 || (uint32_t)a >= p->nfuncs) break;
    if (in->b != p->funcs[a]->arity) {
      at(v, pc, "Call of '%s' with %u argument%s, but it takes %u", p->funcs[a]->name, in->b, in->b == 1 ? "" : "s",
         p->funcs[a]->arity);
      return false;
    }
    return true;
  case SC_OPND_LOCAL: if (a >= 0 && (uint32_t)a < f->nlocals) return true; break;
  case SC_OPND_GLOBAL: if (a >= 0 && (uint32_t)a < p->nglobals) return true; break;
  case SC_OPND_LABEL:
    if (a >= 0 && (uint32_t)a < f->ncode) return true;
    if ((uint32_t)a == f->ncode) {
      at(v, pc, "%s to the end of function '%s': control would fall off the end", name, f->name);
      return false;
    }
    break;
  case SC_OPND_COUNT: if (a >= 0 && a <= SC_MAX_STACK) return true; break;
  case SC_OPND_NAME: if (a >= 0 && (uint32_t)a < p->nnames) return true; break;
  case SC_OPND_BUILTIN:
    if (a < 0 || a >= SC_NBUILTINS) break;
    if (in->b != sc_builtin_argc((sc_builtin)a)) {
      at(v, pc, "builtin %s takes %d argument%s, got %u", sc_builtin_name((sc_builtin)a), sc_builtin_argc((sc_builtin)a),
         sc_builtin_argc((sc_builtin)a) == 1 ? "" : "s", in->b);
      return false;
    }
    return true;
  }
  at(v, pc, "%s operand %d out of range", name, a);
  return false;
}

static void verify_func(vctx *v) {
  const sc_func *f = v->f;
  sc_func *mf = (sc_func *)f;
  if (!f->name) {
    at(v, 0, "function without a name");
    return;
  }
  if (f->nlocals < f->arity || (f->nlocals && (!f->local_names || !f->local_kinds))) {
    at(v, 0, "function '%s' has inconsistent locals", f->name);
    return;
  }
  for (uint32_t i = 0; i < f->nlocals; i++)
    if (f->local_kinds[i] > SC_KIND_BOOL || !f->local_names[i]) {
      at(v, 0, "function '%s': local %u is malformed", f->name, i);
      return;
    }
  if (f->ncode == 0 || !f->code) {
    at(v, 0, "control reaches the end of function '%s' without a return", f->name);
    return;
  }
  int before = v->errors;
  uint32_t nfb = 0;
  for (uint32_t pc = 0; pc < f->ncode; pc++) {
    check_operands(v, pc);
    sc_insn *in = &mf->code[pc];
    in->fb = in->op < SC_NOPS && (sc_op_flags((sc_op)in->op) & SC_OPF_FB) ? (int32_t)nfb++ : -1;
  }
  mf->nfeedback = nfb;
  if (v->errors != before) return; /* depth analysis needs sane operands */

  /* Stack depth by abstract interpretation: -1 = not reached yet. */
  int32_t *depth = malloc(f->ncode * sizeof *depth);
  uint32_t *work = malloc(f->ncode * sizeof *work);
  if (!depth || !work) {
    free(depth);
    free(work);
    at(v, 0, "out of memory verifying '%s'", f->name);
    return;
  }
  for (uint32_t i = 0; i < f->ncode; i++) depth[i] = -1;
  uint32_t nw = 0, maxd = 0;
  depth[0] = 0;
  work[nw++] = 0;
  while (nw) {
    uint32_t pc = work[--nw];
    const sc_insn *in = &f->code[pc];
    int32_t d = depth[pc];
    int pops = sc_op_pops(in), pushes = sc_op_pushes(in);
    if (d < pops) {
      at(v, pc, "stack underflow: %s needs %d value%s, the stack has %d", sc_op_name((sc_op)in->op), pops,
         pops == 1 ? "" : "s", d);
      continue;
    }
    int32_t nd = d - pops + pushes;
    if ((uint32_t)nd > maxd) maxd = (uint32_t)nd;
    if (nd > SC_MAX_STACK) {
      at(v, pc, "operand stack deeper than %d", SC_MAX_STACK);
      continue;
    }
    unsigned fl = sc_op_flags((sc_op)in->op);
    uint32_t succ[2];
    int ns = 0;
    if (fl & SC_OPF_JUMP) succ[ns++] = (uint32_t)in->a;
    if (!(fl & SC_OPF_TERM)) {
      if (pc + 1 >= f->ncode) {
        at(v, pc, "control reaches the end of function '%s' without a return", f->name);
        continue;
      }
      succ[ns++] = pc + 1;
    }
    for (int k = 0; k < ns; k++) {
      uint32_t s = succ[k];
      if (depth[s] < 0) {
        depth[s] = nd;
        work[nw++] = s;
      } else if (depth[s] != nd) {
        at(v, s, "inconsistent stack depth: %d here on one path, %d on another", depth[s], nd);
        depth[s] = nd > depth[s] ? nd : depth[s]; /* report once */
      }
    }
  }
  free(depth);
  free(work);
  mf->max_stack = maxd;
}

int sc_verify(sc_program *p, sc_diags *diags) {
  vctx v = {p, NULL, diags, 0};
  if (!diags->filename) diags->filename = p->filename;
  if (!p->funcs && p->nfuncs) {
    at(&v, 0, "program has no function table");
    return -1;
  }
  for (uint32_t i = 0; i < p->nfuncs; i++) {
    v.f = p->funcs[i];
    if (!v.f) {
      v.f = NULL;
      at(&v, 0, "function %u is missing", i);
      continue;
    }
    if (v.f->index != i) {
      at(&v, 0, "function '%s' has index %u, expected %u", v.f->name ? v.f->name : "?", v.f->index, i);
      continue;
    }
    verify_func(&v);
  }
  v.f = NULL;
  if (p->main_index < 0 || (uint32_t)p->main_index >= p->nfuncs || !p->funcs[p->main_index]) {
    sc_diag_add(diags, 1, 1, "no function 'main'");
    v.errors++;
  } else if (p->funcs[p->main_index]->arity != 0) {
    v.f = p->funcs[p->main_index];
    at(&v, UINT32_MAX, "main must take no parameters (it takes %u)", v.f->arity);
  }
  for (uint32_t i = 0; i < p->nconsts; i++)
    if (p->consts[i].tag > SC_STR) {
      at(&v, 0, "constant %u is not a literal", i);
      break;
    }
  return v.errors ? -1 : 0;
}
