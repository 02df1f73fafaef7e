/* Value operations: the exact semantics every tier shares (docs/semantics.md).
 * Every error case checks the exact message text. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "runtime/runtime.h"
#include "shapec/shapec.h"

static sc_rt rt;

static void setup(void) {
  sc_runtime_init();
  sc_rt_init(&rt, NULL);
}

TestSuite(values, .init = setup);

#define TWO63 9223372036854775808.0
#define TWO53 9007199254740992.0

static sc_value bin(sc_op op, sc_value a, sc_value b) {
  sc_value r;
  cr_assert(sc_rt_binary(&rt, op, a, b, &r), "%s failed: %s", sc_op_name(op), rt.errmsg);
  return r;
}

static sc_value un(sc_op op, sc_value a) {
  sc_value r;
  cr_assert(sc_rt_unary(&rt, op, a, &r), "%s failed: %s", sc_op_name(op), rt.errmsg);
  return r;
}

static sc_value call(sc_builtin b, sc_value x, sc_value y) {
  sc_value args[2] = {x, y}, r;
  cr_assert(sc_rt_builtin(&rt, b, args, &r), "%s failed: %s", sc_builtin_name(b), rt.errmsg);
  return r;
}

static void bin_err(sc_op op, sc_value a, sc_value b, const char *msg) {
  sc_value r;
  rt.errmsg[0] = 0;
  cr_assert_not(sc_rt_binary(&rt, op, a, b, &r), "%s should fail with '%s'", sc_op_name(op), msg);
  cr_assert_str_eq(rt.errmsg, msg);
}

static void un_err(sc_op op, sc_value a, const char *msg) {
  sc_value r;
  rt.errmsg[0] = 0;
  cr_assert_not(sc_rt_unary(&rt, op, a, &r), "%s should fail with '%s'", sc_op_name(op), msg);
  cr_assert_str_eq(rt.errmsg, msg);
}

static void call_err(sc_builtin b, sc_value x, sc_value y, const char *msg) {
  sc_value args[2] = {x, y}, r;
  rt.errmsg[0] = 0;
  cr_assert_not(sc_rt_builtin(&rt, b, args, &r));
  cr_assert_str_eq(rt.errmsg, msg);
}

static sc_value str(const char *s) { return sc_ptr(SC_STR, sc_str_new(s, (int64_t)strlen(s))); }

#define IS_INT(v, n)                                                                               \
  do {                                                                                             \
    sc_value v_ = (v);                                                                             \
    cr_assert(v_.tag == SC_INT && v_.i == (int64_t)(n), "want int %lld, got tag %d payload %lld", \
              (long long)(n), (int)v_.tag, (long long)v_.i);                                       \
  } while (0)
/* bitwise float compare: -0.0 differs from 0.0, NaN equals NaN */
#define IS_FLOAT(v, x)                                                                     \
  do {                                                                                     \
    sc_value v_ = (v);                                                                     \
    double x_ = (x);                                                                       \
    cr_assert(v_.tag == SC_FLOAT && (memcmp(&v_.f, &x_, 8) == 0 || (isnan(x_) && isnan(v_.f))), \
              "want float %.17g, got tag %d payload %.17g", x_, (int)v_.tag, v_.f);          \
  } while (0)
#define IS_BOOL(v, b)                                                                     \
  do {                                                                                    \
    sc_value v_ = (v);                                                                    \
    cr_assert(v_.tag == SC_BOOL && v_.i == (b), "want bool %d, got tag %d payload %lld", \
              (int)(b), (int)v_.tag, (long long)v_.i);                                    \
  } while (0)

/* The generic op and its typed int twin agree on int operands. */
static void both_int(sc_op g, sc_op t, int64_t a, int64_t b, sc_value *gr) {
  sc_value r1 = bin(g, sc_int(a), sc_int(b)), r2 = bin(t, sc_int(a), sc_int(b));
  cr_assert(r1.tag == r2.tag && r1.i == r2.i, "%s and %s disagree", sc_op_name(g), sc_op_name(t));
  *gr = r1;
}

Test(values, add_overflow_edges) {
  sc_value r;
  both_int(SC_OP_Add, SC_OP_AddInt, INT64_MAX, 1, &r);
  IS_FLOAT(r, TWO63);
  both_int(SC_OP_Add, SC_OP_AddInt, INT64_MAX, 0, &r);
  IS_INT(r, INT64_MAX);
  both_int(SC_OP_Add, SC_OP_AddInt, INT64_MIN, -1, &r);
  IS_FLOAT(r, -TWO63); /* -2^63 - 1 rounds to -2^63 */
  both_int(SC_OP_Add, SC_OP_AddInt, INT64_MIN, 0, &r);
  IS_INT(r, INT64_MIN);
  both_int(SC_OP_Add, SC_OP_AddInt, INT64_MAX, INT64_MIN, &r);
  IS_INT(r, -1);
  both_int(SC_OP_Add, SC_OP_AddInt, INT64_MAX, INT64_MAX, &r);
  IS_FLOAT(r, 2 * TWO63);
  both_int(SC_OP_Add, SC_OP_AddInt, INT64_MIN, INT64_MIN, &r);
  IS_FLOAT(r, -2 * TWO63);
  both_int(SC_OP_Add, SC_OP_AddInt, 2, 3, &r);
  IS_INT(r, 5);
  both_int(SC_OP_Add, SC_OP_AddInt, -2, -3, &r);
  IS_INT(r, -5);
}

