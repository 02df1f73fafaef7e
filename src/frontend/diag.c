/* Diagnostics are collected, then printed by the caller in source order. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime.h"
#include "shapec/bytecode.h"

void sc_diag_add(sc_diags *d, uint32_t line, uint32_t col, const char *fmt, ...) {
  if (d->n == d->cap) {
    uint32_t nc = d->cap ? d->cap * 2 : 8;
    sc_diag *v = sc_gc_alloc(nc * sizeof *v);
    if (d->n) memcpy(v, d->v, d->n * sizeof *v);
    d->v = v;
    d->cap = nc;
  }
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  d->v[d->n].line = line;
  d->v[d->n].col = col;
  d->v[d->n].msg = sc_gc_strdup(buf);
  d->n++;
}

static int by_pos(const void *a, const void *b) {
  const sc_diag *x = a, *y = b;
  if (x->line != y->line) return x->line < y->line ? -1 : 1;
  if (x->col != y->col) return x->col < y->col ? -1 : 1;
  return 0;
}

void sc_diags_print(const sc_diags *d, FILE *out) {
  /* stable order: sort a copy by position, keeping insertion order on ties */
  sc_diag *v = malloc((d->n ? d->n : 1) * sizeof *v);
  if (!v) return;
  if (d->n) memcpy(v, d->v, d->n * sizeof *v);
  for (uint32_t i = 1; i < d->n; i++) /* insertion sort: stable, n is small */
    for (uint32_t j = i; j > 0 && by_pos(&v[j - 1], &v[j]) > 0; j--) {
      sc_diag t = v[j];
      v[j] = v[j - 1];
      v[j - 1] = t;
    }
  const char *file = d->filename ? d->filename : "<input>";
  for (uint32_t i = 0; i < d->n; i++) fprintf(out, "%s:%u:%u: error: %s\n", file, v[i].line, v[i].col, v[i].msg);
  free(v);
}
