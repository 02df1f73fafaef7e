/* The public VM constructor: checks the options, then a runtime VM that
 * reaches the tier manager through its hooks (used when opts.jit is EAGER
 * or TIERED). */
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "jit/driver.h"
#include "jit/tier.h"

static bool refuse(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool refuse(char *err, size_t errlen, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  if (err && errlen) vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
  return false;
}

bool sc_jit_inline_check(const sc_inline_options *o, char *err, size_t errlen) {
  if (o->budget > SC_MAX_INLINE_LIMIT || o->depth > SC_MAX_INLINE_LIMIT || o->max_size > SC_MAX_INLINE_LIMIT ||
      o->recursion > SC_MAX_INLINE_LIMIT)
    return refuse(err, errlen, "inline options: budget %u, depth %u, max size %u, recursion %d (at most %u each)",
                  o->budget, o->depth, o->max_size, o->recursion, SC_MAX_INLINE_LIMIT);
  return true;
}

bool sc_vm_options_check(const sc_vm_options *o, char *err, size_t errlen) {
  if (!o) return true;
  if (o->jit != SC_JIT_OFF && o->jit != SC_JIT_EAGER && o->jit != SC_JIT_TIERED)
    return refuse(err, errlen, "jit mode %d is not SC_JIT_OFF, SC_JIT_EAGER or SC_JIT_TIERED", o->jit);
  if (o->backend && strcmp(o->backend, "mir") && strcmp(o->backend, "llvm"))
    return refuse(err, errlen, "unknown backend '%.40s' (mir or llvm)", o->backend);
  if (o->backend && !sc_backend_built(o->backend))
    return refuse(err, errlen, "backend %s is not built into this library", o->backend);
  char why[600];
  /* opening the LLVM module maps libLLVM: only when something compiles */
  if (o->backend && o->jit != SC_JIT_OFF && !sc_backend_find(o->backend, why, sizeof why))
    return refuse(err, errlen, "%s", why);
  if (o->jit_threads != SC_JIT_SYNC && (o->jit_threads < 0 || o->jit_threads > SC_MAX_JIT_THREADS))
    return refuse(err, errlen, "jit_threads %d is not SC_JIT_SYNC or 0 to %d", o->jit_threads, SC_MAX_JIT_THREADS);
  if (!(o->deopt_stress >= 0 && o->deopt_stress <= 1)) /* NaN fails both */
    return refuse(err, errlen, "deopt_stress %g is not a probability in [0, 1]", o->deopt_stress);
  return sc_jit_inline_check(&o->inl, err, errlen);
}

sc_vm *sc_vm_new(sc_program *p, const sc_vm_options *opts) {
  char why[200];
  if (!sc_vm_options_check(opts, why, sizeof why)) {
    FILE *err = opts->err ? opts->err : stderr;
    sc_fprint_escaped(err, "shapec: error: invalid VM options: %s\n", why);
    return NULL;
  }
  sc_vm *vm = sc_vm_create(p, opts);
  if (vm) vm->hooks = &sc_jit_tier_hooks;
  return vm;
}