Test(values, sub_overflow_edges) {
  sc_value r;
  both_int(SC_OP_Sub, SC_OP_SubInt, INT64_MIN, 1, &r);
  IS_FLOAT(r, -TWO63);
  both_int(SC_OP_Sub, SC_OP_SubInt, INT64_MAX, -1, &r);
  IS_FLOAT(r, TWO63);
  both_int(SC_OP_Sub, SC_OP_SubInt, 0, INT64_MIN, &r);
  IS_FLOAT(r, TWO63);
  both_int(SC_OP_Sub, SC_OP_SubInt, -1, INT64_MIN, &r);
  IS_INT(r, INT64_MAX);
  both_int(SC_OP_Sub, SC_OP_SubInt, INT64_MIN, INT64_MIN, &r);
  IS_INT(r, 0);
  both_int(SC_OP_Sub, SC_OP_SubInt, INT64_MAX, INT64_MIN, &r);
  IS_FLOAT(r, 2 * TWO63);
  both_int(SC_OP_Sub, SC_OP_SubInt, 3, 10, &r);
  IS_INT(r, -7);
}

Test(values, mul_overflow_edges) {
  sc_value r;
  both_int(SC_OP_Mul, SC_OP_MulInt, INT64_MIN, -1, &r);
  IS_FLOAT(r, TWO63);
  both_int(SC_OP_Mul, SC_OP_MulInt, -1, INT64_MIN, &r);
  IS_FLOAT(r, TWO63);
  both_int(SC_OP_Mul, SC_OP_MulInt, INT64_MIN, 1, &r);
  IS_INT(r, INT64_MIN);
  both_int(SC_OP_Mul, SC_OP_MulInt, INT64_MAX, -1, &r);
  IS_INT(r, -INT64_MAX);
  both_int(SC_OP_Mul, SC_OP_MulInt, (int64_t)1 << 32, (int64_t)1 << 31, &r);
  IS_FLOAT(r, TWO63);
  both_int(SC_OP_Mul, SC_OP_MulInt, -((int64_t)1 << 32), (int64_t)1 << 31, &r);
  IS_INT(r, INT64_MIN); /* exactly -2^63: no overflow */
  both_int(SC_OP_Mul, SC_OP_MulInt, 3037000499, 3037000499, &r);
  IS_INT(r, 9223372030926249001);
  both_int(SC_OP_Mul, SC_OP_MulInt, 3037000500, 3037000500, &r);
  IS_FLOAT(r, 3037000500.0 * 3037000500.0);
  /* the float result comes from the float-converted operands */
  both_int(SC_OP_Mul, SC_OP_MulInt, 9007199254740993, 1025, &r);
  IS_FLOAT(r, 9007199254740992.0 * 1025.0);
  both_int(SC_OP_Mul, SC_OP_MulInt, INT64_MAX, INT64_MAX, &r);
  IS_FLOAT(r, TWO63 * TWO63);
  both_int(SC_OP_Mul, SC_OP_MulInt, 0, INT64_MIN, &r);
  IS_INT(r, 0);
  both_int(SC_OP_Mul, SC_OP_MulInt, -3, 4, &r);
  IS_INT(r, -12);
}

Test(values, negation) {
  IS_FLOAT(un(SC_OP_NegInt, sc_int(INT64_MIN)), TWO63);
  IS_FLOAT(un(SC_OP_Neg, sc_int(INT64_MIN)), TWO63);
  IS_INT(un(SC_OP_Neg, sc_int(INT64_MAX)), -INT64_MAX);
  IS_INT(un(SC_OP_NegInt, sc_int(0)), 0);
  IS_INT(un(SC_OP_Neg, sc_int(5)), -5);
  IS_FLOAT(un(SC_OP_Neg, sc_float(0.0)), -0.0);
  IS_FLOAT(un(SC_OP_NegNumber, sc_float(-0.0)), 0.0);
  IS_FLOAT(un(SC_OP_NegNumber, sc_float(2.5)), -2.5);
  IS_FLOAT(un(SC_OP_Neg, sc_float(INFINITY)), -INFINITY);
  un_err(SC_OP_Neg, str("a"), "Neg expects a number, got string");
  un_err(SC_OP_Neg, sc_bool(1), "Neg expects a number, got bool");
  un_err(SC_OP_NegInt, sc_float(1), "NegInt expects an int, got float");
  un_err(SC_OP_NegNumber, sc_int(1), "NegNumber expects a float, got int");
  un_err(SC_OP_NegNumber, sc_null(), "NegNumber expects a float, got null");
}

Test(values, mixed_and_float_arithmetic) {
  IS_FLOAT(bin(SC_OP_Add, sc_int(1), sc_float(0.5)), 1.5);
  IS_FLOAT(bin(SC_OP_Add, sc_float(0.5), sc_int(1)), 1.5);
  IS_FLOAT(bin(SC_OP_Add, sc_int(9007199254740993), sc_float(0.0)), TWO53);
  IS_FLOAT(bin(SC_OP_Sub, sc_int(1), sc_float(0.25)), 0.75);
  IS_FLOAT(bin(SC_OP_Mul, sc_float(1.5), sc_int(2)), 3.0);
  IS_FLOAT(bin(SC_OP_Add, sc_float(0.1), sc_float(0.2)), 0.1 + 0.2);
  IS_FLOAT(bin(SC_OP_AddNumber, sc_float(1e308), sc_float(1e308)), INFINITY);
  IS_FLOAT(bin(SC_OP_SubNumber, sc_float(INFINITY), sc_float(INFINITY)), NAN);
  IS_FLOAT(bin(SC_OP_MulNumber, sc_float(-0.0), sc_float(5)), -0.0);
  IS_FLOAT(bin(SC_OP_DivNumber, sc_float(1), sc_float(-0.0)), -INFINITY);
  IS_FLOAT(bin(SC_OP_ModNumber, sc_float(-5.5), sc_float(2)), -1.5);
  IS_FLOAT(bin(SC_OP_Mul, sc_int(0), sc_float(-1.0)), -0.0);
}

