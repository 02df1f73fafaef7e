/* shapec: running programs. */
#ifndef SHAPEC_VM_H
#define SHAPEC_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "bytecode.h"
#include "feedback.h"
#include "api.h"

SC_BEGIN_DECLS

typedef struct sc_vm sc_vm;

/* Inlining by the optimizing compiler (every field 0: the defaults below).
 * A call site is inlined when its callee is at most max_size bytecode
 * instructions, the nesting stays within depth, the callees inlined into
 * one compilation stay within budget instructions, and a recursive call is
 * unrolled at most `recursion` levels; with a profile, hotter sites first
 * and never one that did not run. */
typedef struct sc_inline_options {
  int off;            /* no inlining (--no-inline) */
  uint32_t budget;    /* bytecode instructions inlined into one compilation */
  uint32_t depth;     /* calls nested in inlined code */
  uint32_t max_size;  /* the largest callee, in bytecode instructions */
  int32_t recursion;  /* levels of a recursive call unrolled; < 0: none */
} sc_inline_options;
#define SC_DEFAULT_INLINE_BUDGET 400
#define SC_DEFAULT_INLINE_DEPTH 4
#define SC_DEFAULT_INLINE_MAX_SIZE 60
#define SC_DEFAULT_INLINE_RECURSION 1

typedef struct sc_vm_options {
  FILE *out;    /* Print; default stdout */
  FILE *err;    /* runtime errors and traces; default stderr */
  int profile;  /* collect feedback and counters (default 1) */
  uint32_t max_frames; /* call depth limit; 0 = default (SC_DEFAULT_MAX_FRAMES) */
  int jit;             /* SC_JIT_OFF (default), SC_JIT_EAGER or SC_JIT_TIERED */
  const char *backend; /* "mir" or "llvm"; NULL: the default one built */
  FILE *stats;         /* when not NULL, compilation statistics go there */
  uint32_t tier_threshold; /* TIERED: calls before a function is compiled (0: default) */
  uint32_t osr_threshold;  /* TIERED: loop iterations before OSR (0: default) */
  double deopt_stress;     /* every guard also fails with this probability */
  uint64_t stress_seed;
  FILE *trace_deopt;       /* when not NULL, every deopt is logged there */
  FILE *trace_tiering;     /* when not NULL, compilations, installs, OSR entries */
  int jit_threads;         /* TIERED: background compile threads; 0: default (1);
                              SC_JIT_SYNC: compile on the executing thread */
  int jit_wait;            /* TIERED with threads: the executing thread waits for
                              each compilation it requests (reproducible runs) */
  sc_inline_options inl;   /* inlining in compiled code */
  uint32_t compile_budget; /* IR instructions one compilation may hand to the
                              backend, inlined code included (0: the default,
                              SC_DEFAULT_COMPILE_BUDGET), and SC_LIR_PER_IR
                              times as many once lowered (exits included); a
                              function over it stays interpreted, in every tier */
  size_t max_heap;         /* GC heap limit in bytes (the heap is per process:
                              the last VM created with one sets it); 0: keep the
                              current limit, initially half of physical memory.
                              Beyond it: `runtime error: out of memory` */
  int verbose_gc;          /* show the collector's warnings on stderr */
  unsigned json;           /* SC_JSON_*: these outputs as JSON (docs/json.md) */
  /* When not NULL, called with progress_arg during long work the host may
   * want to show: --jit=eager's compilation of every function (done of
   * total functions compiled: 0 first, then after each), then once with
   * end set when it is over, finished or failed (before any error is
   * printed). Called on the thread that runs the program; whether and how
   * to show it (a terminal, after a delay) is the host's choice. */
  void (*progress)(void *progress_arg, uint32_t done, uint32_t total, int end);
  void *progress_arg;
} sc_vm_options;

#define SC_DEFAULT_COMPILE_BUDGET 3000
#define SC_LIR_PER_IR 8 /* the lowered-code budget per unit of compile budget */
#define SC_MIN_MAX_HEAP ((size_t)16 << 20) /* the smallest max_heap taken */
#define SC_JSON_STATS 1u         /* stats: one object */
#define SC_JSON_TRACE_DEOPT 2u   /* trace_deopt: one object a line */
#define SC_JSON_TRACE_TIERING 4u /* trace_tiering: one object a line */

