/* Arena: chunks from malloc, bump allocation, freed as a whole. */
#include "ssa/arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sc_arena_chunk {
  sc_arena_chunk *next;
  size_t size;
  _Alignas(16) char data[];
};

void sc_arena_init(sc_arena *a) { memset(a, 0, sizeof *a); }

void sc_arena_drop(sc_arena *a) {
  for (sc_arena_chunk *c = a->head, *n; c; c = n) {
    n = c->next;
    free(c);
  }
  memset(a, 0, sizeof *a);
}

void *sc_arena_alloc(sc_arena *a, size_t n) {
  n = (n + 15) & ~(size_t)15;
  if ((size_t)(a->end - a->cur) < n) {
    size_t sz = n > 60000 ? n : 65536 - sizeof(sc_arena_chunk);
    sc_arena_chunk *c = malloc(sizeof *c + sz);
    if (!c) {
      fprintf(stderr, "shapec: out of memory in the compiler arena\n");
      abort();
    }
    c->next = a->head;
    c->size = sz;
    a->head = c;
    a->cur = c->data;
    a->end = c->data + sz;
  }
  void *p = a->cur;
  a->cur += n;
  a->total += n;
  memset(p, 0, n);
  return p;
}

void *sc_arena_grow(sc_arena *a, void *p, size_t esz, size_t len, size_t *cap, size_t need) {
  if (need <= *cap) return p;
  size_t nc = *cap ? *cap * 2 : 4;
  while (nc < need) nc *= 2;
  void *q = sc_arena_alloc(a, nc * esz);
  if (len) memcpy(q, p, len * esz);
  *cap = nc;
  return q;
}

char *sc_arena_strdup(sc_arena *a, const char *s) {
  size_t n = strlen(s) + 1;
  char *d = sc_arena_alloc(a, n);
  memcpy(d, s, n);
  return d;
}