Test(values, generic_div) {
  IS_FLOAT(bin(SC_OP_Div, sc_int(7), sc_int(2)), 3.5);
  IS_FLOAT(bin(SC_OP_Div, sc_int(-7), sc_int(2)), -3.5);
  IS_FLOAT(bin(SC_OP_Div, sc_int(1), sc_int(3)), 1.0 / 3.0);
  IS_INT(bin(SC_OP_Div, sc_int(6), sc_int(2)), 3);
  IS_INT(bin(SC_OP_Div, sc_int(-6), sc_int(2)), -3);
  IS_INT(bin(SC_OP_Div, sc_int(6), sc_int(-2)), -3);
  IS_INT(bin(SC_OP_Div, sc_int(0), sc_int(-5)), 0);
  IS_INT(bin(SC_OP_Div, sc_int(INT64_MIN), sc_int(1)), INT64_MIN);
  IS_INT(bin(SC_OP_Div, sc_int(INT64_MIN), sc_int(2)), INT64_MIN / 2);
  IS_INT(bin(SC_OP_Div, sc_int(INT64_MAX), sc_int(-1)), -INT64_MAX);
  IS_FLOAT(bin(SC_OP_Div, sc_int(INT64_MIN), sc_int(-1)), TWO63);
  /* inexact: the float quotient of the float-converted operands */
  IS_FLOAT(bin(SC_OP_Div, sc_int(INT64_MAX), sc_int(2)), 9223372036854775807.0 / 2.0);
  IS_FLOAT(bin(SC_OP_Div, sc_int(6), sc_float(2.0)), 3.0);
  IS_FLOAT(bin(SC_OP_Div, sc_float(7.0), sc_int(2)), 3.5);
  IS_FLOAT(bin(SC_OP_Div, sc_int(1), sc_float(0.0)), INFINITY);
  IS_FLOAT(bin(SC_OP_Div, sc_int(-1), sc_float(0.0)), -INFINITY);
  IS_FLOAT(bin(SC_OP_Div, sc_int(0), sc_float(0.0)), NAN);
  IS_FLOAT(bin(SC_OP_Div, sc_float(1), sc_int(0)), INFINITY);
  bin_err(SC_OP_Div, sc_int(1), sc_int(0), "division by zero");
  bin_err(SC_OP_Div, sc_int(0), sc_int(0), "division by zero");
  bin_err(SC_OP_Div, str("a"), sc_int(0), "Div cannot combine string and int");
}

Test(values, div_int) {
  IS_INT(bin(SC_OP_DivInt, sc_int(7), sc_int(2)), 3);
  IS_INT(bin(SC_OP_DivInt, sc_int(-7), sc_int(2)), -3);
  IS_INT(bin(SC_OP_DivInt, sc_int(7), sc_int(-2)), -3);
  IS_INT(bin(SC_OP_DivInt, sc_int(-7), sc_int(-2)), 3);
  IS_INT(bin(SC_OP_DivInt, sc_int(INT64_MIN), sc_int(1)), INT64_MIN);
  IS_INT(bin(SC_OP_DivInt, sc_int(INT64_MAX), sc_int(-1)), -INT64_MAX);
  IS_FLOAT(bin(SC_OP_DivInt, sc_int(INT64_MIN), sc_int(-1)), TWO63);
  bin_err(SC_OP_DivInt, sc_int(1), sc_int(0), "division by zero");
  bin_err(SC_OP_DivInt, sc_int(INT64_MIN), sc_int(0), "division by zero");
  bin_err(SC_OP_DivInt, sc_float(1), sc_int(0), "DivInt expects int operands, got float and int");
}

Test(values, modulo) {
  sc_value r;
  both_int(SC_OP_Mod, SC_OP_ModInt, 7, 3, &r);
  IS_INT(r, 1);
  both_int(SC_OP_Mod, SC_OP_ModInt, -7, 3, &r);
  IS_INT(r, -1);
  both_int(SC_OP_Mod, SC_OP_ModInt, 7, -3, &r);
  IS_INT(r, 1);
  both_int(SC_OP_Mod, SC_OP_ModInt, -7, -3, &r);
  IS_INT(r, -1);
  both_int(SC_OP_Mod, SC_OP_ModInt, INT64_MIN, -1, &r);
  IS_INT(r, 0);
  both_int(SC_OP_Mod, SC_OP_ModInt, INT64_MIN, 2, &r);
  IS_INT(r, 0);
  both_int(SC_OP_Mod, SC_OP_ModInt, INT64_MIN, INT64_MAX, &r);
  IS_INT(r, -1);
  both_int(SC_OP_Mod, SC_OP_ModInt, INT64_MAX, INT64_MIN, &r);
  IS_INT(r, INT64_MAX);
  both_int(SC_OP_Mod, SC_OP_ModInt, 0, 5, &r);
  IS_INT(r, 0);
  IS_FLOAT(bin(SC_OP_Mod, sc_float(5.5), sc_int(2)), 1.5);
  IS_FLOAT(bin(SC_OP_Mod, sc_float(-7.5), sc_int(2)), -1.5);
  IS_FLOAT(bin(SC_OP_Mod, sc_int(7), sc_float(-2.5)), 2.0);
  IS_FLOAT(bin(SC_OP_Mod, sc_int(-7), sc_float(2.5)), -2.0);
  IS_FLOAT(bin(SC_OP_Mod, sc_int(5), sc_float(0.0)), NAN);
  IS_FLOAT(bin(SC_OP_Mod, sc_float(-0.0), sc_int(3)), -0.0);
  IS_FLOAT(bin(SC_OP_Mod, sc_float(INFINITY), sc_int(3)), NAN);
  IS_FLOAT(bin(SC_OP_Mod, sc_int(3), sc_float(INFINITY)), 3.0);
  bin_err(SC_OP_Mod, sc_int(1), sc_int(0), "modulo by zero");
  bin_err(SC_OP_ModInt, sc_int(1), sc_int(0), "modulo by zero");
  bin_err(SC_OP_ModInt, sc_int(1), sc_float(2), "ModInt expects int operands, got int and float");
  bin_err(SC_OP_Mod, sc_null(), sc_int(2), "Mod cannot combine null and int");
}

