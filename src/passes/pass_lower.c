/* lower: typed SSA to LIR (irops.def's last group), the one lowering both
 * backends share:
 *  - parameters, globals, object slots and shapes, array lengths, kinds
 *    and elements become loads and stores at [ptr + offset], with the
 *    offsets of the runtime's layout table; vals are taken apart (tagof,
 *    vpay) and put together (mkval);
 *  - generic ops call their helper (callh, helpers.def) with (tag, payload)
 *    operands, arguments in the argument buffer, the result in the out
 *    slot, and leave at their frame state when it returns false (check);
 *  - guards become checks (and, with --deopt-stress, a check of
 *    sc_jh_stress), checkkind a tag check or the helper, fmod the helper,
 *    ret and halt a store of the result and a status to return (retst);
 *  - a function's entry checks native stack room (stack_check).
 * Control flow is unchanged: the dominator and loop analyses stay valid.
 * LIR ops and ops it does not rewrite stay as they are, so running it
 * twice changes nothing the second time. */
#include <string.h>

#include "passes/passes.h"
#include "runtime/layout.h"
#include "runtime/runtime.h"

typedef struct lc {
  sc_irfunc *f;
  uint32_t b, at; /* inserting before index `at` of block b */
  int32_t pc;
  uint32_t *fwd, nfwd; /* the replacement of each lowered value */
  bool stress;         /* --deopt-stress: guards also ask sc_jh_stress */
  uint32_t *exits, nexits; /* per frame state and reason: its exit block, 0 until made */
  uint8_t *room;       /* per instruction: a Call whose frame a framecheck has checked */
  uint32_t *split;     /* per ldelem/stelem: its invariant address part, or 0 (elem_at) */
} lc;

static uint32_t fwd(lc *c, uint32_t v) {
  while (v < c->nfwd && c->fwd[v]) v = c->fwd[v];
  return v;
}

/* A new instruction before the one being lowered. */
static uint32_t emit(lc *c, sc_irop op, sc_ty ty, int32_t aux, uint32_t a0, uint32_t a1) {
  uint32_t n = a1 ? 2 : a0 ? 1 : 0;
  uint32_t v = sc_ir_insert(c->f, c->b, c->at++, op, ty, n);
  sc_ins *in = &c->f->ins[v];
  in->aux = aux;
  in->pc = c->pc;
  if (n > 0) in->args[0] = fwd(c, a0);
  if (n > 1) in->args[1] = fwd(c, a1);
  return v;
}

/* callh[h] with operands x[0..n) (the helper's signature says the types). */
static uint32_t callh(lc *c, int h, uint32_t n, const uint32_t *x) {
  static const sc_ty res[128] = {['b'] = SC_TY_BOOL, ['w'] = SC_TY_I64, ['d'] = SC_TY_F64};
  uint32_t v = sc_ir_insert(c->f, c->b, c->at++, IR_callh, res[(unsigned char)sc_helpers[h].sig[0]], n);
  sc_ins *in = &c->f->ins[v];
  in->aux = h;
  in->pc = c->pc;
  for (uint32_t k = 0; k < n; k++) in->args[k] = fwd(c, x[k]);
  return v;
}

static uint32_t iconst(lc *c, int64_t k) {
  uint32_t v = emit(c, IR_const, SC_TY_I64, 0, 0, 0);
  c->f->ins[v].imm = k;
  return v;
}

static uint32_t tag(lc *c, uint32_t x) { return emit(c, IR_tagof, SC_TY_I64, 0, x, 0); }
static uint32_t pay(lc *c, uint32_t x) { return emit(c, IR_vpay, SC_TY_I64, 0, x, 0); }

static uint32_t ld(lc *c, sc_ty ty, uint32_t p, uint32_t off) { return emit(c, IR_ld, ty, (int32_t)off, p, 0); }

/* The raw value of x, a val known to be of type ty: a box's operand, else
 * its unbox. */
static uint32_t unboxed(lc *c, uint32_t x, sc_ty ty) {
  const sc_ins *b = &c->f->ins[fwd(c, x)];
  if (b->op == IR_box && c->f->ins[b->args[0]].ty == ty) return b->args[0];
  return emit(c, IR_unbox, ty, 0, x, 0);
}

/* The pointer in a val's payload (an object or array). */
static uint32_t payload_ptr(lc *c, uint32_t x) {
  return emit(c, IR_i2p, SC_TY_PTR, 0, emit(c, IR_vpay, SC_TY_I64, 0, x, 0), 0);
}

/* The val at [p + off]. */
static uint32_t ld_val(lc *c, uint32_t p, uint32_t off) {
  uint32_t t = ld(c, SC_TY_I64, p, off);
  uint32_t y = ld(c, SC_TY_I64, p, off + sc_layout_info.value_payload);
  return emit(c, IR_mkval, SC_TY_VAL, 0, t, y);
}

static void st(lc *c, uint32_t p, uint32_t off, uint32_t x) { emit(c, IR_st, SC_TY_VOID, (int32_t)off, p, x); }

/* [p + off] = x: a val as its tag and payload, a raw value as it is. */
static void st_val(lc *c, uint32_t p, uint32_t off, uint32_t x) {
  if (c->f->ins[fwd(c, x)].ty != SC_TY_VAL) {
    emit(c, IR_st, SC_TY_VOID, (int32_t)off, p, x);
    return;
  }
  emit(c, IR_st, SC_TY_VOID, (int32_t)off, p, emit(c, IR_tagof, SC_TY_I64, 0, x, 0));
  emit(c, IR_st, SC_TY_VOID, (int32_t)(off + sc_layout_info.value_payload), p,
       emit(c, IR_vpay, SC_TY_I64, 0, x, 0));
}

/* Array a's element storage. */
static uint32_t arr_data(lc *c, uint32_t a) { return ld(c, SC_TY_PTR, payload_ptr(c, a), sc_layout_info.array_d); }

/* Element i's address in storage d: 16-byte vals, 1-byte bools, 8-byte
 * raw ints and floats. */
static int32_t elem_shift(uint8_t ety) { return ety == SC_TY_VAL ? 4 : ety == SC_TY_BOOL ? 0 : 3; }
static uint32_t elem_addr(lc *c, uint32_t d, uint32_t i, uint8_t ety) {
  return emit(c, IR_padd, SC_TY_PTR, elem_shift(ety), d, i);
}

/* The address of element i of storage d for ldelem/stelem v: d + i, or
 * when split_addresses split it, (d + inv) + var. */
static uint32_t elem_at(lc *c, uint32_t v, uint32_t d, uint32_t i, uint8_t ety) {
  if (c->split && c->split[v]) {
    const sc_ins *x = &c->f->ins[i], *p = &c->f->ins[c->split[v]];
    return elem_addr(c, c->split[v], x->args[0] == p->args[1] ? x->args[1] : x->args[0], ety);
  }
  return elem_addr(c, d, i, ety);
}

/* An element access in a loop whose index is inv + var, that sum used only
 * there, with the storage and inv invariant in the loop (a[r*n + k] in the
 * k loop): the preheader computes d + inv, the access adds var (x86: the
 * load's base + index * 8 instead of a lea and the load). Returns per
 * access the preheader's padd, or NULL when there is none. The padd's
 * operands are forwarded to their lowered values with the rest. */
