/* libFuzzer target: bytes -> a verified bytecode program, built with the C
 * builder API, run by the interpreter and compiled by every backend built,
 * eagerly and tiered (low thresholds, deopt stress): stdout, stderr and the
 * exit status must be the same in every run. Every compilation runs the
 * lifter and the passes with the IR verifier after each (checking build),
 * and in a tiered run a function that cannot be compiled is a failure too.
 *
 * Decoding. The bytes are read as: a header (function and global counts,
 * which runs to make), then per function its arity, extra locals and their
 * kinds, its length, and its instructions, one opcode byte (an index into
 * `forms`) and operand bytes each. The decoder tracks the operand stack
 * depth (and a guess of each value's type) along the instruction list:
 * an instruction that would underflow becomes a push, a jump goes to the
 * nearest instruction its offset names that has the depth the jump leaves,
 * and typed arithmetic on values known to be of another number type becomes
 * the generic op. So nearly every input verifies, and most do not stop at
 * the first instruction with a type error.
 *
 * Termination without a step limit in the VM: the program counts its own
 * steps. Every function starts by decrementing a global call budget, every
 * target of a backward jump (every loop header) a local loop budget, and
 * every generic Add (string concatenation) a global budget when the program
 * has strings; at 0 the program executes Halt. That is ordinary bytecode, so
 * every tier must stop at the same point with the same output. ArrayNew
 * lengths are masked to 0..63; main (generated) calls f0 and prints the
 * result; the call depth limit is small.
 *
 * FUZZ_PIPELINE_DUMP=1 prints the decoded program as .sasm (what a
 * regression test in tests/programs starts from) and every run's result. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime.h"
#include "shapec/shapec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXF 4          /* decoded functions */
#define MAXG 4          /* decoded globals */
#define MAXLOC 8        /* locals per function (params included) */
#define MAXLEN 64       /* decoded instructions per function */
#define MAXDEPTH 12     /* operand stack depth the decoder builds up to */
#define CALL_FUEL 64    /* function entries */
#define LOOP_FUEL 64    /* loop iterations per activation */
#define CAT_FUEL 20     /* generic Adds, in a program with strings */
#define MAX_FRAMES 48
#define OUTCAP (1u << 20)

/* ---- decoding ---- */

typedef struct rd {
  const uint8_t *p;
  size_t n, i;
} rd;

static unsigned next(rd *r) { return r->i < r->n ? r->p[r->i++] : 0; }
static bool at_end(const rd *r) { return r->i >= r->n; }

/* A guess of a value's type, for the decoder's choices only. */
enum { TU, TN, TB, TI, TF, TS, TA, TO, TM, TFN };

typedef struct dins {
  uint8_t op;
  int32_t a;
  uint16_t b;
  int8_t off;    /* jumps: offset byte */
  int32_t depth; /* operand stack depth before it */
  int32_t target;
} dins;

typedef struct dfunc {
  uint32_t arity, nlocals;
  uint8_t kinds[MAXLOC];
  dins code[MAXLEN + 1];
  uint32_t n;
} dfunc;

typedef struct dprog {
  uint32_t nfuncs, nglobals;
  dfunc f[MAXF];
  unsigned cfg;
  bool strings;
} dprog;

/* Opcodes by weight: the index is the opcode byte modulo the count. */
static const uint8_t forms[] = {
#define OP(name, operand, pops, pushes, flags) SC_OP_##name,
#include "shapec/opcodes.def"
#undef OP
    SC_OP_PushConst, SC_OP_PushConst, SC_OP_PushConst, SC_OP_PushConst, SC_OP_LoadLocal, SC_OP_LoadLocal,
    SC_OP_LoadLocal, SC_OP_LoadLocal, SC_OP_StoreLocal, SC_OP_StoreLocal, SC_OP_StoreLocal, SC_OP_Add,
    SC_OP_Add, SC_OP_Sub, SC_OP_Mul, SC_OP_AddInt, SC_OP_Lt, SC_OP_LtInt, SC_OP_JumpIfFalse, SC_OP_JumpIfFalse,
    SC_OP_JumpIfTrue, SC_OP_Jump, SC_OP_Jump, SC_OP_Call, SC_OP_Call, SC_OP_GetIndex, SC_OP_SetIndex,
    SC_OP_ArrayPush, SC_OP_GetProp, SC_OP_SetProp, SC_OP_Print, SC_OP_Print, SC_OP_LoadGlobal, SC_OP_StoreGlobal,
    SC_OP_ReturnValue, SC_OP_Dup, SC_OP_NewArray, SC_OP_NewObject,
};
#define NFORMS (sizeof forms / sizeof forms[0])

