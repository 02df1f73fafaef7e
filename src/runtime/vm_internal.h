/* shapec VM internals: the state behind sc_vm, shared by vm.c, interp.c and
 * feedback.c (and by later tiers that enter or leave the interpreter).
 *
 * Execution model of tier 0: one contiguous value stack for all frames. A
 * frame is [locals (nlocals)][operand stack (<= max_stack)]; a call's
 * arguments become the callee's first locals in place and its result
 * replaces the call's operands. Frames live on a separate array; the
 * current frame's pc/sp/base stay in registers of the dispatch loop. */
#ifndef SC_VM_INTERNAL_H
#define SC_VM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "runtime/layout.h"
#include "runtime/runtime.h"
#include "shapec/feedback.h"
#include "shapec/vm.h"

/* Threaded instruction: one per bytecode instruction, at the same index, so
 * that a pc converts to a bytecode pc by subtraction. h is the handler's
 * label address in one build (profiling or not) of the dispatch loop; a
 * superinstruction replaces only the h of its first instruction and reads the
 * operands of the following ones, so a jump into the middle of a fused
 * sequence still runs the plain handlers.
 * Operands: a = main operand (global, const, func, name, count, builtin;
 * for LoadLocal/StoreLocal the local's byte offset from the frame base, for
 * jumps the byte offset from the instruction to its target), b = for
 * instructions with a feedback slot the byte offset from the instruction to
 * its slot (slots follow the code in one block), else the second operand
 * (argc; for StoreLocal the set of accepted tags, 1 << tag; for a backward
 * Jump the byte offset from the instruction to its target's back-edge
 * counter). PushConst of an int or a float keeps the payload in i / f, of
 * another constant its address in cv. */
typedef struct sc_tinsn {
  const void *h;
  union {
    struct {
      int32_t a;
      int32_t b;
    };
    int64_t i;
    double f;
    const sc_value *cv;
  };
  /* Profiling, for an instruction with a feedback slot (a return: the tag
   * it last returned, see PROF_RETURN): a copy of the slot's
   * first entry (SC_FB_NO_ENTRY until it has one; it never changes after)
   * and the executions that recorded that entry since the counts were last
   * flushed into the slot (sc_interp_flush_counts). A hot instruction then
   * records its feedback with one compare and one add, at fixed offsets
   * from itself. */
  uint64_t e0;
  uint64_t n;
} sc_tinsn;

/* An empty feedback slot keeps this impossible entry in e[0], so that the
 * loop's fast path (e[0] == e: only count) needs one compare. Anything that
 * empties slots must use sc_vm_slot_clear. */
#define SC_FB_NO_ENTRY UINT64_MAX
static inline void sc_vm_slot_clear(sc_fb_slot *s) {
  *s = (sc_fb_slot){.state = SC_FB_UNINIT};
  s->e[0] = SC_FB_NO_ENTRY;
}


struct sc_vfunc;

/* What the runtime asks of the tier manager (src/jit), the layer above
 * it: it calls these and includes nothing of that layer. A VM without
 * hooks only interprets. */
typedef struct sc_jit_hooks {
  /* Before a run with opts.jit EAGER or TIERED: set up (EAGER: compile
   * every function); false after reporting why not on opts.err. */
  bool (*start)(sc_vm *vm);
  /* vf's call count reached its tier_at. */
  void (*hot_call)(sc_vm *vm, struct sc_vfunc *vf);
  /* The loop at header pc of fp's function is hot: its OSR code, or NULL;
   * *again: iterations after which to ask again (0: never). */
  sc_native_fn (*hot_loop)(sc_vm *vm, struct sc_frame *fp, uint32_t pc, uint32_t *again);
  /* Global g, watched (vm->gwatch), was stored. */
  void (*global_stored)(sc_vm *vm, uint32_t g);
  /* No compiled code is running and some was dropped: free it. */
  void (*release)(sc_vm *vm);
  /* After a run: --stats, then stop compiling and free what start made. */
  void (*stats)(sc_vm *vm, FILE *out);
  void (*stop)(sc_vm *vm);
} sc_jit_hooks;