#define SC_JIT_SYNC (-1)
#define SC_MAX_JIT_THREADS 16

/* Tiers. EAGER compiles every function before main runs, without
 * speculation; a function that cannot be compiled is an error. TIERED
 * interprets with profiling and compiles hot functions (and hot loops, by
 * OSR) with speculation on the feedback seen so far, on background threads
 * (opts.jit_threads) while the interpreter goes on; finished code is
 * installed by the executing thread at its next call or loop check. Guards
 * that fail resume the interpreter, and functions that keep failing are
 * recompiled without the speculation, then left to the interpreter. */
#define SC_JIT_OFF 0
#define SC_JIT_EAGER 1
#define SC_JIT_TIERED 2
#define SC_DEFAULT_TIER_THRESHOLD 1000
#define SC_DEFAULT_OSR_THRESHOLD 5000

#define SC_DEFAULT_MAX_FRAMES 100000

/* Exit statuses, as `shapec run` returns them. */
#define SC_EXIT_OK 0
#define SC_EXIT_RUNTIME_ERROR 1
#define SC_EXIT_BAD_PROGRAM 2
#define SC_EXIT_COMPILER_ERROR 3 /* the JIT could not compile the program (a bug: reported) */

/* Arguments: a NULL VM makes every function below do nothing (and return
 * SC_EXIT_BAD_PROGRAM, NULL or false where it returns something); a NULL
 * FILE * means stdout. */

/* Initializes the GC; call once per process before anything else
 * (sc_vm_new calls it too). */
SC_API void sc_runtime_init(void);

/* Whether opts may make a VM: true for NULL; else false with the reason in
 * err (when errlen > 0) for a jit mode that is none of SC_JIT_*, a backend
 * name other than "mir" and "llvm" or one not built in (or, for "llvm",
 * whose module cannot be loaded: "LLVM backend unavailable: WHY"), jit_threads
 * outside SC_JIT_SYNC and 0..SC_MAX_JIT_THREADS, a deopt_stress that is
 * NaN or outside [0, 1], or inline limits over 1000000. */
SC_API bool sc_vm_options_check(const sc_vm_options *opts, char *err, size_t errlen);
/* A VM for program p; opts may be NULL for defaults. Options that
 * sc_vm_options_check refuses: NULL, with `shapec: error: invalid VM
 * options: REASON` on opts->err (stderr when NULL). p is verified here
 * (again: a host may have changed it since): NULL, with the verifier's
 * diagnostics on opts->err (stderr by default), when it does not verify
 * (p NULL: "no program"). */
SC_API sc_vm *sc_vm_new(sc_program *p, const sc_vm_options *opts);
/* Runs main(); returns SC_EXIT_OK, or SC_EXIT_RUNTIME_ERROR after writing
 * `runtime error: MSG` and the stack trace to opts->err. Halt returns OK.
 * A VM may run main again (globals and feedback carry over). */
SC_API int sc_vm_run_main(sc_vm *vm);
/* Releases everything the VM holds (a tier manager's threads and code,
 * its stacks, profiles and tables) at once; values the program made go
 * when the collector finds them unreachable. Free the sc_compilers made
 * for it first; not while it runs (then nothing is done). The program
 * stays (a host may make another VM for it). NULL: nothing. */
SC_API void sc_vm_free(sc_vm *vm);
/* Where Print writes from now on (opts.out; NULL: stdout). */
SC_API void sc_vm_set_output(sc_vm *vm, FILE *out);
/* Whether a backend ("mir", "llvm"; NULL: any) is built into this library
 * and can be used (for "llvm": its module, shapec-llvm.so, is loaded then);
 * 0 for any other name. */
SC_API int sc_backend_available(const char *name);
/* The feedback of function func_index; NULL past the last function. */
SC_API const sc_profile *sc_vm_profile(const sc_vm *vm, uint32_t func_index);
/* The feedback of every function as text (shapec run --dump-feedback). */
SC_API void sc_vm_dump_feedback(const sc_vm *vm, FILE *out);

SC_END_DECLS

#endif
