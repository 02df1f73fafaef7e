/* Native code generation: one interface, two implementations (MIR: fast
 * compilation; LLVM: peak code quality).
 *
 * A backend translates one LIR function (pass lower, passes/pass_lower.c:
 * the typed SSA of ssa/ir.h with memory, helper calls, direct calls and
 * returns made explicit) of a VM's program into an sc_native_fn with the
 * calling convention of backend/abi.h, op by op. Compiled code belongs to
 * that VM: it bakes in the addresses LIR names (sc_lir_addr) and the
 * helpers' (sc_abi).
 *
 * What is left to the backends:
 *  - Types: val is a pair (tag: i64, payload: i64); i64, f64 as such; bool
 *    as an integer 0/1 (LLVM: i1); ptr as i64 (LLVM: i8*).
 *  - `const`: val constants are prog->consts[imm] as immediates.
 *  - Leaving at frame state fs (check, callst, the typed ops that leave,
 *    deopt): box every value (dead local: null) into a native buffer in
 *    order (locals, then operand stack), return sc_jh_deopt(vm, fp, fs.pc,
 *    buf, n, reason, tags); at a frame state with parents (code inlined
 *    from other functions): every frame of the chain, outermost first, as
 *    a header slot and its values, return sc_jh_deopt_inlined(vm, fp, buf,
 *    frames, reason, tags). A tag known when compiling goes into the tags
 *    word (runtime/layout.h), not the buffer. Exits are keyed by frame
 *    state and reason (lower builds them as LIR).
 *  - Checked integer ops leave on overflow; idiv leaves on 0 and
 *    INT64_MIN / -1; imod leaves on 0 and gives 0 for x % -1; f2i leaves
 *    unless -2^63 <= x < 2^63. Shift counts are taken modulo 64.
 *  - Phis: LLVM phis; in MIR, moves on edges (critical edges split), as
 *    parallel copies (swaps and cycles go through a temporary). */
#ifndef SC_BACKEND_H
#define SC_BACKEND_H

#include <stdio.h>

#include "backend/abi.h"
#include "runtime/layout.h"
#include "ssa/ir.h"

/* What a backend context holds, for tests and --stats. */
typedef struct sc_backend_stats {
  uint64_t compiled, released; /* code handles handed out, released */
  uint32_t units, units_max;   /* code containers alive now, at most */
  const char *unit;            /* what they are: "MIR contexts", "resource trackers" */
} sc_backend_stats;

/* A context belongs to one thread: create, compile, release, stats and
 * destroy are called from the thread that owns it, never concurrently
 * (nothing in a backend locks). Ownership may pass to another thread only
 * with a happens-before edge: the VM creates its context on the thread that
 * starts a run and uses it on the run's execution thread (pthread_create
 * and join order them). Compiled code may run on any thread. */
typedef struct sc_backend_impl {
  const char *name;
  /* A context for vm, whose code calls the helpers at abi's addresses;
   * NULL with a message in err on failure. */
  void *(*create)(sc_vm *vm, const sc_abi *abi, char *err, size_t errlen);
  /* Native code for f and in *handle the code's handle, or NULL with a
   * message in err. When dump is not NULL the lowered code is printed there
   * (MIR text; LLVM IR after the optimization pipeline). When len is not
   * NULL it receives the exact length in bytes of the function's code at
   * the address returned (--emit=asm), or the compilation fails saying why
   * the backend cannot tell. */
  sc_native_fn (*compile)(void *ctx, sc_irfunc *f, FILE *dump, size_t *len, void **handle, char *err,
                          size_t errlen);
  /* The code of handle will never run again (no activation is left in it,
   * no pointer to it will be called): its memory may go. Once per handle. */
  void (*release)(void *ctx, void *handle);
  void (*stats)(void *ctx, sc_backend_stats *out);
  /* Frees the context and every function compiled with it, released or not. */
  void (*destroy)(void *ctx);
} sc_backend_impl;

#ifdef HAVE_MIR
extern const sc_backend_impl sc_backend_mir;
#endif
#ifdef HAVE_LLVM
/* Forwards to the LLVM module (llvm_module.h, opened by llvm_load.c). */
extern const sc_backend_impl sc_backend_llvm;
/* Opens the LLVM module: false with `LLVM backend unavailable: WHY`. */
bool sc_backend_llvm_open(char *err, size_t errlen);
#endif

/* Whether the backends can translate f: LIR, a terminator ending every
 * block, a frame state on whatever may leave; else false with a message. */
bool sc_lir_check(const sc_irfunc *f, char *err, size_t errlen);

/* Is op one of the VM address ops (sc_lir_addr)? */
static inline bool sc_lir_is_addr(unsigned op) {
  return op == IR_vfunc || op == IR_rpc || op == IR_framesend || op == IR_stackend || op == IR_stacktop ||
         op == IR_nativelim || op == IR_gaddr;
}
/* The VM address LIR op `in` (vfunc, rpc, framesend, stackend, stacktop,
 * nativelim, gaddr) stands for in vm. */
const void *sc_lir_addr(const sc_vm *vm, const sc_ins *in);

/* Prints the len bytes of this machine's code at `code` on out, one
 * `OFFSET: instruction` line each, offsets from `code` (a branch into the
 * code names its target's offset): the same text from run to run. name,
 * when not NULL, names an address the code refers to (NULL: none).
 * With LLVM's disassembler (native_disasm.c in the LLVM module): false
 * with the reason in err when it is not built, cannot be loaded or cannot
 * start. */
bool sc_native_disasm(FILE *out, const void *code, size_t len, const char *(*name)(void *arg, uint64_t addr),
                      void *arg, char *err, size_t errlen);

/* Whether the backend of that name ("mir", "llvm"; NULL: any) is built. */
bool sc_backend_built(const char *name);
/* By name ("mir", "llvm"; NULL: the default: mir if built, for its fast
 * compilation, else llvm), opening the LLVM module for llvm; NULL with the
 * reason in err when that backend is not built or cannot be loaded. */
const sc_backend_impl *sc_backend_find(const char *name, char *err, size_t errlen);

#endif
