/* The eager tier: every function lifted, optimized and compiled before
 * main runs. Each compilation has its own arena, dropped when the native
 * code exists. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/backend.h"
#include "passes/passes.h"
#include "runtime/jit.h"

/* OSR code by (function, loop header pc); fn NULL: could not compile. */
typedef struct osr_entry {
  uint32_t func, pc;
  sc_native_fn fn;
} osr_entry;

typedef struct sc_jit {
  const sc_backend_impl *be;
  void *ctx;
  double *secs;   /* per function: lift + passes + codegen (the last compile) */
  double total;   /* all compilations */
  uint32_t ncompiled, nosr, nosr_entries, ndeopts, ninvalidated, nfailed;
  uint32_t guards_emitted, guards_removed;
  osr_entry *osr;
  uint32_t nosrtab, cosrtab;
} sc_jit;

#define SC_DEOPT_LIMIT 16  /* deopts of one compiled function before it is dropped */
#define SC_RECOMPILE_LIMIT 3 /* recompiles with speculation before giving it up */

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

/* Native code for function func (an OSR entry at osr_pc if not 0), with
 * speculation on its profile when spec. */
static sc_native_fn build(sc_vm *vm, uint32_t func, uint32_t osr_pc, bool spec, FILE *dump, char *err,
                          size_t errlen) {
  sc_jit *j = vm->jit;
  double t0 = now();
  sc_arena a;
  sc_arena_init(&a);
  sc_pipeline_opts o = {.out = stderr, .err = stderr, .osr_pc = osr_pc};
#ifdef SC_CHECKING
  o.verify = true;
#endif
  if (spec) sc_interp_flush_counts(vm, func);
  const sc_profile *prof = spec ? &vm->profiles[func] : NULL;
  sc_irfunc *f = sc_pipeline_lift(&a, vm->prog, func, prof, spec ? SC_SPECULATIVE_PIPELINE : SC_DEFAULT_PIPELINE, &o);
  sc_native_fn fn = NULL;
  if (!f) snprintf(err, errlen, "the IR verifier rejected it");
  else {
    fn = j->be->compile(j->ctx, f, dump, err, errlen);
    j->guards_removed += f->guards_removed;
    j->guards_emitted += f->guards_emitted;
  }
  sc_arena_drop(&a);
  double dt = now() - t0;
  j->total += dt;
  if (fn) {
    j->secs[func] = dt;
    j->ncompiled++;
  } else {
    j->nfailed++;
  }
  return fn;
}

bool sc_jit_compile(sc_vm *vm, uint32_t func, FILE *dump, char *err, size_t errlen) {
  sc_native_fn fn = build(vm, func, 0, false, dump, err, errlen);
  if (!fn) return false;
  vm->funcs[func].native = fn;
  return true;
}