static uint32_t *split_addresses(sc_irfunc *f) {
  sc_ir_loops(f);
  if (!f->nloops) return NULL;
  const uint32_t *uses = sc_ir_arg_uses(f);
  uint32_t n = f->nins, *split = NULL;
  for (uint32_t v = 1; v < n; v++) {
    const sc_ins *in = &f->ins[v];
    if (in->dead || (in->op != IR_ldelem && in->op != IR_stelem) || f->loop_of[in->blk] < 0) continue;
    uint32_t L = (uint32_t)f->loop_of[in->blk], d = in->args[0], i = in->args[1];
    const sc_ins *x = &f->ins[i];
    if (x->op != IR_iadd || uses[i] != 1 || f->loops[L].irreducible || sc_ir_loop_contains(f, L, f->ins[d].blk)) continue;
    uint8_t ety = in->op == IR_ldelem ? in->ty : f->ins[in->args[2]].ty;
    for (unsigned k = 0; k < 2; k++) {
      uint32_t inv = x->args[k];
      if (sc_ir_loop_contains(f, L, f->ins[inv].blk) || !sc_ir_loop_contains(f, L, f->ins[x->args[1 - k]].blk)) continue;
      int32_t pre = sc_ir_preheader(f, L); /* may add a block (and move f->ins: in and x are not read after) */
      if (pre < 0) break;
      uint32_t at = f->blk[pre].nins - 1; /* before its jump */
      uint32_t p = sc_ir_insert(f, (uint32_t)pre, at, IR_padd, SC_TY_PTR, 2);
      f->ins[p].args[0] = d, f->ins[p].args[1] = inv;
      f->ins[p].aux = elem_shift(ety);
      f->ins[p].pc = f->ins[f->blk[pre].ins[at + 1]].pc;
      if (!split) {
        split = sc_arena_alloc(f->arena, n * sizeof *split);
        memset(split, 0, n * sizeof *split);
      }
      split[v] = p;
      f->ins[i].dead = 1; /* its one use no longer needs it (elem_at still reads its operands) */
      break;
    }
  }
  return split;
}

/* Appends terminator op (br on cond, or jmp) to block b. */
static void term(lc *c, uint32_t b, sc_irop op, uint32_t cond, uint32_t s0, uint32_t s1) {
  uint32_t v = sc_ir_append(c->f, b, op, SC_TY_VOID, op == IR_br);
  sc_ins *in = &c->f->ins[v];
  in->pc = c->pc;
  in->succ[0] = s0;
  sc_ir_add_pred(c->f, s0, b);
  if (op == IR_br) {
    in->args[0] = cond;
    in->succ[1] = s1;
    sc_ir_add_pred(c->f, s1, b);
  }
}

/* The tag of a typed value boxed. */
static const uint8_t boxed_tag[SC_NTY] = {[SC_TY_I64] = SC_INT, [SC_TY_F64] = SC_FLOAT, [SC_TY_BOOL] = SC_BOOL};

/* A deopt buffer's tag word (sc_jh_deopt): the tags of its first
 * SC_DEOPT_TAGGED slots, 4 bits each, written as data instead of stored
 * by the exit (0: the slot's tag is in the buffer). */
static void tag_nibble(uint64_t *word, uint32_t slot, uint64_t nib) {
  if (word && slot < SC_DEOPT_TAGGED) *word |= nib << (4 * slot);
}

/* [p + off] = x boxed: the interpreter's value of x (0: null). A constant
 * is written as one (its own definition may then go: exits are cold). A
 * tag known here goes into *word (when slot has a nibble there) instead of
 * the buffer. */
static void st_boxed(lc *c, uint32_t p, uint32_t off, uint32_t x, uint64_t *word, uint32_t slot) {
  uint32_t vp = off + sc_layout_info.value_payload;
  const sc_ins *k = x ? &c->f->ins[fwd(c, x)] : NULL;
  if (k && k->op == IR_box && (c->f->ins[k->args[0]].ty == SC_TY_I64 || c->f->ins[k->args[0]].ty == SC_TY_F64))
    x = k->args[0], k = &c->f->ins[x]; /* its tag is known, its payload is the raw value */
  sc_ty ty = k ? (sc_ty)k->ty : SC_TY_VOID;
  bool known = word && slot < SC_DEOPT_TAGGED;
  int64_t t = SC_NULL, y = 0;
  if (k && (k->op == IR_const || k->op == IR_null || k->op == IR_func) && ty != SC_TY_PTR) {
    t = boxed_tag[ty], y = ty == SC_TY_BOOL ? k->imm != 0 : k->imm;
    if (k->op == IR_null) t = SC_NULL, y = 0;
    else if (k->op == IR_func) t = SC_FUNC;
    else if (ty == SC_TY_VAL) t = c->f->prog->consts[k->imm].tag, y = c->f->prog->consts[k->imm].i;
  } else if (ty == SC_TY_VAL || ty == SC_TY_BOOL) {
    st_val(c, p, off, ty == SC_TY_VAL ? x : emit(c, IR_box, SC_TY_VAL, 0, x, 0));
    return;
  } else if (ty == SC_TY_I64 || ty == SC_TY_F64) { /* the payload is the raw value */
    if (known) tag_nibble(word, slot, SC_DEOPT_NIB_TAG + (uint64_t)boxed_tag[ty]);
    else st(c, p, off, iconst(c, boxed_tag[ty]));
    st(c, p, vp, x);
    return;
  }
  if (known) tag_nibble(word, slot, SC_DEOPT_NIB_TAG + (uint64_t)t);
  else st(c, p, off, iconst(c, t));
  st(c, p, vp, iconst(c, y));
}

/* Does frame slot k still hold x when compiled code leaves? When x is the
 * value read from slot k on entry (a parameter; an OSR entry's frame slot),
 * or its unbox: compiled code never writes the frame's locals. */
static bool slot_unchanged(const sc_irfunc *f, uint32_t x, uint32_t k) {
  if (!x) return false;
  const sc_ins *in = &f->ins[x];
  if (in->op == IR_unbox && in->nargs == 1) in = &f->ins[in->args[0]];
  return in->op == IR_param && in->ty == SC_TY_VAL && in->imm == (int64_t)k;
}

/* The header of a frame in sc_jh_deopt_inlined's buffer. */
static uint64_t header_tag(const sc_fs *s) { return s->func | (uint64_t)s->pc << 32; }
static uint64_t header_pay(const sc_fs *s) { return s->nlocals | (uint64_t)s->nstack << 32; }

/* The cold block leaving at frame state fs for `reason`, one per pair: it
 * stores every value of the state's frames (with a header per frame for
 * inlined code, outermost first) and returns the deopt helper's status. */
