/* shapec SSA IR: the one header every pass and backend includes.
 *
 * A function is flat arrays indexed by small ids, all in one per-compilation
 * arena (arena.h):
 *   f->ins[1..nins)  instructions; an instruction is also the value it
 *                    defines (id 0 means "none")
 *   f->blk[0..nblk)  blocks; b0 is the entry and has no predecessors. A block
 *                    lists its instruction ids in order: phis first, then the
 *                    body, then exactly one terminator
 *   f->fs[0..nfs)    frame states (see sc_fs)
 * Every value has an explicit type (sc_ty). Boxed values (val) are 16-byte
 * sc_values; i64/f64/bool are raw machine values, converted explicitly with
 * box/unbox. Phi operands follow the order of the block's predecessor list.
 * Removed instructions and blocks are flagged `dead` and dropped from block
 * lists (sc_ir_compact); ids are never reused within a function.
 *
 * Text form (sc_ir_print, read back by sc_ir_parse; printing a parsed
 * function gives the same text):
 *
 *   func sum(n) locals(i: int, s) {
 *   b0:
 *       v1 = val param 0
 *       v2 = val null
 *       jmp b1
 *   b1: <- b0 b2                        predecessors, in phi operand order
 *       v3 = val phi [b0: v2], [b2: v7]
 *       fs0 = state sum@5 [v1, v3, _ | v3, v1]    locals | operand stack
 *       v5 = val Lt v3, v1 !fs0 !fb mono x11 [int,int] @5
 *       v6 = bool truthy v5 @6
 *       br v6, b2, b3 @6
 *   ...
 *   }
 *
 * An instruction reads `vN = TYPE op[static] operands attributes`, where
 * the static operand (a name, a condition, a tag, a reason) is in brackets,
 * and the attributes are `!fsN` (its frame state), `!fb ...` (feedback from
 * the interpreter) and `@PC` (the bytecode pc it came from). Instructions
 * without a result omit `vN = TYPE`. `_` in a frame state is a local that is
 * dead at that pc (never read before being overwritten): the interpreter
 * resumes with null there. A block label may end in `!backedges N`
 * (profile), `!entry fsN` (sc_blk.entry_fs; that state is printed first
 * in the block) and `!cold` (sc_blk.cold). `;` starts a comment. */
#ifndef SC_IR_H
#define SC_IR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "shapec/bytecode.h"
#include "shapec/feedback.h"
#include "ssa/arena.h"

typedef enum sc_ty { SC_TY_VOID, SC_TY_VAL, SC_TY_I64, SC_TY_F64, SC_TY_BOOL, SC_TY_PTR, SC_NTY } sc_ty;

/* Opcode flags. */
#define IRF_TERM 1u  /* ends a block */
#define IRF_SIDE 2u  /* writes the heap, globals or output: never removed or reordered */
#define IRF_THROW 4u /* may leave compiled code (runtime error or deopt): has a frame state */
#define IRF_PURE 8u  /* the result depends on the operands only (CSE-able; with THROW, if it stays) */
#define IRF_READ 16u /* reads mutable heap or global state */
#define IRF_ALLOC 32u /* a new object: with THROW it leaves only when out of memory, so an unused one may go */

typedef enum sc_irop {
#define IROP(name, flags, res, sig, sk) IR_##name,
#define GENOP(name, flags, res, sig, sk) IR_##name,
#include "ssa/irops.def"
#undef IROP
#undef GENOP
  IR_NOPS
} sc_irop;

/* icmp/fcmp conditions (aux). The unsigned ones (ult...) are icmp's only:
 * one compare for a bounds check, 0 <= i < n as (u64)i < (u64)n. */
typedef enum sc_cond {
  SC_CC_EQ, SC_CC_NE, SC_CC_LT, SC_CC_LE, SC_CC_GT, SC_CC_GE,
  SC_CC_ULT, SC_CC_ULE, SC_CC_UGT, SC_CC_UGE,
  SC_NCONDS
} sc_cond;
static inline bool sc_cond_unsigned(sc_cond c) { return c >= SC_CC_ULT; }
/* The condition that holds exactly when c does not (on ints: for floats
 * only eq and ne invert, NaN being neither lt nor ge). */
