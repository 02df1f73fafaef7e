/* The tier manager: compiling a VM's functions to native code (eagerly, or
 * when hot, on compile threads), installing it, entering loops by OSR,
 * deopt bookkeeping and invalidation. The runtime reaches it through
 * sc_jit_tier_hooks. */
#ifndef SC_JIT_TIER_H
#define SC_JIT_TIER_H

#include <stdio.h>

#include "runtime/vm_internal.h"

struct sc_backend_impl;
/* A backend context, made and freed one at a time across the process
 * (backends set up process-wide state then). */
void *sc_jit_backend_create(const struct sc_backend_impl *be, sc_vm *vm, char *err, size_t errlen);
void sc_jit_backend_destroy(const struct sc_backend_impl *be, void *ctx);
/* Makes vm fit to run native code: a full-size frame array (compiled code
 * holds frame pointers across calls), threaded code, and runs on a thread
 * with a native stack deep enough for the frame limit. */
void sc_jit_prepare_vm(sc_vm *vm);
/* Installs fn as vf's code (NULL: none): a typed entry of signature tsig
 * (not 0) goes behind sc_jit_typed_enter, the generic entry. */
void sc_jit_set_code(sc_vfunc *vf, sc_native_fn fn, uint64_t tsig);
/* The generic entry of a function whose code is a typed entry: checks the
 * tags of the typed arguments in fp (else leaves at pc 0), calls the
 * entry, boxes its result into *fp->ret and returns its status. */
int sc_jit_typed_enter(sc_vm *vm, sc_frame *fp);

/* Sets up vm->jit with the backend the options name; false with a message
 * on opts.err when it is not built or cannot start. Makes the frame array
 * full-size: compiled code holds frame pointers across calls. */
bool sc_jit_init(sc_vm *vm);
/* A compilation to look at (--emit=mir|llvm|asm) and its code. */
typedef struct sc_jit_inspect {
  uint32_t osr_pc;      /* 0: the whole function; else its loop entered at this pc */
  bool spec;            /* speculate on vm's profiles and globals, as tiering does */
  const char *pipeline; /* NULL: what tiering (spec) or --jit=eager compiles with */
  FILE *dump;           /* the lowered code is printed there (NULL: not) */
  bool want_len;        /* ask the backend for the code's length */
  sc_native_fn fn;      /* out: the code (a whole function's is installed) */
  size_t len;           /* out, with want_len: its length in bytes */
} sc_jit_inspect;
/* Compiles function `func` as q says, on the executing thread, whatever
 * its size; false with a message in err when any step fails. The code
 * lives until sc_jit_free. */
bool sc_jit_compile_inspect(sc_vm *vm, uint32_t func, sc_jit_inspect *q, char *err, size_t errlen);
/* Compiles every function (--jit=eager); false after reporting a failure. */
bool sc_jit_compile_all(sc_vm *vm);
/* Prints compile-time statistics (opts.stats). */
void sc_jit_print_stats(sc_vm *vm, FILE *out);
void sc_jit_free(sc_vm *vm);
/* TIERED: vf's call count reached vf->tier_at: compile it with speculation
 * on its profile (unless it lost that right) and install the code. */
void sc_jit_tier_up(sc_vm *vm, sc_vfunc *vf);
/* TIERED: the loop at header pc of frame fp is hot (its back-edge count
 * reached vm->osr_at): its OSR code, or NULL when it is not ready or cannot
 * be compiled. *again: iterations after which to ask again (0: never). */
sc_native_fn sc_jit_osr(sc_vm *vm, sc_frame *fp, uint32_t pc, uint32_t *again);
/* Global g was stored and code assumed its value: drop that code. */
void sc_jit_global_changed(sc_vm *vm, uint32_t g);
/* Compiled code of vf left at bpc of function `at` (vf's, or one inlined
 * into it) with `at`'s operand stack stack[0..nstack): trace it (what the
 * instruction's operands were against the feedback speculated on), count
 * it per site, and drop code whose guards keep failing (vm->code_dropped
 * says some is waiting for release). */
void sc_jit_deopted(sc_vm *vm, sc_vfunc *vf, const sc_func *at, uint32_t bpc, uint32_t reason,
                    const sc_value *stack, uint32_t nstack);
/* No compiled code is running (vm->native_depth is 0): frees the code
 * dropped since the last call. */
void sc_jit_release_dropped(sc_vm *vm);

/* The above, as the runtime calls them (vm->hooks; sc_vm_new installs them). */
extern const sc_jit_hooks sc_jit_tier_hooks;

#endif