static uint32_t exit_block(lc *c, int32_t fs, int32_t reason) {
  sc_irfunc *f = c->f;
  uint32_t key = (uint32_t)fs * SC_NREASONS + (uint32_t)reason;
  if (key >= c->nexits) { /* frame states made while lowering (after_call) need room too */
    uint32_t n = (f->nfs + 16) * SC_NREASONS, *e = sc_arena_alloc(f->arena, (size_t)n * sizeof *e);
    memset(e, 0, (size_t)n * sizeof *e);
    if (c->exits) memcpy(e, c->exits, (size_t)c->nexits * sizeof *e);
    c->exits = e, c->nexits = n;
  }
  if (c->exits[key]) return c->exits[key];
  const sc_layout *L = &sc_layout_info;
  uint32_t sb = c->b, sat = c->at, e = sc_ir_block(f), frames = 0, slots = 0;
  f->blk[e].cold = 1;
  c->exits[key] = e;
  for (int32_t s = fs; s >= 0; s = f->fs[s].parent) frames++, slots += sc_ir_fs_nvals(&f->fs[s]);
  if (frames > 1) slots += frames;
  c->b = e, c->at = 0;
  uint32_t buf = emit(c, IR_argbuf, SC_TY_PTR, (int32_t)((slots ? slots : 1) * L->value_size), 0, 0), x[7], r;
  uint64_t word = 0;
  x[0] = emit(c, IR_vm, SC_TY_PTR, 0, 0, 0), x[1] = emit(c, IR_frame, SC_TY_PTR, 0, 0, 0);
  if (frames == 1) {
    const sc_fs *s = &f->fs[fs];
    uint32_t n = sc_ir_fs_nvals(s);
    for (uint32_t k = 0; k < n; k++) {
      if (k < s->nlocals && slot_unchanged(f, s->vals[k], k)) {
        if (k < SC_DEOPT_TAGGED) tag_nibble(&word, k, SC_DEOPT_NIB_KEEP);
        else st(c, buf, k * L->value_size, iconst(c, -1));
      } else
        st_boxed(c, buf, k * L->value_size, s->vals[k], &word, k);
    }
    x[2] = iconst(c, s->pc), x[3] = buf, x[4] = iconst(c, n), x[5] = iconst(c, reason), x[6] = iconst(c, (int64_t)word);
    r = callh(c, SC_H_deopt, 7, x);
  } else {
    int32_t *chain = sc_arena_alloc(f->arena, frames * sizeof *chain);
    int32_t s = fs;
    for (uint32_t j = frames; j--; s = f->fs[s].parent) chain[j] = s;
    uint32_t off = 0;
    for (uint32_t j = 0; j < frames; j++) {
      const sc_fs *cs = &f->fs[chain[j]];
      st(c, buf, off, iconst(c, (int64_t)header_tag(cs)));
      st(c, buf, off + L->value_payload, iconst(c, (int64_t)header_pay(cs)));
      off += L->value_size;
      for (uint32_t k = 0; k < sc_ir_fs_nvals(cs); k++, off += L->value_size)
        st_boxed(c, buf, off, cs->vals[k], &word, off / L->value_size);
    }
    x[2] = buf, x[3] = iconst(c, frames), x[4] = iconst(c, reason), x[5] = iconst(c, (int64_t)word);
    r = callh(c, SC_H_deopt_inlined, 6, x);
  }
  emit(c, IR_retst, SC_TY_VOID, 0, r, 0);
  c->b = sb, c->at = sat;
  return e;
}

/* Ends the block being lowered with a branch: to `to` when cond holds
 * (taken), else on (the rest of the block, where lowering goes on). */
static void branch_out(lc *c, uint32_t cond, uint32_t to, bool taken) {
  uint32_t rest = sc_ir_split_block(c->f, c->b, c->at);
  term(c, c->b, IR_br, cond, taken ? to : rest, taken ? rest : to);
  c->b = rest, c->at = 0;
}

/* Leaves at fs (for reason) unless cond. */
static void leave_unless(lc *c, uint32_t cond, int32_t fs, int32_t reason) {
  branch_out(c, cond, exit_block(c, fs, reason), false);
}

/* A call helper's status st: RET goes on, SC_JH_LEAVE leaves at fs, any
 * other is returned from the function (an error, the program's end). */
static void call_status(lc *c, uint32_t st, int32_t fs) {
  sc_irfunc *f = c->f;
  uint32_t ok = emit(c, IR_icmp, SC_TY_BOOL, SC_CC_EQ, st, iconst(c, SC_ST_RET));
  uint32_t other = sc_ir_block(f), ret = sc_ir_block(f);
  f->blk[other].cold = f->blk[ret].cold = 1;
  branch_out(c, ok, other, false);
  uint32_t rb = c->b, rat = c->at;
  c->b = other, c->at = 0;
  uint32_t lv = emit(c, IR_icmp, SC_TY_BOOL, SC_CC_EQ, st, iconst(c, SC_JH_LEAVE));
  term(c, other, IR_br, lv, exit_block(c, fs, SC_RS_CHECK), ret);
  c->b = ret, c->at = 0;
  emit(c, IR_retst, SC_TY_VOID, 0, st, 0);
  c->b = rb, c->at = rat;
}

/* The val a helper left in the out slot. */
static uint32_t take_out(lc *c, uint32_t out) { return ld_val(c, out, 0); }

/* Values args[from..) into a new argument buffer. */
static uint32_t spill(lc *c, const sc_ins *in, uint32_t from) {
  uint32_t n = in->nargs - from;
  uint32_t b = emit(c, IR_argbuf, SC_TY_PTR, (int32_t)((n ? n : 1) * sc_layout_info.value_size), 0, 0);
  for (uint32_t k = 0; k < n; k++) st_val(c, b, k * sc_layout_info.value_size, in->args[from + k]);
  return b;
}

/* A generic op: its helper's call; 0 if it is not one lowered here.
 * Operands are emitted one after the other (never as sibling arguments
 * of a C call, whose order C leaves open), so the text is the same with
 * every compiler. */
static uint32_t lower_generic(lc *c, uint32_t v, const sc_ins *in) {
  const uint32_t *a = in->args;
  uint32_t x[8], n = 0, out = 0, ok;
  int h;
#define VAL(y) (x[n] = tag(c, y), x[n + 1] = pay(c, y), n += 2)
#define K(k) (x[n] = iconst(c, k), n++)
#define OUT() (x[n++] = out = emit(c, IR_outslot, SC_TY_PTR, 0, 0, 0))
  x[n++] = emit(c, IR_vm, SC_TY_PTR, 0, 0, 0);
  switch (in->op) {
  case IR_StoreGlobal: h = SC_H_store_global, K(in->aux), VAL(a[0]); break; /* code may depend on the old value */
  case IR_Print: h = SC_H_print, VAL(a[0]); break;
  case IR_NewArray: x[n++] = spill(c, in, 0), h = SC_H_new_array, K(in->nargs), OUT(); break;
  case IR_NewObject: h = SC_H_new_object, OUT(); break;
  case IR_NewMap: h = SC_H_new_map, OUT(); break;
  case IR_ArrayNew: h = SC_H_array_new, VAL(a[0]), VAL(a[1]), OUT(); break;
  case IR_GetIndex: h = SC_H_get_index, VAL(a[0]), VAL(a[1]), OUT(); break;
  case IR_MapGet: h = SC_H_map_get, VAL(a[0]), VAL(a[1]), OUT(); break;
  case IR_MapHas: h = SC_H_map_has, VAL(a[0]), VAL(a[1]), OUT(); break;
  case IR_SetIndex: h = SC_H_set_index, VAL(a[0]), VAL(a[1]), VAL(a[2]); break;
  case IR_MapSet: h = SC_H_map_set, VAL(a[0]), VAL(a[1]), VAL(a[2]); break;
  case IR_ArrayLen: h = SC_H_array_len, VAL(a[0]), OUT(); break;
  case IR_ArrayPush: h = SC_H_array_push, VAL(a[0]), VAL(a[1]); break;
  case IR_GetProp: h = SC_H_get_prop, VAL(a[0]), K(in->aux), OUT(); break;
  case IR_SetProp: h = SC_H_set_prop, VAL(a[0]), K(in->aux), VAL(a[1]); break;
  case IR_CallBuiltin: h = SC_H_builtin, K(in->aux), x[n++] = spill(c, in, 0), OUT(); break;
  default:
    if (in->nargs < 1 || in->nargs > 2) return 0;
    h = in->nargs == 1 ? SC_H_unary : SC_H_binary, K(sc_irop_bcop(in->op)), VAL(a[0]);
    if (in->nargs == 2) VAL(a[1]);
    OUT();
  }
#undef VAL
#undef K
#undef OUT
  ok = callh(c, h, n, x);
  if (sc_irop_flags(in->op) & IRF_THROW) leave_unless(c, ok, in->fs, SC_RS_CHECK);
  return out ? take_out(c, out) : v;
}

/* The slots object x surely has: those it was made with, when made by
 * NewObject or allocobj here (the original instruction, lowered or not). */
static uint32_t new_room(const lc *c, uint32_t x) {
  const sc_ins *in = &c->f->ins[x];
  if (x >= c->nfwd) return 0;
  if (in->op == IR_NewObject) return sc_object_new_cap(NULL);
  if (in->op == IR_allocobj && in->imm) return sc_object_new_cap((const sc_shape *)(uintptr_t)in->imm);
  return 0;
}