static inline sc_cond sc_cond_negated(sc_cond c) {
  static const sc_cond n[SC_NCONDS] = {SC_CC_NE, SC_CC_EQ,  SC_CC_GE,  SC_CC_GT,  SC_CC_LE,
                                       SC_CC_LT, SC_CC_UGE, SC_CC_UGT, SC_CC_ULE, SC_CC_ULT};
  return n[c];
}
/* The condition of the same compare with its operands swapped. */
static inline sc_cond sc_cond_swapped(sc_cond c) {
  static const sc_cond s[SC_NCONDS] = {SC_CC_EQ, SC_CC_NE,  SC_CC_GT,  SC_CC_GE,  SC_CC_LT,
                                       SC_CC_LE, SC_CC_UGT, SC_CC_UGE, SC_CC_ULT, SC_CC_ULE};
  return s[c];
}

/* Why compiled code leaves (guard, deopt: aux): shapec/reasons.def, the
 * same numbers as compiler.h's SC_REASON_*. */
typedef enum sc_reason {
#define REASON(n, w, t) SC_RS_##n,
#include "shapec/reasons.def"
#undef REASON
  SC_NREASONS
} sc_reason;

/* Feedback attached to an instruction: a copy of the interpreter's slot for
 * the bytecode instruction it came from. For GetProp/SetProp the entries
 * are shape ids + 1 (0: the receiver was not an object), so the text is
 * stable; shape[] keeps the shapes themselves when lifted from a live VM
 * (NULL when parsed from text). Shapes are never freed while their VM lives. */
typedef struct sc_irfb {
  sc_fb_slot s;
  uint16_t bcop; /* the sc_op the slot belongs to: decides how entries read */
  const sc_shape *shape[SC_FB_MAX];
} sc_irfb;

typedef struct sc_ins {
  uint16_t op;   /* sc_irop */
  uint8_t ty;    /* sc_ty of the result, VOID if none */
  uint8_t dead;  /* removed */
  uint32_t blk;  /* the block it is in */
  uint32_t nargs;
  int32_t fs;    /* frame state (IRF_THROW ops), -1 if none */
  uint32_t *args;
  int64_t imm;   /* param index, constant, function index (see irops.def) */
  int32_t aux;   /* local, global, name, builtin, cond, tag or reason */
  int32_t pc;    /* bytecode pc it came from, -1 if none */
  sc_irfb *fb;   /* feedback, or NULL */
  uint32_t succ[2]; /* jmp, br: target blocks */
} sc_ins;

typedef struct sc_blk {
  uint32_t *ins; /* instruction ids: phis, body, terminator */
  uint32_t nins, cins;
  uint32_t *preds; /* predecessor blocks; a block appears once per edge */
  uint32_t npreds, cpreds;
  int32_t bcpc;      /* bytecode pc it starts at, -1 if none */
  uint32_t backedges; /* profile: back-edges taken to bcpc (0 if none) */
  int32_t entry_fs;   /* a loop header lifted with a profile: the frame state at bcpc
                         as the block is entered (its values are the block's phis or
                         values from before it), for guards hoisted to the loop's
                         preheader; -1 if none. Text: `bN: ... !entry fsM` */
  uint8_t dead;
  uint8_t cold;       /* rarely run (an exit, an error path: pass lower): laid out
                         after the rest. Text: `bN: ... !cold` */
} sc_blk;

/* A frame state: where the interpreter resumes when compiled code leaves at
 * an instruction (the bytecode pc of that instruction, with the operand
 * stack as before it executes), and the values of every local then every
 * operand-stack slot, bottom first. A local's value is 0 when the local is
 * dead at pc (the interpreter gets null). Values in frame states are uses:
 * they must dominate the instruction, and DCE keeps them. */
