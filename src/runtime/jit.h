/* Compiling a VM's functions to native code and installing it. */
#ifndef SC_JIT_H
#define SC_JIT_H

#include <stdio.h>

#include "runtime/vm_internal.h"

/* Sets up vm->jit with the backend the options name; false with a message
 * on opts.err when it is not built or cannot start. Makes the frame array
 * full-size: compiled code holds frame pointers across calls. */
bool sc_jit_init(sc_vm *vm);
/* Compiles function `func` (lift, the default pipeline, codegen) and
 * installs it. dump: print the lowered code there. false with a message in
 * err when any step fails. */
bool sc_jit_compile(sc_vm *vm, uint32_t func, FILE *dump, char *err, size_t errlen);
/* Compiles every function (--jit=eager); false after reporting a failure. */
bool sc_jit_compile_all(sc_vm *vm);
/* Prints compile-time statistics (opts.stats). */
void sc_jit_print_stats(sc_vm *vm, FILE *out);
void sc_jit_free(sc_vm *vm);

#endif