Test(values, generic_type_errors) {
  bin_err(SC_OP_Add, str("a"), sc_int(1), "Add cannot combine string and int");
  bin_err(SC_OP_Add, sc_int(1), str("a"), "Add cannot combine int and string");
  bin_err(SC_OP_Add, sc_null(), sc_null(), "Add cannot combine null and null");
  bin_err(SC_OP_Add, sc_bool(1), sc_int(1), "Add cannot combine bool and int");
  bin_err(SC_OP_Sub, str("a"), str("b"), "Sub cannot combine string and string");
  bin_err(SC_OP_Mul, str("a"), sc_int(3), "Mul cannot combine string and int");
  bin_err(SC_OP_Add, sc_funcval(0), sc_int(1), "Add cannot combine function and int");
  sc_value arr = sc_ptr(SC_ARRAY, sc_array_new(0)), obj = sc_ptr(SC_OBJECT, sc_object_new(&rt));
  sc_value map = sc_ptr(SC_MAP, sc_map_new());
  bin_err(SC_OP_Add, arr, obj, "Add cannot combine array and object");
  bin_err(SC_OP_Div, map, sc_float(1), "Div cannot combine map and float");
}

Test(values, typed_type_errors) {
  bin_err(SC_OP_AddInt, sc_float(1), sc_int(1), "AddInt expects int operands, got float and int");
  bin_err(SC_OP_SubInt, sc_int(1), sc_bool(0), "SubInt expects int operands, got int and bool");
  bin_err(SC_OP_MulInt, sc_null(), sc_null(), "MulInt expects int operands, got null and null");
  bin_err(SC_OP_AddNumber, sc_int(1), sc_float(1), "AddNumber expects float operands, got int and float");
  bin_err(SC_OP_SubNumber, sc_float(1), sc_int(1), "SubNumber expects float operands, got float and int");
  bin_err(SC_OP_MulNumber, str("x"), sc_float(1), "MulNumber expects float operands, got string and float");
  bin_err(SC_OP_DivNumber, sc_int(1), sc_int(1), "DivNumber expects float operands, got int and int");
  bin_err(SC_OP_ModNumber, sc_float(1), sc_null(), "ModNumber expects float operands, got float and null");
  bin_err(SC_OP_AddInt, str("a"), str("b"), "AddInt expects int operands, got string and string");
}

Test(values, bitwise) {
  IS_INT(bin(SC_OP_BitAnd, sc_int(12), sc_int(10)), 8);
  IS_INT(bin(SC_OP_BitOr, sc_int(12), sc_int(10)), 14);
  IS_INT(bin(SC_OP_BitXor, sc_int(12), sc_int(10)), 6);
  IS_INT(bin(SC_OP_BitAnd, sc_int(-1), sc_int(INT64_MIN)), INT64_MIN);
  IS_INT(un(SC_OP_BitNot, sc_int(0)), -1);
  IS_INT(un(SC_OP_BitNot, sc_int(INT64_MIN)), INT64_MAX);
  IS_INT(bin(SC_OP_Shl, sc_int(1), sc_int(3)), 8);
  IS_INT(bin(SC_OP_Shl, sc_int(1), sc_int(63)), INT64_MIN);
  IS_INT(bin(SC_OP_Shl, sc_int(1), sc_int(64)), 1); /* count mod 64 */
  IS_INT(bin(SC_OP_Shl, sc_int(1), sc_int(65)), 2);
  IS_INT(bin(SC_OP_Shl, sc_int(1), sc_int(-1)), INT64_MIN); /* -1 mod 64 = 63 */
  IS_INT(bin(SC_OP_Shl, sc_int(3), sc_int(62)), INT64_MIN + ((int64_t)1 << 62)); /* bits fall off */
  IS_INT(bin(SC_OP_Shl, sc_int(-1), sc_int(1)), -2);
  IS_INT(bin(SC_OP_Shr, sc_int(-8), sc_int(1)), -4); /* arithmetic */
  IS_INT(bin(SC_OP_Shr, sc_int(-1), sc_int(63)), -1);
  IS_INT(bin(SC_OP_Shr, sc_int(INT64_MIN), sc_int(63)), -1);
  IS_INT(bin(SC_OP_Shr, sc_int(INT64_MAX), sc_int(62)), 1);
  IS_INT(bin(SC_OP_Shr, sc_int(40), sc_int(64)), 40);
  IS_INT(bin(SC_OP_Shr, sc_int(40), sc_int(INT64_MIN)), 40); /* INT64_MIN mod 64 = 0 */
  IS_INT(bin(SC_OP_Shr, sc_int(40), sc_int(-61)), 5);        /* -61 mod 64 = 3 */
  bin_err(SC_OP_Shl, sc_int(1), sc_bool(1), "Shl expects int operands, got int and bool");
  bin_err(SC_OP_Shr, sc_float(1), sc_int(1), "Shr expects int operands, got float and int");
  bin_err(SC_OP_BitAnd, sc_float(1), sc_float(1), "BitAnd expects int operands, got float and float");
  bin_err(SC_OP_BitOr, str("a"), sc_int(1), "BitOr expects int operands, got string and int");
  bin_err(SC_OP_BitXor, sc_int(1), sc_null(), "BitXor expects int operands, got int and null");
  un_err(SC_OP_BitNot, sc_float(1), "BitNot expects an int, got float");
}

Test(values, int_to_number) {
  IS_FLOAT(un(SC_OP_IntToNumber, sc_int(3)), 3.0);
  IS_FLOAT(un(SC_OP_IntToNumber, sc_int(-3)), -3.0);
  IS_FLOAT(un(SC_OP_IntToNumber, sc_int(9007199254740993)), TWO53); /* round to nearest even */
  IS_FLOAT(un(SC_OP_IntToNumber, sc_int(INT64_MAX)), TWO63);
  IS_FLOAT(un(SC_OP_IntToNumber, sc_int(INT64_MIN)), -TWO63);
  un_err(SC_OP_IntToNumber, sc_float(1), "IntToNumber expects an int, got float");
  un_err(SC_OP_IntToNumber, sc_bool(1), "IntToNumber expects an int, got bool");
}