typedef struct konst {
  uint8_t t;
  int64_t i;
  double f;
  const char *s;
} konst;

static const konst consts[] = {
    {TI, 0, 0, 0}, {TI, 1, 0, 0}, {TI, 2, 0, 0}, {TI, 3, 0, 0}, {TI, -1, 0, 0}, {TI, 7, 0, 0},
    {TI, 10, 0, 0}, {TI, 100, 0, 0}, {TI, -7, 0, 0}, {TI, 63, 0, 0}, {TI, 64, 0, 0},
    {TI, INT64_MAX, 0, 0}, {TI, INT64_MIN, 0, 0}, {TI, (int64_t)1 << 31, 0, 0},
    {TI, ((int64_t)1 << 53) + 1, 0, 0}, {TI, 4611686018427387904, 0, 0},
    {TF, 0, 0.0, 0}, {TF, 0, -0.0, 0}, {TF, 0, 0.5, 0}, {TF, 0, 1.5, 0}, {TF, 0, -2.5, 0}, {TF, 0, 3.0, 0},
    {TF, 0, 1e300, 0}, {TF, 0, 1e16, 0}, {TF, 0, NAN, 0}, {TF, 0, INFINITY, 0}, {TF, 0, 9.3e18, 0},
    {TB, 1, 0, 0}, {TB, 0, 0, 0}, {TN, 0, 0, 0},
    {TS, 0, 0, ""}, {TS, 0, 0, "a"}, {TS, 0, 0, "ab"}, {TS, 0, 0, "x"},
};
#define NCONSTS (sizeof consts / sizeof consts[0])

static const char *const prop_names[] = {"a", "b", "c", "d"};

static bool is_int_bin(int op) {
  return (op >= SC_OP_AddInt && op <= SC_OP_ModInt) || (op >= SC_OP_LtInt && op <= SC_OP_NeInt);
}
static bool is_num_bin(int op) {
  return (op >= SC_OP_AddNumber && op <= SC_OP_ModNumber) || (op >= SC_OP_LtNumber && op <= SC_OP_NeNumber);
}
/* The generic op of a typed binary op. */
static int generic_of(int op) {
  static const int arith[] = {SC_OP_Add, SC_OP_Sub, SC_OP_Mul, SC_OP_Div, SC_OP_Mod};
  static const int cmp[] = {SC_OP_Lt, SC_OP_Le, SC_OP_Gt, SC_OP_Ge, SC_OP_Eq, SC_OP_Ne};
  if (op >= SC_OP_AddInt && op <= SC_OP_ModInt) return arith[op - SC_OP_AddInt];
  if (op >= SC_OP_AddNumber && op <= SC_OP_ModNumber) return arith[op - SC_OP_AddNumber];
  if (op >= SC_OP_LtInt && op <= SC_OP_NeInt) return cmp[op - SC_OP_LtInt];
  if (op >= SC_OP_LtNumber && op <= SC_OP_NeNumber) return cmp[op - SC_OP_LtNumber];
  return op;
}
static bool numeric(uint8_t t) { return t == TI || t == TF; }
static bool fits(uint8_t kind, uint8_t t) {
  return kind == SC_KIND_ANY || (kind == SC_KIND_INT && t == TI) || (kind == SC_KIND_FLOAT && t == TF) ||
         (kind == SC_KIND_BOOL && t == TB);
}

