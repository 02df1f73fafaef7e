/* Diagnostics are collected, then printed by the caller in source order
 * (stable: equal positions keep the order they were reported in). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime.h"
#include "shapec/bytecode.h"

void sc_diag_add(sc_diags *d, uint32_t line, uint32_t col, const char *fmt, ...) {
  if (!d) return;
  if (d->n >= d->cap || !d->v) {
    uint32_t nc = d->n >= 4 ? d->n * 2 : 8;
    sc_diag *v = sc_gc_alloc(nc * sizeof *v);
    if (d->n && d->v) memcpy(v, d->v, d->n * sizeof *v);
    d->v = v;
    d->cap = nc;
  }
  va_list ap, ap2;
  va_start(ap, fmt);
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *msg = sc_gc_alloc_atomic(n > 0 ? (size_t)n + 1 : 1);
  if (n > 0) vsnprintf(msg, (size_t)n + 1, fmt, ap2);
  else msg[0] = 0;
  va_end(ap2);
  d->v[d->n].line = line;
  d->v[d->n].col = col;
  d->v[d->n].msg = msg;
  d->n++;
}

static int before(const sc_diag *x, const sc_diag *y) { /* strictly before */
  return x->line != y->line ? x->line < y->line : x->col < y->col;
}

/* Stable merge sort of pointers: diagnostics may number in the thousands. */
static void msort(const sc_diag **v, const sc_diag **tmp, uint32_t n) {
  if (n < 2) return;
  uint32_t h = n / 2;
  msort(v, tmp, h);
  msort(v + h, tmp, n - h);
  uint32_t i = 0, j = h, k = 0;
  while (i < h && j < n) tmp[k++] = before(v[j], v[i]) ? v[j++] : v[i++];
  while (i < h) tmp[k++] = v[i++];
  memcpy(v, tmp, k * sizeof *v);
}

void sc_diags_print(const sc_diags *d, FILE *out) {
  if (!d || !d->n || !d->v) return;
  if (!out) out = stderr;
  const sc_diag **v = malloc(2 * (size_t)d->n * sizeof *v);
  if (!v) return;
  for (uint32_t i = 0; i < d->n; i++) v[i] = &d->v[i];
  msort(v, v + d->n, d->n);
  const char *file = d->filename ? d->filename : "<input>";
  for (uint32_t i = 0; i < d->n; i++) {
    const char *m = v[i]->msg ? v[i]->msg : "";
    if (v[i]->line == SC_DIAG_NOPOS) sc_fprint_escaped(out, "%s: error: %s\n", file, m);
    else sc_fprint_escaped(out, "%s:%u:%u: error: %s\n", file, v[i]->line, v[i]->col, m);
  }
  free(v);
}
