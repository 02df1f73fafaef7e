/* Building programs: the C API behind the assembler, for hosts too.
 * Name and constant lookups go through hash tables kept in program->index,
 * so building is linear in program size. A program whose struct a host
 * filled in by hand (index NULL) gets its tables rebuilt on first use. */
#include <string.h>

#include "runtime/program.h"
#include "runtime/runtime.h"
#include "shapec/bytecode.h"
#include "shapec/vm.h"

/* Constants are found by value: slots hold index+1, 0 is empty. */
typedef struct ctab {
  uint32_t *slot;
  uint32_t n, cap;
} ctab;

typedef struct pindex {
  sc_symtab funcs, globals, names;
  ctab consts;
} pindex;

static const char *nn(const char *s) { return s ? s : ""; }

/* Equal constants: same tag and payload bits, strings by content. So -0.0
 * and 0.0 stay apart, and a NaN equals only a NaN with the same bits. */
static bool const_eq(sc_value a, sc_value b) {
  if (a.tag != b.tag) return false;
  if (a.tag == SC_NULL) return true;
  if (a.tag == SC_STR) return a.s && b.s && a.s->len == b.s->len && !memcmp(sc_str_data(a.s), sc_str_data(b.s), (size_t)a.s->len);
  return a.i == b.i;
}

static uint32_t const_hash(sc_value v) {
  if (v.tag == SC_NULL) return 1;
  if (v.tag == SC_STR) return v.s ? sc_symtab_hash(sc_str_data(v.s), (size_t)v.s->len) * 31u + SC_STR : SC_STR;
  uint64_t h = ((uint64_t)v.i ^ (v.tag << 56)) * 0x9E3779B97F4A7C15ull;
  return (uint32_t)(h >> 32);
}

static void ctab_insert(ctab *t, const sc_value *consts, uint32_t i) {
  uint32_t mask = t->cap - 1, j = const_hash(consts[i]) & mask;
  while (t->slot[j]) j = (j + 1) & mask;
  t->slot[j] = i + 1;
  t->n++;
}

static void ctab_grow(ctab *t, const sc_value *consts) {
  ctab o = *t;
  t->cap = o.cap ? o.cap * 2 : 16;
  t->slot = sc_gc_alloc_atomic(t->cap * sizeof *t->slot);
  memset(t->slot, 0, t->cap * sizeof *t->slot);
  t->n = 0;
  for (uint32_t j = 0; j < o.cap; j++)
    if (o.slot[j]) ctab_insert(t, consts, o.slot[j] - 1);
}

static pindex *idx(sc_program *p) {
  if (p->index) return p->index;
  pindex *x = sc_gc_alloc(sizeof *x);
  p->index = x;
  for (uint32_t i = 0; i < p->nfuncs; i++)
    if (p->funcs && p->funcs[i]) {
      const char *s = nn(p->funcs[i]->name);
      sc_symtab_put(&x->funcs, s, strlen(s), (int32_t)i);
    }
  for (uint32_t i = 0; p->global_names && i < p->nglobals; i++) {
    const char *s = nn(p->global_names[i]);
    sc_symtab_put(&x->globals, s, strlen(s), (int32_t)i);
  }
  for (uint32_t i = 0; p->names && i < p->nnames; i++) {
    const char *s = nn(p->names[i]);
    sc_symtab_put(&x->names, s, strlen(s), (int32_t)i);
  }
  for (uint32_t i = 0; p->consts && i < p->nconsts; i++) {
    if ((x->consts.n + 1) * 2 > x->consts.cap) ctab_grow(&x->consts, p->consts);
    ctab_insert(&x->consts, p->consts, i);
  }
  return x;
}

#define GROW(arr, n, cap)                                              \
  do {                                                                 \
    if ((n) >= (cap)) {                                                \
      uint32_t nc_ = (n) >= 4 ? (n)*2 : 8;                             \
      void *na_ = sc_gc_alloc(nc_ * sizeof *(arr));                    \
      if ((n) && (arr)) memcpy(na_, (arr), (n) * sizeof *(arr));       \
      (arr) = na_;                                                     \
      (cap) = nc_;                                                     \
    }                                                                  \
  } while (0)

static char *dup_n(const char *s, size_t n) {
  char *d = sc_gc_alloc_atomic(n + 1);
  memcpy(d, s, n);
  d[n] = 0;
  return d;
}

sc_program *sc_program_new(const char *filename) {
  sc_runtime_init();
  sc_program *p = sc_gc_alloc(sizeof *p);
  p->filename = sc_gc_strdup(filename ? filename : "<program>");
  p->main_index = -1;
  p->index = sc_gc_alloc(sizeof(pindex));
  return p;
}

sc_func *sc_func_add(sc_program *p, const char *name, uint32_t arity) {
  if (!p) return NULL;
  pindex *x = idx(p);
  sc_func *f = sc_gc_alloc(sizeof *f);
  f->name = sc_gc_strdup(nn(name));
  f->index = p->nfuncs;
  f->arity = arity;
  for (uint32_t i = 0; i < arity; i++) {
    char buf[24];
    snprintf(buf, sizeof buf, "arg%u", i);
    sc_func_add_local(f, buf, SC_KIND_ANY);
  }
  GROW(p->funcs, p->nfuncs, p->cfuncs);
  p->funcs[p->nfuncs++] = f;
  sc_symtab_put(&x->funcs, f->name, strlen(f->name), (int32_t)f->index); /* the first of a name wins */
  if (!strcmp(f->name, "main") && p->main_index < 0) p->main_index = (int32_t)f->index;
  return f;
}