static uint8_t result_type(int op, uint8_t x, uint8_t y) {
  switch (op) {
  case SC_OP_Add: case SC_OP_Sub: case SC_OP_Mul: case SC_OP_Mod:
    return x == TF && y == TF ? TF : x == TS && y == TS && op == SC_OP_Add ? TS : TU;
  case SC_OP_DivInt: case SC_OP_ModInt: case SC_OP_BitAnd: case SC_OP_BitOr: case SC_OP_BitXor:
  case SC_OP_Shl: case SC_OP_Shr: case SC_OP_BitNot: case SC_OP_NumberToInt: case SC_OP_ArrayLen:
  case SC_OP_StrLen:
    return TI;
  case SC_OP_AddNumber: case SC_OP_SubNumber: case SC_OP_MulNumber: case SC_OP_DivNumber:
  case SC_OP_ModNumber: case SC_OP_NegNumber: case SC_OP_IntToNumber:
    return TF;
  case SC_OP_Not: case SC_OP_MapHas: return TB;
  case SC_OP_NewArray: case SC_OP_ArrayNew: return TA;
  case SC_OP_NewObject: return TO;
  case SC_OP_NewMap: return TM;
  case SC_OP_PushNull: return TN;
  case SC_OP_PushFunc: return TFN;
  default:
    if ((op >= SC_OP_Lt && op <= SC_OP_Ne) || (op >= SC_OP_LtInt && op <= SC_OP_NeNumber)) return TB;
    return TU;
  }
}

/* f->arity is set (decode: calls may name functions decoded later). */
static void decode_func(rd *r, dprog *P, dfunc *f) {
  unsigned h = next(r), kb = next(r) | next(r) << 8;
  f->nlocals = f->arity + (h >> 2) % 5;
  for (uint32_t k = 0; k < f->nlocals; k++) { /* a local of a static kind: 3 in 8 */
    unsigned kk = (kb >> (3 * (k % 5))) & 7;
    f->kinds[k] = k < f->arity || kk < 5 ? SC_KIND_ANY : (uint8_t)(kk - 4);
  }
  uint32_t len = 1 + next(r) % MAXLEN;
  uint8_t ts[MAXDEPTH + 8], lt[MAXLOC];
  int32_t d = 0;
  for (uint32_t k = 0; k < f->nlocals; k++) lt[k] = k < f->arity ? TU : TN;
  f->n = 0;
  while (f->n < len && !at_end(r)) {
    dins *in = &f->code[f->n];
    memset(in, 0, sizeof *in);
    in->depth = d;
    unsigned ob = next(r);
    int op = forms[ob % NFORMS];
    unsigned x = sc_op_operand((sc_op)op) == SC_OPND_NONE ? 0 : next(r);
    /* operands, and ops that cannot be here become others */
    switch (op) {
    case SC_OP_LoadLocal: case SC_OP_StoreLocal:
      if (!f->nlocals) op = op == SC_OP_LoadLocal ? SC_OP_PushNull : SC_OP_Pop;
      else {
        in->a = (int32_t)(x % f->nlocals);
        /* a store of a value known not to fit a kinded local: a local it
         * fits, of its kind or of none */
        if (op == SC_OP_StoreLocal && d > 0 && ts[d - 1] != TU && !fits(f->kinds[in->a], ts[d - 1])) {
          for (uint32_t k = 0; k < f->nlocals; k++)
            if (f->kinds[k] == SC_KIND_ANY) in->a = (int32_t)k;
          for (uint32_t k = 0; k < f->nlocals; k++)
            if (f->kinds[k] != SC_KIND_ANY && fits(f->kinds[k], ts[d - 1])) in->a = (int32_t)k;
        }
      }
      break;
    case SC_OP_LoadGlobal: case SC_OP_StoreGlobal:
      if (!P->nglobals) op = op == SC_OP_LoadGlobal ? SC_OP_PushNull : SC_OP_Pop;
      else in->a = (int32_t)(x % P->nglobals);
      break;
    case SC_OP_PushConst: in->a = (int32_t)(x % NCONSTS); break;
    case SC_OP_PushFunc: in->a = (int32_t)(x % P->nfuncs); break;
    case SC_OP_Call: in->a = (int32_t)(x % P->nfuncs); break;
    case SC_OP_CallValue: in->a = (int32_t)(x % 3); break;
    case SC_OP_NewArray: in->a = (int32_t)(x % 4); break;
    case SC_OP_GetProp: case SC_OP_SetProp: in->a = (int32_t)(x % 4); break;
    case SC_OP_CallBuiltin: in->a = (int32_t)(x % SC_BUILTIN_clock); break; /* not clock: time varies */
    case SC_OP_Jump: case SC_OP_JumpIfFalse: case SC_OP_JumpIfTrue: in->off = (int8_t)x; break;
    default: break;
    }
    if (op == SC_OP_Call) in->b = (uint16_t)P->f[in->a].arity; /* functions after this one: decoded later */
    if (op == SC_OP_CallBuiltin) in->b = (uint16_t)sc_builtin_argc((sc_builtin)in->a);
    sc_insn tmp = {.op = (uint8_t)op, .a = in->a, .b = in->b};
    int pops = sc_op_pops(&tmp), pushes = sc_op_pushes(&tmp);
    if (pops > d) { /* would underflow: push something instead */
      op = SC_OP_PushConst;
      in->a = (int32_t)((ob + x) % NCONSTS);
      in->b = 0;
      pops = 0;
      pushes = 1;
    } else if (d - pops + pushes > MAXDEPTH) {
      op = SC_OP_Pop;
      in->a = 0;
      in->b = 0;
      pops = 1;
      pushes = 0;
    }
    /* typed arithmetic on numbers known to be of the other type: generic */
    if ((is_int_bin(op) || is_num_bin(op)) && d >= 2 && numeric(ts[d - 1]) && numeric(ts[d - 2])) {
      uint8_t want = is_int_bin(op) ? TI : TF;
      if (ts[d - 1] != want || ts[d - 2] != want) op = generic_of(op);
    }
    in->op = (uint8_t)op;
    uint8_t x0 = d > 0 ? ts[d - 1] : TU, x1 = d > 1 ? ts[d - 2] : TU, res;
    switch (op) {
    case SC_OP_PushConst: res = consts[in->a].t; break;
    case SC_OP_LoadLocal: res = lt[in->a]; break;
    case SC_OP_StoreLocal: lt[in->a] = x0; res = TU; break;
    case SC_OP_Dup: res = x0; break;
    default: res = result_type(op, x1, x0);
    }
    if (op == SC_OP_PushConst && consts[in->a].t == TS) P->strings = true;
    if (op == SC_OP_Swap) {
      ts[d - 1] = x1;
      ts[d - 2] = x0;
    } else {
      d -= pops;
      for (int k = 0; k < pushes; k++) ts[d + k] = res;
      d += pushes;
    }
    f->n++;
  }
  /* the end: a return of what is on the stack */
  dins *in = &f->code[f->n];
  memset(in, 0, sizeof *in);
  in->depth = d;
  in->op = d > 0 ? SC_OP_ReturnValue : SC_OP_Return;
  f->n++;
}