static uint32_t op_func(lc *c, sc_irop op, uint32_t func, int32_t aux) {
  uint32_t v = emit(c, op, SC_TY_PTR, aux, 0, 0);
  c->f->ins[v].imm = func;
  return v;
}

static uint32_t frame_bytes(const sc_irfunc *f, uint32_t func) {
  const sc_func *fn = f->prog->funcs[func];
  return (fn->nlocals + fn->max_stack) * sc_layout_info.value_size;
}

/* The frame call `in` runs from, its function and the call's pc: fp, or
 * for a call in inlined code the innermost frame of its chain, once the
 * chain's frames above fp are written as the interpreter would have them
 * (traces, the depth limit). Nothing returns into
 * those: their ret stays unset. *fbase: the frame's base when written here
 * (then the fast path need not read it back), else 0. */
static uint32_t call_frame(lc *c, const sc_ins *in, uint32_t *self, uint32_t *bpc, uint32_t *fbase) {
  const sc_irfunc *f = c->f;
  const sc_layout *L = &sc_layout_info;
  uint32_t n = 0, fp = emit(c, IR_frame, SC_TY_PTR, 0, 0, 0);
  for (int32_t s = in->fs; s >= 0; s = f->fs[s].parent) n++;
  *fbase = 0;
  if (n <= 1) {
    *self = f->func;
    *bpc = in->pc >= 0 ? (uint32_t)in->pc : in->fs >= 0 ? f->fs[in->fs].pc : 0;
    return fp;
  }
  int32_t *chain = sc_arena_alloc(f->arena, n * sizeof *chain);
  int32_t s = in->fs;
  for (uint32_t j = n; j--; s = f->fs[s].parent) chain[j] = s;
  uint32_t base = ld(c, SC_TY_PTR, fp, L->frame_base), fr = fp, off = 0;
  for (uint32_t j = 0; j < n; j++) {
    const sc_fs *cs = &f->fs[chain[j]];
    if (j) {
      uint32_t k = iconst(c, (int64_t)j * L->frame_size);
      fr = emit(c, IR_padd, SC_TY_PTR, 0, fp, k);
      k = iconst(c, off);
      *fbase = emit(c, IR_padd, SC_TY_PTR, 0, base, k);
      st(c, fr, L->frame_base, *fbase);
      st(c, fr, L->frame_vf, op_func(c, IR_vfunc, cs->func, 0));
    }
    st(c, fr, L->frame_pc, op_func(c, IR_rpc, cs->func, (int32_t)cs->pc));
    off += frame_bytes(f, cs->func);
    *self = cs->func;
    *bpc = cs->pc;
  }
  return fr;
}

/* The stack operands the call's bytecode instruction pops: a CallValue
 * that specialize made a Call also pops the function value. */
static uint32_t call_pops(const sc_irfunc *f, const sc_ins *in) {
  const sc_fs *s = &f->fs[in->fs];
  const sc_func *bf = f->prog && s->func < f->prog->nfuncs ? f->prog->funcs[s->func] : NULL;
  int pops = bf && s->pc < bf->ncode ? sc_op_pops(&bf->code[s->pc]) : -1;
  return pops >= 0 ? (uint32_t)pops : in->nargs;
}

/* The frame state right after call `in` returned result (a val): the
 * call's own with its operands popped and the result pushed, at the next
 * pc. A typed call whose result has another type than its callee's entry
 * promised leaves there (the callee deopted and the interpreter finished
 * it): the call is done, and the interpreter goes on after it. */
static int32_t after_call(lc *c, const sc_ins *in, uint32_t result) {
  sc_irfunc *f = c->f;
  uint32_t func = f->fs[in->fs].func, pc = f->fs[in->fs].pc, nl = f->fs[in->fs].nlocals, ns = f->fs[in->fs].nstack;
  uint32_t pops = call_pops(f, in);
  uint32_t keep = nl + ns - pops;
  int32_t n = sc_ir_new_fs(f, func, pc + 1, nl, ns - pops + 1);
  const sc_fs *s = &f->fs[in->fs]; /* after sc_ir_new_fs: the array may move */
  sc_fs *t = &f->fs[n];
  for (uint32_t k = 0; k < keep; k++) t->vals[k] = s->vals[k];
  t->vals[keep] = result;
  t->parent = s->parent;
  return n;
}

/* Call and CallValue. A Call of a function taking that many arguments
 * pushes the callee's frame here and calls its compiled code directly when
 * it has some and the frame array and the value stack have room (what
 * sc_jh_call does, without the helper); else, and for CallValue, the
 * helper runs the call. The status: RET goes on with the result in the
 * out slot, LEAVE leaves at the call's frame state, others return.
 *
 * A Call of the function itself when it has a typed entry, or of one whose
 * code had a typed entry when this compilation began (sig), calls that
 * entry while the callee's code still has this signature: typed
 * arguments in registers (not stored in the frame), a typed result back
 * in a register, the status in the VM. A result taken the generic way
 * (the helper's, or a deopted callee's from the interpreter) is checked
 * against the entry's result type; another type leaves after the call. */
