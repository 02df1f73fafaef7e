/* Tier 0: the profiling interpreter.
 *
 * Each function's bytecode is translated once into threaded code (one
 * sc_tinsn per instruction, same index) whose handlers are label addresses
 * of one dispatch loop. The loop exists in two builds compiled from the same
 * source, interp_loop.h: with profiling (feedback slots, call and back-edge
 * counters) and without, so that the cost of profiling can be measured.
 *
 * Superinstructions: common sequences (LoadLocal LoadLocal AddInt, LoadLocal
 * PushConst LtInt JumpIfFalse, ... StoreLocal) get a fused handler on their
 * first instruction. A fused handler only runs when its fast case applies
 * (operand types, no overflow, local kind); it then records exactly the
 * feedback the plain instructions would. Otherwise it jumps to the plain
 * handler of its first instruction and the sequence runs unfused, so slow
 * paths, feedback and errors are those of the plain instructions. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "runtime/vm_internal.h"

#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

/* Whether an opcode has a feedback slot, as compile-time constants. */
enum {
#define OP(name, operand, pops, pushes, flags) SC_HASFB_##name = (((flags)&SC_OPF_FB) != 0),
#include "shapec/opcodes.def"
#undef OP
  SC_HASFB_END
};

/* ---- fast-path kernels: compute r (or the condition c) or goto FAIL ---- */

#define SC_BOTH(x, y, T) ((x).tag == (T) && (y).tag == (T))

#define K_INTOVF(x, y, r, FAIL, bop)                                      \
  do {                                                                    \
    int64_t t_;                                                           \
    if (!SC_BOTH(x, y, SC_INT) || bop((x).i, (y).i, &t_)) goto FAIL;      \
    (r) = sc_int(t_);                                                     \
  } while (0)
#define K_NUM(x, y, r, FAIL, fop)                                         \
  do {                                                                    \
    if (!SC_BOTH(x, y, SC_FLOAT)) goto FAIL;                              \
    (r) = sc_float((x).f fop(y).f);                                       \
  } while (0)
#define K_GEN(x, y, r, FAIL, bop, fop)                                    \
  do {                                                                    \
    int64_t t_;                                                           \
    if (SC_BOTH(x, y, SC_INT)) {                                          \
      if (bop((x).i, (y).i, &t_)) goto FAIL;                              \
      (r) = sc_int(t_);                                                   \
    } else if (SC_BOTH(x, y, SC_FLOAT)) {                                 \
      (r) = sc_float((x).f fop(y).f);                                     \
    } else                                                                \
      goto FAIL;                                                          \
  } while (0)
#define K_BITS(x, y, r, FAIL, expr)                                       \
  do {                                                                    \
    if (!SC_BOTH(x, y, SC_INT)) goto FAIL;                                \
    int64_t a_ = (x).i, b_ = (y).i;                                       \
    (r) = sc_int(expr);                                                   \
  } while (0)

#define K_AddInt(x, y, r, F) K_INTOVF(x, y, r, F, __builtin_add_overflow)
#define K_SubInt(x, y, r, F) K_INTOVF(x, y, r, F, __builtin_sub_overflow)
#define K_MulInt(x, y, r, F) K_INTOVF(x, y, r, F, __builtin_mul_overflow)
/* y == -1 and y == 0 go to the runtime (INT64_MIN / -1, division by zero) */
#define K_DIVMOD(x, y, r, F, op)                                          \
  do {                                                                    \
    if (!SC_BOTH(x, y, SC_INT) || (y).i == 0 || (y).i == -1) goto F;      \
    (r) = sc_int((x).i op(y).i);                                          \
  } while (0)
#define K_DivInt(x, y, r, F) K_DIVMOD(x, y, r, F, /)
#define K_ModInt(x, y, r, F) K_DIVMOD(x, y, r, F, %)
#define K_Add(x, y, r, F) K_GEN(x, y, r, F, __builtin_add_overflow, +)
#define K_Sub(x, y, r, F) K_GEN(x, y, r, F, __builtin_sub_overflow, -)
#define K_Mul(x, y, r, F) K_GEN(x, y, r, F, __builtin_mul_overflow, *)
#define K_Div(x, y, r, F)                                                 \
  do {                                                                    \
    if (SC_BOTH(x, y, SC_INT)) {                                          \
      int64_t a_ = (x).i, b_ = (y).i;                                     \
      if (b_ == 0 || b_ == -1 || a_ % b_ != 0) goto F;                    \
      (r) = sc_int(a_ / b_);                                              \
    } else if (SC_BOTH(x, y, SC_FLOAT)) {                                 \
      (r) = sc_float((x).f / (y).f);                                      \
    } else                                                                \
      goto F;                                                             \
  } while (0)