/* Jump targets: from the offset, the nearest instruction (wrapping around)
 * with the depth the jump leaves; none: the jump becomes a Pop or a Nop. */
static void resolve_jumps(dfunc *f) {
  for (uint32_t i = 0; i < f->n; i++) {
    dins *in = &f->code[i];
    if (in->op != SC_OP_Jump && in->op != SC_OP_JumpIfFalse && in->op != SC_OP_JumpIfTrue) continue;
    int32_t want = in->depth - (in->op == SC_OP_Jump ? 0 : 1);
    int64_t s = ((int64_t)i + in->off) % (int64_t)f->n;
    if (s < 0) s += f->n;
    in->target = -1;
    for (uint32_t k = 0; k < f->n; k++) {
      uint32_t j = (uint32_t)((s + k) % f->n);
      if (f->code[j].depth == want) {
        in->target = (int32_t)j;
        break;
      }
    }
    if (in->target < 0) in->op = in->op == SC_OP_Jump ? SC_OP_Nop : SC_OP_Pop;
  }
}

static void decode(const uint8_t *data, size_t size, dprog *P) {
  rd r = {data, size, 0};
  memset(P, 0, sizeof *P);
  unsigned h = next(&r);
  P->nfuncs = 1 + h % MAXF;
  P->nglobals = (h >> 2) % (MAXG + 1);
  P->cfg = next(&r);
  /* arities first: calls name functions decoded later */
  unsigned ar = next(&r);
  for (uint32_t i = 1; i < P->nfuncs; i++) P->f[i].arity = (ar >> (2 * (i - 1))) & 3;
  for (uint32_t i = 0; i < P->nfuncs; i++) decode_func(&r, P, &P->f[i]);
  for (uint32_t i = 0; i < P->nfuncs; i++) resolve_jumps(&P->f[i]);
}

/* ---- building ---- */

enum { G_CALLS, G_CAT, G_USER };

/* LOAD var; PushConst 1; SubInt; Dup; STORE var; PushConst 0; GtInt;
 * JumpIfTrue over; Halt */