static uint32_t lower_call(lc *c, uint32_t v, const sc_ins *in) {
  sc_irfunc *f = c->f;
  const sc_layout *L = &sc_layout_info;
  const uint32_t *a = in->args;
  uint32_t self, bpc, k = (uint32_t)in->imm, x[8], n = 0, fbase;
  uint32_t fr = call_frame(c, in, &self, &bpc, &fbase);
  uint32_t vm = emit(c, IR_vm, SC_TY_PTR, 0, 0, 0), out = emit(c, IR_outslot, SC_TY_PTR, 0, 0, 0);
  x[n++] = vm, x[n++] = fr, x[n++] = iconst(c, bpc);
  if (in->op == IR_CallValue) {
    x[n++] = tag(c, a[0]), x[n++] = pay(c, a[0]), x[n++] = iconst(c, in->nargs - 1), x[n++] = spill(c, in, 1);
    x[n++] = out;
    call_status(c, callh(c, SC_H_call_value, n, x), in->fs);
    return take_out(c, out);
  }
  const sc_func *cf = f->prog->funcs[k];
  /* the function's own entry, or the one the callee's code had when this
   * compilation began (the frame state must hold the call's operands:
   * after_call pops them) */
  uint64_t sig = k == f->func && f->osr_pc < 0 ? f->esig : f->callee_esig ? f->callee_esig[k] : 0;
  if (in->nargs != sc_entry_nparams(sig) || in->fs < 0 || f->fs[in->fs].nstack < call_pops(f, in)) sig = 0;
  sc_ty rty = sig ? sc_entry_result(sig) : SC_TY_VAL;
  /* the checks, each to the helper's (cold) path: compiled code (of the
   * signature), typed arguments of their types, a frame left, room on the
   * value stack | then the fast path: push, call | fin: after a non-RET
   * status | rest */
  uint32_t slow = sc_ir_block(f), fin = sc_ir_block(f);
  f->blk[slow].cold = f->blk[fin].cold = 1;
  uint32_t vf = op_func(c, IR_vfunc, k, 0), nat = 0, t, targ[SC_ENTRY_MAXARGS], nt = 0;
  if (sig) {
    t = iconst(c, (int64_t)sig);
    branch_out(c, emit(c, IR_icmp, SC_TY_BOOL, SC_CC_EQ, ld(c, SC_TY_I64, vf, L->vfunc_tsig), t), slow, false);
    for (uint32_t j = 0; j < in->nargs; j++) {
      sc_ty pt = sc_entry_param(sig, j);
      if (pt == SC_TY_VAL) continue;
      const sc_ins *b = &f->ins[fwd(c, a[j])];
      if (!(b->op == IR_box && f->ins[b->args[0]].ty == pt)) {
        t = iconst(c, boxed_tag[pt]);
        branch_out(c, emit(c, IR_icmp, SC_TY_BOOL, SC_CC_EQ, tag(c, a[j]), t), slow, false);
      }
      targ[nt++] = unboxed(c, a[j], pt);
    }
  } else {
    nat = ld(c, SC_TY_I64, vf, L->vfunc_native), t = iconst(c, 0);
    branch_out(c, emit(c, IR_icmp, SC_TY_BOOL, SC_CC_NE, nat, t), slow, false);
  }
  t = iconst(c, L->frame_size);
  uint32_t nf = emit(c, IR_padd, SC_TY_PTR, 0, fr, t);
  if (!(c->room && v < c->nfwd && c->room[v])) {
    uint32_t nfi = emit(c, IR_p2i, SC_TY_I64, 0, nf, 0);
    t = emit(c, IR_p2i, SC_TY_I64, 0, emit(c, IR_framesend, SC_TY_PTR, 0, 0, 0), 0);
    branch_out(c, emit(c, IR_icmp, SC_TY_BOOL, SC_CC_NE, nfi, t), slow, false);
  }
  uint32_t base = fbase ? fbase : ld(c, SC_TY_PTR, fr, L->frame_base);
  t = iconst(c, frame_bytes(f, self));
  uint32_t nb = emit(c, IR_padd, SC_TY_PTR, 0, base, t);
  t = iconst(c, frame_bytes(f, k));
  uint32_t nend = emit(c, IR_padd, SC_TY_PTR, 0, nb, t), nendi = emit(c, IR_p2i, SC_TY_I64, 0, nend, 0);
  t = emit(c, IR_p2i, SC_TY_I64, 0, ld(c, SC_TY_PTR, emit(c, IR_stackend, SC_TY_PTR, 0, 0, 0), 0), 0);
  branch_out(c, emit(c, IR_icmp, SC_TY_BOOL, SC_CC_LE, nendi, t), slow, false);
  uint32_t fast = c->b, rest = sc_ir_split_block(f, fast, c->at);
  for (uint32_t j = 0; j < cf->nlocals; j++) { /* the arguments, nulls for the other locals */
    if (j < in->nargs) {
      if (!sig || sc_entry_param(sig, j) == SC_TY_VAL) st_val(c, nb, j * L->value_size, a[j]);
      continue;
    }
    st(c, nb, j * L->value_size, iconst(c, SC_NULL));
    st(c, nb, j * L->value_size + L->value_payload, iconst(c, 0));
  }
  if (!fbase) st(c, fr, L->frame_pc, op_func(c, IR_rpc, self, (int32_t)bpc)); /* else call_frame wrote it */
  st(c, nf, L->frame_pc, iconst(c, 0));
  st(c, nf, L->frame_base, nb);
  st(c, nf, L->frame_ret, out);
  st(c, nf, L->frame_vf, vf);
  st(c, emit(c, IR_stacktop, SC_TY_PTR, 0, 0, 0), 0, nend);
  uint32_t st1, y = 0;
  if (sig) {
    uint32_t p = ld(c, SC_TY_PTR, vf, L->vfunc_tentry);
    y = st1 = sc_ir_insert(f, fast, c->at++, IR_callt, rty == SC_TY_VAL ? SC_TY_I64 : rty, 3 + nt);
    f->ins[st1].imm = k;
    f->ins[st1].args[0] = p, f->ins[st1].args[1] = vm, f->ins[st1].args[2] = nf, f->ins[st1].pc = c->pc;
    for (uint32_t j = 0; j < nt; j++) f->ins[st1].args[3 + j] = fwd(c, targ[j]);
    st1 = ld(c, SC_TY_I64, vm, L->vm_tstatus);
  } else {
    uint32_t p = emit(c, IR_i2p, SC_TY_PTR, 0, nat, 0);
    st1 = sc_ir_insert(f, fast, c->at++, IR_calln, SC_TY_I64, 3);
    f->ins[st1].args[0] = p, f->ins[st1].args[1] = vm, f->ins[st1].args[2] = nf, f->ins[st1].pc = c->pc;
  }
  t = iconst(c, SC_ST_RET);
  term(c, fast, IR_br, emit(c, IR_icmp, SC_TY_BOOL, SC_CC_EQ, st1, t), rest, fin);
  /* the cold paths check their status themselves: rest runs after RET;
   * with a typed result they meet in `boxed`, which takes it from out */
  uint32_t join = rest;
  if (rty != SC_TY_VAL) join = sc_ir_block(f), f->blk[join].cold = 1;
  c->b = fin, c->at = 0;
  if (sig) st(c, vm, L->vm_tstatus, iconst(c, 0));
  uint32_t yv[3] = {vm, nf, st1};
  call_status(c, callh(c, SC_H_call_finish, 3, yv), in->fs);
  term(c, c->b, IR_jmp, 0, join, 0);
  c->b = slow, c->at = 0;
  x[n++] = iconst(c, k), x[n++] = iconst(c, in->nargs), x[n++] = spill(c, in, 0), x[n++] = out;
  call_status(c, callh(c, SC_H_call, n, x), in->fs);
  term(c, c->b, IR_jmp, 0, join, 0);
  if (rty == SC_TY_VAL) {
    c->b = rest, c->at = 0; /* v */
    return take_out(c, out);
  }
  c->b = join, c->at = 0;
  uint32_t r = take_out(c, out);
  t = iconst(c, boxed_tag[rty]);
  leave_unless(c, emit(c, IR_icmp, SC_TY_BOOL, SC_CC_EQ, tag(c, r), t), after_call(c, in, r), SC_RS_RESULT);
  uint32_t y2 = emit(c, IR_unbox, rty, 0, r, 0);
  term(c, c->b, IR_jmp, 0, rest, 0);
  c->b = rest, c->at = 0; /* v */
  const sc_blk *rb = &f->blk[rest];
  uint32_t ph = emit(c, IR_phi, rty, 0, rb->preds[0] == fast ? y : y2, rb->preds[0] == fast ? y2 : y);
  return emit(c, IR_box, SC_TY_VAL, 0, ph, 0);
}

/* ArrayPush appends in place when the array has room and is of the kind
 * the element is stored as (a boxed int, float or bool raw in INT, FLOAT,
 * BOOL storage; any other value in ANY storage); else the runtime's push
 * grows the storage, changes the kind or raises the error. */
static uint32_t lower_push(lc *c, uint32_t v, const sc_ins *in) {
  const sc_layout *L = &sc_layout_info;
  sc_irfunc *f = c->f;
  uint32_t a = in->args[0], x = in->args[1];
  const sc_ins *xi = &f->ins[fwd(c, x)];
  uint32_t raw = x, kind = SC_ELEMS_ANY;
  if (xi->op == IR_box) {
    static const uint8_t elems_of[SC_NTY] = {[SC_TY_I64] = SC_ELEMS_INT, [SC_TY_F64] = SC_ELEMS_FLOAT,
                                             [SC_TY_BOOL] = SC_ELEMS_BOOL};
    raw = xi->args[0];
    kind = elems_of[f->ins[fwd(c, raw)].ty];
  }
  unsigned ao = f->ins[fwd(c, a)].op;
  bool is_array = ao == IR_NewArray || ao == IR_ArrayNew;
  uint32_t b = c->b, rest = sc_ir_split_block(f, b, c->at);
  uint32_t room = sc_ir_block(f), fast = sc_ir_block(f), slow = sc_ir_block(f);
  f->blk[slow].cold = 1;
  if (is_array) term(c, b, IR_jmp, 0, room, 0);
  else term(c, b, IR_br, emit(c, IR_icmp, SC_TY_BOOL, SC_CC_EQ, tag(c, a), iconst(c, SC_ARRAY)), room, slow);
  c->b = room, c->at = 0;
  uint32_t o = payload_ptr(c, a), len = ld(c, SC_TY_I64, o, L->array_len);
  uint32_t k = emit(c, IR_ld32, SC_TY_I64, (int32_t)L->array_kind, o, 0);
  uint32_t ok = emit(c, IR_band, SC_TY_BOOL, 0, emit(c, IR_icmp, SC_TY_BOOL, SC_CC_EQ, k, iconst(c, kind)),
                     emit(c, IR_icmp, SC_TY_BOOL, SC_CC_LT, len, ld(c, SC_TY_I64, o, L->array_cap)));
  term(c, room, IR_br, ok, fast, slow);
  c->b = fast, c->at = 0;
  st_val(c, elem_addr(c, arr_data(c, a), len, f->ins[fwd(c, raw)].ty), 0, raw);
  st(c, o, L->array_len, emit(c, IR_iadd, SC_TY_I64, 0, len, iconst(c, 1)));
  term(c, fast, IR_jmp, 0, rest, 0);
  c->b = slow, c->at = 0;
  lower_generic(c, v, in);
  term(c, c->b, IR_jmp, 0, rest, 0);
  c->b = rest, c->at = 0;
  return v;
}

