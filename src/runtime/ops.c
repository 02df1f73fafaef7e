/* Value operations with the spec's exact semantics. The interpreter inlines
 * the common int/float cases and calls these for everything else; compiled
 * code calls them as helpers, so every tier computes the same results and
 * raises the same errors. */
#include <math.h>
#include <time.h>

#include "runtime/runtime.h"

#define TWO63 9223372036854775808.0

static const char *opname(sc_op op) { return sc_op_name(op); }

/* Exact comparison of an int64 with a double: -1, 0, 1, or 2 if unordered. */
static int cmp_int_float(int64_t i, double f) {
  if (isnan(f)) return 2;
  if (f >= TWO63) return -1;
  if (f < -TWO63) return 1;
  double tf = trunc(f);
  int64_t t = (int64_t)tf;
  if (i != t) return i < t ? -1 : 1;
  double frac = f - tf;
  return frac > 0 ? -1 : frac < 0 ? 1 : 0;
}

static int cmp_float(double a, double b) {
  if (isnan(a) || isnan(b)) return 2;
  return a < b ? -1 : a > b;
}

/* Numeric comparison of two numbers (int or float, any mix). */
static int cmp_num(sc_value a, sc_value b) {
  if (a.tag == SC_INT && b.tag == SC_INT) return a.i < b.i ? -1 : a.i > b.i;
  if (a.tag == SC_INT) return cmp_int_float(a.i, b.f);
  if (b.tag == SC_INT) {
    int c = cmp_int_float(b.i, a.f);
    return c == 2 ? 2 : -c;
  }
  return cmp_float(a.f, b.f);
}

static bool is_num(sc_value v) { return v.tag == SC_INT || v.tag == SC_FLOAT; }
static double num(sc_value v) { return v.tag == SC_INT ? (double)v.i : v.f; }

bool sc_value_equal(sc_value a, sc_value b) {
  if (is_num(a) && is_num(b)) return cmp_num(a, b) == 0;
  if (a.tag != b.tag) return false;
  switch (a.tag) {
  case SC_NULL: return true;
  case SC_STR: return sc_str_eq(a.s, b.s);
  case SC_BOOL: case SC_FUNC: return a.i == b.i;
  default: return a.p == b.p;
  }
}

static bool rel(sc_op op, int c) {
  if (c == 2) return op == SC_OP_Ne || op == SC_OP_NeInt || op == SC_OP_NeNumber;
  switch (op) {
  case SC_OP_Lt: case SC_OP_LtInt: case SC_OP_LtNumber: return c < 0;
  case SC_OP_Le: case SC_OP_LeInt: case SC_OP_LeNumber: return c <= 0;
  case SC_OP_Gt: case SC_OP_GtInt: case SC_OP_GtNumber: return c > 0;
  case SC_OP_Ge: case SC_OP_GeInt: case SC_OP_GeNumber: return c >= 0;
  case SC_OP_Eq: case SC_OP_EqInt: case SC_OP_EqNumber: return c == 0;
  default: return c != 0;
  }
}

static bool bad2(sc_rt *rt, sc_op op, const char *what, sc_value a, sc_value b) {
  return sc_rt_error(rt, "%s expects %s operands, got %s and %s", opname(op), what, sc_tag_name(a.tag),
                     sc_tag_name(b.tag));
}

/* + - * on ints with the overflow-to-float rule. */
static sc_value int_arith(sc_op op, int64_t x, int64_t y) {
  int64_t r;
  switch (op) {
  case SC_OP_Add: case SC_OP_AddInt:
    if (!__builtin_add_overflow(x, y, &r)) return sc_int(r);
    return sc_float((double)x + (double)y);
  case SC_OP_Sub: case SC_OP_SubInt:
    if (!__builtin_sub_overflow(x, y, &r)) return sc_int(r);
    return sc_float((double)x - (double)y);
  default:
    if (!__builtin_mul_overflow(x, y, &r)) return sc_int(r);
    return sc_float((double)x * (double)y);
  }
}

static bool int_div(sc_rt *rt, sc_op op, int64_t x, int64_t y, sc_value *out) {
  bool mod = op == SC_OP_Mod || op == SC_OP_ModInt;
  if (y == 0) return sc_rt_error(rt, mod ? "modulo by zero" : "division by zero");
  if (y == -1) {
    if (mod) *out = sc_int(0);
    else *out = x == INT64_MIN ? sc_float(-(double)x) : sc_int(-x);
    return true;
  }
  if (mod) *out = sc_int(x % y);
  else if (op == SC_OP_DivInt || x % y == 0) *out = sc_int(x / y);
  else *out = sc_float((double)x / (double)y);
  return true;
}

