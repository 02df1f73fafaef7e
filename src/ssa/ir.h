/* shapec SSA IR: the one header every pass and backend includes.
 *
 * A function is flat arrays indexed by small ids: instructions (values) in
 * f->ins (id 0 is reserved for "none"), blocks in f->blk, frame states in
 * f->fs. A block lists its instruction ids in order: phis first, the
 * terminator last. Everything is allocated in the function's arena.
 *
 * Text form (printed by sc_ir_print, read back by sc_ir_parse):
 *   func fib(n) {                 (or: func main() locals(i, sum) {)
 *   b0:
 *     v1 = val param 0
 *     jmp b1
 *   b1:  ; preds b0               (the list fixes the order of phi operands)
 *     v1 = val param 0
 *     v2 = val const 2
 *     fs0 = state fib@2 [v1 | v1, v2]
 *     v3 = val LtInt v1, v2 !fs0 !fb mono(int,int)
 *     br v3, b1, b2
 *   ...
 *   }
 */
#ifndef SC_IR_H
#define SC_IR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "shapec/bytecode.h"
#include "shapec/feedback.h"
#include "ssa/arena.h"

typedef enum sc_ty { SC_TY_VOID, SC_TY_VAL, SC_TY_I64, SC_TY_F64, SC_TY_BOOL, SC_TY_PTR, SC_NTY } sc_ty;

#define IRF_TERM 1u
#define IRF_SIDE 2u
#define IRF_THROW 4u
#define IRF_PURE 8u

typedef enum sc_irop {
#define IROP(name, flags) IR_##name,
#include "ssa/irops.def"
#undef IROP
  IR_NOPS
} sc_irop;

typedef struct sc_ins {
  uint16_t op; /* sc_irop */
  uint8_t ty;  /* sc_ty of the result */
  uint8_t dead;
  uint32_t blk;
  uint32_t nargs;
  uint32_t *args;
  int64_t imm;
  int32_t aux;
  int32_t fs; /* frame state, -1 if none */
  int32_t pc; /* bytecode pc it came from, -1 if none */
  sc_fb_slot *fb;
  uint32_t succ[2];
} sc_ins;

typedef struct sc_blk {
  uint32_t *ins;
  size_t nins, cins;
  uint32_t *preds;
  size_t npreds, cpreds;
  int32_t bcpc; /* bytecode pc of its first instruction, -1 if none */
  uint8_t dead;
} sc_blk;

/* Where the interpreter resumes if compiled code leaves at this point: the
 * values of every local and of every operand-stack slot, bottom first. */
typedef struct sc_fs {
  uint32_t func;
  uint32_t pc;
  uint32_t nlocals, nstack;
  uint32_t *vals; /* nlocals + nstack value ids */
  int32_t parent; /* caller's frame state for inlined code, -1 if none */
} sc_fs;

typedef struct sc_loop {
  uint32_t header;
  int32_t parent; /* enclosing loop, -1 if none */
  uint32_t depth;
  uint32_t *blocks; /* body, header included */
  size_t nblocks;
  uint32_t *latches; /* blocks with a back-edge to the header */
  size_t nlatches;
  uint32_t *exits; /* blocks outside the loop entered from inside it */
  size_t nexits;
} sc_loop;

typedef struct sc_irfunc {
  sc_arena *arena;
  const sc_program *prog;
  const sc_func *bcf; /* the bytecode function, when lifted */
  const char *name;
  uint32_t nparams, nlocals;
  const char **local_names; /* nlocals */
  sc_ins *ins;
  size_t nins, cins;
  sc_blk *blk;
  size_t nblk, cblk;
  sc_fs *fs;
  size_t nfs, cfs;
  /* Analyses (sc_ir_dom, sc_ir_loops), valid until the CFG changes. */
  uint32_t *rpo; /* reachable blocks in reverse post-order */
  size_t nrpo;
  int32_t *idom; /* per block, -1 for the entry and unreachable blocks */
  uint32_t *rpo_index;
  sc_loop *loops;
  size_t nloops;
  int32_t *loop_of; /* innermost loop per block, -1 if none */
  bool irreducible;  /* some cycle has more than one entry */
} sc_irfunc;

static inline sc_ins *sc_ir_ins(sc_irfunc *f, uint32_t v) { return &f->ins[v]; }
static inline unsigned sc_irop_flags(unsigned op) {
  static const uint8_t fl[] = {
#define IROP(name, flags) flags,
#include "ssa/irops.def"
#undef IROP
  };
  return op < IR_NOPS ? fl[op] : 0;
}
const char *sc_irop_name(unsigned op);
const char *sc_ty_name(sc_ty t);
/* Effective flags of an instruction (a `bc` takes them from its opcode). */
unsigned sc_ir_flags(const sc_ins *in);

/* Building */
sc_irfunc *sc_ir_new(sc_arena *a, const sc_program *prog, const char *name, uint32_t nparams, uint32_t nlocals);
uint32_t sc_ir_block(sc_irfunc *f);
uint32_t sc_ir_append(sc_irfunc *f, uint32_t blk, sc_irop op, sc_ty ty, uint32_t nargs);
void sc_ir_add_pred(sc_irfunc *f, uint32_t blk, uint32_t pred);
int32_t sc_ir_new_fs(sc_irfunc *f, uint32_t func, uint32_t pc, uint32_t nlocals, uint32_t nstack);
void sc_ir_succs(const sc_irfunc *f, uint32_t blk, uint32_t succ[2], int *n);
uint32_t sc_ir_term(const sc_irfunc *f, uint32_t blk); /* terminator id, 0 if none */
/* Replaces every use of `from` (args and frame states) with `to`. */
void sc_ir_replace_uses(sc_irfunc *f, uint32_t from, uint32_t to);
/* Drops dead instructions and dead blocks' contents from block lists. */
void sc_ir_compact(sc_irfunc *f);
/* Replaces phis whose operands are all one value by that value. */
bool sc_ir_fold_trivial_phis(sc_irfunc *f);

/* Analyses */
void sc_ir_dom(sc_irfunc *f);
bool sc_ir_dominates(const sc_irfunc *f, uint32_t a, uint32_t b);
void sc_ir_loops(sc_irfunc *f);
/* Gives loop `l` a preheader (a block whose only successor is the header
 * and that is the header's only non-latch predecessor); returns its id. */
uint32_t sc_ir_preheader(sc_irfunc *f, uint32_t l);

/* Text */
void sc_ir_print(sc_irfunc *f, FILE *out);
void sc_ir_print_dot(sc_irfunc *f, FILE *out);
/* Parses the text form; NULL with diagnostics on error. prog receives the
 * constants and names the text mentions (it may be a fresh program). */
sc_irfunc *sc_ir_parse(sc_arena *a, sc_program *prog, const char *filename, const char *src, size_t len,
                       sc_diags *diags);

/* Verifier: 0 if well-formed, else messages in diags (line 0). */
int sc_ir_verify(sc_irfunc *f, sc_diags *diags);

/* Lifting bytecode to SSA; prof may be NULL (no feedback). */
sc_irfunc *sc_lift(sc_arena *a, const sc_program *prog, uint32_t func, const sc_profile *prof);

#endif
