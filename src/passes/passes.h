/* The pass manager: passes registered by name, pipelines given as text
 * ("lift,phis,simplify,dce"), printing after passes, timing, and the IR
 * verifier after every pass in checking builds. */
#ifndef SC_PASSES_H
#define SC_PASSES_H

#include <stdio.h>

#include "shapec/vm.h"
#include "ssa/ir.h"

typedef struct sc_pipeline_opts {
  const char *print_after; /* a pass name, or NULL */
  bool print_after_all;
  bool print_loops; /* with each printed function, its loop forest */
  bool time_passes;
  bool verify; /* run the verifier after every pass (on in checking builds) */
  bool deopt_stress; /* lower: guards also leave when sc_jh_stress says so */
  bool check_roundtrip; /* every printed function must parse back to itself */
  FILE *out;   /* where printing goes */
  FILE *err;   /* timing and verifier failures */
  uint32_t osr_pc; /* sc_pipeline_lift: 0, or an OSR entry at this loop header */
  sc_inline_options inl;
  /* when not NULL, called with the IR after lift and after each pass
   * (after verifying it), with after_arg: a viewer records each stage */
  void (*after_pass)(void *after_arg, sc_irfunc *f, const char *pass);
  void *after_arg;
} sc_pipeline_opts;

/* Which indexes a compilation's snapshot (of profiles, of globals) holds:
 * all (idx NULL: entry k is index k's), or the n in idx, ascending (entry j
 * is index idx[j]'s). The tier manager copies only what a compilation may
 * read, so that a request costs the same in a program of any size. */
typedef struct sc_snapidx {
  const uint32_t *idx;
  uint32_t n;
} sc_snapidx;

/* The entry of index k, or -1 when the snapshot does not hold it. */
static inline int64_t sc_snapidx_at(const sc_snapidx *s, uint32_t k) {
  if (!s->idx) return k;
  uint32_t lo = 0, hi = s->n;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (s->idx[mid] < k) lo = mid + 1;
    else hi = mid;
  }
  return lo < s->n && s->idx[lo] == k ? (int64_t)lo : -1;
}

/* A shape transition: adding field `name` to an object of shape `from`
 * moves it to shape `to`. */
typedef struct sc_transition {
  const sc_shape *from, *to;
  uint32_t name;
} sc_transition;

/* A compilation's context: what a pass reads besides the IR (the options
 * and the snapshots the compilation was asked with, never the live VM's
 * state: a compile thread reads nothing the interpreter writes) and what
 * it reports (the assumptions the code makes, statistics). The IR
 * (sc_irfunc) holds none of it. opts is NULL for a pass run alone:
 * default options. */
typedef struct sc_pass_ctx {
  const sc_pipeline_opts *opts;
  /* inline: the profiles of the functions it may lift (callees are lifted
   * with theirs), pidx says whose; NULL: no feedback, no speculation on
   * call targets */
  const sc_profile *profiles;
  sc_snapidx pidx;
  /* globals: globals' values and store counts it may assume (both NULL:
   * none), gidx says which */
  const sc_value *gvals;
  const uint8_t *gstores;
  sc_snapidx gidx;
  /* specialize: the transitions SetProps that add a field may follow,
   * sorted by (from, name), as the shape tree had them when the
   * compilation was asked for (sc_jit_transitions_of); a SetProp whose
   * transition is not there stays generic */
  const sc_transition *trans;
  uint32_t ntrans;
  /* osr: with an OSR entry, the sc_tag of each frame slot (locals, then
   * the operand stack) when the compilation was asked for, nosr_tags of
   * them; NULL: not known */
  const uint8_t *osr_tags;
  uint32_t nosr_tags;
  /* osr: when not NULL (nosr_tags long, 0xff each), the tag the entry
   * guards check of each slot is written there: code entered with another
   * tag in that slot would leave at once */
  uint8_t *osr_checked;
  /* reported: the globals the code assumes (globals; in f's arena) */
  uint32_t *gdeps, ngdeps;
  /* statistics: guards emitted (specialize, inline, osr), removed (guards,
   * unbox), moved out of loops (hoist); call sites inlined */
  uint32_t guards_emitted, guards_removed, guards_hoisted, inlined;
} sc_pass_ctx;

typedef struct sc_pass {
  const char *name;
  const char *help;
  bool (*run)(sc_irfunc *f, sc_pass_ctx *c); /* returns whether it changed anything */
} sc_pass;