static double float_arith(sc_op op, double x, double y) {
  switch (op) {
  case SC_OP_Add: case SC_OP_AddNumber: return x + y;
  case SC_OP_Sub: case SC_OP_SubNumber: return x - y;
  case SC_OP_Mul: case SC_OP_MulNumber: return x * y;
  case SC_OP_Div: case SC_OP_DivNumber: return x / y;
  default: return fmod(x, y);
  }
}

bool sc_rt_binary(sc_rt *rt, sc_op op, sc_value a, sc_value b, sc_value *out) {
  switch (op) {
  case SC_OP_Add:
    if (a.tag == SC_STR && b.tag == SC_STR) {
      sc_str *r = sc_str_concat(a.s, b.s);
      if (!r) return sc_rt_oom(rt);
      *out = sc_ptr(SC_STR, r);
      return true;
    }
    /* fall through */
  case SC_OP_Sub: case SC_OP_Mul: case SC_OP_Div: case SC_OP_Mod:
    if (!is_num(a) || !is_num(b))
      return sc_rt_error(rt, "%s cannot combine %s and %s", opname(op), sc_tag_name(a.tag), sc_tag_name(b.tag));
    if (a.tag == SC_INT && b.tag == SC_INT) {
      if (op == SC_OP_Div || op == SC_OP_Mod) return int_div(rt, op, a.i, b.i, out);
      *out = int_arith(op, a.i, b.i);
      return true;
    }
    *out = sc_float(float_arith(op, num(a), num(b)));
    return true;

  case SC_OP_AddInt: case SC_OP_SubInt: case SC_OP_MulInt:
    if (a.tag != SC_INT || b.tag != SC_INT) return bad2(rt, op, "int", a, b);
    *out = int_arith(op, a.i, b.i);
    return true;
  case SC_OP_DivInt: case SC_OP_ModInt:
    if (a.tag != SC_INT || b.tag != SC_INT) return bad2(rt, op, "int", a, b);
    return int_div(rt, op, a.i, b.i, out);

  case SC_OP_AddNumber: case SC_OP_SubNumber: case SC_OP_MulNumber: case SC_OP_DivNumber:
  case SC_OP_ModNumber:
    if (a.tag != SC_FLOAT || b.tag != SC_FLOAT) return bad2(rt, op, "float", a, b);
    *out = sc_float(float_arith(op, a.f, b.f));
    return true;

  case SC_OP_BitAnd: case SC_OP_BitOr: case SC_OP_BitXor: case SC_OP_Shl: case SC_OP_Shr: {
    if (a.tag != SC_INT || b.tag != SC_INT) return bad2(rt, op, "int", a, b);
    int64_t x = a.i, y = b.i, r;
    switch (op) {
    case SC_OP_BitAnd: r = x & y; break;
    case SC_OP_BitOr: r = x | y; break;
    case SC_OP_BitXor: r = x ^ y; break;
    case SC_OP_Shl: r = (int64_t)((uint64_t)x << (y & 63)); break;
    default: r = x >> (y & 63); break;
    }
    *out = sc_int(r);
    return true;
  }

  case SC_OP_Eq: *out = sc_bool(sc_value_equal(a, b)); return true;
  case SC_OP_Ne: *out = sc_bool(!sc_value_equal(a, b)); return true;
  case SC_OP_Lt: case SC_OP_Le: case SC_OP_Gt: case SC_OP_Ge:
    if (is_num(a) && is_num(b)) *out = sc_bool(rel(op, cmp_num(a, b)));
    else if (a.tag == SC_STR && b.tag == SC_STR) {
      int c = sc_str_cmp(a.s, b.s);
      *out = sc_bool(rel(op, c < 0 ? -1 : c > 0));
    } else
      return sc_rt_error(rt, "%s cannot compare %s and %s", opname(op), sc_tag_name(a.tag), sc_tag_name(b.tag));
    return true;
  case SC_OP_LtInt: case SC_OP_LeInt: case SC_OP_GtInt: case SC_OP_GeInt: case SC_OP_EqInt:
  case SC_OP_NeInt:
    if (a.tag != SC_INT || b.tag != SC_INT) return bad2(rt, op, "int", a, b);
    *out = sc_bool(rel(op, a.i < b.i ? -1 : a.i > b.i));
    return true;
  case SC_OP_LtNumber: case SC_OP_LeNumber: case SC_OP_GtNumber: case SC_OP_GeNumber:
  case SC_OP_EqNumber: case SC_OP_NeNumber:
    if (a.tag != SC_FLOAT || b.tag != SC_FLOAT) return bad2(rt, op, "float", a, b);
    *out = sc_bool(rel(op, cmp_float(a.f, b.f)));
    return true;
  default:
    return sc_rt_error(rt, "internal: %s is not a binary operation", opname(op));
  }
}

