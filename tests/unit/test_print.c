/* Printing: floats exactly as Python's repr(), values as the spec says. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime.h"
#include "shapec/shapec.h"

static void repr_is(double f, const char *want) {
  char buf[40];
  sc_format_float(f, buf);
  cr_assert_str_eq(buf, want, "for %.17g", f);
}

/* Expected strings are Python 3's repr() of the same doubles. */
Test(print, float_repr) {
  repr_is(3.0, "3.0");
  repr_is(0.1, "0.1");
  repr_is(1e-05, "1e-05");
  repr_is(0.0001, "0.0001");
  repr_is(1e16, "1e+16");
  repr_is(1e15, "1000000000000000.0");
  repr_is(9.223372036854776e18, "9.223372036854776e+18");
  repr_is(1e300, "1e+300");
  repr_is(1.5e300, "1.5e+300");
  repr_is(5e-324, "5e-324");
  repr_is(1.7976931348623157e308, "1.7976931348623157e+308");
  repr_is(-0.0, "-0.0");
  repr_is(0.0, "0.0");
  repr_is(NAN, "nan");
  repr_is(INFINITY, "inf");
  repr_is(-INFINITY, "-inf");
  repr_is(1.0 / 3, "0.3333333333333333");
  repr_is(2.0 / 3, "0.6666666666666666");
  repr_is(0.1 + 0.2, "0.30000000000000004");
  repr_is(100.0, "100.0");
  repr_is(123456789.123, "123456789.123");
  repr_is(1.5e-7, "1.5e-07");
  repr_is(-2.5, "-2.5");
  repr_is(9999999999999998.0, "9999999999999998.0");
  repr_is(1e22, "1e+22");
  repr_is(12345678901234567890.0, "1.2345678901234567e+19");
  repr_is(0.000123, "0.000123");
  repr_is(1.25e-5, "1.25e-05");
}

static char *printed(const sc_rt *rt, sc_value v) {
  char *buf;
  size_t n;
  FILE *f = open_memstream(&buf, &n);
  sc_value_print(rt, f, v);
  fclose(f);
  return buf;
}

Test(print, values_and_containers) {
  sc_runtime_init();
  sc_program *p = sc_program_new("t");
  sc_func_add(p, "main", 0);
  uint32_t x = sc_name_intern(p, "x"), y = sc_name_intern(p, "y");
  sc_rt rt;
  sc_rt_init(&rt, p);
  sc_value s = sc_ptr(SC_STR, sc_str_new("a\"b", 3));
  sc_value items[4] = {sc_int(1), sc_float(2.5), s, sc_null()};
  sc_value arr = sc_ptr(SC_ARRAY, sc_array_from(items, 4));
  char *t = printed(&rt, arr);
  cr_assert_str_eq(t, "[1, 2.5, \"a\\\"b\", null]");
  free(t);
  t = printed(&rt, s);
  cr_assert_str_eq(t, "a\"b");
  free(t);
  sc_object *o = sc_object_new(&rt);
  sc_object_add_field(&rt, o, x, sc_int(1));
  sc_object_add_field(&rt, o, y, sc_bool(1));
  t = printed(&rt, sc_ptr(SC_OBJECT, o));
  cr_assert_str_eq(t, "{x: 1, y: true}");
  free(t);
  sc_array_push(arr.a, arr);
  t = printed(&rt, arr);
  cr_assert_str_eq(t, "[1, 2.5, \"a\\\"b\", null, [...]]");
  free(t);
  t = printed(&rt, sc_ptr(SC_MAP, sc_map_new()));
  cr_assert_str_eq(t, "map(0)");
  free(t);
  t = printed(&rt, sc_funcval(0));
  cr_assert_str_eq(t, "<func main>");
  free(t);
}
