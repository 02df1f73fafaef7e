/* Backend test driver: runs PROG.sasm with the functions of IR.ssa (typed,
 * hand-written IR replacing the program's functions of the same names)
 * compiled by one backend; the rest of the program is interpreted. The
 * interpreter running PROG.sasm alone is the oracle (tests/backend/run.sh).
 *   run_ir BACKEND PROG.sasm IR.ssa [--dump]
 * Exit status: the program's, or 2 (bad input), 3 (did not compile),
 * 77 (backend not built). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "passes/passes.h"
#include "jit/helpers.h"
#include "jit/tier.h"

static char *slurp(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    exit(2);
  }
  size_t cap = 1 << 16;
  char *s = malloc(cap);
  *n = 0;
  for (size_t r; (r = fread(s + *n, 1, cap - *n, f)) > 0;)
    if ((*n += r) == cap) s = realloc(s, cap *= 2);
  fclose(f);
  return s;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: run_ir BACKEND PROG.sasm IR.ssa [--dump]\n");
    return 2;
  }
  if (!sc_backend_built(argv[1])) return 77;
  char why[600];
  const sc_backend_impl *be = sc_backend_find(argv[1], why, sizeof why);
  if (!be) {
    fprintf(stderr, "%s\n", why);
    return 1;
  }
  sc_runtime_init();
  sc_diags d = {0};
  sc_program *p = sc_assemble_file(argv[2], &d);
  if (!p || sc_verify(p, &d)) {
    sc_diags_print(&d, stderr);
    return 2;
  }
  size_t n;
  char *src = slurp(argv[3], &n);
  sc_arena a;
  sc_arena_init(&a);
  sc_irfunc **fs;
  uint32_t nf = sc_ir_parse_all(&a, p, argv[3], src, n, &d, &fs);
  free(src);
  if (!nf) {
    sc_diags_print(&d, stderr);
    return 2;
  }
  sc_vm_options o = {.backend = argv[1]};
  sc_vm *vm = sc_vm_new(p, &o);
  if (!sc_jit_init(vm)) return 3;
  char err[512];
  void *ctx = be->create(vm, &sc_jit_abi, err, sizeof err);
  if (!ctx) {
    fprintf(stderr, "run_ir: %s\n", err);
    return 3;
  }
  for (uint32_t i = 0; i < nf; i++) {
    sc_diags vd = {.filename = argv[3]};
    if (sc_ir_verify(fs[i], &vd)) {
      sc_diags_print(&vd, stderr);
      return 2;
    }
    sc_lower(fs[i], false); /* the backends translate LIR */
    if (sc_ir_verify(fs[i], &vd)) {
      sc_diags_print(&vd, stderr);
      return 2;
    }
    void *code; /* freed with ctx */
    sc_native_fn fn = be->compile(ctx, fs[i], argc > 4 ? stderr : NULL, NULL, &code, err, sizeof err);
    if (!fn) {
      fprintf(stderr, "run_ir: cannot compile %s: %s\n", fs[i]->name, err);
      return 3;
    }
    vm->funcs[fs[i]->func].native = fn;
  }
  int st = sc_vm_run_main(vm);
  be->destroy(ctx);
  sc_arena_drop(&a);
  return st;
}