const sc_pass *sc_pass_find(const char *name);
const sc_pass *sc_pass_list(size_t *n);
/* A pipeline by name (--passes=tier2): usable alone or first in a list. */
typedef struct sc_named_pipeline {
  const char *name, *passes, *help;
} sc_named_pipeline;
const sc_named_pipeline *sc_pipeline_list(size_t *n);
/* pipeline with its named pipelines spelled out into out: 0, or -1 with
 * a message (as sc_pipeline_check). */
int sc_pipeline_expand(const char *pipeline, char *out, size_t outlen, char *msg, size_t msglen);
/* Checks a pipeline; 0, or -1 with a message. `lift`, when present, must
 * come first. */
int sc_pipeline_check(const char *pipeline, char *msg, size_t msglen);
/* Runs the passes of the pipeline on f with context c (c->opts not NULL;
 * a leading `lift` is skipped: the function exists already). 0, or -1
 * when the verifier rejected the IR after some pass (reported on
 * c->opts->err with the pass and the function). */
int sc_pipeline_run(sc_irfunc *f, const char *pipeline, sc_pass_ctx *c);
/* Lifts function `func` (timed, verified and printed like a pass when the
 * options say so), then runs the rest of the pipeline, which must start
 * with `lift`. NULL when the verifier failed. */
sc_irfunc *sc_pipeline_lift(sc_arena *a, const sc_program *p, uint32_t func, const sc_profile *prof,
                            const char *pipeline, sc_pass_ctx *c);
/* Prints f as the pipeline options ask after pass `name` (no-op
 * otherwise); -1 when asked to check the round trip and it fails. */
int sc_pipeline_print_after(sc_irfunc *f, const char *name, const sc_pipeline_opts *o);

/* Whether side-effecting op `op` leaves every object's shape, every
 * array's elements kind (len false) or length (len true), every object's
 * fields as they were (effects.c). */
bool sc_keeps_shapes(unsigned op);
bool sc_keeps_elems(unsigned op, bool len);
bool sc_keeps_fields(unsigned op);
/* The same for array elements' values and globals' values. */
bool sc_keeps_elements(unsigned op);
bool sc_keeps_globals(unsigned op);
/* The heap and global state loads read and side effects write, as a set
 * (gvn numbers loads by it, licm moves loads the loop does not write).
 * SC_MEM_RAW is LIR's memory at [ptr + offset]: every side effect writes
 * it. */
enum {
  SC_MEM_SHAPE = 1, SC_MEM_KIND = 2, SC_MEM_LEN = 4, SC_MEM_FIELD = 8, SC_MEM_ELEM = 16, SC_MEM_GLOBAL = 32,
  SC_MEM_RAW = 64, SC_MEM_ALL = 127, SC_NMEM = 7
};
/* What load `op` reads (one SC_MEM_ bit), 0 if it is no load of these. */
unsigned sc_load_mem(unsigned op);
/* What op may write (0 unless IRF_SIDE; calls and unknown ops: all). */
unsigned sc_clobbers(unsigned op);
/* What some instruction of loop l may write. */
unsigned sc_loop_clobbers(const sc_irfunc *f, uint32_t l);
/* A constant: free to compute again where needed (an immediate operand),
 * while one computed early stays live, in a register or spilled, as far as
 * its last use, a frame state's too: gvn and licm leave them where they
 * are. */
static inline bool sc_is_constant(unsigned op) { return op == IR_const || op == IR_null || op == IR_func; }
/* The unboxed type of a tag's values (VOID: none), and back (-1: none). */
static inline sc_ty sc_ty_of_tag(int t) {
  return t == SC_INT ? SC_TY_I64 : t == SC_FLOAT ? SC_TY_F64 : t == SC_BOOL ? SC_TY_BOOL : SC_TY_VOID;
}
static inline int sc_tag_of_ty(sc_ty t) {
  return t == SC_TY_I64 ? SC_INT : t == SC_TY_F64 ? SC_FLOAT : t == SC_TY_BOOL ? SC_BOOL : -1;
}
/* What code at the end of block b may assume (known.c): x is tagged `tag`
 * (a guard on it in a block dominating b, or what made it); object x has a
 * shape with field `slot` (a shape guard or an addslot on it there, or the
 * allocobj that made it). */