#define K_Mod(x, y, r, F) K_ModInt(x, y, r, F) /* floats: fmod in the runtime */
#define K_AddNumber(x, y, r, F) K_NUM(x, y, r, F, +)
#define K_SubNumber(x, y, r, F) K_NUM(x, y, r, F, -)
#define K_MulNumber(x, y, r, F) K_NUM(x, y, r, F, *)
#define K_DivNumber(x, y, r, F) K_NUM(x, y, r, F, /)
#define K_BitAnd(x, y, r, F) K_BITS(x, y, r, F, a_ & b_)
#define K_BitOr(x, y, r, F) K_BITS(x, y, r, F, a_ | b_)
#define K_BitXor(x, y, r, F) K_BITS(x, y, r, F, a_ ^ b_)
#define K_Shl(x, y, r, F) K_BITS(x, y, r, F, (int64_t)((uint64_t)a_ << (b_ & 63)))
#define K_Shr(x, y, r, F) K_BITS(x, y, r, F, a_ >> (b_ & 63))

#define KC_INT(x, y, c, FAIL, rel)                                        \
  do {                                                                    \
    if (!SC_BOTH(x, y, SC_INT)) goto FAIL;                                \
    (c) = (x).i rel(y).i;                                                 \
  } while (0)
#define KC_NUM(x, y, c, FAIL, rel)                                        \
  do {                                                                    \
    if (!SC_BOTH(x, y, SC_FLOAT)) goto FAIL;                              \
    (c) = (x).f rel(y).f;                                                 \
  } while (0)
/* generic: int/int or float/float here; mixed and strings in the runtime */
#define KC_GEN(x, y, c, FAIL, rel)                                        \
  do {                                                                    \
    if (SC_BOTH(x, y, SC_INT)) (c) = (x).i rel(y).i;                      \
    else if (SC_BOTH(x, y, SC_FLOAT)) (c) = (x).f rel(y).f;               \
    else goto FAIL;                                                       \
  } while (0)
#define KC_LtInt(x, y, c, F) KC_INT(x, y, c, F, <)
#define KC_LeInt(x, y, c, F) KC_INT(x, y, c, F, <=)
#define KC_GtInt(x, y, c, F) KC_INT(x, y, c, F, >)
#define KC_GeInt(x, y, c, F) KC_INT(x, y, c, F, >=)
#define KC_EqInt(x, y, c, F) KC_INT(x, y, c, F, ==)
#define KC_NeInt(x, y, c, F) KC_INT(x, y, c, F, !=)
#define KC_LtNumber(x, y, c, F) KC_NUM(x, y, c, F, <)
#define KC_LeNumber(x, y, c, F) KC_NUM(x, y, c, F, <=)
#define KC_GtNumber(x, y, c, F) KC_NUM(x, y, c, F, >)
#define KC_GeNumber(x, y, c, F) KC_NUM(x, y, c, F, >=)
#define KC_EqNumber(x, y, c, F) KC_NUM(x, y, c, F, ==)
#define KC_NeNumber(x, y, c, F) KC_NUM(x, y, c, F, !=)
#define KC_Lt(x, y, c, F) KC_GEN(x, y, c, F, <)
#define KC_Le(x, y, c, F) KC_GEN(x, y, c, F, <=)
#define KC_Gt(x, y, c, F) KC_GEN(x, y, c, F, >)
#define KC_Ge(x, y, c, F) KC_GEN(x, y, c, F, >=)
#define KC_Eq(x, y, c, F) KC_GEN(x, y, c, F, ==)
#define KC_Ne(x, y, c, F) KC_GEN(x, y, c, F, !=)

/* The result tag of an arithmetic fast path when it is fixed, else -1. A
 * fused StoreLocal of a fixed tag is only chosen when the local's kind
 * accepts it (checked once, here), of another at run time. */
#define SC_RES_AddInt SC_INT
#define SC_RES_SubInt SC_INT
#define SC_RES_MulInt SC_INT
#define SC_RES_AddNumber SC_FLOAT
#define SC_RES_SubNumber SC_FLOAT
#define SC_RES_MulNumber SC_FLOAT
#define SC_RES_DivNumber SC_FLOAT
#define SC_RES_DivInt SC_INT
#define SC_RES_ModInt SC_INT
#define SC_RES_BitAnd SC_INT
#define SC_RES_BitOr SC_INT
#define SC_RES_BitXor SC_INT
#define SC_RES_Shl SC_INT
#define SC_RES_Shr SC_INT
#define SC_RES_Add (-1)
#define SC_RES_Sub (-1)
#define SC_RES_Mul (-1)
#define SC_RES_Div (-1)

/* ---- handler ids ---- */