/* x / y or x % y (op: sdiv, srem or srem_nz; y is not 0): when both are
 * in [0, 2^32) at run time, the 32-bit unsigned divide (a 64-bit idiv
 * takes several times as long on many CPUs; compilers call this "bypassing
 * slow division"); else op. A constant divisor is left to the backends,
 * which multiply instead. */
static uint32_t divide(lc *c, sc_irop op, uint32_t x, uint32_t y) {
  sc_irfunc *f = c->f;
  if (f->ins[fwd(c, y)].op == IR_const) return emit(c, op, SC_TY_I64, 0, x, y);
  uint32_t hi = emit(c, IR_ishr, SC_TY_I64, 0, emit(c, IR_ior, SC_TY_I64, 0, x, y), iconst(c, 32));
  uint32_t narrow = emit(c, IR_icmp, SC_TY_BOOL, SC_CC_EQ, hi, iconst(c, 0));
  uint32_t b = c->b, rest = sc_ir_split_block(f, b, c->at);
  uint32_t fast = sc_ir_block(f), slow = sc_ir_block(f);
  term(c, b, IR_br, narrow, fast, slow);
  c->b = fast, c->at = 0;
  uint32_t r0 = emit(c, op == IR_sdiv ? IR_udiv32 : IR_urem32, SC_TY_I64, 0, x, y);
  term(c, fast, IR_jmp, 0, rest, 0);
  c->b = slow, c->at = 0;
  uint32_t r1 = emit(c, op, SC_TY_I64, 0, x, y);
  term(c, slow, IR_jmp, 0, rest, 0);
  c->b = rest, c->at = 0;
  return emit(c, IR_phi, SC_TY_I64, 0, r0, r1); /* preds: fast, slow */
}

