/* The public VM constructor: a runtime VM that reaches the tier manager
 * through its hooks (used when opts.jit is EAGER or TIERED). */
#include "jit/tier.h"

sc_vm *sc_vm_new(sc_program *p, const sc_vm_options *opts) {
  sc_vm *vm = sc_vm_create(p, opts);
  if (vm) vm->hooks = &sc_jit_tier_hooks;
  return vm;
}
