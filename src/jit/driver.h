/* The one compile driver: the tier manager's requests and the library's
 * sc_compile both compile through sc_jit_build. A job carries everything
 * a compilation reads; nothing else of the VM is read, so a job can run
 * on any thread with that thread's backend context. */
#ifndef SC_JIT_DRIVER_H
#define SC_JIT_DRIVER_H

#include <stdatomic.h>
#include <stdio.h>

#include "backend/backend.h"
#include "passes/passes.h"

typedef struct sc_job {
  const sc_program *prog;
  uint32_t func;
  uint32_t osr_pc;          /* 0: the whole function; else its loop at this header */
  const uint8_t *osr_tags;  /* with osr_pc: the frame slots' tags at the request (NULL: unknown) */
  uint32_t nosr_tags;
  uint8_t *osr_checked;     /* with osr_tags: where the entry's guards say which tag each slot must hold (sc_pass_ctx) */
  const sc_profile *prof;   /* the function's feedback; NULL: no speculation */
  const sc_profile *profs;  /* every function's, for the inliner (NULL: none) */
  const sc_value *globals;  /* globals' values and store counts the code may */
  const uint8_t *gstores;   /* assume (both NULL: none) */
  sc_snapidx pidx, gidx;    /* which functions and globals profs and globals hold */
  const sc_transition *trans; /* the shape transitions it may follow (sc_pass_ctx.trans) */
  uint32_t ntrans;
  sc_inline_options inl;
  const char *pipeline;     /* NULL: speculative with prof, else the default */
  uint32_t budget;          /* IR instructions the backend may get (0: any) */
  const atomic_bool *cancel; /* when it becomes true, stop at the next step (NULL: never) */
  bool verify;              /* the IR verifier after every pass */
  bool deopt_stress;        /* guards also leave when sc_jh_stress says so */
  FILE *dump;               /* the lowered code is printed there (NULL: not) */
  const uint64_t *tsigs;    /* per function: its code's typed entry signature now (NULL: none known) */
  bool want_len;            /* the code's length in bytes (--emit=asm) */
} sc_job;

typedef struct sc_job_result {
  sc_native_fn fn;          /* NULL: failed, err says why */
  uint64_t tsig;            /* not 0: fn is a typed entry of this signature (ssa/ir.h), not an sc_native_fn */
  size_t len;               /* with job->want_len: fn's code is len bytes */
  bool rejected;            /* the IR verifier rejected it (no code was generated) */
  bool over_budget;         /* the optimized IR was larger than job->budget */
  bool cancelled;           /* job->cancel was set before code generation */
  uint32_t ir_size;         /* live IR instructions given (or not) to the backend */
  void *handle;             /* the backend's, for release */
  uint32_t guards_emitted, guards_removed, guards_hoisted, inlined;
  uint32_t *gdeps, ngdeps;  /* globals the code assumes (malloc'd; free them) */
  double secs;              /* lift + passes + code generation */
  char err[256];
} sc_job_result;

/* Compiles a function that only returns RET with be's context ctx and
 * releases it: a backend's first compilation pays its one-time set-up
 * (LLVM's code generator about 17 ms, MIR about 2 ms), which a compile
 * thread pays this way when it starts, beside the interpreter, instead of
 * in the first hot function's compile. */
void sc_jit_warm_up(const sc_backend_impl *be, void *ctx, const sc_program *prog);

/* Compiles job with backend be's context ctx into *r; when describe is
 * not NULL it is called with the final IR and the passes' context before
 * code generation. */
bool sc_jit_build(const sc_backend_impl *be, void *ctx, const sc_job *job, sc_job_result *r,
                  void (*describe)(sc_irfunc *f, const sc_pass_ctx *c, void *arg), void *arg);

/* The shape transitions a compilation may follow (sc_pass_ctx.trans):
 * those by which function f's SetProps added a field, as prof's feedback
 * saw them, appended to (*v, *n) (malloc'd). Read from the live shape
 * tree: when the compilation is asked for, never while it runs. */
void sc_jit_transitions_of(const sc_func *f, const sc_profile *prof, sc_transition **v, uint32_t *n);
/* Sorts (v, *n) by (from, name), each once: as sc_pass_ctx.trans holds them. */
void sc_jit_transitions_sort(sc_transition *v, uint32_t *n);

/* Inlining limits a request or a VM may set (the command line's bound;
 * larger ones only make compilations run for minutes): false with the
 * reason in err. */
#define SC_MAX_INLINE_LIMIT 1000000
bool sc_jit_inline_check(const sc_inline_options *o, char *err, size_t errlen);

#endif
