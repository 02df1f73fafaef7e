/* Arena: chunks from malloc, bump allocation, freed (or kept for reuse) as
 * a whole. Chunks grow with the arena, so a big function needs few. */
#include "ssa/arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Under AddressSanitizer the arena poisons what it has not handed out, a
 * redzone after each allocation, and an array's old copy when it grows:
 * an overrun within a chunk, or a pointer kept across a grow, is then a
 * report rather than silent corruption of the next allocation. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SC_ARENA_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define SC_ARENA_ASAN 1
#endif
#ifdef SC_ARENA_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#define REDZONE 16
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#define REDZONE 0
#endif

struct sc_arena_chunk {
  sc_arena_chunk *next;
  size_t size;
  _Alignas(16) char data[];
};

#define MIN_CHUNK (64 * 1024 - sizeof(sc_arena_chunk))

void sc_arena_init(sc_arena *a) { memset(a, 0, sizeof *a); }

static void free_list(sc_arena_chunk *c) {
  for (sc_arena_chunk *n; c; c = n) {
    n = c->next;
    UNPOISON(c->data, c->size);
    free(c);
  }
}

void sc_arena_drop(sc_arena *a) {
  free_list(a->head);
  free_list(a->spare);
  memset(a, 0, sizeof *a);
}

void sc_arena_reset(sc_arena *a) {
  while (a->head) {
    sc_arena_chunk *c = a->head;
    a->head = c->next;
    POISON(c->data, c->size);
    c->next = a->spare;
    a->spare = c;
  }
  a->cur = a->end = NULL;
  a->total = 0;
}

/* A chunk of at least n bytes: the smallest kept one that fits, else a
 * new one sized after what the arena holds already. */
static void new_chunk(sc_arena *a, size_t n) {
  size_t want = n > MIN_CHUNK ? n : MIN_CHUNK;
  sc_arena_chunk **best = NULL, *c = NULL;
  for (sc_arena_chunk **pp = &a->spare; *pp; pp = &(*pp)->next)
    if ((*pp)->size >= want && (!best || (*pp)->size < (*best)->size)) best = pp;
  if (best) {
    c = *best;
    *best = c->next;
  } else {
    size_t sz = a->total / 2 > MIN_CHUNK ? a->total / 2 : MIN_CHUNK;
    if (sz < n) sz = n;
    c = malloc(sizeof *c + sz);
    if (!c) {
      fprintf(stderr, "shapec: out of memory in the compiler arena\n");
      abort();
    }
    c->size = sz;
    POISON(c->data, c->size);
  }
  c->next = a->head;
  a->head = c;
  a->cur = c->data;
  a->end = c->data + c->size;
}

static void *bump(sc_arena *a, size_t n) {
  size_t want = n;
  n = ((n + 15) & ~(size_t)15) + REDZONE;
  if ((size_t)(a->end - a->cur) < n) new_chunk(a, n);
  void *p = a->cur;
  a->cur += n;
  a->total += n;
  UNPOISON(p, want);
  return p;
}

void *sc_arena_alloc(sc_arena *a, size_t n) {
  void *p = bump(a, n);
  memset(p, 0, n);
  return p;
}

void *sc_arena_grow(sc_arena *a, void *p, size_t esz, size_t len, size_t *cap, size_t need) {
  if (need <= *cap) return p;
  size_t nc = *cap ? *cap * 2 : 4;
  while (nc < need) nc *= 2;
  void *q = bump(a, nc * esz); /* the caller fills what it appends */
  if (len) memcpy(q, p, len * esz);
  if (p) POISON(p, *cap * esz);
  *cap = nc;
  return q;
}

char *sc_arena_strdup(sc_arena *a, const char *s) {
  size_t n = strlen(s) + 1;
  char *d = bump(a, n);
  memcpy(d, s, n);
  return d;
}
