/* Byte string -> int32 hash table (frontend.h). Load factor at most 1/2,
 * so probes stay short; the full hash is kept to skip most memcmps. */
#include <string.h>

#include "runtime/program.h"
#include "runtime/runtime.h"

uint32_t sc_symtab_hash(const char *k, size_t len) {
  uint64_t h = 14695981039346656037ull; /* FNV-1a, folded */
  for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)k[i]) * 1099511628211ull;
  return (uint32_t)(h ^ (h >> 32));
}

static sc_symtab_ent *slot(const sc_symtab *t, const char *k, size_t len, uint32_t h) {
  uint32_t mask = t->cap - 1;
  for (uint32_t i = h & mask;; i = (i + 1) & mask) {
    sc_symtab_ent *e = &t->e[i];
    if (!e->k || (e->hash == h && e->len == len && !memcmp(e->k, k, len))) return e;
  }
}

int32_t sc_symtab_get(const sc_symtab *t, const char *k, size_t len) {
  if (!t->cap) return -1;
  const sc_symtab_ent *e = slot(t, k, len, sc_symtab_hash(k, len));
  return e->k ? e->v : -1;
}

int32_t sc_symtab_put(sc_symtab *t, const char *k, size_t len, int32_t v) {
  if ((t->n + 1) * 2 > t->cap) {
    sc_symtab o = *t;
    t->cap = o.cap ? o.cap * 2 : 16;
    t->e = sc_gc_alloc(t->cap * sizeof *t->e);
    for (uint32_t i = 0; i < o.cap; i++)
      if (o.e[i].k) *slot(t, o.e[i].k, o.e[i].len, o.e[i].hash) = o.e[i];
  }
  uint32_t h = sc_symtab_hash(k, len);
  sc_symtab_ent *e = slot(t, k, len, h);
  if (e->k) return e->v;
  e->k = k ? k : "";
  e->len = (uint32_t)len;
  e->hash = h;
  e->v = v;
  t->n++;
  return v;
}

int sc_is_ident(const char *s, size_t len) {
  if (!s || !len) return 0;
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i && c >= '0' && c <= '9'))) return 0;
  }
  return 1;
}