/* Fused families: F(source, tail, op).
 * Sources: LL = LoadLocal LoadLocal, LK/LF = LoadLocal PushConst int/float,
 *          S = both operands on the stack, SK/SF = PushConst int/float with
 *          the left operand on the stack.
 * Tails:   A = push the result, S = StoreLocal it, IP = StoreLocal it into
 *          the left operand's local (x = x op y: only the payload changes),
 *          SJ = that, then the backward Jump that follows (a loop's
 *          increment), JF/JT = JumpIfFalse / JumpIfTrue on a compare
 *          (forward targets only), R = ReturnValue it.
 * A fast path's result has its operands' tag, so a store in place keeps the
 * local's tag, which its kind (if any) accepts. */
#define SC_ARITH_I(F, s, t) F(s, t, AddInt) F(s, t, SubInt) F(s, t, MulInt)
#define SC_ARITH_N(F, s, t) F(s, t, AddNumber) F(s, t, SubNumber) F(s, t, MulNumber) F(s, t, DivNumber)
#define SC_ARITH_G(F, s, t) F(s, t, Add) F(s, t, Sub) F(s, t, Mul) F(s, t, Div)
#define SC_ARITH_B(F, s, t)                                               \
  F(s, t, DivInt) F(s, t, ModInt) F(s, t, BitAnd) F(s, t, BitOr) F(s, t, BitXor) F(s, t, Shl) \
  F(s, t, Shr)
#define SC_CMP_I(F, s, t)                                                 \
  F(s, t, LtInt) F(s, t, LeInt) F(s, t, GtInt) F(s, t, GeInt) F(s, t, EqInt) F(s, t, NeInt)
#define SC_CMP_N(F, s, t)                                                 \
  F(s, t, LtNumber) F(s, t, LeNumber) F(s, t, GtNumber) F(s, t, GeNumber) \
  F(s, t, EqNumber) F(s, t, NeNumber)
#define SC_CMP_G(F, s, t) F(s, t, Lt) F(s, t, Le) F(s, t, Gt) F(s, t, Ge) F(s, t, Eq) F(s, t, Ne)
#define SC_ARITH_ALL(F, s, t) SC_ARITH_I(F, s, t) SC_ARITH_N(F, s, t) SC_ARITH_G(F, s, t)
#define SC_ARITH_KI(F, s, t) SC_ARITH_I(F, s, t) SC_ARITH_G(F, s, t)
#define SC_ARITH_KF(F, s, t) SC_ARITH_N(F, s, t) SC_ARITH_G(F, s, t)
#define SC_CMP_ALL(F, s, t) SC_CMP_I(F, s, t) SC_CMP_N(F, s, t) SC_CMP_G(F, s, t)
#define SC_CMP_KI(F, s, t) SC_CMP_I(F, s, t) SC_CMP_G(F, s, t)
#define SC_CMP_KF(F, s, t) SC_CMP_N(F, s, t) SC_CMP_G(F, s, t)

#define SC_FUSED_ARITH(F)                                                 \
  SC_ARITH_ALL(F, LL, A) SC_ARITH_ALL(F, LL, S) SC_ARITH_ALL(F, LL, IP)   \
  SC_ARITH_KI(F, LK, A) SC_ARITH_KI(F, LK, S) SC_ARITH_KI(F, LK, IP)      \
  SC_ARITH_KF(F, LF, A) SC_ARITH_KF(F, LF, S) SC_ARITH_KF(F, LF, IP)      \
  SC_ARITH_ALL(F, SL, A) SC_ARITH_ALL(F, SL, S)                           \
  SC_ARITH_KI(F, SK, A) SC_ARITH_KI(F, SK, S)                             \
  SC_ARITH_KF(F, SF, A) SC_ARITH_KF(F, SF, S)                             \
  SC_ARITH_ALL(F, S, S)                                                   \
  SC_ARITH_KI(F, LK, SJ) SC_ARITH_KI(F, LL, SJ)                           \
  SC_ARITH_B(F, LL, A) SC_ARITH_B(F, LL, IP) SC_ARITH_B(F, LK, A)         \
  SC_ARITH_B(F, LK, IP) SC_ARITH_B(F, SL, A) SC_ARITH_B(F, SK, A)         \
  SC_ARITH_KI(F, S, R) SC_ARITH_KI(F, LK, R) SC_ARITH_KI(F, LL, R)
#define SC_FUSED_CMP(F)                                                   \
  SC_CMP_ALL(F, LL, JF) SC_CMP_ALL(F, LL, JT)                             \
  SC_CMP_KI(F, LK, JF) SC_CMP_KI(F, LK, JT)                               \
  SC_CMP_KF(F, LF, JF) SC_CMP_KF(F, LF, JT)                               \
  SC_CMP_ALL(F, SL, JF) SC_CMP_ALL(F, SL, JT)                             \
  SC_CMP_ALL(F, S, JF) SC_CMP_ALL(F, S, JT)                               \
  SC_CMP_KI(F, SK, JF) SC_CMP_KI(F, SK, JT)                               \
  SC_CMP_KF(F, SF, JF) SC_CMP_KF(F, SF, JT)