Test(values, number_to_int) {
  IS_INT(un(SC_OP_NumberToInt, sc_float(-3.9)), -3);
  IS_INT(un(SC_OP_NumberToInt, sc_float(3.9)), 3);
  IS_INT(un(SC_OP_NumberToInt, sc_float(-0.0)), 0);
  IS_INT(un(SC_OP_NumberToInt, sc_float(0.999)), 0);
  IS_INT(un(SC_OP_NumberToInt, sc_float(TWO53 + 2)), 9007199254740994);
  /* the largest double below 2^63 converts; 2^63 itself does not */
  IS_INT(un(SC_OP_NumberToInt, sc_float(nextafter(TWO63, 0))), 9223372036854774784);
  IS_INT(un(SC_OP_NumberToInt, sc_float(-TWO63)), INT64_MIN);
  IS_INT(un(SC_OP_NumberToInt, sc_float(-9223372036854774784.0)), -9223372036854774784);
  un_err(SC_OP_NumberToInt, sc_float(TWO63), "NumberToInt of 9.223372036854776e+18 is out of range");
  un_err(SC_OP_NumberToInt, sc_float(nextafter(-TWO63, -INFINITY)),
         "NumberToInt of -9.223372036854778e+18 is out of range");
  un_err(SC_OP_NumberToInt, sc_float(1e300), "NumberToInt of 1e+300 is out of range");
  un_err(SC_OP_NumberToInt, sc_float(NAN), "NumberToInt of nan is out of range");
  un_err(SC_OP_NumberToInt, sc_float(INFINITY), "NumberToInt of inf is out of range");
  un_err(SC_OP_NumberToInt, sc_float(-INFINITY), "NumberToInt of -inf is out of range");
  un_err(SC_OP_NumberToInt, sc_int(1), "NumberToInt expects a float, got int");
  un_err(SC_OP_NumberToInt, str("1"), "NumberToInt expects a float, got string");
}

/* Every ordering op on (a, b), generic, as the expected relation c. */
static void rel_is(sc_value a, sc_value b, int c) {
  IS_BOOL(bin(SC_OP_Lt, a, b), c == -1);
  IS_BOOL(bin(SC_OP_Le, a, b), c == -1 || c == 0);
  IS_BOOL(bin(SC_OP_Gt, a, b), c == 1);
  IS_BOOL(bin(SC_OP_Ge, a, b), c == 1 || c == 0);
  IS_BOOL(bin(SC_OP_Eq, a, b), c == 0);
  IS_BOOL(bin(SC_OP_Ne, a, b), c != 0);
  /* and the mirrored operands; c == 2 means unordered */
  int m = c == 2 ? 2 : -c;
  IS_BOOL(bin(SC_OP_Lt, b, a), m == -1);
  IS_BOOL(bin(SC_OP_Le, b, a), m == -1 || m == 0);
  IS_BOOL(bin(SC_OP_Gt, b, a), m == 1);
  IS_BOOL(bin(SC_OP_Ge, b, a), m == 1 || m == 0);
  IS_BOOL(bin(SC_OP_Eq, b, a), m == 0);
  IS_BOOL(bin(SC_OP_Ne, b, a), m != 0);
}

Test(values, exact_int_float_compare) {
  rel_is(sc_int(9007199254740993), sc_float(TWO53), 1);
  rel_is(sc_int(9007199254740992), sc_float(TWO53), 0);
  rel_is(sc_int(9007199254740991), sc_float(TWO53), -1);
  rel_is(sc_int(INT64_MAX), sc_float(TWO63), -1); /* (double)INT64_MAX == 2^63, but not exactly */
  rel_is(sc_int(INT64_MAX), sc_float(nextafter(TWO63, 0)), 1);
  rel_is(sc_int(9223372036854774784), sc_float(nextafter(TWO63, 0)), 0);
  rel_is(sc_int(INT64_MIN), sc_float(-TWO63), 0);
  rel_is(sc_int(INT64_MIN + 1), sc_float(-TWO63), 1);
  rel_is(sc_int(INT64_MIN), sc_float(nextafter(-TWO63, -INFINITY)), 1);
  rel_is(sc_int(INT64_MIN), sc_float(-1e300), 1);
  rel_is(sc_int(INT64_MAX), sc_float(1e300), -1);
  rel_is(sc_int(INT64_MAX), sc_float(INFINITY), -1);
  rel_is(sc_int(INT64_MIN), sc_float(-INFINITY), 1);
  rel_is(sc_int(3), sc_float(2.5), 1);
  rel_is(sc_int(-2), sc_float(-2.5), 1);
  rel_is(sc_int(-3), sc_float(-2.5), -1);
  rel_is(sc_int(0), sc_float(-0.0), 0);
  rel_is(sc_int(0), sc_float(5e-324), -1);
  rel_is(sc_int(0), sc_float(-5e-324), 1);
  rel_is(sc_int(1), sc_float(1.0), 0);
  rel_is(sc_int(0), sc_float(NAN), 2);
  rel_is(sc_int(INT64_MIN), sc_float(NAN), 2);
}

Test(values, int_and_float_compare) {
  rel_is(sc_int(1), sc_int(2), -1);
  rel_is(sc_int(INT64_MIN), sc_int(INT64_MAX), -1);
  rel_is(sc_int(-5), sc_int(-5), 0);
  rel_is(sc_float(1.5), sc_float(2.5), -1);
  rel_is(sc_float(0.0), sc_float(-0.0), 0);
  rel_is(sc_float(-INFINITY), sc_float(INFINITY), -1);
  rel_is(sc_float(NAN), sc_float(NAN), 2);
  rel_is(sc_float(NAN), sc_float(1), 2);
}