typedef struct sc_fs {
  uint32_t func; /* function index in the program */
  uint32_t pc;
  uint32_t nlocals, nstack;
  uint32_t *vals;  /* nlocals + nstack value ids */
  int32_t parent;  /* the caller's frame state for inlined code, -1 if none */
} sc_fs;

/* A loop of the loop nesting forest. A reducible loop has one entry, its
 * header, which dominates the body. An irreducible loop (a cycle entered at
 * several blocks) lists every entry; `header` is then the entry first in
 * reverse post-order, and passes that need a single-entry loop (a preheader,
 * an induction variable) must leave it alone. */
typedef struct sc_loop {
  uint32_t header;
  int32_t parent; /* enclosing loop, -1 if outermost */
  uint32_t depth; /* 1 for an outermost loop */
  bool irreducible;
  uint32_t *entries, nentries; /* blocks entered from outside the loop */
  uint32_t *blocks, nblocks;   /* the body, nested loops included; header first */
  uint32_t *latches, nlatches; /* blocks with a back-edge (an edge to an entry) */
  uint32_t *exits, nexits;     /* blocks outside the loop entered from inside */
} sc_loop;

typedef struct sc_irfunc {
  sc_arena *arena;
  const sc_program *prog;
  uint32_t func;       /* the function's index in prog */
  const char *name;
  uint32_t nparams, nlocals;
  const char **local_names; /* nlocals */
  uint8_t *local_kinds;     /* nlocals sc_kind: the declared kind of each local */
  uint64_t calls;           /* profile: calls counted by the interpreter; part of
                               the IR as feedback is (text `!calls N`): inline
                               scales a callee's counts by it */
  int32_t osr_pc;           /* -1; else an OSR compilation entered at this loop
                               header pc: `param k` is frame slot k (locals,
                               then the operand stack), text `osr @PC` */
  uint64_t esig;            /* 0; else the function has a typed entry (pass entry)
                               of this signature (sc_entry_*), text `!entry
                               T(T, ...)`: a typed `param k` is an argument of it */
  const uint64_t *callee_esig; /* per function of the program: its code's typed entry
                               when compiling (the tier manager's snapshot; 0: none),
                               for calls to take; NULL: none known (not in the text) */
  sc_ins *ins;
  uint32_t nins, cins;
  sc_blk *blk;
  uint32_t nblk, cblk;
  sc_fs *fs;
  uint32_t nfs, cfs;
  /* Analyses: sc_ir_dom fills the first group, sc_ir_loops the second.
   * A pass that changes the CFG calls sc_ir_invalidate. */
  uint32_t *rpo, nrpo;  /* reachable blocks in reverse post-order */
  uint32_t *rpo_index;  /* per block; UINT32_MAX if unreachable */
  int32_t *idom;        /* immediate dominator; -1 for b0 and unreachable blocks */
  int32_t *dom_child, *dom_sibling; /* dominator tree: first child, next sibling (-1: none) */
  uint32_t *dom_pre, *dom_post;     /* dominator tree DFS numbers: O(1) dominance */
  sc_loop *loops;       /* the forest in pre-order: a parent before its children */
  uint32_t nloops;
  int32_t *loop_of;     /* innermost loop of each block, -1 if none */
  bool irreducible;     /* some loop is irreducible */
} sc_irfunc;

/* A typed entry's signature (sc_ir_entry_sig): bits 0-2 the number of
 * parameters, then two bits each, SC_TY - SC_TY_VAL (0: a val, in the
 * frame as the interpreter passes it; else i64, f64 or bool, an i64
 * argument of its own), then two bits for the result; SC_ENTRY_MARK set.
 * 0: no typed entry. Callers compare it whole with the callee's. */