uint32_t sc_func_add_local(sc_func *f, const char *name, sc_kind kind) {
  if (!f) return UINT32_MAX;
  /* names and kinds grow together; capacity is the next power of two */
  uint32_t n = f->nlocals;
  if ((n & (n - 1)) == 0 || !f->local_names || !f->local_kinds) {
    uint32_t nc = n >= 2 ? n * 2 : 4;
    while (nc <= n) nc *= 2;
    const char **names = sc_gc_alloc(nc * sizeof *names);
    uint8_t *kinds = sc_gc_alloc_atomic(nc);
    if (n && f->local_names) memcpy(names, f->local_names, n * sizeof *names);
    if (n && f->local_kinds) memcpy(kinds, f->local_kinds, n);
    else memset(kinds, 0, n);
    f->local_names = names;
    f->local_kinds = kinds;
  }
  f->local_names[n] = sc_gc_strdup(nn(name));
  f->local_kinds[n] = (uint8_t)kind;
  return f->nlocals++;
}

uint32_t sc_global_add(sc_program *p, const char *name) {
  if (!p) return UINT32_MAX;
  pindex *x = idx(p);
  GROW(p->global_names, p->nglobals, p->cglobals);
  const char *s = p->global_names[p->nglobals] = sc_gc_strdup(nn(name));
  sc_symtab_put(&x->globals, s, strlen(s), (int32_t)p->nglobals);
  return p->nglobals++;
}

uint32_t sc_const_add(sc_program *p, sc_value v) {
  if (!p) return UINT32_MAX;
  pindex *x = idx(p);
  ctab *t = &x->consts;
  if (t->cap) {
    uint32_t mask = t->cap - 1;
    for (uint32_t j = const_hash(v) & mask; t->slot[j]; j = (j + 1) & mask)
      if (const_eq(p->consts[t->slot[j] - 1], v)) return t->slot[j] - 1;
  }
  GROW(p->consts, p->nconsts, p->cconsts);
  p->consts[p->nconsts] = v;
  if ((t->n + 1) * 2 > t->cap) ctab_grow(t, p->consts);
  ctab_insert(t, p->consts, p->nconsts);
  return p->nconsts++;
}

uint32_t sc_name_intern_n(sc_program *p, const char *name, size_t len) {
  pindex *x = idx(p);
  int32_t have = sc_symtab_get(&x->names, name, len);
  if (have >= 0) return (uint32_t)have;
  GROW(p->names, p->nnames, p->cnames);
  const char *s = p->names[p->nnames] = dup_n(name, len);
  sc_symtab_put(&x->names, s, len, (int32_t)p->nnames);
  return p->nnames++;
}

uint32_t sc_name_intern(sc_program *p, const char *name) {
  if (!p) return UINT32_MAX;
  return sc_name_intern_n(p, nn(name), strlen(nn(name))); }

int sc_func_find_n(const sc_program *p, const char *name, size_t len) {
  if (p->index) return sc_symtab_get(&((const pindex *)p->index)->funcs, name, len);
  for (uint32_t i = 0; p->funcs && i < p->nfuncs; i++) /* a hand-built program */
    if (p->funcs[i] && p->funcs[i]->name && strlen(p->funcs[i]->name) == len && !memcmp(p->funcs[i]->name, name, len))
      return (int)i;
  return -1;
}

int sc_global_find_n(const sc_program *p, const char *name, size_t len) {
  if (p->index) return sc_symtab_get(&((const pindex *)p->index)->globals, name, len);
  for (uint32_t i = 0; p->global_names && i < p->nglobals; i++)
    if (p->global_names[i] && strlen(p->global_names[i]) == len && !memcmp(p->global_names[i], name, len))
      return (int)i;
  return -1;
}

int sc_func_find(const sc_program *p, const char *name) { return p ? sc_func_find_n(p, nn(name), strlen(nn(name))) : -1; }
int sc_global_find(const sc_program *p, const char *name) {
  return p ? sc_global_find_n(p, nn(name), strlen(nn(name))) : -1;
}

uint32_t sc_emit(sc_func *f, sc_op op, int32_t a, uint16_t b, uint32_t line, uint32_t col) {
  if (!f) return UINT32_MAX;
  if (f->ncode >= f->ccode || !f->code || !f->lines || !f->cols) {
    uint32_t nc = f->ncode >= 8 ? f->ncode * 2 : 16;
    sc_insn *c = sc_gc_alloc_atomic(nc * sizeof *c);
    uint32_t *l = sc_gc_alloc_atomic(nc * sizeof *l), *k = sc_gc_alloc_atomic(nc * sizeof *k);
    if (f->ncode) {
      if (f->code) memcpy(c, f->code, f->ncode * sizeof *c);
      else memset(c, 0, f->ncode * sizeof *c);
      if (f->lines) memcpy(l, f->lines, f->ncode * sizeof *l);
      else memset(l, 0, f->ncode * sizeof *l);
      if (f->cols) memcpy(k, f->cols, f->ncode * sizeof *k);
      else memset(k, 0, f->ncode * sizeof *k);
    }
    f->code = c;
    f->lines = l;
    f->cols = k;
    f->ccode = nc;
  }
  sc_insn *in = &f->code[f->ncode];
  in->op = (uint8_t)op;
  in->pad = 0;
  in->a = a;
  in->b = b;
  in->fb = -1;
  f->lines[f->ncode] = line;
  f->cols[f->ncode] = col;
  return f->ncode++;
}