Test(values, string_compare) {
  rel_is(str("a"), str("b"), -1);
  rel_is(str(""), str("a"), -1);
  rel_is(str(""), str(""), 0);
  rel_is(str("ab"), str("b"), -1);
  rel_is(str("abc"), str("ab"), 1);
  rel_is(str("abc"), str("abc"), 0);
  rel_is(str("B"), str("a"), -1);
  rel_is(str("\xff"), str("a"), 1); /* bytes compare unsigned */
  sc_value z1 = sc_ptr(SC_STR, sc_str_new("a\0b", 3)), z2 = sc_ptr(SC_STR, sc_str_new("a\0c", 3));
  rel_is(z1, z2, -1); /* embedded NUL bytes are ordinary bytes */
  rel_is(z1, str("a"), 1);
}

Test(values, compare_type_errors) {
  bin_err(SC_OP_Lt, sc_int(1), str("a"), "Lt cannot compare int and string");
  bin_err(SC_OP_Le, str("a"), sc_float(1), "Le cannot compare string and float");
  bin_err(SC_OP_Gt, sc_null(), sc_null(), "Gt cannot compare null and null");
  bin_err(SC_OP_Ge, sc_bool(0), sc_bool(1), "Ge cannot compare bool and bool");
  bin_err(SC_OP_Lt, sc_ptr(SC_ARRAY, sc_array_new(0)), sc_int(1), "Lt cannot compare array and int");
}

Test(values, typed_compare) {
  static const sc_op iops[] = {SC_OP_LtInt, SC_OP_LeInt, SC_OP_GtInt, SC_OP_GeInt, SC_OP_EqInt, SC_OP_NeInt};
  static const sc_op fops[] = {SC_OP_LtNumber, SC_OP_LeNumber, SC_OP_GtNumber,
                               SC_OP_GeNumber, SC_OP_EqNumber, SC_OP_NeNumber};
  /* rows: a < b, a == b, a > b; columns Lt Le Gt Ge Eq Ne */
  static const int want[3][6] = {{1, 1, 0, 0, 0, 1}, {0, 1, 0, 1, 1, 0}, {0, 0, 1, 1, 0, 1}};
  const int64_t ia[3] = {INT64_MIN, 7, INT64_MAX}, ib[3] = {INT64_MAX, 7, INT64_MIN};
  const double fa[3] = {-INFINITY, -0.0, 2.5}, fb[3] = {1e-300, 0.0, 2.4999999999999996};
  for (int r = 0; r < 3; r++)
    for (int k = 0; k < 6; k++) {
      IS_BOOL(bin(iops[k], sc_int(ia[r]), sc_int(ib[r])), want[r][k]);
      IS_BOOL(bin(fops[k], sc_float(fa[r]), sc_float(fb[r])), want[r][k]);
    }
  for (int k = 0; k < 6; k++) /* NaN: unordered, only Ne holds */
    IS_BOOL(bin(fops[k], sc_float(NAN), sc_float(1)), fops[k] == SC_OP_NeNumber);
  bin_err(SC_OP_LtInt, sc_float(1), sc_int(1), "LtInt expects int operands, got float and int");
  bin_err(SC_OP_EqInt, sc_int(1), sc_null(), "EqInt expects int operands, got int and null");
  bin_err(SC_OP_NeInt, str("a"), str("a"), "NeInt expects int operands, got string and string");
  bin_err(SC_OP_LtNumber, sc_int(1), sc_float(1), "LtNumber expects float operands, got int and float");
  bin_err(SC_OP_GeNumber, sc_float(1), sc_int(1), "GeNumber expects float operands, got float and int");
  bin_err(SC_OP_EqNumber, sc_int(1), sc_int(1), "EqNumber expects float operands, got int and int");
}

Test(values, equality_rules) {
  sc_value a = str("abc"), b = str("abc");
  cr_assert_neq(a.s, b.s);
  cr_assert(sc_value_equal(a, b));
  cr_assert_not(sc_value_equal(a, str("abd")));
  cr_assert_not(sc_value_equal(a, str("ab")));
  cr_assert(sc_value_equal(str(""), str("")));
  cr_assert(sc_value_equal(sc_null(), sc_null()));
  cr_assert(sc_value_equal(sc_bool(1), sc_bool(1)));
  cr_assert_not(sc_value_equal(sc_bool(1), sc_bool(0)));
  cr_assert(sc_value_equal(sc_funcval(3), sc_funcval(3)));
  cr_assert_not(sc_value_equal(sc_funcval(3), sc_funcval(4)));
  /* mixes never equal, and never an error */
  cr_assert_not(sc_value_equal(sc_int(0), sc_bool(0)));
  cr_assert_not(sc_value_equal(sc_int(1), sc_bool(1)));
  cr_assert_not(sc_value_equal(sc_float(1), sc_bool(1)));
  cr_assert_not(sc_value_equal(sc_null(), sc_bool(0)));
  cr_assert_not(sc_value_equal(sc_null(), sc_int(0)));
  cr_assert_not(sc_value_equal(str("1"), sc_int(1)));
  cr_assert_not(sc_value_equal(sc_funcval(0), sc_int(0)));
  /* heap values by identity */
  sc_value x = sc_ptr(SC_ARRAY, sc_array_new(0)), y = sc_ptr(SC_ARRAY, sc_array_new(0));
  cr_assert(sc_value_equal(x, x));
  cr_assert_not(sc_value_equal(x, y));
  sc_value o1 = sc_ptr(SC_OBJECT, sc_object_new(&rt)), o2 = sc_ptr(SC_OBJECT, sc_object_new(&rt));
  cr_assert(sc_value_equal(o1, o1));
  cr_assert_not(sc_value_equal(o1, o2));
  sc_value m1 = sc_ptr(SC_MAP, sc_map_new()), m2 = sc_ptr(SC_MAP, sc_map_new());
  cr_assert(sc_value_equal(m1, m1));
  cr_assert_not(sc_value_equal(m1, m2));
  cr_assert_not(sc_value_equal(x, o1));
  /* through the Eq/Ne ops */
  IS_BOOL(bin(SC_OP_Eq, a, b), 1);
  IS_BOOL(bin(SC_OP_Ne, a, b), 0);
  IS_BOOL(bin(SC_OP_Eq, x, sc_null()), 0);
  IS_BOOL(bin(SC_OP_Ne, x, sc_null()), 1);
  IS_BOOL(bin(SC_OP_Eq, sc_float(NAN), sc_float(NAN)), 0);
  IS_BOOL(bin(SC_OP_Ne, sc_float(NAN), sc_float(NAN)), 1);
}