/* The value replacing v (0: v stays). */
static uint32_t lower(lc *c, uint32_t v) {
  const sc_layout *L = &sc_layout_info;
  sc_ins in = c->f->ins[v]; /* a copy: inserting moves the array */
  uint32_t a0 = in.nargs > 0 ? in.args[0] : 0, a1 = in.nargs > 1 ? in.args[1] : 0;
  switch (in.op) {
  case IR_param: {
    if (in.ty != SC_TY_VAL) return 0; /* a typed entry's argument */
    /* the value stack may move: frame->base is read where it is needed */
    uint32_t base = ld(c, SC_TY_PTR, emit(c, IR_frame, SC_TY_PTR, 0, 0, 0), L->frame_base);
    return ld_val(c, base, (uint32_t)in.imm * L->value_size);
  }
  case IR_LoadGlobal: return ld_val(c, emit(c, IR_gaddr, SC_TY_PTR, in.aux, 0, 0), 0);
  case IR_hasshape: {
    uint32_t s = ld(c, SC_TY_I64, payload_ptr(c, a0), L->object_shape);
    uint32_t k = emit(c, IR_shapek, SC_TY_I64, in.aux, 0, 0);
    c->f->ins[k].imm = in.imm;
    uint32_t r = emit(c, IR_icmp, SC_TY_BOOL, SC_CC_EQ, s, k);
    return r;
  }
  case IR_ldslot:
    return ld_val(c, ld(c, SC_TY_PTR, payload_ptr(c, a0), L->object_slots), (uint32_t)in.aux * L->value_size);
  case IR_stslot:
    st_val(c, ld(c, SC_TY_PTR, payload_ptr(c, a0), L->object_slots), (uint32_t)in.aux * L->value_size, a1);
    return v;
  case IR_elemkind: return emit(c, IR_ld32, SC_TY_I64, (int32_t)L->array_kind, payload_ptr(c, a0), 0);
  case IR_arrlen: return ld(c, SC_TY_I64, payload_ptr(c, a0), L->array_len);
  case IR_arrdata: return arr_data(c, a0);
  case IR_ldelem: {
    uint32_t e = elem_at(c, v, a0, a1, in.ty);
    return in.ty == SC_TY_VAL ? ld_val(c, e, 0) : ld(c, (sc_ty)in.ty, e, 0);
  }
  case IR_stelem: {
    uint32_t x = in.args[2];
    st_val(c, elem_at(c, v, a0, a1, c->f->ins[fwd(c, x)].ty), 0, x);
    return v;
  }
  case IR_istag: { /* a typed call's result is boxed here: its tag is known */
    const sc_ins *x = &c->f->ins[fwd(c, a0)];
    if (x->op != IR_box || c->f->ins[x->args[0]].ty == SC_TY_VAL) return 0;
    bool is = boxed_tag[c->f->ins[x->args[0]].ty] == in.aux; /* before emit: inserting moves f->ins */
    uint32_t k = emit(c, IR_const, SC_TY_BOOL, 0, 0, 0);
    c->f->ins[k].imm = is;
    return k;
  }
  case IR_unbox: {
    const sc_ins *x = &c->f->ins[fwd(c, a0)];
    return x->op == IR_box && c->f->ins[x->args[0]].ty == in.ty ? x->args[0] : 0;
  }
  case IR_guard: {
    const sc_ins *k = &c->f->ins[fwd(c, a0)];
    if (k->op == IR_const && k->imm) return v; /* known to hold */
    leave_unless(c, a0, in.fs, in.aux);
    if (c->stress) { /* --deopt-stress: leave at random too */
      uint32_t vm = emit(c, IR_vm, SC_TY_PTR, 0, 0, 0);
      leave_unless(c, emit(c, IR_bnot, SC_TY_BOOL, 0, callh(c, SC_H_stress, 1, &vm), 0), in.fs, in.aux);
    }
    return v;
  }
  case IR_deopt: term(c, c->b, IR_jmp, 0, exit_block(c, in.fs, in.aux), 0); return v;
  case IR_iadd_ovf: case IR_isub_ovf: case IR_imul_ovf: case IR_ineg_ovf: {
    static const sc_irop wrap[] = {IR_iaddo, IR_isubo, IR_imulo, IR_isubo};
    uint32_t r = in.op == IR_ineg_ovf ? emit(c, IR_isubo, SC_TY_I64, 0, iconst(c, 0), a0)
                                      : emit(c, wrap[in.op - IR_iadd_ovf], SC_TY_I64, 0, a0, a1);
    branch_out(c, emit(c, IR_ovf, SC_TY_BOOL, 0, r, 0), exit_block(c, in.fs, SC_RS_OVERFLOW), true);
    return r;
  }
  case IR_idiv: case IR_imod: {
    uint32_t ok = emit(c, IR_icmp, SC_TY_BOOL, SC_CC_NE, a1, iconst(c, 0));
    if (in.op == IR_idiv) { /* INT64_MIN / -1 overflows */
      uint32_t mn = emit(c, IR_icmp, SC_TY_BOOL, SC_CC_EQ, a0, iconst(c, INT64_MIN));
      uint32_t m1 = emit(c, IR_icmp, SC_TY_BOOL, SC_CC_EQ, a1, iconst(c, -1));
      ok = emit(c, IR_band, SC_TY_BOOL, 0, ok, emit(c, IR_bnot, SC_TY_BOOL, 0, emit(c, IR_band, SC_TY_BOOL, 0, mn, m1), 0));
    }
    leave_unless(c, ok, in.fs, SC_RS_CHECK);
    return divide(c, in.op == IR_idiv ? IR_sdiv : IR_srem, a0, a1);
  }
  case IR_idiv_nz: return divide(c, IR_sdiv, a0, a1);
  case IR_imod_nz: return divide(c, IR_srem_nz, a0, a1);
  case IR_f2i: { /* both compares are false for NaN */
    uint32_t lo = emit(c, IR_const, SC_TY_F64, 0, 0, 0), hi = emit(c, IR_const, SC_TY_F64, 0, 0, 0);
    double dlo = -0x1p63, dhi = 0x1p63;
    memcpy(&c->f->ins[lo].imm, &dlo, sizeof dlo);
    memcpy(&c->f->ins[hi].imm, &dhi, sizeof dhi);
    lo = emit(c, IR_fcmp, SC_TY_BOOL, SC_CC_GE, a0, lo);
    hi = emit(c, IR_fcmp, SC_TY_BOOL, SC_CC_LT, a0, hi);
    leave_unless(c, emit(c, IR_band, SC_TY_BOOL, 0, lo, hi), in.fs, SC_RS_CHECK);
    return emit(c, IR_d2i, SC_TY_I64, 0, a0, 0);
  }
  case IR_rettag: return v; /* specialize did not make it a guard: nothing to check */
  case IR_checkkind: {
    /* StoreLocal accepts exactly the kind's tag: on a mismatch leave, and
     * the interpreter raises the error */
    static const int64_t want[] = {[SC_KIND_INT] = SC_INT, [SC_KIND_FLOAT] = SC_FLOAT, [SC_KIND_BOOL] = SC_BOOL};
    const sc_irfunc *f = c->f;
    unsigned k = f->local_kinds && in.aux >= 0 && (uint32_t)in.aux < f->nlocals ? f->local_kinds[in.aux] : SC_KIND_ANY;
    if (k == SC_KIND_ANY) return v;
    uint32_t ok, x[5];
    if (k < sizeof want / sizeof *want) {
      x[0] = tag(c, a0);
      ok = emit(c, IR_icmp, SC_TY_BOOL, SC_CC_EQ, x[0], iconst(c, want[k]));
    } else {
      x[0] = emit(c, IR_vm, SC_TY_PTR, 0, 0, 0), x[1] = emit(c, IR_frame, SC_TY_PTR, 0, 0, 0);
      x[2] = iconst(c, in.aux), x[3] = tag(c, a0), x[4] = pay(c, a0);
      ok = callh(c, SC_H_check_kind, 5, x);
    }
    leave_unless(c, ok, in.fs, SC_RS_CHECK);
    return v;
  }
  case IR_fmod: {
    uint32_t x[2] = {a0, a1};
    return callh(c, SC_H_fmod, 2, x);
  }
  case IR_ret: {
    sc_ty r = c->f->esig ? sc_entry_result(c->f->esig) : SC_TY_VAL;
    if (r == SC_TY_VAL) st_val(c, ld(c, SC_TY_PTR, emit(c, IR_frame, SC_TY_PTR, 0, 0, 0), L->frame_ret), 0, a0);
    if (!c->f->esig) emit(c, IR_retst, SC_TY_VOID, 0, iconst(c, SC_ST_RET), 0);
    else emit(c, IR_retv, SC_TY_VOID, 0, r == SC_TY_VAL ? iconst(c, 0) : unboxed(c, a0, r), 0);
    return v;
  }
  case IR_halt: emit(c, IR_retst, SC_TY_VOID, 0, iconst(c, SC_ST_HALT), 0); return v;
  case IR_Call: case IR_CallValue: return lower_call(c, v, &in);
  case IR_framecheck: {
    /* frames fp .. fp + n - 1 are the chain's: the callee needs fp + n,
     * and a call its inlined body makes fp + n + 1 (checked here for it,
     * frame_room). Leaving one frame early is exact: the interpreter runs
     * the call and raises `stack overflow` only where it is due. */
    uint32_t n = 0;
    for (int32_t s = in.fs; s >= 0; s = c->f->fs[s].parent) n++;
    uint32_t end = emit(c, IR_p2i, SC_TY_I64, 0, emit(c, IR_framesend, SC_TY_PTR, 0, 0, 0), 0);
    uint32_t k = iconst(c, (int64_t)(n + 1) * L->frame_size);
    uint32_t lim = emit(c, IR_isub, SC_TY_I64, 0, end, k);
    uint32_t fp = emit(c, IR_p2i, SC_TY_I64, 0, emit(c, IR_frame, SC_TY_PTR, 0, 0, 0), 0);
    leave_unless(c, emit(c, IR_icmp, SC_TY_BOOL, SC_CC_LT, fp, lim), in.fs, SC_RS_CHECK);
    return v;
  }
  case IR_allocobj: {
    uint32_t sh = emit(c, IR_shapek, SC_TY_I64, in.aux, 0, 0);
    c->f->ins[sh].imm = in.imm;
    uint32_t out = emit(c, IR_outslot, SC_TY_PTR, 0, 0, 0);
    uint32_t x[3] = {emit(c, IR_vm, SC_TY_PTR, 0, 0, 0), emit(c, IR_i2p, SC_TY_PTR, 0, sh, 0), out};
    leave_unless(c, callh(c, SC_H_new_object_shaped, 3, x), in.fs, SC_RS_CHECK);
    return take_out(c, out);
  }
  case IR_ArrayPush: return lower_push(c, v, &in);
  case IR_addslot: {
    /* room in the slots: store, then the new shape; else the runtime grows them */
    const sc_shape *ns = (const sc_shape *)(uintptr_t)in.imm;
    uint32_t slot = ns ? ns->nfields - 1 : 0; /* from text: the backend says it lacks the shape */
    if (ns && slot < new_room(c, a0)) {
      uint32_t o = payload_ptr(c, a0), sh = emit(c, IR_shapek, SC_TY_I64, in.aux, 0, 0);
      c->f->ins[sh].imm = in.imm;
      st_val(c, ld(c, SC_TY_PTR, o, L->object_slots), slot * L->value_size, a1);
      st(c, o, L->object_shape, sh);
      return v;
    }
    uint32_t o = payload_ptr(c, a0), cap = emit(c, IR_ld32, SC_TY_I64, (int32_t)L->object_cap, o, 0);
    uint32_t k = iconst(c, slot), room = emit(c, IR_icmp, SC_TY_BOOL, SC_CC_GT, cap, k);
    uint32_t sh = emit(c, IR_shapek, SC_TY_I64, in.aux, 0, 0);
    c->f->ins[sh].imm = in.imm;
    uint32_t b = c->b, rest = sc_ir_split_block(c->f, b, c->at);
    uint32_t fast = sc_ir_block(c->f), slow = sc_ir_block(c->f);
    term(c, b, IR_br, room, fast, slow);
    c->b = fast, c->at = 0;
    st_val(c, ld(c, SC_TY_PTR, o, L->object_slots), slot * L->value_size, a1);
    st(c, o, L->object_shape, sh);
    term(c, fast, IR_jmp, 0, rest, 0);
    c->b = slow, c->at = 0;
    uint32_t x[4] = {o, emit(c, IR_i2p, SC_TY_PTR, 0, sh, 0)};
    x[2] = tag(c, a1), x[3] = pay(c, a1);
    callh(c, SC_H_add_field, 4, x);
    term(c, slow, IR_jmp, 0, rest, 0);
    c->b = rest, c->at = 0;
    return v;
  }
  default: return sc_irop_bcop(in.op) >= 0 ? lower_generic(c, v, &in) : 0;
  }
}