static void emit_fuel(sc_program *p, sc_func *f, bool global, int32_t var) {
  int32_t one = (int32_t)sc_const_add(p, sc_int(1)), zero = (int32_t)sc_const_add(p, sc_int(0));
  sc_emit(f, global ? SC_OP_LoadGlobal : SC_OP_LoadLocal, var, 0, 0, 0);
  sc_emit(f, SC_OP_PushConst, one, 0, 0, 0);
  sc_emit(f, SC_OP_SubInt, 0, 0, 0, 0);
  sc_emit(f, SC_OP_Dup, 0, 0, 0, 0);
  sc_emit(f, global ? SC_OP_StoreGlobal : SC_OP_StoreLocal, var, 0, 0, 0);
  sc_emit(f, SC_OP_PushConst, zero, 0, 0, 0);
  sc_emit(f, SC_OP_GtInt, 0, 0, 0, 0);
  sc_emit(f, SC_OP_JumpIfTrue, (int32_t)f->ncode + 2, 0, 0, 0);
  sc_emit(f, SC_OP_Halt, 0, 0, 0, 0);
}

static sc_value konst_value(const konst *k) {
  switch (k->t) {
  case TI: return sc_int(k->i);
  case TF: return sc_float(k->f);
  case TB: return sc_bool(k->i != 0);
  case TS: return sc_ptr(SC_STR, sc_str_new(k->s, strlen(k->s)));
  default: return sc_null();
  }
}

static sc_program *build(const dprog *P) {
  sc_program *p = sc_program_new("fuzz.sasm");
  sc_global_add(p, "calls");
  sc_global_add(p, "cat");
  for (uint32_t g = 0; g < P->nglobals; g++) {
    char nm[8];
    snprintf(nm, sizeof nm, "g%u", g);
    sc_global_add(p, nm);
  }
  for (unsigned k = 0; k < 4; k++) sc_name_intern(p, prop_names[k]);
  sc_func *m = sc_func_add(p, "main", 0);
  sc_func *fs[MAXF];
  for (uint32_t i = 0; i < P->nfuncs; i++) {
    char nm[8];
    snprintf(nm, sizeof nm, "f%u", i);
    const dfunc *d = &P->f[i];
    fs[i] = sc_func_add(p, nm, d->arity);
    for (uint32_t k = d->arity; k < d->nlocals; k++) {
      char ln[8];
      snprintf(ln, sizeof ln, "l%u", k);
      sc_func_add_local(fs[i], ln, (sc_kind)d->kinds[k]);
    }
    sc_func_add_local(fs[i], "fuel", SC_KIND_INT);
  }
  /* main: the budgets, then print f0() */
  sc_emit(m, SC_OP_PushConst, (int32_t)sc_const_add(p, sc_int(CALL_FUEL)), 0, 1, 1);
  sc_emit(m, SC_OP_StoreGlobal, G_CALLS, 0, 1, 1);
  sc_emit(m, SC_OP_PushConst, (int32_t)sc_const_add(p, sc_int(CAT_FUEL)), 0, 1, 1);
  sc_emit(m, SC_OP_StoreGlobal, G_CAT, 0, 1, 1);
  sc_emit(m, SC_OP_Call, 1, 0, 1, 1);
  sc_emit(m, SC_OP_Print, 0, 0, 1, 1);
  sc_emit(m, SC_OP_Return, 0, 0, 1, 1);
  for (uint32_t i = 0; i < P->nfuncs; i++) {
    const dfunc *d = &P->f[i];
    sc_func *f = fs[i];
    int32_t fuel = (int32_t)d->nlocals;
    bool header[MAXLEN + 1] = {0};
    uint32_t newpc[MAXLEN + 1];
    for (uint32_t j = 0; j < d->n; j++)
      if (d->code[j].op == SC_OP_Jump || d->code[j].op == SC_OP_JumpIfFalse || d->code[j].op == SC_OP_JumpIfTrue)
        if ((uint32_t)d->code[j].target <= j) header[d->code[j].target] = true;
    emit_fuel(p, f, true, G_CALLS);
    sc_emit(f, SC_OP_PushConst, (int32_t)sc_const_add(p, sc_int(LOOP_FUEL)), 0, 0, 0);
    sc_emit(f, SC_OP_StoreLocal, fuel, 0, 0, 0);
    for (uint32_t j = 0; j < d->n; j++) {
      const dins *in = &d->code[j];
      newpc[j] = f->ncode;
      uint32_t line = j + 2;
      if (header[j]) emit_fuel(p, f, false, fuel);
      if (in->op == SC_OP_Add && P->strings) emit_fuel(p, f, true, G_CAT);
      int32_t a = in->a;
      switch (in->op) {
      case SC_OP_PushConst: a = (int32_t)sc_const_add(p, konst_value(&consts[in->a])); break;
      case SC_OP_LoadGlobal: case SC_OP_StoreGlobal: a = G_USER + in->a; break;
      case SC_OP_PushFunc: case SC_OP_Call: a = in->a + 1; break;
      case SC_OP_ArrayNew: /* len fill -> (len & 63) fill */
        sc_emit(f, SC_OP_Swap, 0, 0, line, 1);
        sc_emit(f, SC_OP_PushConst, (int32_t)sc_const_add(p, sc_int(63)), 0, line, 1);
        sc_emit(f, SC_OP_BitAnd, 0, 0, line, 1);
        sc_emit(f, SC_OP_Swap, 0, 0, line, 1);
        break;
      default: break;
      }
      sc_emit(f, (sc_op)in->op, a, in->b, line, 1);
    }
    for (uint32_t j = 0; j < d->n; j++) /* patch jumps: the last insn emitted for each is the jump */
      if (d->code[j].op == SC_OP_Jump || d->code[j].op == SC_OP_JumpIfFalse || d->code[j].op == SC_OP_JumpIfTrue) {
        uint32_t pc = j + 1 < d->n ? newpc[j + 1] - 1 : f->ncode - 1;
        f->code[pc].a = (int32_t)newpc[d->code[j].target];
      }
  }
  return p;
}