Test(values, not_and_truthiness) {
  IS_BOOL(un(SC_OP_Not, sc_null()), 1);
  IS_BOOL(un(SC_OP_Not, sc_bool(0)), 1);
  IS_BOOL(un(SC_OP_Not, sc_bool(1)), 0);
  IS_BOOL(un(SC_OP_Not, sc_int(0)), 1);
  IS_BOOL(un(SC_OP_Not, sc_int(-1)), 0);
  IS_BOOL(un(SC_OP_Not, sc_int(INT64_MIN)), 0);
  IS_BOOL(un(SC_OP_Not, sc_float(0.0)), 1);
  IS_BOOL(un(SC_OP_Not, sc_float(-0.0)), 1);
  IS_BOOL(un(SC_OP_Not, sc_float(NAN)), 0);
  IS_BOOL(un(SC_OP_Not, sc_float(5e-324)), 0);
  IS_BOOL(un(SC_OP_Not, str("")), 0);
  IS_BOOL(un(SC_OP_Not, sc_ptr(SC_ARRAY, sc_array_new(0))), 0);
  IS_BOOL(un(SC_OP_Not, sc_ptr(SC_MAP, sc_map_new())), 0);
  IS_BOOL(un(SC_OP_Not, sc_funcval(0)), 0);
}

Test(values, strings) {
  sc_value a = str("abc"), b = str("abc");
  sc_value c = bin(SC_OP_Add, a, b);
  cr_assert_eq(c.tag, SC_STR);
  cr_assert_eq(c.s->len, 6);
  cr_assert_str_eq(c.s->data, "abcabc");
  cr_assert_eq(c.s->data[6], 0);
  cr_assert_str_eq(bin(SC_OP_Add, str(""), a).s->data, "abc");
  cr_assert_str_eq(bin(SC_OP_Add, a, str("")).s->data, "abc");
  cr_assert_eq(bin(SC_OP_Add, str(""), str("")).s->len, 0);
  cr_assert_eq(sc_str_hash(a.s), sc_str_hash(b.s));
  cr_assert_neq(sc_str_hash(a.s), 0);
  cr_assert_neq(sc_str_hash(str("").s), 0);
  cr_assert_neq(sc_str_hash(a.s), sc_str_hash(str("abd").s));
  IS_INT(un(SC_OP_StrLen, a), 3);
  IS_INT(un(SC_OP_StrLen, str("")), 0);
  IS_INT(un(SC_OP_StrLen, str("h\xc3\xa9")), 3); /* bytes, not characters */
  IS_INT(un(SC_OP_StrLen, sc_ptr(SC_STR, sc_str_new("a\0b", 3))), 3);
  un_err(SC_OP_StrLen, sc_int(1), "StrLen on int");
  un_err(SC_OP_StrLen, sc_null(), "StrLen on null");
  /* repeated concatenation: lengths add up, contents intact */
  sc_value s = str("");
  for (int i = 0; i < 1000; i++) s = bin(SC_OP_Add, s, str("xy"));
  cr_assert_eq(s.s->len, 2000);
  cr_assert_eq(strlen(sc_str_data(s.s)), 2000);
  cr_assert_eq(sc_str_data(s.s)[1998], 'x');
}

Test(values, builtin_sqrt_floor_abs) {
  IS_FLOAT(call(SC_BUILTIN_sqrt, sc_int(4), sc_null()), 2.0);
  IS_FLOAT(call(SC_BUILTIN_sqrt, sc_float(2.0), sc_null()), sqrt(2.0));
  IS_FLOAT(call(SC_BUILTIN_sqrt, sc_float(-0.0), sc_null()), -0.0);
  IS_FLOAT(call(SC_BUILTIN_sqrt, sc_int(-1), sc_null()), NAN);
  IS_FLOAT(call(SC_BUILTIN_sqrt, sc_float(INFINITY), sc_null()), INFINITY);
  IS_INT(call(SC_BUILTIN_floor, sc_int(-7), sc_null()), -7);
  IS_INT(call(SC_BUILTIN_floor, sc_int(INT64_MIN), sc_null()), INT64_MIN);
  IS_FLOAT(call(SC_BUILTIN_floor, sc_float(-2.5), sc_null()), -3.0);
  IS_FLOAT(call(SC_BUILTIN_floor, sc_float(2.5), sc_null()), 2.0);
  IS_FLOAT(call(SC_BUILTIN_floor, sc_float(-0.0), sc_null()), -0.0);
  IS_FLOAT(call(SC_BUILTIN_floor, sc_float(1e300), sc_null()), 1e300);
  IS_FLOAT(call(SC_BUILTIN_floor, sc_float(NAN), sc_null()), NAN);
  IS_INT(call(SC_BUILTIN_abs, sc_int(-5), sc_null()), 5);
  IS_INT(call(SC_BUILTIN_abs, sc_int(5), sc_null()), 5);
  IS_INT(call(SC_BUILTIN_abs, sc_int(INT64_MAX), sc_null()), INT64_MAX);
  IS_INT(call(SC_BUILTIN_abs, sc_int(-INT64_MAX), sc_null()), INT64_MAX);
  IS_FLOAT(call(SC_BUILTIN_abs, sc_int(INT64_MIN), sc_null()), TWO63);
  IS_FLOAT(call(SC_BUILTIN_abs, sc_float(-2.5), sc_null()), 2.5);
  IS_FLOAT(call(SC_BUILTIN_abs, sc_float(-0.0), sc_null()), 0.0);
  IS_FLOAT(call(SC_BUILTIN_abs, sc_float(-INFINITY), sc_null()), INFINITY);
  call_err(SC_BUILTIN_sqrt, str("x"), sc_null(), "sqrt expects a number, got string");
  call_err(SC_BUILTIN_floor, sc_null(), sc_null(), "floor expects a number, got null");
  call_err(SC_BUILTIN_abs, sc_bool(1), sc_null(), "abs expects a number, got bool");
}

