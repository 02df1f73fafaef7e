/* The bytecode verifier. Run on every program before anything executes or
 * compiles it; it also completes the program (max_stack, feedback slots).
 *
 * It must survive anything a C host can build, so every table and field is
 * checked before it is used: first the program's tables and the function
 * headers, then each function's operands, and only for a function whose
 * operands are all sane the operand stack depth, by abstract interpretation
 * over the control-flow graph (unreachable code is range-checked but not
 * depth-checked). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/program.h"
#include "runtime/runtime.h"
#include "shapec/bytecode.h"

#define NOPC UINT32_MAX

typedef struct vctx {
  const sc_program *p;
  const sc_func *f; /* the function being checked, or NULL */
  sc_diags *d;
  uint32_t errors;
  int32_t *arity; /* per function: its arity, or -1 if the function is unusable */
} vctx;

static const char *s_(uint64_t n) { return n == 1 ? "" : "s"; }
static const char *fname(const sc_func *f) { return f && f->name ? f->name : "?"; }

/* Reports at instruction pc of v->f (NOPC: the function itself). Without a
 * source position the function and pc are named in the message, and the
 * diagnostic goes at the function header, or nowhere (SC_DIAG_NOPOS). */
static void at(vctx *v, uint32_t pc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void at(vctx *v, uint32_t pc, const char *fmt, ...) {
  if (++v->errors > SC_MAX_ERRORS) return;
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  const sc_func *f = v->f;
  if (f && pc != NOPC && pc < f->ncode && f->lines && f->lines[pc]) {
    sc_diag_add(v->d, f->lines[pc], f->cols ? f->cols[pc] : 0, "%s", buf);
    return;
  }
  uint32_t line = f && f->line ? f->line : SC_DIAG_NOPOS, col = f && f->line ? f->col : 0;
  if (f && pc != NOPC) sc_diag_add(v->d, line, col, "%s (function '%s', pc %u)", buf, fname(f), pc);
  else sc_diag_add(v->d, line, col, "%s", buf);
}

/* Constants: the literal kinds only, well formed. */
static bool const_ok(sc_value c) {
  switch (c.tag) {
  case SC_NULL: case SC_INT: case SC_FLOAT: return true;
  case SC_BOOL: return c.i == 0 || c.i == 1;
  case SC_STR: return c.s && c.s->len >= 0;
  default: return false;
  }
}

static void check_tables(vctx *v) {
  const sc_program *p = v->p;
  if (p->nconsts && !p->consts) at(v, NOPC, "program has %u constant%s but no constant table", p->nconsts, s_(p->nconsts));
  for (uint32_t i = 0; p->consts && i < p->nconsts; i++)
    if (!const_ok(p->consts[i]))
      at(v, NOPC, "constant %u is not a literal (tag %llu)", i, (unsigned long long)p->consts[i].tag);
  if (p->nnames && !p->names) at(v, NOPC, "program has %u property name%s but no name table", p->nnames, s_(p->nnames));
  for (uint32_t i = 0; p->names && i < p->nnames; i++)
    if (!p->names[i]) at(v, NOPC, "property name %u is missing", i);
  if (p->nglobals && !p->global_names) at(v, NOPC, "program has %u global%s but no global names", p->nglobals, s_(p->nglobals));
  for (uint32_t i = 0; p->global_names && i < p->nglobals; i++)
    if (!p->global_names[i]) at(v, NOPC, "the name of global %u is missing", i);
}

/* Names are lookup keys (calls, PushFunc, a host's sc_func_find): two
 * functions or two globals of one name are an error, reported at the
 * later one. Sorted copies keep it n log n. */
typedef struct named {
  const char *name;
  uint32_t i;
} named;

static int by_name(const void *a, const void *b) {
  const named *x = a, *y = b;
  int c = strcmp(x->name, y->name);
  return c ? c : (x->i > y->i) - (x->i < y->i);
}

static void check_unique_names(vctx *v) {
  const sc_program *p = v->p;
  uint32_t n = p->nfuncs > p->nglobals ? p->nfuncs : p->nglobals, m = 0;
  named *ix = malloc((n ? n : 1) * sizeof *ix);
  if (!ix) return;
  for (uint32_t i = 0; i < p->nfuncs; i++)
    if (p->funcs[i] && p->funcs[i]->name && p->funcs[i]->index == i) ix[m++] = (named){p->funcs[i]->name, i};
  qsort(ix, m, sizeof *ix, by_name);
  for (uint32_t k = 1; k < m; k++)
    if (!strcmp(ix[k].name, ix[k - 1].name)) {
      v->f = p->funcs[ix[k].i];
      at(v, NOPC, "duplicate function '%s' (also function %u)", ix[k].name, ix[k - 1].i);
    }
  v->f = NULL;
  m = 0;
  for (uint32_t i = 0; p->global_names && i < p->nglobals; i++)
    if (p->global_names[i]) ix[m++] = (named){p->global_names[i], i};
  qsort(ix, m, sizeof *ix, by_name);
  for (uint32_t k = 1; k < m; k++)
    if (!strcmp(ix[k].name, ix[k - 1].name))
      at(v, NOPC, "duplicate global '%s' (globals %u and %u)", ix[k].name, ix[k - 1].i, ix[k].i);
  free(ix);
}

/* The header of function i; returns its arity, or -1 if it is unusable. */
static int32_t check_header(vctx *v, uint32_t i) {
  const sc_func *f = v->p->funcs[i];
  v->f = f;
  if (!f) {
    at(v, NOPC, "function %u is missing", i);
    return -1;
  }
  int before = (int)v->errors;
  if (!f->name) at(v, NOPC, "function %u has no name", i);
  if (f->index != i) at(v, NOPC, "function '%s' has index %u, but it is function %u", fname(f), f->index, i);
  if (f->arity > SC_MAX_PARAMS)
    at(v, NOPC, "function '%s' has %u parameters (at most %u)", fname(f), f->arity, SC_MAX_PARAMS);
  if (f->nlocals > SC_MAX_LOCALS)
    at(v, NOPC, "function '%s' has %u locals (at most %u)", fname(f), f->nlocals, SC_MAX_LOCALS);
  else if (f->arity > f->nlocals)
    at(v, NOPC, "function '%s' has %u parameters but only %u local%s", fname(f), f->arity, f->nlocals,
       s_(f->nlocals));
  else if (f->nlocals && (!f->local_names || !f->local_kinds))
    at(v, NOPC, "function '%s' has %u locals but no local table", fname(f), f->nlocals);
  else
    for (uint32_t k = 0; k < f->nlocals; k++) {
      if (!f->local_names[k]) at(v, NOPC, "function '%s': local %u has no name", fname(f), k);
      if (f->local_kinds[k] > SC_KIND_BOOL)
        at(v, NOPC, "function '%s': local %u has an invalid kind %u", fname(f), k, f->local_kinds[k]);
      else if (k < f->arity && f->local_kinds[k] != SC_KIND_ANY)
        at(v, NOPC, "function '%s': parameter %u is declared %s, but parameters are of kind any", fname(f), k,
           sc_kind_name((sc_kind)f->local_kinds[k]));
    }
  if (f->ncode && !f->code) at(v, NOPC, "function '%s' has %u instructions but no code", fname(f), f->ncode);
  return (int)v->errors == before ? (int32_t)f->arity : -1;
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
  sc_operand k = sc_op_operand((sc_op)in->op);
  if (k != SC_OPND_CALL && k != SC_OPND_BUILTIN && in->b) {
    at(v, pc, "%s takes no argument count, but b is %u", name, in->b);
    return false;
  }
  switch (k) {
  case SC_OPND_NONE:
    if (!a) return true;
    at(v, pc, "%s takes no operand, but a is %d", name, a);
    return false;
  case SC_OPND_CONST:
    if (a >= 0 && (uint32_t)a < p->nconsts && p->consts) return const_ok(p->consts[a]); /* reported once, above */
    at(v, pc, "%s of constant %d, but the program has %u constant%s", name, a, p->nconsts, s_(p->nconsts));
    return false;
  case SC_OPND_FUNC:
  case SC_OPND_CALL:
    if (a < 0 || (uint32_t)a >= p->nfuncs) {
      at(v, pc, "%s of function %d, but the program has %u function%s", name, a, p->nfuncs, s_(p->nfuncs));
      return false;
    }
    if (v->arity[a] < 0) return false; /* reported with that function */
    if (k == SC_OPND_CALL && in->b != (uint32_t)v->arity[a]) {
      at(v, pc, "Call of '%s' with %u argument%s, but it takes %d", fname(p->funcs[a]), in->b, s_(in->b), v->arity[a]);
      return false;
    }
    return true;
  case SC_OPND_LOCAL:
    if (a >= 0 && (uint32_t)a < f->nlocals) return true;
    at(v, pc, "%s of local %d, but function '%s' has %u local%s", name, a, fname(f), f->nlocals, s_(f->nlocals));
    return false;
  case SC_OPND_GLOBAL:
    if (a >= 0 && (uint32_t)a < p->nglobals) return true;
    at(v, pc, "%s of global %d, but the program has %u global%s", name, a, p->nglobals, s_(p->nglobals));
    return false;
  case SC_OPND_LABEL:
    if (a >= 0 && (uint32_t)a < f->ncode) return true;
    if ((uint32_t)a == f->ncode) at(v, pc, "%s to the end of function '%s': control would fall off the end", name, fname(f));
    else at(v, pc, "%s to pc %d, outside function '%s' (%u instruction%s)", name, a, fname(f), f->ncode, s_(f->ncode));
    return false;
  case SC_OPND_COUNT:
    if (a >= 0 && a <= SC_MAX_COUNT) return true;
    at(v, pc, "%s count %d out of range (0..%u)", name, a, SC_MAX_COUNT);
    return false;
  case SC_OPND_NAME:
    if (a >= 0 && (uint32_t)a < p->nnames) return true;
    at(v, pc, "%s of property name %d, but the program has %u name%s", name, a, p->nnames, s_(p->nnames));
    return false;
  case SC_OPND_BUILTIN:
    if (a < 0 || a >= SC_NBUILTINS) {
      at(v, pc, "%s of builtin %d, but there are %d builtins", name, a, SC_NBUILTINS);
      return false;
    }
    if (in->b != sc_builtin_argc((sc_builtin)a)) {
      int want = sc_builtin_argc((sc_builtin)a);
      at(v, pc, "builtin %s takes %d argument%s, got %u", sc_builtin_name((sc_builtin)a), want, s_((uint64_t)want),
         in->b);
      return false;
    }
    return true;
  }
  return false;
}

/* Operand stack depth at every reachable pc: consistent at joins, never
 * negative, bounded; every path ends in a terminator. */
static void check_depth(vctx *v) {
  const sc_func *f = v->f;
  uint32_t n = f->ncode;
  int32_t *depth = malloc(n * sizeof *depth);
  uint32_t *work = malloc(n * sizeof *work);
  uint8_t *told = calloc(n, 1); /* a join already reported */
  if (!depth || !work || !told) {
    free(depth);
    free(work);
    free(told);
    at(v, NOPC, "out of memory verifying function '%s'", fname(f));
    return;
  }
  for (uint32_t i = 0; i < n; i++) depth[i] = -1;
  uint32_t nw = 0, maxd = 0;
  depth[0] = 0;
  work[nw++] = 0;
  while (nw) {
    uint32_t pc = work[--nw];
    const sc_insn *in = &f->code[pc];
    int32_t d = depth[pc], pops = sc_op_pops(in), pushes = sc_op_pushes(in);
    const char *name = sc_op_name((sc_op)in->op);
    if (d < pops) {
      at(v, pc, "stack underflow: %s needs %d value%s, the stack has %d", name, pops, s_((uint64_t)pops), d);
      continue;
    }
    int32_t nd = d - pops + pushes;
    if (nd > SC_MAX_STACK) {
      at(v, pc, "operand stack deeper than %u values", SC_MAX_STACK);
      continue;
    }
    if ((uint32_t)nd > maxd) maxd = (uint32_t)nd;
    unsigned fl = sc_op_flags((sc_op)in->op);
    uint32_t succ[2];
    int ns = 0;
    if (fl & SC_OPF_JUMP) succ[ns++] = (uint32_t)in->a;
    if (!(fl & SC_OPF_TERM)) {
      if (pc + 1 >= n) {
        at(v, pc, "control reaches the end of function '%s' without a return", fname(f));
        continue;
      }
      succ[ns++] = pc + 1;
    }
    for (int k = 0; k < ns; k++) {
      uint32_t s = succ[k];
      if (depth[s] < 0) {
        depth[s] = nd;
        work[nw++] = s;
      } else if (depth[s] != nd && !told[s]) {
        told[s] = 1;
        at(v, s, "inconsistent stack depth: %d here on one path, %d on another", depth[s], nd);
      }
    }
  }
  free(depth);
  free(work);
  free(told);
  ((sc_func *)f)->max_stack = maxd;
}

static void check_func(vctx *v) {
  sc_func *f = (sc_func *)v->f;
  if (f->ncode == 0) {
    at(v, NOPC, "control reaches the end of function '%s' without a return", fname(f));
    return;
  }
  uint32_t nfb = 0;
  bool ok = true;
  for (uint32_t pc = 0; pc < f->ncode; pc++) {
    ok &= check_operands(v, pc);
    sc_insn *in = &f->code[pc];
    in->fb = in->op < SC_NOPS && (sc_op_flags((sc_op)in->op) & SC_OPF_FB) ? (int32_t)nfb++ : -1;
  }
  f->nfeedback = nfb;
  if (ok) check_depth(v); /* needs sane operands */
}

int sc_verify(sc_program *p, sc_diags *diags) {
  sc_diags none = {0};
  if (!diags) diags = &none;
  if (!p) {
    sc_diag_add(diags, SC_DIAG_NOPOS, 0, "no program");
    return -1;
  }
  vctx v = {p, NULL, diags, 0, NULL};
  if (!diags->filename) diags->filename = p->filename;
  check_tables(&v);
  if (p->nfuncs && !p->funcs) {
    at(&v, NOPC, "program has %u function%s but no function table", p->nfuncs, s_(p->nfuncs));
    return -1;
  }
  v.arity = malloc((p->nfuncs ? p->nfuncs : 1) * sizeof *v.arity);
  if (!v.arity) {
    at(&v, NOPC, "out of memory verifying the program");
    return -1;
  }
  for (uint32_t i = 0; i < p->nfuncs; i++) v.arity[i] = check_header(&v, i);
  check_unique_names(&v);
  for (uint32_t i = 0; i < p->nfuncs; i++)
    if (v.arity[i] >= 0) {
      v.f = p->funcs[i];
      check_func(&v);
    }
  v.f = NULL;
  bool positioned = p->nfuncs == 0;
  for (uint32_t i = 0; i < p->nfuncs && !positioned; i++) positioned = p->funcs[i] && p->funcs[i]->line;
  if (p->main_index < 0 || (uint32_t)p->main_index >= p->nfuncs || !p->funcs[p->main_index]) {
    if (++v.errors <= SC_MAX_ERRORS) {
      if (positioned) sc_diag_add(diags, 1, 1, "no function 'main'");
      else sc_diag_add(diags, SC_DIAG_NOPOS, 0, "no function 'main'");
    }
  } else if (p->funcs[p->main_index]->arity != 0) {
    v.f = p->funcs[p->main_index];
    at(&v, NOPC, "main must take no parameters (it takes %u)", v.f->arity);
  }
  free(v.arity);
  if (v.errors > SC_MAX_ERRORS)
    sc_diag_add(diags, SC_DIAG_NOPOS, 0, "too many errors (%u more not shown)", v.errors - SC_MAX_ERRORS);
  return v.errors ? -1 : 0;
}
