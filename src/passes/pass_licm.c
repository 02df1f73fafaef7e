/* licm: loop-invariant code moves to the loop's preheader. Loops are taken
 * innermost first, so code climbs out of a nest one preheader at a time.
 * An instruction of the loop moves when its operands are defined outside
 * the loop (or moved before it) and it is
 *  - pure and cannot leave: computing it once early changes nothing, even
 *    when the loop would not have run it (unbox only reads a payload);
 *    float constants too (other constants stay: immediates);
 *  - a load (effects.c: sc_load_mem) of memory no instruction of the loop
 *    may write (sc_clobbers), that cannot fault where it lands: a global,
 *    or a shape, kind, length, storage or field of a value a dominating guard shows
 *    to be an object (with that field) or an array, as hoist requires.
 *    Elements are not moved: nothing here knows the index in bounds;
 *  - a typed op that may leave to the interpreter (an overflow check, a
 *    division, f2i) and that every iteration runs, when the header has an
 *    entry state (ir.h: entry_fs; hoist drops them, so licm runs before
 *    it): it leaves at that state read on the preheader edge, before the
 *    first iteration, and the interpreter runs the whole loop, as hoisted
 *    guards do. Generic ops stay: their failures are runtime errors, not
 *    rare speculation failures, and a loop entered with such operands
 *    would leave before every run of it.
 * Irreducible loops are left alone. */
#include "passes/passes.h"

static bool in_loop(const sc_irfunc *f, uint32_t l, uint32_t v) { return sc_ir_loop_contains(f, l, f->ins[v].blk); }

static bool leaves_to_interpreter(unsigned op) {
  switch (op) {
  case IR_iadd_ovf: case IR_isub_ovf: case IR_imul_ovf: case IR_ineg_ovf: case IR_idiv: case IR_imod: case IR_f2i:
    return true;
  default: return false;
  }
}

static bool every_iteration(const sc_irfunc *f, const sc_loop *L, uint32_t b) {
  for (uint32_t k = 0; k < L->nlatches; k++)
    if (!sc_ir_dominates(f, b, L->latches[k])) return false;
  return true;
}

/* May v move out of loop l, what it reads aside: p is the preheader, or
 * -1 before there is one (then no safety checks needed yet). */
static bool movable(sc_irfunc *f, uint32_t l, uint32_t v, unsigned writes, int32_t p) {
  const sc_ins *in = &f->ins[v];
  unsigned fl = sc_irop_flags(in->op), mem = sc_load_mem(in->op);
  /* a float constant is an address and a load each time (no immediate
   * form): once before the loop, it stays in a register */
  if (in->op == IR_const && in->ty == SC_TY_F64) return true;
  if (in->op == IR_phi || sc_is_constant(in->op) || (fl & (IRF_SIDE | IRF_TERM))) return false;
  for (uint32_t k = 0; k < in->nargs; k++)
    if (in_loop(f, l, in->args[k]) && !sc_is_constant(f->ins[in->args[k]].op)) return false;
  if (mem) {
    if ((mem & writes) || mem == SC_MEM_ELEM || mem == SC_MEM_RAW) return false;
    if (p < 0) return true;
    switch (in->op) {
    case IR_hasshape: return sc_tag_known(f, in->args[0], SC_OBJECT, (uint32_t)p);
    case IR_ldslot: return sc_slot_known(f, in->args[0], (uint32_t)in->aux, (uint32_t)p);
    case IR_elemkind: case IR_arrlen: case IR_arrdata: return sc_tag_known(f, in->args[0], SC_ARRAY, (uint32_t)p);
    case IR_LoadGlobal: return true;
    default: return false;
    }
  }
  if (!(fl & IRF_PURE) || (fl & IRF_READ)) return false;
  if (sc_irop_lir_only(in->op)) return false; /* LIR: argbuf, ovf stay in their blocks */
  if (!(fl & IRF_THROW)) return true;
  const sc_loop *L = &f->loops[l];
  return leaves_to_interpreter(in->op) && f->blk[L->header].entry_fs >= 0 && every_iteration(f, L, in->blk);
}

/* Moves v to the end of p; constants of the loop it uses are copied there
 * (the loop keeps its own: a constant computed early would stay live
 * through the loop for the loop's other uses). */
static void move(sc_irfunc *f, uint32_t l, uint32_t v, uint32_t p) {
  for (uint32_t k = 0; k < f->ins[v].nargs; k++) {
    uint32_t a = f->ins[v].args[k];
    if (!in_loop(f, l, a)) continue;
    uint32_t c = sc_ir_insert(f, p, f->blk[p].nins - 1, f->ins[a].op, f->ins[a].ty, 0);
    f->ins[c].imm = f->ins[a].imm;
    f->ins[c].aux = f->ins[a].aux;
    f->ins[c].pc = f->ins[a].pc;
    f->ins[v].args[k] = c;
  }
  sc_ir_move_to_end(f, v, p);
}

/* Moves what can move out of loop l, in reverse post-order (a definition
 * before its uses, so chains move whole); how many. */
static uint32_t licm_loop(sc_irfunc *f, uint32_t l) {
  const sc_loop *L = &f->loops[l];
  if (L->irreducible) return 0;
  unsigned writes = sc_loop_clobbers(f, l);
  bool any = false;
  for (uint32_t i = 0; i < L->nblocks && !any; i++) {
    const sc_blk *bl = &f->blk[L->blocks[i]];
    for (uint32_t j = 0; j < bl->nins && !any; j++) any = movable(f, l, bl->ins[j], writes, -1);
  }
  if (!any) return 0;
  int32_t p = sc_ir_preheader(f, l); /* may recompute the analyses */
  if (p < 0) return 0;
  L = &f->loops[l];
  int32_t s = -1; /* the entry state on the preheader edge, made when first needed */
  uint32_t moved = 0;
  for (uint32_t i = 0; i < f->nrpo; i++) {
    uint32_t b = f->rpo[i];
    if (!sc_ir_loop_contains(f, l, b)) continue;
    for (uint32_t j = 0; j < f->blk[b].nins;) {
      uint32_t v = f->blk[b].ins[j];
      if (!movable(f, l, v, writes, p)) {
        j++;
        continue;
      }
      if (sc_irop_flags(f->ins[v].op) & IRF_THROW) {
        if (s < 0) s = sc_entry_state_from(f, L->header, (uint32_t)p);
        if (s < 0) {
          j++;
          continue;
        }
        f->ins[v].fs = s;
      }
      move(f, l, v, (uint32_t)p);
      moved++;
    }
  }
  return moved;
}

bool sc_pass_licm(sc_irfunc *f, sc_pass_ctx *ctx) {
  (void)ctx;
  sc_ir_loops(f);
  uint32_t moved = 0;
  /* pre-order puts a loop before the loops inside it: backwards, inner first */
  for (uint32_t l = f->nloops; l-- > 0;) moved += licm_loop(f, l);
  return moved != 0;
}