#define SC_ENTRY_MAXPARAMS 7u
#define SC_ENTRY_MAXARGS 4u /* typed parameters: registers after (vm, frame) */
#define SC_ENTRY_MARK (1u << 30)
static inline uint32_t sc_entry_nparams(uint64_t sig) { return (uint32_t)(sig & 7); }
static inline sc_ty sc_entry_param(uint64_t sig, uint32_t k) { return (sc_ty)(SC_TY_VAL + ((sig >> (3 + 2 * k)) & 3)); }
static inline sc_ty sc_entry_result(uint64_t sig) {
  return (sc_ty)(SC_TY_VAL + ((sig >> (3 + 2 * SC_ENTRY_MAXPARAMS)) & 3));
}
/* The signature of a result type and nparams parameter types. */
uint64_t sc_entry_sig(sc_ty result, const uint8_t *params, uint32_t nparams);

/* Opcode information. */
const char *sc_irop_name(unsigned op);
int sc_irop_by_name(const char *name, size_t len); /* -1 if unknown */
unsigned sc_irop_flags(unsigned op);
char sc_irop_result(unsigned op);   /* 'v','i','f','b','p','n','t' (irops.def) */
const char *sc_irop_sig(unsigned op);
int sc_irop_bcop(unsigned op);      /* the sc_op of a generic op, -1 for core ops */
int sc_irop_of_bcop(sc_op op);      /* the generic op of a bytecode op, -1 if none */
/* The kind of an op's bracketed static operand (irops.def's column). */
typedef enum sc_static_kind {
  SC_SK_NONE,
  SC_SK_TAG,     /* aux: sc_tag, by IR name */
  SC_SK_COND,    /* aux: sc_cond */
  SC_SK_REASON,  /* aux: sc_reason */
  SC_SK_LOCAL,   /* aux: a local of the function, by name */
  SC_SK_GLOBAL,  /* aux: a global of the program, by name */
  SC_SK_NAME,    /* aux: a property name id, by name */
  SC_SK_BUILTIN, /* aux: sc_builtin */
  SC_SK_NUM,     /* aux: a number written #n (a slot, a shape id) */
  SC_SK_FUNC,    /* imm: a function of the program, by name */
  SC_SK_HELPER   /* aux: a helper compiled code calls (helpers.def), by name */
} sc_static_kind;
sc_static_kind sc_irop_static(unsigned op);
/* May op appear in LIR (after pass lower)? Not the generic ops and the
 * typed ops lower rewrites (param, guard, ldslot, Call, ret, ...). */
bool sc_irop_in_lir(unsigned op);
/* May instruction in appear in LIR? Its op may, or it is a typed entry's
 * typed parameter (an argument register). */
#define sc_ins_in_lir(in) (sc_irop_in_lir((in)->op) || ((in)->op == IR_param && (in)->ty != SC_TY_VAL))
/* Is op one only LIR has (vpay and after)? */
static inline bool sc_irop_lir_only(unsigned op) {
  return op >= IR_vpay && op < IR_NOPS && op != IR_rettag; /* rettag: appended later, before lower */
}

/* The helpers compiled code calls (ssa/helpers.def), by number. */
enum {
#define HELPER(n, ...) SC_H_##n,
#include "ssa/helpers.def"
#undef HELPER
  SC_NHELPERS
};
typedef struct sc_helper_info {
  const char *name; /* helpers.def's name */
  const char *sig;  /* helpers.def's signature */
} sc_helper_info;
extern const sc_helper_info sc_helpers[SC_NHELPERS];
static inline unsigned sc_ir_flags(const sc_ins *in) { return sc_irop_flags(in->op); }
const char *sc_ty_name(sc_ty t);
const char *sc_cond_name(sc_cond c);
const char *sc_reason_name(sc_reason r);
/* How --trace-deopt says it. */
const char *sc_reason_text(sc_reason r);
const char *sc_tag_ir_name(sc_tag t); /* null bool int float string array object map function */

/* Building. Instructions start with fs = pc = -1. Appending a phi puts it
 * after the block's other phis; sc_ir_insert puts an instruction at index
 * `at` of the block's list. */
sc_irfunc *sc_ir_new(sc_arena *a, const sc_program *prog, uint32_t func, const char *name, uint32_t nparams,
                     uint32_t nlocals);
