/* shapec: the Tier-2 compiler as a library entry point. A host compiles
 * one function of a program (or one loop of it, for on-stack replacement)
 * with the feedback it chooses into native code, and gets back everything
 * needed to run and to leave that code: the deopt points with their frame
 * states, the OSR entry, the guards and the assumptions the code makes.
 * The C counterpart of the Shape VM's CompilationRequest and
 * CompilationResult.
 *
 * The code follows shapec's calling convention: it runs on an sc_vm's
 * frames (values as in value.h; locals then operand stack in one frame),
 * is called as `status = code(vm, frame)`, and leaves at a deopt point by
 * writing the frame's locals and operand stack back (boxed) and returning
 * a status that makes the interpreter resume at the point's pc. Installing
 * whole-function code with sc_vm_install makes the VM's interpreter call
 * it; a host with an interpreter of its own calls the code on frames it
 * keeps in that layout and resumes at the deopt point it is told.
 *
 * Threads: an sc_compiler holds a backend context and is used by one
 * thread at a time (any thread). Compiling reads only the program and the
 * request's feedback, never the VM's changing state, so it may run while
 * the VM runs on another thread. */
#ifndef SHAPEC_COMPILER_H
#define SHAPEC_COMPILER_H

#include <stdbool.h>
#include <stdio.h>

#include "bytecode.h"
#include "feedback.h"
#include "vm.h"
#include "api.h"

SC_BEGIN_DECLS

typedef struct sc_compiler sc_compiler;
struct sc_frame;
typedef int (*sc_native_code)(sc_vm *vm, struct sc_frame *frame);

typedef struct sc_compile_request {
  uint32_t func;              /* function index in the VM's program */
  uint32_t osr_pc;            /* 0: the whole function; else an OSR entry at this loop header pc */
  const sc_profile *feedback; /* the function's feedback (feedback.h); NULL: no speculation */
  const char *pipeline;       /* passes; NULL: the speculative pipeline with feedback, else the plain one */
  FILE *dump;                 /* when not NULL, the lowered code is printed there */
  /* Optional, as the tier manager passes them (NULL: not used). */
  const sc_profile *profiles; /* every function's feedback, by function index: callees
                                 are inlined with theirs (and call targets speculated on) */
  const sc_value *globals;    /* the globals' values, with global_stores[g] how often */
  const uint8_t *global_stores; /* global g was stored (0, 1, 2: more): code may assume the
                                   value of one stored at most once (an SC_DEP_GLOBAL) */
  const sc_inline_options *inline_options; /* NULL: the VM's (sc_vm_options.inl) */
} sc_compile_request;

/* Where compiled code can leave: resume the interpreter in function `func`
 * at bytecode `pc` with `nlocals` locals and `nstack` operand-stack slots
 * rebuilt from the code's values. `parent` is the caller's deopt point for
 * code inlined from a callee, else -1. */
typedef struct sc_deopt_point {
  uint32_t func, pc;
  uint32_t nlocals, nstack;
  int32_t parent;
} sc_deopt_point;

/* A speculation the code checks: at bytecode `pc` it leaves by deopt
 * point `deopt` for `reason` (SC_REASON_*). */
typedef struct sc_guard_info {
  uint32_t pc;
  uint32_t reason;
  uint32_t deopt;
} sc_guard_info;

enum {
#define REASON(n, w, t) SC_REASON_##n,
#include "reasons.def"
#undef REASON
};

/* What the code assumes of the heap and the program beyond its guards: a
 * host that changes one of them must stop using the code (the tier
 * manager does that by itself). SHAPE: a receiver shape id the code tests
 * for and reads slots of at pc; CALLEE: the function index a call site at
 * pc was specialized to; GLOBAL: global `id` keeps the value the code
 * was compiled with. */
enum { SC_DEP_SHAPE, SC_DEP_CALLEE, SC_DEP_GLOBAL };
typedef struct sc_dependency {
  uint32_t kind;
  uint32_t pc;
  uint64_t id;
} sc_dependency;

enum { SC_COMPILE_OK = 0, SC_COMPILE_BAD_REQUEST = 1, SC_COMPILE_FAILED = 2 };

typedef struct sc_compile_result {
  int status;      /* SC_COMPILE_* */
  char error[256]; /* why, when status is not OK */
  sc_native_code code;
  /* OSR: the loop header the code is entered at, the frame slots it takes
   * (locals, then operand stack at the header: frame slot k is value k),
   * which of them are live (read by the code), and the bytecode pcs at
   * which control leaves the loop (the code runs on to the function's
   * return from there). */
  uint32_t osr_pc, osr_nslots;
  uint32_t *osr_live, nosr_live;
  uint32_t *osr_exits, nosr_exits;
  sc_deopt_point *deopts;
  uint32_t ndeopts;
  sc_guard_info *guards;
  uint32_t nguards;
  sc_dependency *deps;
  uint32_t ndeps;
  uint32_t guards_emitted, guards_removed; /* by the guard passes */
  double compile_ms;                       /* lift + passes + codegen */
  void *handle;                            /* the backend's, for sc_compile_release_code */
  uint64_t entry_sig; /* not 0: code is a typed entry of this signature, which sc_vm_install
                         installs behind the generic entry's trampoline */
} sc_compile_result;

/* A compiler for the programs run by vm (the code bakes in the VM's
 * addresses and runs only with it); backend "mir", "llvm" or NULL for the
 * default. Prepares vm for native code. NULL with a message in err (when
 * err is not NULL) when vm is NULL or the backend is not built or cannot
 * start. */
SC_API sc_compiler *sc_compiler_new(sc_vm *vm, const char *backend, char *err, size_t errlen);
/* Compiles; returns res->status. c or req NULL, a request that names no
 * function, an OSR pc that is not a reachable loop header, feedback (its
 * own or any function's in profiles) that is malformed (slot states and
 * entry counts, unknown flags, tags, shapes the VM never made, function
 * indices), globals without store counts or of an unknown tag or naming
 * no function, inline options over 1000000, or a pipeline that does not
 * parse is SC_COMPILE_BAD_REQUEST with the reason in res->error; feedback
 * that is well formed but wrong only makes guards fail at run time.
 * Heap values among the globals are not read (and cannot be checked:
 * they must be this VM's). SC_COMPILE_FAILED is a compiler limit or bug.
 * res NULL: SC_COMPILE_BAD_REQUEST, nothing else done. */
SC_API int sc_compile(sc_compiler *c, const sc_compile_request *req, sc_compile_result *res);
/* Frees the result's arrays (not its code: that lives with the compiler).
 * NULL: nothing. */
SC_API void sc_compile_result_free(sc_compile_result *res);
/* The code of res will never run again (uninstalled, no activation left
 * in it): its memory goes back (one MIR context holds many functions; it
 * goes when all of them are released). Same thread rules as sc_compile.
 * c or res NULL, or res without code: nothing. */
SC_API void sc_compile_release_code(sc_compiler *c, sc_compile_result *res);
/* Frees the compiler and all the code it made: uninstall it first.
 * NULL: nothing. */
SC_API void sc_compiler_free(sc_compiler *c);

/* Makes vm's interpreter call res->code for every call of function func
 * (whole-function code only); res == NULL uninstalls. false when the
 * result is not installable there (vm NULL, no such function, a result
 * that is not OK or is OSR code). */
SC_API bool sc_vm_install(sc_vm *vm, uint32_t func, const sc_compile_result *res);

SC_END_DECLS

#endif