bool sc_tag_known(sc_irfunc *f, uint32_t x, sc_tag tag, uint32_t b);
bool sc_slot_known(sc_irfunc *f, uint32_t x, uint32_t slot, uint32_t b);
/* The entry state of loop header h (sc_blk.entry_fs) as entered from its
 * predecessor p: the header's phis read on that edge; a new frame state,
 * or -1 when some value is not available in p (known.c). */
int32_t sc_entry_state_from(sc_irfunc *f, uint32_t h, uint32_t p);

/* The passes. */
bool sc_pass_phis(sc_irfunc *f, sc_pass_ctx *c);
bool sc_pass_simplify(sc_irfunc *f, sc_pass_ctx *c);
bool sc_pass_dce(sc_irfunc *f, sc_pass_ctx *c);
bool sc_pass_preheaders(sc_irfunc *f, sc_pass_ctx *c);
bool sc_pass_specialize(sc_irfunc *f, sc_pass_ctx *c);
bool sc_pass_unreached(sc_irfunc *f, sc_pass_ctx *c);
bool sc_pass_unbox(sc_irfunc *f, sc_pass_ctx *c);
bool sc_pass_guards(sc_irfunc *f, sc_pass_ctx *c);
bool sc_pass_globals(sc_irfunc *f, sc_pass_ctx *c);
bool sc_pass_hoist(sc_irfunc *f, sc_pass_ctx *c);
bool sc_pass_inline(sc_irfunc *f, sc_pass_ctx *c);
bool sc_pass_osr(sc_irfunc *f, sc_pass_ctx *c);
bool sc_pass_gvn(sc_irfunc *f, sc_pass_ctx *c);
bool sc_pass_licm(sc_irfunc *f, sc_pass_ctx *c);
bool sc_pass_range(sc_irfunc *f, sc_pass_ctx *c);
bool sc_pass_allocs(sc_irfunc *f, sc_pass_ctx *c);
bool sc_pass_unswitch(sc_irfunc *f, sc_pass_ctx *c);
bool sc_pass_sccp(sc_irfunc *f, sc_pass_ctx *c);
bool sc_pass_strength(sc_irfunc *f, sc_pass_ctx *c);
bool sc_pass_entry(sc_irfunc *f, sc_pass_ctx *c);
/* Typed SSA to LIR (pass_lower.c): what the backends translate. */
bool sc_pass_lower(sc_irfunc *f, sc_pass_ctx *c);
/* The same, with every guard also leaving when sc_jh_stress says so
 * (--deopt-stress) when stress is set. */
bool sc_lower(sc_irfunc *f, bool stress);

#define SC_DEFAULT_PIPELINE "lift,phis,simplify,inline,phis,simplify,dce"
/* Without feedback, compiled before the program runs (--jit=eager): what
 * the bytecode says statically is speculated on, no more. Typed opcodes
 * (AddInt, LtInt, BitAnd...) and declared local kinds become guarded
 * typed ops (a failed guard is the interpreter's runtime error, or an
 * int overflowing to a float), so loops of them run unboxed. No globals
 * (eager code registers no dependencies) and no OSR. */
#define SC_EAGER_PIPELINE \
  "lift,phis,simplify,inline,phis,simplify,preheaders,specialize,sccp,unbox,guards,gvn,licm,range,licm,strength,hoist,guards,unbox,gvn,licm,entry,dce"
/* With feedback: assume stable globals, inline, leave where the
 * interpreter never ran (unreached), speculate (an OSR entry
 * types the frame's values once), unbox, drop
 * redundant guards, merge equal code and move loop-invariant code out
 * (licm before hoist, which drops the loops' entry states its overflow
 * checks need), hoist loop invariant guards (then what they dominate
 * folds, and the loads they made safe move out); unswitch after licm has
 * moved invariant conditions out, before hoist, so that both copies of a
 * loop get their guards hoisted; then a new object's first stores fuse
 * with its allocation (after range and guards, which remove the checks
 * that could leave between them). Strength reduction after range, which
 * makes the products of index chains wrap, and licm. */
#define SC_SPECULATIVE_PIPELINE \
  "lift,globals,phis,simplify,inline,unreached,phis,simplify,specialize,osr,sccp,unbox,guards,gvn,licm,range,unswitch,range,licm,strength,hoist,guards,allocs,unbox,gvn,licm,entry,dce"

#endif
