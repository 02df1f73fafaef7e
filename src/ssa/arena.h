/* Per-compilation arena: every compiler allocation comes from one, and the
 * whole arena is dropped at once when the compilation ends (or reset, to
 * reuse its memory for the next compilation without going back to the
 * system: a JIT compiles many functions). */
#ifndef SC_ARENA_H
#define SC_ARENA_H

#include <stddef.h>

typedef struct sc_arena_chunk sc_arena_chunk;

typedef struct sc_arena {
  sc_arena_chunk *head;  /* chunks in use, newest first */
  sc_arena_chunk *spare; /* chunks kept by sc_arena_reset */
  char *cur, *end;
  size_t total; /* bytes handed out since the last reset, for statistics */
} sc_arena;

void sc_arena_init(sc_arena *a);
void sc_arena_drop(sc_arena *a);  /* frees everything */
void sc_arena_reset(sc_arena *a); /* forgets every allocation, keeps the memory */
void *sc_arena_alloc(sc_arena *a, size_t n); /* zeroed, 16-byte aligned */
/* Grows an arena array: returns a copy with room for `need` elements (the
 * first len copied, the rest not zeroed). */
void *sc_arena_grow(sc_arena *a, void *p, size_t esz, size_t len, size_t *cap, size_t need);
char *sc_arena_strdup(sc_arena *a, const char *s);

#endif
