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
/* TIERED: vf's call count reached vf->tier_at: compile it with speculation
 * on its profile (unless it lost that right) and install the code. */
void sc_jit_tier_up(sc_vm *vm, sc_vfunc *vf);
/* TIERED: the loop at header pc of frame fp is hot: its OSR code (compiled
 * now, or earlier), or NULL when it cannot be compiled. */
sc_native_fn sc_jit_osr(sc_vm *vm, sc_frame *fp, uint32_t pc);
/* Compiled code of vf left at bpc of function `at` (vf's, or one inlined
 * into it): trace it, count it, and drop code whose guards keep failing. */
void sc_jit_deopted(sc_vm *vm, sc_vfunc *vf, const sc_func *at, uint32_t bpc, uint32_t reason);

#endif
