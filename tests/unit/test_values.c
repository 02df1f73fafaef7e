/* Value operations: the exact semantics every tier shares. */
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

static sc_value bin(sc_op op, sc_value a, sc_value b) {
  sc_value r;
  cr_assert(sc_rt_binary(&rt, op, a, b, &r), "%s failed: %s", sc_op_name(op), rt.errmsg);
  return r;
}

static void bin_err(sc_op op, sc_value a, sc_value b, const char *msg) {
  sc_value r;
  cr_assert_not(sc_rt_binary(&rt, op, a, b, &r));
  cr_assert_str_eq(rt.errmsg, msg);
}

#define IS_INT(v, n) cr_assert((v).tag == SC_INT && (v).i == (n))
#define IS_FLOAT(v, x) cr_assert((v).tag == SC_FLOAT && (v).f == (x), "got tag %d %g", (int)(v).tag, (v).f)
#define IS_BOOL(v, b) cr_assert((v).tag == SC_BOOL && (v).i == (b))

Test(values, int_overflow_to_float) {
  IS_FLOAT(bin(SC_OP_AddInt, sc_int(INT64_MAX), sc_int(1)), 9223372036854775808.0);
  IS_FLOAT(bin(SC_OP_Add, sc_int(INT64_MAX), sc_int(INT64_MAX)), 2.0 * 9223372036854775807.0);
  IS_FLOAT(bin(SC_OP_SubInt, sc_int(INT64_MIN), sc_int(1)), -9223372036854775808.0);
  IS_FLOAT(bin(SC_OP_Mul, sc_int(INT64_MIN), sc_int(-1)), 9223372036854775808.0);
  IS_INT(bin(SC_OP_MulInt, sc_int(-3), sc_int(4)), -12);
  IS_FLOAT(bin(SC_OP_DivInt, sc_int(INT64_MIN), sc_int(-1)), 9223372036854775808.0);
  IS_INT(bin(SC_OP_ModInt, sc_int(INT64_MIN), sc_int(-1)), 0);
  sc_value r;
  cr_assert(sc_rt_unary(&rt, SC_OP_NegInt, sc_int(INT64_MIN), &r));
  IS_FLOAT(r, 9223372036854775808.0);
}

Test(values, division_and_modulo) {
  IS_FLOAT(bin(SC_OP_Div, sc_int(7), sc_int(2)), 3.5);
  IS_INT(bin(SC_OP_Div, sc_int(6), sc_int(2)), 3);
  IS_INT(bin(SC_OP_DivInt, sc_int(-7), sc_int(2)), -3);
  IS_INT(bin(SC_OP_Mod, sc_int(-7), sc_int(3)), -1);
  IS_INT(bin(SC_OP_Mod, sc_int(7), sc_int(-3)), 1);
  IS_FLOAT(bin(SC_OP_Mod, sc_float(-7.5), sc_int(2)), -1.5);
  IS_FLOAT(bin(SC_OP_Div, sc_int(1), sc_float(0.0)), INFINITY);
  bin_err(SC_OP_Div, sc_int(1), sc_int(0), "division by zero");
  bin_err(SC_OP_ModInt, sc_int(1), sc_int(0), "modulo by zero");
}

Test(values, typed_ops_check_types) {
  bin_err(SC_OP_AddInt, sc_float(1), sc_int(1), "AddInt expects int operands, got float and int");
  bin_err(SC_OP_AddNumber, sc_int(1), sc_float(1), "AddNumber expects float operands, got int and float");
  bin_err(SC_OP_Add, sc_ptr(SC_STR, sc_str_new("a", 1)), sc_int(1), "Add cannot combine string and int");
  bin_err(SC_OP_Lt, sc_int(1), sc_ptr(SC_STR, sc_str_new("a", 1)), "Lt cannot compare int and string");
  bin_err(SC_OP_Shl, sc_int(1), sc_bool(1), "Shl expects int operands, got int and bool");
}

Test(values, exact_int_float_compare) {
  IS_BOOL(bin(SC_OP_Gt, sc_int(9007199254740993), sc_float(9007199254740992.0)), 1);
  IS_BOOL(bin(SC_OP_Eq, sc_int(9007199254740993), sc_float(9007199254740992.0)), 0);
  IS_BOOL(bin(SC_OP_Lt, sc_int(INT64_MAX), sc_float(9223372036854775808.0)), 1);
  IS_BOOL(bin(SC_OP_Gt, sc_int(INT64_MIN), sc_float(-1e300)), 1);
  IS_BOOL(bin(SC_OP_Lt, sc_float(2.5), sc_int(3)), 1);
  IS_BOOL(bin(SC_OP_Ge, sc_float(-2.5), sc_int(-2)), 0);
  IS_BOOL(bin(SC_OP_Le, sc_float(NAN), sc_int(0)), 0);
  IS_BOOL(bin(SC_OP_Ne, sc_float(NAN), sc_float(NAN)), 1);
  IS_BOOL(bin(SC_OP_Eq, sc_int(1), sc_float(1.0)), 1);
}

Test(values, equality_and_strings) {
  sc_value a = sc_ptr(SC_STR, sc_str_new("abc", 3)), b = sc_ptr(SC_STR, sc_str_new("abc", 3));
  cr_assert(sc_value_equal(a, b));
  cr_assert_not(sc_value_equal(sc_int(0), sc_bool(0)));
  cr_assert_not(sc_value_equal(sc_null(), sc_bool(0)));
  cr_assert(sc_value_equal(sc_funcval(3), sc_funcval(3)));
  IS_BOOL(bin(SC_OP_Lt, sc_ptr(SC_STR, sc_str_new("ab", 2)), a), 1);
  sc_value c = bin(SC_OP_Add, a, b);
  cr_assert_eq(c.s->len, 6);
  cr_assert_str_eq(c.s->data, "abcabc");
  cr_assert_eq(sc_str_hash(a.s), sc_str_hash(b.s));
}

Test(values, conversions_and_builtins) {
  sc_value r;
  cr_assert(sc_rt_unary(&rt, SC_OP_NumberToInt, sc_float(-3.9), &r));
  IS_INT(r, -3);
  cr_assert_not(sc_rt_unary(&rt, SC_OP_NumberToInt, sc_float(9223372036854775808.0), &r));
  cr_assert_str_eq(rt.errmsg, "NumberToInt of 9.223372036854776e+18 is out of range");
  cr_assert(sc_rt_unary(&rt, SC_OP_NumberToInt, sc_float(-9223372036854775808.0), &r));
  IS_INT(r, INT64_MIN);
  sc_value args[2] = {sc_int(2), sc_float(2.0)};
  cr_assert(sc_rt_builtin(&rt, SC_BUILTIN_min, args, &r));
  IS_INT(r, 2);
  args[0] = sc_int(INT64_MIN);
  cr_assert(sc_rt_builtin(&rt, SC_BUILTIN_abs, args, &r));
  IS_FLOAT(r, 9223372036854775808.0);
  args[0] = sc_float(-2.5);
  cr_assert(sc_rt_builtin(&rt, SC_BUILTIN_floor, args, &r));
  IS_FLOAT(r, -3.0);
  cr_assert(sc_rt_check_kind(&rt, SC_KIND_INT, "i", sc_int(1)));
  cr_assert_not(sc_rt_check_kind(&rt, SC_KIND_INT, "i", sc_float(1)));
  cr_assert_str_eq(rt.errmsg, "local i declared int, got float");
}
