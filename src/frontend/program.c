/* Building programs: the C API behind the assembler, for hosts too.
 * Name lookups go through small open-addressing tables kept in
 * program->index, so building is linear in program size. */
#include <math.h>
#include <string.h>

#include "runtime/runtime.h"
#include "shapec/bytecode.h"
#include "shapec/vm.h"

/* String -> int32 table; keys are owned by the program. */
typedef struct strtab {
  const char **k;
  int32_t *v;
  uint32_t n, cap;
} strtab;

typedef struct index {
  strtab funcs, globals, names, consts;
} index_t;

static uint64_t hash_bytes(const char *s, size_t n) {
  uint64_t h = 14695981039346656037ull;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
  return h;
}

static int32_t *tab_slot(strtab *t, const char *key, size_t klen, const char **stored) {
  if (!t->cap) {
    t->cap = 16;
    t->k = sc_gc_alloc(t->cap * sizeof *t->k);
    t->v = sc_gc_alloc_atomic(t->cap * sizeof *t->v);
  }
  uint32_t mask = t->cap - 1, i = (uint32_t)hash_bytes(key, klen) & mask;
  while (t->k[i]) {
    /* keys are stored with a 4-byte length prefix so embedded NULs compare */
    uint32_t sl;
    memcpy(&sl, t->k[i], 4);
    if (sl == klen && !memcmp(t->k[i] + 4, key, klen)) {
      *stored = t->k[i];
      return &t->v[i];
    }
    i = (i + 1) & mask;
  }
  *stored = NULL;
  return &t->v[i];
}

static int32_t tab_get(strtab *t, const char *key, size_t klen) {
  if (!t->cap) return -1;
  const char *st;
  int32_t *v = tab_slot(t, key, klen, &st);
  return st ? *v : -1;
}

static void tab_put(strtab *t, const char *key, size_t klen, int32_t val) {
  if ((t->n + 1) * 2 > t->cap) {
    strtab o = *t;
    t->cap = o.cap ? o.cap * 2 : 16;
    t->k = sc_gc_alloc(t->cap * sizeof *t->k);
    t->v = sc_gc_alloc_atomic(t->cap * sizeof *t->v);
    t->n = 0;
    for (uint32_t i = 0; i < o.cap; i++)
      if (o.k[i]) {
        uint32_t sl;
        memcpy(&sl, o.k[i], 4);
        const char *st;
        int32_t *v = tab_slot(t, o.k[i] + 4, sl, &st);
        t->k[v - t->v] = o.k[i];
        *v = o.v[i];
        t->n++;
      }
  }
  const char *st;
  int32_t *v = tab_slot(t, key, klen, &st);
  if (!st) {
    char *k = sc_gc_alloc_atomic(klen + 4);
    uint32_t l = (uint32_t)klen;
    memcpy(k, &l, 4);
    memcpy(k + 4, key, klen);
    t->k[v - t->v] = k;
    t->n++;
  }
  *v = val;
}

static index_t *idx(const sc_program *p) { return p->index; }

#define GROW(arr, n, cap)                                              \
  do {                                                                 \
    if ((n) == (cap)) {                                                \
      uint32_t nc_ = (cap) ? (cap)*2 : 8;                              \
      void *na_ = sc_gc_alloc(nc_ * sizeof *(arr));                    \
      if (n) memcpy(na_, (arr), (n) * sizeof *(arr));                  \
      (arr) = na_;                                                     \
      (cap) = nc_;                                                     \
    }                                                                  \
  } while (0)

sc_program *sc_program_new(const char *filename) {
  sc_runtime_init();
  sc_program *p = sc_gc_alloc(sizeof *p);
  p->filename = sc_gc_strdup(filename ? filename : "<program>");
  p->main_index = -1;
  p->index = sc_gc_alloc(sizeof(index_t));
  return p;
}