static void trace(sc_vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void trace(sc_vm *vm, const char *fmt, ...) {
  FILE *t = vm->opts.trace_tiering;
  if (!t) return;
  va_list ap;
  va_start(ap, fmt);
  fputs("[tier] ", t);
  vfprintf(t, fmt, ap);
  fputc('\n', t);
  va_end(ap);
}

void sc_jit_tier_up(sc_vm *vm, sc_vfunc *vf) {
  vf->tier_at = 0;
  if (vf->native || vf->failed) return;
  char err[512] = "";
  bool spec = !vf->nospec;
  sc_native_fn fn = build(vm, vf->index, 0, spec, NULL, err, sizeof err);
  if (!fn) {
    vf->failed = 1;
    trace(vm, "%s: cannot compile (%s): stays interpreted", vf->f->name, err);
    return;
  }
  vf->native = fn;
  vf->deopts = 0;
  trace(vm, "%s: compiled after %llu calls (%s, %s), %.3f ms", vf->f->name,
        (unsigned long long)vf->prof->calls, vm->jit->be->name, spec ? "speculative" : "generic",
        vm->jit->secs[vf->index] * 1e3);
}

sc_native_fn sc_jit_osr(sc_vm *vm, sc_frame *fp, uint32_t pc) {
  sc_jit *j = vm->jit;
  sc_vfunc *vf = &vm->funcs[fp->vf->index];
  if (vf->failed) return NULL;
  for (uint32_t k = 0; k < j->nosrtab; k++)
    if (j->osr[k].func == vf->index && j->osr[k].pc == pc) {
      if (j->osr[k].fn) j->nosr_entries++;
      return j->osr[k].fn;
    }
  char err[512] = "";
  sc_native_fn fn = build(vm, vf->index, pc, !vf->nospec, NULL, err, sizeof err);
  if (j->nosrtab == j->cosrtab) {
    j->cosrtab = j->cosrtab ? 2 * j->cosrtab : 8;
    j->osr = realloc(j->osr, j->cosrtab * sizeof *j->osr);
  }
  j->osr[j->nosrtab++] = (osr_entry){vf->index, pc, fn};
  if (!fn) {
    trace(vm, "%s: loop at pc %u blacklisted for OSR: %s", vf->f->name, pc, err);
    return NULL;
  }
  j->nosr++;
  j->nosr_entries++;
  trace(vm, "%s: OSR entry at loop pc %u after %u iterations (%s)", vf->f->name, pc, vm->osr_at, j->be->name);
  return fn;
}

void sc_jit_deopted(sc_vm *vm, sc_vfunc *vf, uint32_t bpc, uint32_t reason) {
  sc_jit *j = vm->jit;
  static const char *const why[] = {"check", "tag", "shape", "elements kind", "bounds", "overflow", "callee", "unreached"};
  if (j) j->ndeopts++;
  if (vm->opts.trace_deopt) {
    const sc_func *f = vf->f;
    fprintf(vm->opts.trace_deopt, "[deopt] %s: %s at pc %u (%s, line %u)\n", f->name,
            reason < sizeof why / sizeof *why ? why[reason] : "?", bpc, sc_op_name((sc_op)f->code[bpc].op),
            f->lines && bpc < f->ncode ? f->lines[bpc] : 0);
  }
  /* runtime errors also leave through here: they end the program anyway */
  if (!j || vm->opts.jit != SC_JIT_TIERED || ++vf->deopts < SC_DEOPT_LIMIT) return;
  /* the guards keep failing: drop the code (activations finish in it), drop
   * the function's OSR code, and compile again later on fresher feedback */
  vf->native = NULL;
  vf->deopts = 0;
  j->ninvalidated++;
  for (uint32_t k = 0; k < j->nosrtab; k++)
    if (j->osr[k].func == vf->index) j->osr[k].fn = NULL;
  if (++vf->recompiles >= SC_RECOMPILE_LIMIT) vf->nospec = 1;
  vf->tier_at = vf->prof->calls + (vm->opts.tier_threshold ? vm->opts.tier_threshold : SC_DEFAULT_TIER_THRESHOLD);
  trace(vm, "%s: invalidated after %u deopts; recompile %u%s", vf->f->name, SC_DEOPT_LIMIT, vf->recompiles,
        vf->nospec ? " without speculation" : "");
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
  double *s = malloc(vm->prog->nfuncs * sizeof *s + 8), total = 0;
  uint32_t n = 0;
  for (uint32_t i = 0; i < vm->prog->nfuncs; i++)
    if (j->secs[i] > 0) total += s[n++] = j->secs[i];
  if (!n) s[n++] = 0;
  qsort(s, n, sizeof *s, cmp_double);
  fprintf(out, "jit: backend %s, %u functions compiled in %.3f ms; per function median %.3f ms, p90 %.3f ms, max %.3f ms\n",
          j->be->name, n, total * 1e3, s[n / 2] * 1e3, s[(n * 9) / 10 < n ? (n * 9) / 10 : n - 1] * 1e3,
          s[n - 1] * 1e3);
  fprintf(out, "jit: %u compilations (%u failed) in %.3f ms, %u OSR compilations, %u OSR entries, %u deopts, "
          "%u invalidations, %u guards emitted, %u removed\n", j->ncompiled, j->nfailed, j->total * 1e3, j->nosr,
          j->nosr_entries, j->ndeopts, j->ninvalidated, j->guards_emitted, j->guards_removed);
  for (uint32_t i = 0; i < vm->prog->nfuncs; i++)
    if (j->secs[i] > 0) fprintf(out, "jit: function %s %.3f ms\n", vm->prog->funcs[i]->name, j->secs[i] * 1e3);
  free(s);
}

void sc_jit_free(sc_vm *vm) {
  sc_jit *j = vm->jit;
  if (!j) return;
  for (uint32_t i = 0; i < vm->prog->nfuncs; i++) vm->funcs[i].native = NULL;
  j->be->destroy(j->ctx);
  free(j->secs);
  free(j->osr);
  free(j);
  vm->jit = NULL;
}