/* A function's entry checks native stack room (compiled code calls
 * compiled code natively): its native frame must lie above the VM's limit,
 * else the stack overflow helper raises the error at the caller's call and
 * its status is returned. Not an OSR entry: it runs in its frame's place.
 * The entry block's code moves to a new block; b0 holds the check. */
static bool stack_check(lc *c) {
  sc_irfunc *f = c->f;
  for (uint32_t i = 1; i < f->nins; i++)
    if (!f->ins[i].dead && f->ins[i].op == IR_nativelim) return false; /* lowered before */
  c->pc = 0;
  uint32_t at = 0; /* a typed entry's arguments stay in b0 */
  while (at < f->blk[0].nins && f->ins[f->blk[0].ins[at]].op == IR_param) at++;
  c->b = 0, c->at = at;
  uint32_t rest = sc_ir_split_block(f, 0, at), over = sc_ir_block(f);
  f->blk[over].cold = 1;
  uint32_t lim = ld(c, SC_TY_I64, emit(c, IR_nativelim, SC_TY_PTR, 0, 0, 0), 0);
  uint32_t here = emit(c, IR_p2i, SC_TY_I64, 0, emit(c, IR_argbuf, SC_TY_PTR, 0, 0, 0), 0);
  /* user-space addresses are below 2^63: a signed compare; no limit is 0 */
  term(c, 0, IR_br, emit(c, IR_icmp, SC_TY_BOOL, SC_CC_GE, here, lim), rest, over);
  c->b = over, c->at = 0;
  uint32_t x[2] = {emit(c, IR_vm, SC_TY_PTR, 0, 0, 0), emit(c, IR_frame, SC_TY_PTR, 0, 0, 0)};
  emit(c, IR_retst, SC_TY_VOID, 0, callh(c, SC_H_stack_overflow, 2, x), 0);
  return true;
}

/* Constants nothing uses any more (a frame state's, now written by the
 * exits themselves) go: backends would materialize them where they were. */
static void drop_unused_consts(sc_irfunc *f) {
  uint32_t *used = sc_ir_arg_uses(f);
  for (uint32_t b = 0; b < f->nblk; b++) /* a loop's entry state is still read (hoist, before lower) */
    if (f->blk[b].entry_fs >= 0)
      for (uint32_t k = 0; k < sc_ir_fs_nvals(&f->fs[f->blk[b].entry_fs]); k++) used[f->fs[f->blk[b].entry_fs].vals[k]]++;
  for (uint32_t i = 1; i < f->nins; i++) {
    sc_ins *in = &f->ins[i];
    if (!in->dead && !used[i] && (in->op == IR_const || in->op == IR_null || in->op == IR_func)) in->dead = 1;
  }
}

/* The Calls made by inlined code whose inlining framecheck (the one at its
 * call site's frame state, the parent of the Call's) dominates them: that
 * check has made sure of their callee's frame too. */
static uint8_t *frame_room(sc_irfunc *f) {
  uint8_t *room = NULL;
  uint32_t *check = NULL; /* per frame state: its framecheck (the first), 0: none */
  for (uint32_t i = 1; i < f->nins; i++) {
    const sc_ins *in = &f->ins[i];
    if (in->dead || in->op != IR_framecheck || in->fs < 0) continue;
    if (!check) check = sc_arena_alloc(f->arena, f->nfs * sizeof *check);
    if (!check[in->fs]) check[in->fs] = i;
  }
  if (!check) return NULL;
  for (uint32_t i = 1; i < f->nins; i++) {
    const sc_ins *in = &f->ins[i];
    if (in->dead || in->op != IR_Call || in->fs < 0 || f->fs[in->fs].parent < 0) continue;
    uint32_t j = check[f->fs[in->fs].parent];
    if (!j) continue;
    const sc_blk *b = &f->blk[in->blk];
    bool dom = f->ins[j].blk != in->blk && sc_ir_dominates(f, f->ins[j].blk, in->blk);
    for (uint32_t k = 0; f->ins[j].blk == in->blk && k < b->nins && b->ins[k] != i; k++)
      if (b->ins[k] == j) dom = true;
    if (!dom) continue;
    if (!room) room = sc_arena_alloc(f->arena, f->nins);
    room[i] = 1;
  }
  return room;
}

/* A typed entry leaves its status in the VM: each retst (an exit's, a
 * call's error, halt, the stack check's) stores it there and returns
 * (retv) a value its caller does not read. */
static bool typed_returns(lc *c) {
  sc_irfunc *f = c->f;
  sc_ty r = sc_entry_result(f->esig) == SC_TY_VAL ? SC_TY_I64 : sc_entry_result(f->esig);
  bool changed = false;
  for (uint32_t b = 0, nb = f->nblk; b < nb; b++) {
    uint32_t t = 0, at = 0; /* not always last: a lowered terminator stays listed (dead) until compaction */
    for (uint32_t i = 0; !f->blk[b].dead && i < f->blk[b].nins && !t; i++)
      if (!f->ins[f->blk[b].ins[i]].dead && f->ins[f->blk[b].ins[i]].op == IR_retst) t = f->blk[b].ins[i], at = i;
    if (!t) continue;
    c->b = b, c->at = at, c->pc = f->ins[t].pc;
    st(c, emit(c, IR_vm, SC_TY_PTR, 0, 0, 0), sc_layout_info.vm_tstatus, f->ins[t].args[0]);
    uint32_t zero = emit(c, IR_const, r, 0, 0, 0); /* 0 (0.0, false); emitted first: it moves f->ins */
    f->ins[t].op = IR_retv;
    f->ins[t].args[0] = zero;
    changed = true;
  }
  return changed;
}

bool sc_lower(sc_irfunc *f, bool stress) {
  if (!f->rpo) sc_ir_dom(f);
  lc c = {.f = f, .nfwd = f->nins, .stress = stress};
  c.room = frame_room(f);
  c.split = split_addresses(f);
  c.fwd = sc_arena_alloc(f->arena, (c.nfwd + 1) * sizeof *c.fwd);
  bool changed = false;
  /* calls split blocks (which drops the analyses): the rest of a block
   * split at a call is lowered next, then the blocks after it */
  const uint32_t *rpo = f->rpo, nrpo = f->nrpo;
  for (uint32_t k = 0; k < nrpo; k++) {
    c.b = rpo[k];
    for (c.at = 0; c.at < f->blk[c.b].nins; c.at++) {
      uint32_t v = f->blk[c.b].ins[c.at];
      if (v >= c.nfwd || f->ins[v].dead) continue;
      c.pc = f->ins[v].pc;
      uint32_t r = lower(&c, v);
      if (!r) continue;
      changed = true;
      if (r != v) c.fwd[v] = r;
      f->ins[v].dead = 1;
    }
  }
  if (f->osr_pc < 0 && stack_check(&c)) changed = true;
  if (f->esig && typed_returns(&c)) changed = true;
  if (changed) {
    sc_ir_forward(f, c.fwd, c.nfwd);
    drop_unused_consts(f);
    sc_ir_compact(f);
  }
  return changed;
}

bool sc_pass_lower(sc_irfunc *f, sc_pass_ctx *c) { return sc_lower(f, c->opts && c->opts->deopt_stress); }