/* ---- running ---- */

/* A stream that keeps the first OUTCAP bytes and counts the rest. */
typedef struct capbuf {
  char *buf;
  size_t len, total;
} capbuf;

static ssize_t cap_write(void *c, const char *b, size_t n) {
  capbuf *k = c;
  size_t m = k->len < OUTCAP ? OUTCAP - k->len : 0;
  if (m > n) m = n;
  memcpy(k->buf + k->len, b, m);
  k->len += m;
  k->total += n;
  return (ssize_t)n;
}

static FILE *cap_open(capbuf *k) {
  if (!k->buf && !(k->buf = malloc(OUTCAP))) abort();
  k->len = k->total = 0;
  cookie_io_functions_t io = {.write = cap_write};
  FILE *f = fopencookie(k, "w", io);
  if (!f) abort();
  return f;
}

typedef struct result {
  int status;
  capbuf out, err, trace;
} result;

static const char *config_name(const sc_vm_options *o, char *buf, size_t n) {
  if (o->jit == SC_JIT_OFF) snprintf(buf, n, "interpreter%s", o->profile ? "" : " (no profile, no fusion)");
  else if (o->jit == SC_JIT_EAGER) snprintf(buf, n, "--jit=eager --backend=%s%s", o->backend, o->inl.off ? " --no-inline" : "");
  else
    snprintf(buf, n, "--jit=tiered --backend=%s --jit-threads=0 --tier-threshold=%u --osr-threshold=%u --deopt-stress=%g:%llu%s",
             o->backend, o->tier_threshold, o->osr_threshold, o->deopt_stress, (unsigned long long)o->stress_seed,
             o->inl.off ? " --no-inline" : "");
  return buf;
}

static void run(sc_program *p, sc_vm_options o, result *r) {
  o.out = cap_open(&r->out);
  o.err = cap_open(&r->err);
  o.trace_tiering = o.jit == SC_JIT_TIERED ? cap_open(&r->trace) : NULL;
  o.max_frames = MAX_FRAMES;
  o.jit_threads = SC_JIT_SYNC;
  sc_vm *vm = sc_vm_new(p, &o);
  if (!vm) {
    fprintf(stderr, "fuzz_pipeline: sc_vm_new failed on a verified program\n");
    abort();
  }
  r->status = sc_vm_run_main(vm);
  fclose(o.out);
  fclose(o.err);
  if (o.trace_tiering) fclose(o.trace_tiering);
}

static void show(const char *what, const capbuf *k) {
  fprintf(stderr, "--- %s (%zu bytes):\n%.*s%s\n", what, k->total, (int)(k->len < 4000 ? k->len : 4000), k->buf,
          k->len > 4000 ? "..." : "");
}