/* Room for this many instructions and blocks in all (a size hint). */
void sc_ir_reserve(sc_irfunc *f, uint32_t nins, uint32_t nblk);
uint32_t sc_ir_block(sc_irfunc *f);
uint32_t sc_ir_append(sc_irfunc *f, uint32_t blk, sc_irop op, sc_ty ty, uint32_t nargs);
uint32_t sc_ir_insert(sc_irfunc *f, uint32_t blk, uint32_t at, sc_irop op, sc_ty ty, uint32_t nargs);
void sc_ir_set_nargs(sc_irfunc *f, uint32_t v, uint32_t nargs); /* resizes args (new ones 0) */
void sc_ir_add_pred(sc_irfunc *f, uint32_t blk, uint32_t pred);
/* Removes predecessor k of blk and its phi operands; sc_ir_remove_edge
 * one edge from -> to (the last one listed). */
void sc_ir_remove_pred_at(sc_irfunc *f, uint32_t blk, uint32_t k);
void sc_ir_remove_edge(sc_irfunc *f, uint32_t from, uint32_t to);
/* Blocks no path from b0 reaches go, with their edges and phi operands
 * (compacts); whether any went. */
bool sc_ir_remove_unreachable(sc_irfunc *f);
/* `br c, X, Y` ending block b becomes `jmp X` (taken) or `jmp Y`; the
 * edge not taken goes (one of two when X == Y). */
void sc_ir_fold_branch(sc_irfunc *f, uint32_t b, bool taken);
int32_t sc_ir_new_fs(sc_irfunc *f, uint32_t func, uint32_t pc, uint32_t nlocals, uint32_t nstack);
uint32_t sc_ir_fs_nvals(const sc_fs *s);

/* Who reads each value (args only; dead instructions and blocks skipped),
 * from the arena: the users of v are list[start[v] .. start[v + 1]). */
typedef struct sc_ir_users {
  uint32_t *start, *list;
} sc_ir_users;
sc_ir_users sc_ir_users_of(sc_irfunc *f);

/* CFG. */
uint32_t sc_ir_term(const sc_irfunc *f, uint32_t blk); /* terminator id, 0 if none */
int sc_ir_succs(const sc_irfunc *f, uint32_t blk, uint32_t succ[2]); /* count; br to one block twice: 2 */
/* Does block b start with a phi? */
static inline bool sc_ir_has_phis(const sc_irfunc *f, uint32_t b) {
  return f->blk[b].nins && f->ins[f->blk[b].ins[0]].op == IR_phi;
}
/* Moves instructions [at..) of block b (its terminator among them, no
 * phis) to a new block, which takes over b's successors; b is left without
 * a terminator for the caller to add. Returns the new block. */
uint32_t sc_ir_split_block(sc_irfunc *f, uint32_t b, uint32_t at);
/* The number of times each value is an operand of a live instruction
 * (frame states not counted), nins entries in f's arena. */
uint32_t *sc_ir_arg_uses(sc_irfunc *f);
/* Moves instruction v from its block to the end of block p, before p's
 * terminator (code motion: hoist, licm). */
void sc_ir_move_to_end(sc_irfunc *f, uint32_t v, uint32_t p);
/* Where instruction v stands in its block's list. */
uint32_t sc_ir_index_in_block(const sc_irfunc *f, uint32_t v);
/* x as block p, outside loop l (its preheader), can read it: a constant of
 * the loop gets its own copy there, inserted at *at (then advanced);
 * anything else must be defined before the loop. */
uint32_t sc_ir_outside_loop(sc_irfunc *f, uint32_t l, uint32_t p, uint32_t *at, uint32_t x);
/* Drops the CFG analyses (dominators, loops): call after changing edges. */
void sc_ir_invalidate(sc_irfunc *f);

/* Editing. */
void sc_ir_replace_uses(sc_irfunc *f, uint32_t from, uint32_t to); /* args and frame states */
/* Replaces every use of v by fwd[v] where v < nfwd and fwd[v] != 0,
 * following chains; one linear walk for any number of replacements.
 * Instructions added after fwd was sized (v >= nfwd) stay as they are. */
