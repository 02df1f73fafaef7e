/* Immutable strings on the GC heap (pointer-free, so allocated atomic). */
#include <string.h>

#include "runtime/runtime.h"

sc_str *sc_str_new(const char *s, int64_t len) {
  sc_str *r = sc_gc_alloc_atomic(sizeof *r + (size_t)len + 1); /* constants only */
  r->len = len;
  r->hash = 0;
  if (len) memcpy(r->data, s, (size_t)len);
  r->data[len] = 0;
  return r;
}

/* Strings are immutable and compared by content, so an empty operand lets
 * the other one be returned as is. NULL: out of memory. */
sc_str *sc_str_concat(const sc_str *a, const sc_str *b) {
  if (b->len == 0) return (sc_str *)a;
  if (a->len == 0) return (sc_str *)b;
  int64_t n = a->len + b->len;
  sc_str *r = sc_gc_try_alloc_atomic(sizeof *r + (size_t)n + 1);
  if (!r) return NULL;
  r->len = n;
  r->hash = 0;
  memcpy(r->data, a->data, (size_t)a->len);
  memcpy(r->data + a->len, b->data, (size_t)b->len);
  r->data[n] = 0;
  return r;
}

/* FNV-1a with a final mix (the low bits of plain FNV depend only on the low
 * bits of the bytes; maps index by low bits). 0 means "not computed", so a
 * real 0 is mapped to 1. */
uint64_t sc_str_hash(sc_str *s) {
  if (s->hash) return s->hash;
  uint64_t h = 14695981039346656037ull;
  for (int64_t i = 0; i < s->len; i++) h = (h ^ (unsigned char)s->data[i]) * 1099511628211ull;
  h ^= h >> 32;
  h *= 0xd6e8feb86659fd93ull;
  h ^= h >> 32;
  s->hash = h ? h : 1;
  return s->hash;
}

bool sc_str_eq(const sc_str *a, const sc_str *b) {
  if (a == b) return true;
  if (a->len != b->len) return false;
  if (a->hash && b->hash && a->hash != b->hash) return false;
  return memcmp(a->data, b->data, (size_t)a->len) == 0;
}

int sc_str_cmp(const sc_str *a, const sc_str *b) {
  int64_t n = a->len < b->len ? a->len : b->len;
  int c = memcmp(a->data, b->data, (size_t)n);
  if (c) return c;
  return a->len < b->len ? -1 : a->len > b->len;
}