sc_func *sc_func_add(sc_program *p, const char *name, uint32_t arity) {
  sc_func *f = sc_gc_alloc(sizeof *f);
  f->name = sc_gc_strdup(name);
  f->index = p->nfuncs;
  f->arity = arity;
  for (uint32_t i = 0; i < arity; i++) {
    char buf[24];
    snprintf(buf, sizeof buf, "arg%u", i);
    sc_func_add_local(f, buf, SC_KIND_ANY);
  }
  GROW(p->funcs, p->nfuncs, p->cfuncs);
  p->funcs[p->nfuncs++] = f;
  if (tab_get(&idx(p)->funcs, name, strlen(name)) < 0) tab_put(&idx(p)->funcs, name, strlen(name), (int32_t)f->index);
  if (!strcmp(name, "main") && p->main_index < 0) p->main_index = (int32_t)f->index;
  return f;
}

uint32_t sc_func_add_local(sc_func *f, const char *name, sc_kind kind) {
  /* names and kinds grow together; capacity is the next power of two */
  uint32_t n = f->nlocals;
  if ((n & (n - 1)) == 0) {
    uint32_t nc = n ? n * 2 : 4;
    const char **nn = sc_gc_alloc(nc * sizeof *nn);
    uint8_t *nk = sc_gc_alloc_atomic(nc);
    if (n) {
      memcpy(nn, f->local_names, n * sizeof *nn);
      memcpy(nk, f->local_kinds, n);
    }
    f->local_names = nn;
    f->local_kinds = nk;
  }
  f->local_names[n] = sc_gc_strdup(name);
  f->local_kinds[n] = (uint8_t)kind;
  return f->nlocals++;
}

uint32_t sc_global_add(sc_program *p, const char *name) {
  GROW(p->global_names, p->nglobals, p->cglobals);
  p->global_names[p->nglobals] = sc_gc_strdup(name);
  if (tab_get(&idx(p)->globals, name, strlen(name)) < 0)
    tab_put(&idx(p)->globals, name, strlen(name), (int32_t)p->nglobals);
  return p->nglobals++;
}

/* Constants are deduplicated by (tag, payload bits), strings by content:
 * -0.0 and 0.0 differ, and so do NaNs with different bits. */
uint32_t sc_const_add(sc_program *p, sc_value v) {
  char key[24];
  const char *k = key;
  size_t kl;
  key[0] = (char)v.tag;
  if (v.tag == SC_STR) {
    char *s = sc_gc_alloc_atomic((size_t)v.s->len + 1);
    s[0] = (char)SC_STR;
    memcpy(s + 1, v.s->data, (size_t)v.s->len);
    k = s;
    kl = (size_t)v.s->len + 1;
  } else {
    int64_t bits = v.tag == SC_NULL ? 0 : v.i;
    memcpy(key + 1, &bits, 8);
    kl = 9;
  }
  int32_t have = tab_get(&idx(p)->consts, k, kl);
  if (have >= 0) return (uint32_t)have;
  GROW(p->consts, p->nconsts, p->cconsts);
  p->consts[p->nconsts] = v;
  tab_put(&idx(p)->consts, k, kl, (int32_t)p->nconsts);
  return p->nconsts++;
}

uint32_t sc_name_intern(sc_program *p, const char *name) {
  int32_t have = tab_get(&idx(p)->names, name, strlen(name));
  if (have >= 0) return (uint32_t)have;
  GROW(p->names, p->nnames, p->cnames);
  p->names[p->nnames] = sc_gc_strdup(name);
  tab_put(&idx(p)->names, name, strlen(name), (int32_t)p->nnames);
  return p->nnames++;
}

int sc_func_find(const sc_program *p, const char *name) {
  return p->index ? tab_get(&idx(p)->funcs, name, strlen(name)) : -1;
}

int sc_global_find(const sc_program *p, const char *name) {
  return p->index ? tab_get(&idx(p)->globals, name, strlen(name)) : -1;
}

uint32_t sc_emit(sc_func *f, sc_op op, int32_t a, uint16_t b, uint32_t line, uint32_t col) {
  if (f->ncode == f->ccode) {
    uint32_t nc = f->ccode ? f->ccode * 2 : 16;
    sc_insn *c = sc_gc_alloc_atomic(nc * sizeof *c);
    uint32_t *l = sc_gc_alloc_atomic(nc * sizeof *l), *k = sc_gc_alloc_atomic(nc * sizeof *k);
    if (f->ncode) {
      memcpy(c, f->code, f->ncode * sizeof *c);
      memcpy(l, f->lines, f->ncode * sizeof *l);
      memcpy(k, f->cols, f->ncode * sizeof *k);
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