/* A function as the VM runs it. */
typedef struct sc_vfunc {
  const sc_func *f;
  sc_tinsn *code;      /* threaded code for the VM's build (once translated),
                          followed in the same block by prof->slots and
                          prof->backedges */
  sc_profile *prof;    /* == &vm->profiles[index] */
  sc_fb_slot *slots;   /* prof->slots, prof->backedges: one load less in the loop */
  uint32_t *backedges;
  uint32_t frame_size; /* nlocals + max_stack: stack slots the frame may use */
  uint32_t nlocals;
  uint32_t index;
  sc_native_fn native; /* compiled code, or NULL: interpreted */
  uint64_t tsig;       /* the compiled code's typed entry signature (ssa/ir.h), 0: none */
  const void *tentry;  /* that entry (native is then the tier manager's trampoline) */
  uint64_t tier_at;    /* compile when prof->calls reaches it (0: never) */
  uint32_t deopts;     /* of the current compiled code */
  uint16_t recompiles; /* after too many deopts */
  uint8_t failed;      /* could not be compiled, or deopted too often: stays interpreted */
  uint8_t queued;      /* a compilation request is with the worker */
  uint32_t gen;        /* bumped when its code is dropped: stale results are discarded */
  uint32_t unreached;  /* code dropped at once for reaching what its feedback never ran */
} sc_vfunc;

typedef struct sc_frame {
  const sc_tinsn *pc; /* saved while the frame is not the innermost: its Call */
  sc_value *base;     /* locals */
  sc_value *ret;      /* where this frame's result goes when it returns */
  const sc_vfunc *vf;
} sc_frame;

struct sc_vm {
  sc_rt rt;
  sc_program *prog;
  sc_vm_options opts;
  sc_value *globals;
  sc_profile *profiles; /* nfuncs */
  sc_vfunc *funcs;      /* nfuncs */
  /* Value stack: GC-atomic memory, scanned as a root over [stack, stack_top)
   * while the VM runs (see vm.c), so that dead values above the innermost
   * frame are not kept alive. */
  sc_value *stack, *stack_end;
  sc_value *stack_top;
  /* frames[0] is a sentinel whose return runs exit_code[1]; frames[1] is main. */
  sc_frame *frames;
  uint32_t frames_cap; /* allocated entries, <= max_frames + 1 */
  uint32_t max_frames;
  sc_tinsn exit_code[2];
  int translated; /* funcs[].code built */
  bool fuse;      /* use superinstructions (default; SHAPEC_NO_FUSION=1 clears) */
  sc_vm *next_running; /* list of running VMs, pushed as GC roots */
  /* Compiled code (src/jit, through hooks). */
  const sc_jit_hooks *hooks;
  /* Per global: how often it was stored (SC_GLOBAL_*), and whether
   * compiled code assumes its value (a store then invalidates that code). */
  uint8_t *gstores;
  uint8_t *gwatch;
  struct sc_jit *jit;  /* the tier manager; NULL: none */
  bool native_ready;   /* sc_jit_prepare_vm done: native code may run */
  int in_native;       /* compiled code is running (not the interpreter); relaxed atomics */
  sc_frame *deopt_fp;  /* the innermost frame a deopt rebuilt (deeper than the
                          compiled frame when it left inlined code) */
  sc_value *deopt_sp;  /* its operand stack top */
  int run_status;      /* of a run on the execution thread */
  uint32_t osr_at;     /* back-edge count that asks for OSR (0: never) */
  double stress_p;     /* --deopt-stress probability */
  uint64_t stress_state;
  int64_t tstatus; /* a typed entry's status (SC_ST_*) when not RET (0), for its caller to take */
  bool stress_fired;   /* the last stress draw failed a guard: its deopt is forced */
  /* Activations of compiled code entered from the interpreter: when the
   * count drops to 0 and code was dropped meanwhile, hooks->release
   * frees it (activations of dropped code finish in it). */
  uint32_t native_depth;
  bool code_dropped;
  /* Native stack room: an address below which the execution thread's stack
   * must not go (SC_NATIVE_RESERVE above its end); 0 when the run is not on
   * that thread (interpreter only: no native recursion). Compiled
   * functions' entries, the call helper and the interpreter's calls into
   * compiled code compare their frame against it: `stack overflow`. */
  uintptr_t native_limit;
};

/* Native stack kept free below native_limit: for the helpers, the runtime,
 * a collection and the error report running below the last check, and the
 * frame of the compiled function that checks (its buffers included). */
#define SC_NATIVE_RESERVE ((size_t)4 << 20)

static inline bool sc_vm_native_room(const sc_vm *vm) {
  return (uintptr_t)__builtin_frame_address(0) >= vm->native_limit;
}