#define SC_FUSED(F) SC_FUSED_ARITH(F) SC_FUSED_CMP(F)

/* Loop back-edges, like Lua's FORLOOP: the increment of a loop variable
 * (LoadLocal i; LoadLocal|PushConst int; AddInt|Add|SubInt|Sub;
 * StoreLocal i), the backward Jump, and the loop header's test of that
 * variable (LoadLocal i; LoadLocal|PushConst int; compare; JumpIfFalse), in
 * one handler: F(increment source, op, header source, compare). */
#define SC_FOR_CMPS(F, is, iop, hs)                                       \
  F(is, iop, hs, LtInt) F(is, iop, hs, LeInt) F(is, iop, hs, GtInt)       \
  F(is, iop, hs, GeInt) F(is, iop, hs, Lt) F(is, iop, hs, Le)             \
  F(is, iop, hs, Gt) F(is, iop, hs, Ge)
#define SC_FOR_HDRS(F, is, iop) SC_FOR_CMPS(F, is, iop, LL) SC_FOR_CMPS(F, is, iop, LK)
#define SC_FOR_INCS(F, is)                                                \
  SC_FOR_HDRS(F, is, AddInt) SC_FOR_HDRS(F, is, Add) SC_FOR_HDRS(F, is, SubInt) \
  SC_FOR_HDRS(F, is, Sub)
#define SC_FORLOOPS(F) SC_FOR_INCS(F, LK) SC_FOR_INCS(F, LL)

/* Handlers that are not plain opcodes: PushConst of an int / a float
 * (immediate), StoreLocal into a kinded local, backward jumps (counted), the
 * sentinel frame's exit, and fused sequences on arrays, locals, properties
 * and returns: LoadLocal LoadLocal GetIndex; LoadLocal LoadLocal (LoadLocal |
 * PushConst int | float | other) SetIndex; LoadLocal ReturnValue; LoadLocal
 * StoreLocal (a move); LoadLocal GetProp. */
#define SC_EXTRA_HANDLERS(X)                                              \
  X(PushInt) X(PushFloat) X(StoreLocalK) X(JumpBack) X(JumpIfFalseBack)   \
  X(JumpIfTrueBack) X(Exit) X(F_LL_GI) X(F_LLL_SI) X(F_LLKi_SI)           \
  X(F_LLKf_SI) X(F_LLKv_SI) X(F_LRET) X(F_LS) X(F_LGP)

enum {
#define OP(name, operand, pops, pushes, flags) SC_H_##name,
#include "shapec/opcodes.def"
#undef OP
#define X(name) SC_H_##name,
  SC_EXTRA_HANDLERS(X)
#undef X
#define F(s, t, op) SC_H_F_##s##_##t##_##op,
  SC_FUSED(F)
#undef F
#define F(is, iop, hs, cop) SC_H_FOR_##is##_##iop##_##hs##_##cop,
  SC_FORLOOPS(F)
#undef F
  SC_H_COUNT
};

enum { SC_SRC_LL, SC_SRC_LK, SC_SRC_LF, SC_SRC_SL, SC_SRC_S, SC_SRC_SK, SC_SRC_SF, SC_NSRC };
enum { SC_TAIL_A, SC_TAIL_S, SC_TAIL_JF, SC_TAIL_JT, SC_TAIL_SJ, SC_TAIL_IP, SC_TAIL_R, SC_NTAIL };

/* (source, tail, opcode of the operation) -> fused handler id, 0 if none */
static const uint16_t sc_fused_id[SC_NSRC][SC_NTAIL][SC_NOPS] = {
#define F(s, t, op) [SC_SRC_##s][SC_TAIL_##t][SC_OP_##op] = SC_H_F_##s##_##t##_##op,
    SC_FUSED(F)
#undef F
};

/* ---- translation to threaded code ---- */

static bool is_nop(uint8_t op) {
  return op == SC_OP_Nop || op == SC_OP_LoopStart || op == SC_OP_LoopEnd;
}

/* A jump to a run of no-ops can land after it. */
static uint32_t skip_nops(const sc_func *f, uint32_t t) {
  uint32_t u = t;
  while (u < f->ncode && is_nop(f->code[u].op)) u++;
  return u < f->ncode ? u : t;
}

static int32_t kind_mask(uint8_t kind) {
  switch (kind) {
  case SC_KIND_INT: return 1 << SC_INT;
  case SC_KIND_FLOAT: return 1 << SC_FLOAT;
  case SC_KIND_BOOL: return 1 << SC_BOOL;
  default: return 0x7fffffff;
  }
}