Test(values, builtin_min_max) {
  /* the chosen operand, unchanged; ties pick the first */
  IS_INT(call(SC_BUILTIN_min, sc_int(2), sc_float(2.0)), 2);
  IS_FLOAT(call(SC_BUILTIN_min, sc_float(2.0), sc_int(2)), 2.0);
  IS_INT(call(SC_BUILTIN_max, sc_int(2), sc_float(2.0)), 2);
  IS_FLOAT(call(SC_BUILTIN_max, sc_float(0.0), sc_float(-0.0)), 0.0);
  IS_FLOAT(call(SC_BUILTIN_min, sc_float(-0.0), sc_float(0.0)), -0.0);
  IS_INT(call(SC_BUILTIN_min, sc_int(3), sc_int(2)), 2);
  IS_INT(call(SC_BUILTIN_max, sc_int(-1), sc_int(-2)), -1);
  IS_FLOAT(call(SC_BUILTIN_max, sc_int(2), sc_float(3.5)), 3.5);
  IS_INT(call(SC_BUILTIN_min, sc_int(2), sc_float(3.5)), 2);
  IS_INT(call(SC_BUILTIN_max, sc_int(9007199254740993), sc_float(TWO53)), 9007199254740993);
  IS_FLOAT(call(SC_BUILTIN_min, sc_int(9007199254740993), sc_float(TWO53)), TWO53);
  IS_INT(call(SC_BUILTIN_min, sc_int(INT64_MIN), sc_int(INT64_MAX)), INT64_MIN);
  /* NaN never compares smaller or larger: the first operand stays */
  IS_FLOAT(call(SC_BUILTIN_min, sc_float(NAN), sc_int(1)), NAN);
  IS_INT(call(SC_BUILTIN_min, sc_int(1), sc_float(NAN)), 1);
  IS_INT(call(SC_BUILTIN_max, sc_int(1), sc_float(NAN)), 1);
  call_err(SC_BUILTIN_min, sc_int(1), str("a"), "min expects numbers, got int and string");
  call_err(SC_BUILTIN_max, sc_null(), sc_float(1), "max expects numbers, got null and float");
}

Test(values, builtin_clock) {
  sc_value t1 = call(SC_BUILTIN_clock, sc_null(), sc_null());
  sc_value t2 = call(SC_BUILTIN_clock, sc_null(), sc_null());
  cr_assert_eq(t1.tag, SC_FLOAT);
  cr_assert_eq(t2.tag, SC_FLOAT);
  cr_assert(t1.f >= 0 && t2.f >= t1.f, "clock must be monotonic: %g then %g", t1.f, t2.f);
}

Test(values, local_kinds) {
  cr_assert(sc_rt_check_kind(&rt, SC_KIND_INT, "i", sc_int(1)));
  cr_assert(sc_rt_check_kind(&rt, SC_KIND_FLOAT, "f", sc_float(1)));
  cr_assert(sc_rt_check_kind(&rt, SC_KIND_BOOL, "b", sc_bool(0)));
  cr_assert(sc_rt_check_kind(&rt, SC_KIND_ANY, "a", sc_null()));
  cr_assert(sc_rt_check_kind(&rt, SC_KIND_ANY, "a", str("s")));
  cr_assert_not(sc_rt_check_kind(&rt, SC_KIND_INT, "i", sc_float(1)));
  cr_assert_str_eq(rt.errmsg, "local i declared int, got float");
  cr_assert_not(sc_rt_check_kind(&rt, SC_KIND_FLOAT, "x", sc_int(1)));
  cr_assert_str_eq(rt.errmsg, "local x declared float, got int");
  cr_assert_not(sc_rt_check_kind(&rt, SC_KIND_BOOL, "flag", sc_null()));
  cr_assert_str_eq(rt.errmsg, "local flag declared bool, got null");
  cr_assert_not(sc_rt_check_kind(&rt, SC_KIND_INT, "n", str("1")));
  cr_assert_str_eq(rt.errmsg, "local n declared int, got string");
}

Test(values, errors_and_tags) {
  cr_assert_not(sc_rt_error(&rt, "x %d y", 42));
  cr_assert_str_eq(rt.errmsg, "x 42 y");
  cr_assert(rt.has_error);
  static const char *names[] = {"null", "bool", "int", "float", "string", "array", "object", "map", "function"};
  for (int t = 0; t < SC_NTAGS; t++) cr_assert_str_eq(sc_tag_name((sc_tag)t), names[t]);
  cr_assert_str_eq(sc_tag_name(SC_NTAGS), "invalid");
  /* messages longer than the buffer are cut, not overrun */
  char big[2000];
  memset(big, 'a', sizeof big - 1);
  big[sizeof big - 1] = 0;
  sc_rt_error(&rt, "%s", big);
  cr_assert_eq(strlen(rt.errmsg), sizeof rt.errmsg - 1);
}
