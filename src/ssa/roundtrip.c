/* The text form's contract: printing, parsing the text and printing again
 * gives the same text. Checked on every IR the golden tests print. */
#include <stdlib.h>
#include <string.h>

#include "ssa/ir.h"

static char *to_text(sc_irfunc *f, size_t *n) {
  char *t = NULL;
  FILE *m = open_memstream(&t, n);
  sc_ir_print(f, m);
  fclose(m);
  return t;
}

bool sc_ir_roundtrips(sc_irfunc *f, FILE *err) {
  size_t n1, n2 = 0;
  char *t1 = to_text(f, &n1), *t2 = NULL;
  sc_arena a;
  sc_arena_init(&a);
  sc_diags d = {0};
  sc_irfunc *g = sc_ir_parse(&a, (sc_program *)f->prog, "<printed IR>", t1, n1, &d);
  bool ok = g != NULL;
  if (g) {
    t2 = to_text(g, &n2);
    ok = n1 == n2 && !memcmp(t1, t2, n1);
  }
  if (!ok && err) {
    fprintf(err, "shapec: error: the IR of '%s' does not survive print -> parse -> print\n", f->name);
    sc_diags_print(&d, err);
    fprintf(err, "--- printed:\n%s", t1);
    if (t2) fprintf(err, "--- parsed and printed again:\n%s", t2);
  }
  free(t1);
  free(t2);
  sc_arena_drop(&a);
  return ok;
}
