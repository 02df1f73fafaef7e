/* Boehm GC wrappers: the only place the runtime allocates heap memory. */
#define GC_THREADS
#include <gc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime.h"
#include "shapec/vm.h"

void sc_runtime_init(void) {
  static int done; /* GC_INIT is idempotent, but cheap to skip */
  if (done) return;
  GC_INIT();
  done = 1;
}

static void *oom(size_t n) {
  fprintf(stderr, "shapec: out of memory allocating %zu bytes\n", n);
  abort();
}

void *sc_gc_alloc(size_t n) {
  void *p = GC_MALLOC(n);
  return p ? p : oom(n);
}

void *sc_gc_alloc_atomic(size_t n) {
  void *p = GC_MALLOC_ATOMIC(n);
  return p ? p : oom(n);
}

void *sc_gc_realloc(void *p, size_t n) {
  void *q = GC_REALLOC(p, n);
  return q ? q : oom(n);
}

char *sc_gc_strdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = sc_gc_alloc_atomic(n);
  memcpy(d, s, n);
  return d;
}