static int res_tag(uint8_t op) {
  switch (op) {
  case SC_OP_AddInt: case SC_OP_SubInt: case SC_OP_MulInt: case SC_OP_DivInt: case SC_OP_ModInt:
  case SC_OP_BitAnd: case SC_OP_BitOr: case SC_OP_BitXor: case SC_OP_Shl: case SC_OP_Shr: return SC_INT;
  case SC_OP_AddNumber: case SC_OP_SubNumber: case SC_OP_MulNumber: case SC_OP_DivNumber: return SC_FLOAT;
  default: return -1;
  }
}

/* Whether StoreLocal at pc k may be fused after operation op: its local's
 * kind accepts op's result when that is fixed. */
static bool store_fusable(const sc_func *f, uint32_t k, uint8_t op) {
  int t = res_tag(op);
  uint8_t kind = f->local_kinds ? f->local_kinds[f->code[k].a] : SC_KIND_ANY;
  return t < 0 || (kind_mask(kind) >> t & 1);
}

/* SC_INT / SC_FLOAT for PushConst of an int / float, else -1 */
static int const_tag(const sc_program *p, const sc_insn *in) {
  if (in->op != SC_OP_PushConst) return -1;
  uint64_t t = p->consts[in->a].tag;
  return t == SC_INT || t == SC_FLOAT ? (int)t : -1;
}

/* SC_TAIL_JF / SC_TAIL_JT for a forward conditional jump at pc j, else -1 */
static int fwd_cond_jump(const sc_func *f, uint32_t j) {
  if (j >= f->ncode) return -1;
  const sc_insn *in = &f->code[j];
  if ((uint32_t)in->a <= j) return -1;
  if (in->op == SC_OP_JumpIfFalse) return SC_TAIL_JF;
  if (in->op == SC_OP_JumpIfTrue) return SC_TAIL_JT;
  return -1;
}

/* The fused handler for operation at pc k with operands from src, choosing
 * the tail by what follows it; 0 if none. */
static unsigned fused_op(const sc_func *f, int src, uint32_t k) {
  uint8_t op = f->code[k].op;
  bool from_local = src == SC_SRC_LL || src == SC_SRC_LK || src == SC_SRC_LF;
  if (k + 1 < f->ncode && f->code[k + 1].op == SC_OP_StoreLocal && from_local &&
      f->code[k + 1].a == f->code[k - 2].a) {
    if (k + 2 < f->ncode && sc_fused_id[src][SC_TAIL_SJ][op]) {
      /* the slot after the store is the Jump or a no-op copy of it */
      uint32_t j = skip_nops(f, k + 2);
      if (f->code[j].op == SC_OP_Jump && (uint32_t)f->code[j].a <= j &&
          skip_nops(f, (uint32_t)f->code[j].a) <= k + 2)
        return sc_fused_id[src][SC_TAIL_SJ][op];
    }
    if (sc_fused_id[src][SC_TAIL_IP][op]) return sc_fused_id[src][SC_TAIL_IP][op];
  }
  if (k + 1 < f->ncode && f->code[k + 1].op == SC_OP_StoreLocal && store_fusable(f, k + 1, op) &&
      sc_fused_id[src][SC_TAIL_S][op])
    return sc_fused_id[src][SC_TAIL_S][op];
  if (k + 1 < f->ncode && f->code[k + 1].op == SC_OP_ReturnValue && sc_fused_id[src][SC_TAIL_R][op])
    return sc_fused_id[src][SC_TAIL_R][op];
  int jt = fwd_cond_jump(f, k + 1);
  if (jt >= 0 && sc_fused_id[src][jt][op]) return sc_fused_id[src][jt][op];
  return sc_fused_id[src][SC_TAIL_A][op];
}