void sc_ir_forward(sc_irfunc *f, uint32_t *fwd, uint32_t nfwd);
/* Drops dead instructions from block lists, and dead blocks' contents. */
void sc_ir_compact(sc_irfunc *f);
/* Removes redundant phis: trivial ones (every operand the same value or the
 * phi itself) and groups of phis that only reach each other and one outside
 * value (Braun et al. 2013, section 3.2). Returns whether any phi went. */
bool sc_ir_remove_redundant_phis(sc_irfunc *f);
/* The same, after forwarding the values fwd[0..n) names (fwd[v] != 0:
 * v, already flagged dead, is fwd[v]); for the lifter. */
bool sc_ir_remove_redundant_phis_after(sc_irfunc *f, const uint32_t *fwd, uint32_t n);

/* Analyses. */
void sc_ir_dom(sc_irfunc *f);                                 /* rpo, idom, dominator tree */
bool sc_ir_dominates(const sc_irfunc *f, uint32_t a, uint32_t b); /* block a dominates b */
void sc_ir_loops(sc_irfunc *f);                               /* the loop forest (runs sc_ir_dom) */
bool sc_ir_loop_contains(const sc_irfunc *f, uint32_t loop, uint32_t blk);
/* The preheader of a reducible loop: a block whose only successor is the
 * header and that is the header's only predecessor outside the loop. It is
 * created when missing (the analyses are then recomputed; loop ids stay the
 * same). -1 for an irreducible loop. */
int32_t sc_ir_preheader(sc_irfunc *f, uint32_t loop);

/* Text. */
void sc_ir_print(sc_irfunc *f, FILE *out);
void sc_ir_print_ins(sc_irfunc *f, uint32_t id, FILE *out); /* one line, no frame state */
void sc_ir_print_fs(sc_irfunc *f, int32_t fs, FILE *out);   /* one `fsN = state ...` line */
void sc_ir_print_loops(sc_irfunc *f, FILE *out);            /* the loop forest, as comments */
/* Graphviz: one digraph (begin, then each function's CFG as a cluster,
 * fn distinct per function, loops as nested clusters, then end). */
void sc_ir_dot_begin(FILE *out, const char *title);
void sc_ir_print_dot(sc_irfunc *f, uint32_t fn, FILE *out);
void sc_ir_dot_end(FILE *out);
/* Parses text holding one or more functions. Names it uses (functions,
 * globals, properties, constants) are looked up in prog or added to it; a
 * function is known by its `func` line, so calls may refer to functions
 * defined later in the text. Returns the number of functions (their list
 * in *out) or 0 with `FILE:LINE:COL: error:` diagnostics. */
uint32_t sc_ir_parse_all(sc_arena *a, sc_program *prog, const char *filename, const char *src, size_t len,
                         sc_diags *diags, sc_irfunc ***out);
/* The same for text holding exactly one function. */
sc_irfunc *sc_ir_parse(sc_arena *a, sc_program *prog, const char *filename, const char *src, size_t len,
                       sc_diags *diags);

/* Does printing f, parsing that and printing again give the same text?
 * Says what differs on err (when not NULL) if not. */
bool sc_ir_roundtrips(sc_irfunc *f, FILE *err);

/* Verifier: 0 if well-formed; else -1 with messages (`FUNC: ...`) in diags. */
int sc_ir_verify(sc_irfunc *f, sc_diags *diags);

/* Lifting bytecode function `func` of prog (which passed sc_verify) to SSA;
 * prof (from sc_vm_profile) may be NULL: no feedback. */
sc_irfunc *sc_lift(sc_arena *a, const sc_program *prog, uint32_t func, const sc_profile *prof);
/* The same for an OSR entry at loop header pc (a jump target other than 0;
 * NULL otherwise): the function as entered there from the interpreter's
 * frame, with `param k` reading frame slot k (ir.h: osr_pc). */
sc_irfunc *sc_lift_osr(sc_arena *a, const sc_program *prog, uint32_t func, const sc_profile *prof, uint32_t pc);

#endif
