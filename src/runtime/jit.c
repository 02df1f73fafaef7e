/* The eager tier: every function lifted, optimized and compiled before
 * main runs. Each compilation has its own arena, dropped when the native
 * code exists. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/backend.h"
#include "passes/passes.h"
#include "runtime/jit.h"

typedef struct sc_jit {
  const sc_backend_impl *be;
  void *ctx;
  double *secs;   /* per function: lift + passes + codegen */
  uint32_t ncompiled;
} sc_jit;

int sc_backend_available(const char *name) { return sc_backend_find(name) != NULL; }

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

bool sc_jit_init(sc_vm *vm) {
  if (vm->jit) return true;
  const char *name = vm->opts.backend;
  const sc_backend_impl *be = name ? sc_backend_find(name) : sc_backend_default();
  if (!be) {
    if (name) fprintf(vm->opts.err, "shapec: error: backend %s is not built in (see ./configure --help)\n", name);
    else fprintf(vm->opts.err, "shapec: error: no native backend is built in (configure with LLVM or MIR)\n");
    return false;
  }
  char err[256] = "";
  void *ctx = be->create(vm, err, sizeof err);
  if (!ctx) {
    fprintf(vm->opts.err, "shapec: error: cannot start the %s backend: %s\n", be->name, err);
    return false;
  }
  sc_jit *j = calloc(1, sizeof *j);
  j->be = be;
  j->ctx = ctx;
  j->secs = calloc(vm->prog->nfuncs ? vm->prog->nfuncs : 1, sizeof *j->secs);
  vm->jit = j;
  /* frames never move under compiled code */
  uint32_t full = vm->max_frames + 1;
  if (vm->frames_cap < full) {
    sc_frame *nf = sc_gc_alloc_atomic((size_t)full * sizeof(sc_frame));
    memcpy(nf, vm->frames, (size_t)vm->frames_cap * sizeof(sc_frame));
    vm->frames = nf;
    vm->frames_cap = full;
  }
  sc_interp_prepare(vm);
  return true;
}

bool sc_jit_compile(sc_vm *vm, uint32_t func, FILE *dump, char *err, size_t errlen) {
  sc_jit *j = vm->jit;
  double t0 = now();
  sc_arena a;
  sc_arena_init(&a);
  sc_pipeline_opts o = {.out = stderr, .err = stderr};
#ifdef SC_CHECKING
  o.verify = true;
#endif
  sc_irfunc *f = sc_pipeline_lift(&a, vm->prog, func, NULL, SC_DEFAULT_PIPELINE, &o);
  sc_native_fn fn = NULL;
  if (!f) snprintf(err, errlen, "the IR verifier rejected it");
  else fn = j->be->compile(j->ctx, f, dump, err, errlen);
  sc_arena_drop(&a);
  if (!fn) return false;
  vm->funcs[func].native = fn;
  j->secs[func] = now() - t0;
  j->ncompiled++;
  return true;
}

bool sc_jit_compile_all(sc_vm *vm) {
  for (uint32_t i = 0; i < vm->prog->nfuncs; i++) {
    char err[512] = "";
    if (!sc_jit_compile(vm, i, NULL, err, sizeof err)) {
      fprintf(vm->opts.err, "shapec: error: cannot compile function %s with %s: %s\n", vm->prog->funcs[i]->name,
              vm->jit->be->name, err);
      return false;
    }
  }
  return true;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

void sc_jit_print_stats(sc_vm *vm, FILE *out) {
  sc_jit *j = vm->jit;
  if (!j || !j->ncompiled) {
    fprintf(out, "jit: nothing compiled\n");
    return;
  }
  double *s = malloc(j->ncompiled * sizeof *s), total = 0;
  uint32_t n = 0;
  for (uint32_t i = 0; i < vm->prog->nfuncs; i++)
    if (vm->funcs[i].native) total += s[n++] = j->secs[i];
  qsort(s, n, sizeof *s, cmp_double);
  fprintf(out, "jit: backend %s, %u functions compiled in %.3f ms; per function median %.3f ms, p90 %.3f ms, max %.3f ms\n",
          j->be->name, n, total * 1e3, s[n / 2] * 1e3, s[(n * 9) / 10 < n ? (n * 9) / 10 : n - 1] * 1e3,
          s[n - 1] * 1e3);
  free(s);
}

void sc_jit_free(sc_vm *vm) {
  sc_jit *j = vm->jit;
  if (!j) return;
  for (uint32_t i = 0; i < vm->prog->nfuncs; i++) vm->funcs[i].native = NULL;
  j->be->destroy(j->ctx);
  free(j->secs);
  free(j);
  vm->jit = NULL;
}