static const struct sc_for_entry {
  uint8_t isrc, iop, hsrc, cop;
  uint16_t id;
} sc_for_table[] = {
#define F(is, iop, hs, cop)                                               \
  {SC_SRC_##is, SC_OP_##iop, SC_SRC_##hs, SC_OP_##cop, SC_H_FOR_##is##_##iop##_##hs##_##cop},
    SC_FORLOOPS(F)
#undef F
};

/* operand source of a LoadLocal at pc i followed by LoadLocal or PushConst
 * int: SC_SRC_LL / SC_SRC_LK, else -1 */
static int ll_or_lk(const sc_program *p, const sc_func *f, uint32_t i) {
  if (i + 1 >= f->ncode || f->code[i].op != SC_OP_LoadLocal) return -1;
  if (f->code[i + 1].op == SC_OP_LoadLocal) return SC_SRC_LL;
  return const_tag(p, &f->code[i + 1]) == SC_INT ? SC_SRC_LK : -1;
}

/* A loop increment at pc i whose backward jump goes to the test of the same
 * variable: the FORLOOP handler, else 0. */
static unsigned forloop_at(const sc_program *p, const sc_func *f, uint32_t i) {
  const sc_insn *c = f->code;
  int is = ll_or_lk(p, f, i);
  if (is < 0 || i + 4 >= f->ncode || c[i + 3].op != SC_OP_StoreLocal || c[i + 3].a != c[i].a)
    return 0;
  uint32_t j = skip_nops(f, i + 4);
  if (c[j].op != SC_OP_Jump || (uint32_t)c[j].a > j) return 0;
  uint32_t h = skip_nops(f, (uint32_t)c[j].a);
  if (h > i + 4) return 0; /* the jump slot's resolved target must be h */
  int hs = ll_or_lk(p, f, h);
  if (hs < 0 || h + 3 >= f->ncode || c[h].a != c[i].a || fwd_cond_jump(f, h + 3) != SC_TAIL_JF)
    return 0;
  for (size_t k = 0; k < sizeof sc_for_table / sizeof *sc_for_table; k++) {
    const struct sc_for_entry *e = &sc_for_table[k];
    if (e->isrc == is && e->iop == c[i + 2].op && e->hsrc == hs && e->cop == c[h + 2].op)
      return e->id;
  }
  return 0;
}

static unsigned fused_at(const sc_program *p, const sc_func *f, uint32_t i) {
  const sc_insn *c = f->code;
  uint32_t n = f->ncode;
  if (c[i].op == SC_OP_LoadLocal) {
    if (i + 1 < n && c[i + 1].op == SC_OP_ReturnValue) return SC_H_F_LRET;
    if (i + 1 < n && c[i + 1].op == SC_OP_StoreLocal) return SC_H_F_LS;
    if (i + 1 < n && c[i + 1].op == SC_OP_GetProp) return SC_H_F_LGP;
    unsigned fl = forloop_at(p, f, i);
    if (fl) return fl;
    if (i + 2 < n && c[i + 1].op == SC_OP_LoadLocal) {
      if (c[i + 2].op == SC_OP_GetIndex) return SC_H_F_LL_GI;
      if (i + 3 < n && c[i + 3].op == SC_OP_SetIndex) {
        if (c[i + 2].op == SC_OP_LoadLocal) return SC_H_F_LLL_SI;
        int t = const_tag(p, &c[i + 2]);
        if (t == SC_INT) return SC_H_F_LLKi_SI;
        if (t == SC_FLOAT) return SC_H_F_LLKf_SI;
        if (c[i + 2].op == SC_OP_PushConst) return SC_H_F_LLKv_SI;
      }
    }
    if (i + 2 < n) {
      int src = -1;
      if (c[i + 1].op == SC_OP_LoadLocal) src = SC_SRC_LL;
      else if (const_tag(p, &c[i + 1]) == SC_INT) src = SC_SRC_LK;
      else if (const_tag(p, &c[i + 1]) == SC_FLOAT) src = SC_SRC_LF;
      unsigned id = src >= 0 ? fused_op(f, src, i + 2) : 0;
      if (id) return id;
    }
    return i + 1 < n ? fused_op(f, SC_SRC_SL, i + 1) : 0;
  }
  int ct = const_tag(p, &c[i]);
  if (ct >= 0) return i + 1 < n ? fused_op(f, ct == SC_INT ? SC_SRC_SK : SC_SRC_SF, i + 1) : 0;
  return fused_op(f, SC_SRC_S, i);
}

static void translate_func(const sc_program *p, sc_vfunc *vf, const void *const *L, bool fuse, uint32_t osr_at) {
  const sc_func *f = vf->f;
  uint32_t n = f->ncode;
  sc_tinsn *t = vf->code; /* allocated with the back-edge counters after it */
  uint32_t *be = vf->backedges;
  for (uint32_t i = 0; i < n; i++) {
    const sc_insn *in = &f->code[i];
    sc_tinsn *o = &t[i];
    o->h = L[in->op];
    o->e0 = SC_FB_NO_ENTRY;
    o->a = in->a;
    o->b = sc_op_flags((sc_op)in->op) & SC_OPF_FB ? (int32_t)((char *)&vf->slots[in->fb] - (char *)o)
                                                   : (int32_t)in->b;
    switch (in->op) {
    case SC_OP_LoadLocal: o->a = in->a * (int32_t)sizeof(sc_value); break;
    case SC_OP_PushConst: {
      sc_value v = p->consts[in->a];
      if (v.tag == SC_INT) {
        o->h = L[SC_H_PushInt];
        o->i = v.i;
      } else if (v.tag == SC_FLOAT) {
        o->h = L[SC_H_PushFloat];
        o->f = v.f;
      } else {
        o->cv = &p->consts[in->a];
      }
      break;
    }
    case SC_OP_StoreLocal: {
      uint8_t k = f->local_kinds ? f->local_kinds[in->a] : SC_KIND_ANY;
      o->a = in->a * (int32_t)sizeof(sc_value);
      o->b = kind_mask(k);
      if (k != SC_KIND_ANY) o->h = L[SC_H_StoreLocalK];
      break;
    }
    case SC_OP_Jump: {
      /* a: byte offset to the target past no-ops; b: byte offset from this
       * instruction to the target's back-edge counter. A backward one
       * counts down in e0 and asks for OSR at 0 (on time when it is its
       * target's only backward Jump, else maybe later); its executions
       * since the last flush are n - e0 (mod 2^64). */
      uint32_t tg = (uint32_t)in->a;
      o->h = L[tg <= i ? SC_H_JumpBack : SC_H_Jump];
      o->e0 = o->n = osr_at ? osr_at : UINT64_MAX;
      o->a = ((int32_t)skip_nops(f, tg) - (int32_t)i) * (int32_t)sizeof(sc_tinsn);
      o->b = (int32_t)((char *)&be[tg] - (char *)o);
      break;
    }
    case SC_OP_JumpIfFalse:
    case SC_OP_JumpIfTrue: {
      /* a backward conditional jump keeps its exact target: its count is
       * kept at the target's pc */
      uint32_t tg = (uint32_t)in->a;
      bool back = tg <= i;
      if (back) o->h = L[in->op == SC_OP_JumpIfFalse ? SC_H_JumpIfFalseBack : SC_H_JumpIfTrueBack];
      o->a = ((int32_t)(back ? tg : skip_nops(f, tg)) - (int32_t)i) * (int32_t)sizeof(sc_tinsn);
      break;
    }
    default: break;
    }
  }
  /* a no-op run ending in a Jump jumps at once */
  for (uint32_t i = 0; i < n; i++) {
    if (!is_nop(f->code[i].op)) continue;
    uint32_t j = skip_nops(f, i);
    if (j != i && f->code[j].op == SC_OP_Jump) {
      t[i] = t[j];
      t[i].a += (int32_t)((j - i) * sizeof(sc_tinsn));
      t[i].b += (int32_t)((j - i) * sizeof(sc_tinsn));
    }
  }
  for (uint32_t i = 0; fuse && i < n; i++) {
    unsigned id = fused_at(p, f, i);
    if (id) t[i].h = L[id];
  }
}

static void translate(sc_vm *vm, const void *const *L) {
  for (uint32_t i = 0; i < vm->prog->nfuncs; i++)
    translate_func(vm->prog, &vm->funcs[i], L, vm->fuse, vm->osr_at);
  vm->exit_code[0].h = L[SC_H_Exit];
  vm->exit_code[1].h = L[SC_H_Exit];
  vm->translated = 1;
}

/* c + 1, saturating at UINT32_MAX: add; sbb $0 */
static inline uint32_t sat_inc(uint32_t c) {
  uint32_t r;
  bool o = __builtin_add_overflow(c, 1u, &r);
  return r - o;
}

/* Recording feedback at threaded insn ip: the common case, its slot's
 * first entry again, only counts in ip (exact: e0 is a copy of e[0], and
 * sc_fb_record would only count). Otherwise the slot records it, and ip
 * takes a copy of the first entry. Threaded code is const to handlers but
 * for these two fields. */
__attribute__((noinline)) static void sc_interp_record_slow(const sc_tinsn *ip, uint64_t e, uint32_t aux) {
  sc_fb_slot *s = (sc_fb_slot *)((char *)ip + ip->b);
  sc_fb_record(s, e, aux);
  ((sc_tinsn *)ip)->e0 = s->e[0];
}

__attribute__((noinline)) static void sc_interp_record_return(const sc_vfunc *vf, const sc_tinsn *ip, sc_tag tag) {
  sc_fb_record(&vf->prof->ret, tag, 0);
  ((sc_tinsn *)ip)->e0 = tag;
}

__attribute__((always_inline)) static inline void sc_interp_record(const sc_tinsn *ip, uint64_t e, uint32_t aux) {
  if (LIKELY(ip->e0 == e)) ((sc_tinsn *)ip)->n++;
  else sc_interp_record_slow(ip, e, aux);
}

/* Whether threaded insn pc is a backward Jump: one, or a no-op run's copy
 * of the one that ends it (translate_func). */
static bool back_jump(const sc_func *f, uint32_t pc) {
  uint32_t j = is_nop(f->code[pc].op) ? skip_nops(f, pc) : pc;
  return f->code[j].op == SC_OP_Jump && (uint32_t)f->code[j].a <= j;
}

void sc_interp_flush_counts(sc_vm *vm, uint32_t func) {
  if (!vm->translated) return;
  sc_vfunc *vf = &vm->funcs[func];
  const sc_func *f = vf->f;
  for (uint32_t pc = 0; pc < f->ncode; pc++) {
    sc_tinsn *t = &vf->code[pc];
    uint32_t *c;
    uint64_t k;
    if (sc_op_flags((sc_op)f->code[pc].op) & SC_OPF_FB) {
      c = &vf->slots[f->code[pc].fb].count;
      k = t->n;
      t->n = 0;
    } else if (back_jump(f, pc)) {
      c = (uint32_t *)((char *)t + t->b);
      k = t->n - t->e0;
      t->n = t->e0;
    } else {
      continue;
    }
    uint64_t sum = *c + k;
    *c = sum > UINT32_MAX ? UINT32_MAX : (uint32_t)sum;
  }
}

/* Feedback of a GetIndex/SetIndex that left the fast path. */
static void sc_interp_index_feedback(sc_fb_slot *s, sc_value av, sc_value iv) {
  if (av.tag != SC_ARRAY) {
    sc_fb_record(s, SC_FB_NOTARRAY(av.tag), 0);
    return;
  }
  sc_fb_record(s, SC_FB_ELEMS(av.a->kind), 0);
  if (iv.tag != SC_INT) s->flags |= SC_FBF_NONINT_IDX;
  else if ((uint64_t)iv.i >= (uint64_t)av.a->len) s->flags |= SC_FBF_OOB;
}

/* ---- the two builds of the loop ---- */

#define PROFILE 0
#define SC_INTERP_FN sc_interp_plain
#include "runtime/interp_loop.h"
#undef PROFILE
#undef SC_INTERP_FN

#define PROFILE 1
#define SC_INTERP_FN sc_interp_profile
#include "runtime/interp_loop.h"
#undef PROFILE
#undef SC_INTERP_FN

int sc_interp_exec(sc_vm *vm, sc_frame *fp, const sc_tinsn *pc, sc_value *sp) {
  sc_frame *stop = fp ? fp - 1 : NULL; /* NULL: translation only */
  int was = __atomic_load_n(&vm->in_native, __ATOMIC_RELAXED);
  __atomic_store_n(&vm->in_native, 0, __ATOMIC_RELAXED);
  int st = vm->opts.profile ? sc_interp_profile(vm, fp, pc, sp, stop) : sc_interp_plain(vm, fp, pc, sp, stop);
  __atomic_store_n(&vm->in_native, was, __ATOMIC_RELAXED);
  return st;
}

int sc_interp_resume(sc_vm *vm, sc_frame *fp) {
  sc_frame *top = vm->deopt_fp;
  int was = __atomic_load_n(&vm->in_native, __ATOMIC_RELAXED);
  __atomic_store_n(&vm->in_native, 0, __ATOMIC_RELAXED);
  int st = vm->opts.profile ? sc_interp_profile(vm, top, top->pc, vm->deopt_sp, fp - 1)
                            : sc_interp_plain(vm, top, top->pc, vm->deopt_sp, fp - 1);
  __atomic_store_n(&vm->in_native, was, __ATOMIC_RELAXED);
  return st;
}

void sc_interp_prepare(sc_vm *vm) {
  if (!vm->translated) sc_interp_exec(vm, NULL, NULL, NULL);
}

int sc_interp_run(sc_vm *vm) {
  sc_interp_prepare(vm);
  sc_vfunc *mf = &vm->funcs[vm->prog->main_index];
  if (vm->stack + 1 + mf->frame_size > vm->stack_end) sc_vm_grow_stack(vm, NULL, 1 + mf->frame_size);
  sc_frame *fp = vm->frames;
  fp[0].pc = &vm->exit_code[0];
  fp[0].base = vm->stack;
  fp[0].ret = NULL;
  fp[0].vf = mf;
  fp++;
  sc_value *base = vm->stack + 1;
  fp->pc = NULL;
  fp->base = base;
  fp->ret = vm->stack;
  fp->vf = mf;
  for (uint32_t k = 0; k < mf->nlocals; k++) base[k] = sc_null();
  vm->stack_top = base + mf->frame_size;
  if (vm->opts.profile) mf->prof->calls++;
  int st;
  if (mf->native) {
    vm->native_depth++;
    st = mf->native(vm, fp);
    if (!--vm->native_depth && vm->code_dropped) vm->hooks->release(vm);
    if (st == SC_ST_DEOPT) st = sc_interp_resume(vm, fp);
  } else {
    st = sc_interp_exec(vm, fp, mf->code, base + mf->nlocals);
  }
  return st == SC_ST_ERROR ? SC_EXIT_RUNTIME_ERROR : SC_EXIT_OK;
}