/* Feedback slot of f's instruction at pc, as --dump-feedback writes its
 * entries ("int,int | float,int"; "none" without a slot or an entry), the
 * first `limit` of them; json: as a JSON array of those strings. */
void sc_fb_print_slot(const sc_program *p, const sc_func *f, const sc_profile *pr, uint32_t pc, unsigned limit,
                      FILE *out, bool json);
/* The n values v as the feedback vocabulary names them (a tag; an
 * object's shape#ID{fields}; an array's elems:KIND), comma-separated;
 * json: a JSON array of those strings. */
void sc_fb_print_values(const sc_program *p, const sc_value *v, uint32_t n, FILE *out, bool json);
/* s as a JSON string, quoted and escaped. */
void sc_json_str(FILE *out, const char *s);

/* Globals never stored or stored once may be assumed constant by the
 * compiler; one stored more often varies. */
enum { SC_GLOBAL_UNSET, SC_GLOBAL_ONCE, SC_GLOBAL_VARIES };
/* A store to global g whose count is not SC_GLOBAL_VARIES yet: counts it
 * and invalidates code that assumed its value. */
void sc_vm_global_stored(sc_vm *vm, uint32_t g);
/* A VM for verified-or-not program p (sc_vm_new without hooks: it
 * interprets until the tier manager installs its hooks). */
sc_vm *sc_vm_create(sc_program *p, const sc_vm_options *opts);

/* The dispatch loop (interp.c): runs main on a prepared VM; returns an
 * exit status. */
int sc_interp_run(sc_vm *vm);
/* Runs frame fp (already pushed: base, ret, vf) from pc with operand stack
 * top sp until it returns into fp - 1; returns a status (SC_ST_*). This is
 * how compiled code calls interpreted functions and resumes after deopt. */
int sc_interp_exec(sc_vm *vm, sc_frame *fp, const sc_tinsn *pc, sc_value *sp);
/* After compiled code running in frame fp returned SC_ST_DEOPT: runs the
 * interpreter from vm->deopt_fp (fp, or a frame of an inlined call above
 * it) at its pc until fp returns into fp - 1; returns a status. */
int sc_interp_resume(sc_vm *vm, sc_frame *fp);
/* Threads every function's code if not done yet (compiled code stores
 * addresses into it). */
void sc_interp_prepare(sc_vm *vm);
/* Adds the executions counted in function func's threaded code to its
 * feedback slots' counts: before anything reads them (the compiler, and at
 * the end of a run). */
void sc_interp_flush_counts(sc_vm *vm, uint32_t func);

/* Stack and frame growth for the loop; both relocate every frame. Grow the
 * value stack so that index `need` is in bounds and return the element
 * displacement applied to all pointers into it; fp is the innermost frame
 * (NULL before main is entered). */
ptrdiff_t sc_vm_grow_stack(sc_vm *vm, sc_frame *fp, size_t need);
/* The same, false (with `stack overflow` set: the heap limit is reached)
 * when it cannot; else *disp is the displacement. */
bool sc_vm_try_grow_stack(sc_vm *vm, sc_frame *fp, size_t need, ptrdiff_t *disp);
/* Grow the frame array; returns false (with `stack overflow` set) when the
 * depth limit or the heap limit is reached. *fp is relocated. */
bool sc_vm_grow_frames(sc_vm *vm, sc_frame **fp);

/* An allocation in compiled code that has no error exit (NewObject,
 * NewArray, NewMap, a field added with a known transition) failed: flushes
 * the output, reports `runtime error: out of memory` (without a trace) and
 * ends the process with status 1. vm may be NULL (stdout, stderr). */
_Noreturn void sc_vm_fatal_oom(sc_vm *vm);

/* Errors with the texts every tier must share. */
bool sc_rt_stack_overflow(sc_rt *rt);
/* CallValue's checks: fn is a function taking argc arguments. On success
 * *index is the function index. */
bool sc_rt_check_callee(sc_rt *rt, sc_value fn, uint32_t argc, uint32_t *index);

/* Writes `runtime error: MSG` and the trace (innermost first) to opts.err.
 * fp is the innermost frame and pc its executing instruction. */
void sc_vm_report_error(sc_vm *vm, const sc_frame *fp, const sc_tinsn *pc);
/* One trace line for frame `f` executing bytecode pc `bpc`. */
void sc_vm_trace_line(const sc_vm *vm, FILE *err, const sc_func *f, uint32_t bpc);

#endif