static bool same(const capbuf *x, const capbuf *y) {
  return x->total == y->total && x->len == y->len && !memcmp(x->buf, y->buf, x->len);
}

/* Compiled code that could not be made (a tiered run keeps interpreting). */
static const char *compile_failure(const capbuf *t) {
  static const char *const bad[] = {"cannot compile", "blacklisted for OSR"};
  /* a function over the compile budget stays interpreted by design (issue 19) */
  static const char budget[] = "cannot compile (over the compile budget";
  for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
    size_t n = strlen(bad[k]);
    for (size_t i = 0; i + n <= t->len; i++)
      if (!memcmp(t->buf + i, bad[k], n) &&
          !(k == 0 && i + sizeof budget - 1 <= t->len && !memcmp(t->buf + i, budget, sizeof budget - 1)))
        return bad[k];
  }
  return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static result ref, cur;
  static int dump = -1;
  sc_runtime_init();
  if (dump < 0) dump = getenv("FUZZ_PIPELINE_DUMP") && *getenv("FUZZ_PIPELINE_DUMP") != '0';
  dprog *P = calloc(1, sizeof *P);
  decode(data, size, P);
  sc_program *p = build(P);
  sc_diags d = {0};
  if (sc_verify(p, &d)) { /* the decoder's mistake: say so when dumping */
    if (dump) {
      sc_diags_print(&d, stderr);
      sc_disassemble(p, stderr);
    }
    free(P);
    return 0;
  }
  unsigned cfg = P->cfg;
  free(P);
  if (dump) sc_disassemble(p, stderr);

  static const double stress[] = {0, 0.01, 0.5, 1.0};
  static const uint32_t tier_t[] = {1, 2, 3, 10}, osr_t[] = {1, 10, 2, 30};
  sc_vm_options cfgs[8];
  int n = 0;
  cfgs[n++] = (sc_vm_options){.jit = SC_JIT_OFF, .profile = 1};
  cfgs[n++] = (sc_vm_options){.jit = SC_JIT_OFF, .profile = 0};
  const char *backends[2] = {"mir", "llvm"};
  for (int b = 0; b < 2; b++) {
    if (!sc_backend_available(backends[b])) continue;
    if (b == 1 && !(cfg & 1)) continue; /* LLVM: every other input (it is slow to start) */
    sc_inline_options inl = {.off = (cfg >> 5) & 1};
    cfgs[n++] = (sc_vm_options){.jit = SC_JIT_EAGER, .profile = 1, .backend = backends[b], .inl = inl};
    cfgs[n++] = (sc_vm_options){.jit = SC_JIT_TIERED, .profile = 1, .backend = backends[b], .inl = inl,
                                .tier_threshold = tier_t[(cfg >> 3) & 3], .osr_threshold = osr_t[(cfg >> 3) & 3],
                                .deopt_stress = stress[(cfg >> 1) & 3], .stress_seed = cfg >> 6};
  }
  char name[256];
  for (int k = 0; k < n; k++) {
    result *r = k ? &cur : &ref;
    if (k == 1) setenv("SHAPEC_NO_FUSION", "1", 1); /* the other interpreter: no profiling, no superinstructions */
    run(p, cfgs[k], r);
    if (k == 1) unsetenv("SHAPEC_NO_FUSION");
    if (dump) {
      fprintf(stderr, "=== %s: exit status %d\n", config_name(&cfgs[k], name, sizeof name), r->status);
      show("stdout", &r->out);
      show("stderr", &r->err);
    }
    const char *cf = cfgs[k].jit == SC_JIT_TIERED ? compile_failure(&r->trace) : NULL;
    if (k && (r->status != ref.status || !same(&r->out, &ref.out) || !same(&r->err, &ref.err) || cf)) {
      if (!dump) sc_disassemble(p, stderr);
      fprintf(stderr, "fuzz_pipeline: %s differs from the interpreter%s%s\n", config_name(&cfgs[k], name, sizeof name),
              cf ? ": a compilation failed: " : "", cf ? cf : "");
      fprintf(stderr, "=== interpreter: exit status %d\n", ref.status);
      show("stdout", &ref.out);
      show("stderr", &ref.err);
      fprintf(stderr, "=== %s: exit status %d\n", name, r->status);
      show("stdout", &r->out);
      show("stderr", &r->err);
      if (cf) show("tiering trace", &r->trace);
      abort();
    }
  }
  return 0;
}
