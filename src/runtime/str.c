/* Immutable strings on the GC heap.
 *
 * A flat string is one pointer-free block: the header, then its bytes
 * (data points just past the header). A concatenation whose result is long
 * is a rope node instead: the two pieces and the total length, no bytes, so
 * that building a string by repeated `s = s + x` costs time linear in its
 * final length rather than quadratic. The first read of a rope's bytes
 * (sc_str_data) flattens it once into a pointer-free buffer cached in the
 * node, and drops the pieces so that the collector can take them. */
#include <string.h>

#include "runtime/runtime.h"

/* Below this many bytes a concatenation copies: a short copy is as cheap as
 * a node, and reading it later needs no flattening. */
#define SC_ROPE_MIN 64

typedef struct sc_rope {
  sc_str h;             /* h.data NULL until flattened */
  sc_str *left, *right; /* NULL once flattened */
} sc_rope;

/* r: a block of flat_size(len) bytes; returns where its bytes go. */
static size_t flat_size(int64_t len) { return sizeof(sc_str) + (size_t)len + 1; }
static char *flat_init(sc_str *r, int64_t len) {
  r->len = len;
  r->hash = 0;
  r->data = (const char *)(r + 1); /* inside this block: no pointer to scan */
  return (char *)(r + 1);
}

sc_str *sc_str_new(const char *s, int64_t len) {
  sc_str *r = sc_gc_alloc_atomic(flat_size(len)); /* constants only */
  char *d = flat_init(r, len);
  if (len) memcpy(d, s, (size_t)len);
  d[len] = 0;
  return r;
}

/* Strings are immutable and compared by content, so an empty operand lets
 * the other one be returned as is (a rope never has an empty piece). NULL:
 * out of memory, including a result whose bytes could never fit in the
 * heap (so that lengths cannot overflow either). */
sc_str *sc_str_concat(sc_str *a, sc_str *b) {
  if (b->len == 0) return a;
  if (a->len == 0) return b;
  if (b->len >= INT64_MAX - a->len || !sc_gc_fits((size_t)(a->len + b->len) + 1)) return NULL;
  int64_t n = a->len + b->len;
  if (n < SC_ROPE_MIN) {
    sc_str *r = sc_gc_try_alloc_atomic(flat_size(n));
    if (!r) return NULL;
    char *d = flat_init(r, n);
    memcpy(d, a->data, (size_t)a->len); /* both short, so both flat */
    memcpy(d + a->len, b->data, (size_t)b->len);
    d[n] = 0;
    return r;
  }
  sc_rope *r = sc_gc_try_alloc(sizeof *r);
  if (!r) return NULL;
  r->h.len = n;
  r->h.hash = 0;
  r->h.data = NULL;
  r->left = a;
  r->right = b;
  return &r->h;
}

/* Iterative, from the last byte backwards: a piece with bytes is copied,
 * a rope node stacks its left piece and goes on with its right one. A
 * left-leaning rope (s = s + x) keeps the stack at one entry; a
 * right-leaning one (s = x + s) grows it on the heap, never on the C
 * stack. A piece shared by several nodes is copied once per use; every
 * piece is non-empty, so the walk is at most 2 * len steps. */
const char *sc_str_flatten(sc_str *s) {
  if (s->data) return s->data;
  char *buf = sc_gc_alloc_atomic((size_t)s->len + 1);
  char *p = buf + s->len;
  *p = 0;
  sc_str *small[32], **stk = small;
  size_t n = 0, cap = sizeof small / sizeof *small;
  for (sc_str *cur = s;;) {
    if (cur->data) {
      p -= cur->len;
      memcpy(p, cur->data, (size_t)cur->len);
      if (!n) break;
      cur = stk[--n];
      continue;
    }
    const sc_rope *r = (const sc_rope *)cur;
    if (n == cap) { /* no collection can free a piece: s holds them all */
      sc_str **bigger = sc_gc_alloc_atomic(2 * cap * sizeof *bigger);
      memcpy(bigger, stk, n * sizeof *stk);
      stk = bigger;
      cap *= 2;
    }
    stk[n++] = r->left;
    cur = r->right;
  }
  sc_rope *r = (sc_rope *)s;
  r->left = r->right = NULL;
  s->data = buf;
  return buf;
}

/* FNV-1a with a final mix (the low bits of plain FNV depend only on the low
 * bits of the bytes; maps index by low bits). 0 means "not computed", so a
 * real 0 is mapped to 1. */
uint64_t sc_str_hash(sc_str *s) {
  if (s->hash) return s->hash;
  const char *d = sc_str_data(s);
  uint64_t h = 14695981039346656037ull;
  for (int64_t i = 0; i < s->len; i++) h = (h ^ (unsigned char)d[i]) * 1099511628211ull;
  h ^= h >> 32;
  h *= 0xd6e8feb86659fd93ull;
  h ^= h >> 32;
  s->hash = h ? h : 1;
  return s->hash;
}

bool sc_str_eq(sc_str *a, sc_str *b) {
  if (a == b) return true;
  if (a->len != b->len) return false;
  if (a->hash && b->hash && a->hash != b->hash) return false;
  const char *x = sc_str_data(a), *y = sc_str_data(b);
  return x == y || memcmp(x, y, (size_t)a->len) == 0;
}

int sc_str_cmp(sc_str *a, sc_str *b) {
  int64_t n = a->len < b->len ? a->len : b->len;
  int c = n ? memcmp(sc_str_data(a), sc_str_data(b), (size_t)n) : 0;
  if (c) return c;
  return a->len < b->len ? -1 : a->len > b->len;
}