bool sc_rt_unary(sc_rt *rt, sc_op op, sc_value a, sc_value *out) {
  switch (op) {
  case SC_OP_Neg: case SC_OP_NegInt: case SC_OP_NegNumber:
    if (a.tag == SC_INT && op != SC_OP_NegNumber) {
      *out = a.i == INT64_MIN ? sc_float(-(double)a.i) : sc_int(-a.i);
      return true;
    }
    if (a.tag == SC_FLOAT && op != SC_OP_NegInt) {
      *out = sc_float(-a.f);
      return true;
    }
    return sc_rt_error(rt, "%s expects %s, got %s", opname(op),
                       op == SC_OP_Neg ? "a number" : op == SC_OP_NegInt ? "an int" : "a float",
                       sc_tag_name(a.tag));
  case SC_OP_BitNot:
    if (a.tag != SC_INT) return sc_rt_error(rt, "BitNot expects an int, got %s", sc_tag_name(a.tag));
    *out = sc_int(~a.i);
    return true;
  case SC_OP_IntToNumber:
    if (a.tag != SC_INT) return sc_rt_error(rt, "IntToNumber expects an int, got %s", sc_tag_name(a.tag));
    *out = sc_float((double)a.i);
    return true;
  case SC_OP_NumberToInt: {
    if (a.tag != SC_FLOAT) return sc_rt_error(rt, "NumberToInt expects a float, got %s", sc_tag_name(a.tag));
    double t = trunc(a.f);
    if (isnan(t) || t >= TWO63 || t < -TWO63) {
      char buf[32];
      sc_format_float(a.f, buf);
      return sc_rt_error(rt, "NumberToInt of %s is out of range", buf);
    }
    *out = sc_int((int64_t)t);
    return true;
  }
  case SC_OP_Not: *out = sc_bool(!sc_truthy(a)); return true;
  case SC_OP_StrLen:
    if (a.tag != SC_STR) return sc_rt_error(rt, "StrLen on %s", sc_tag_name(a.tag));
    *out = sc_int(a.s->len);
    return true;
  default:
    return sc_rt_error(rt, "internal: %s is not a unary operation", opname(op));
  }
}

bool sc_rt_builtin(sc_rt *rt, sc_builtin b, const sc_value *args, sc_value *out) {
  const char *name = sc_builtin_name(b);
  switch (b) {
  case SC_BUILTIN_sqrt: case SC_BUILTIN_floor: case SC_BUILTIN_abs: {
    sc_value a = args[0];
    if (!is_num(a)) return sc_rt_error(rt, "%s expects a number, got %s", name, sc_tag_name(a.tag));
    if (b == SC_BUILTIN_sqrt) *out = sc_float(sqrt(num(a)));
    else if (b == SC_BUILTIN_floor) *out = a.tag == SC_INT ? a : sc_float(floor(a.f));
    else if (a.tag == SC_FLOAT) *out = sc_float(fabs(a.f));
    else *out = a.i == INT64_MIN ? sc_float(-(double)a.i) : sc_int(a.i < 0 ? -a.i : a.i);
    return true;
  }
  case SC_BUILTIN_min: case SC_BUILTIN_max: {
    sc_value x = args[0], y = args[1];
    if (!is_num(x) || !is_num(y))
      return sc_rt_error(rt, "%s expects numbers, got %s and %s", name, sc_tag_name(x.tag), sc_tag_name(y.tag));
    int c = cmp_num(y, x);
    *out = (b == SC_BUILTIN_min ? c == -1 : c == 1) ? y : x;
    return true;
  }
  case SC_BUILTIN_clock: {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    *out = sc_float((double)ts.tv_sec + (double)ts.tv_nsec * 1e-9);
    return true;
  }
  default:
    return sc_rt_error(rt, "internal: unknown builtin %d", (int)b);
  }
}

bool sc_rt_check_kind(sc_rt *rt, sc_kind k, const char *local, sc_value v) {
  static const uint8_t want[] = {[SC_KIND_INT] = SC_INT, [SC_KIND_FLOAT] = SC_FLOAT, [SC_KIND_BOOL] = SC_BOOL};
  if (k == SC_KIND_ANY || v.tag == want[k]) return true;
  return sc_rt_error(rt, "local %s declared %s, got %s", local, sc_kind_name(k), sc_tag_name(v.tag));
}
