/* Arrays: elements kinds and their transitions, growth, ArrayNew, and the
 * checked operations with their exact error messages. */
#include <criterion/criterion.h>
#include <gc.h>
#include <gc/gc_mark.h>
#include <string.h>

#include "runtime/runtime.h"
#include "shapec/shapec.h"

static sc_rt rt;

static void setup(void) {
  sc_runtime_init();
  sc_rt_init(&rt, NULL);
}

TestSuite(arrays, .init = setup);

static sc_value str(const char *s) { return sc_ptr(SC_STR, sc_str_new(s, (int64_t)strlen(s))); }

static void same(sc_value got, sc_value want) {
  cr_assert_eq(got.tag, want.tag);
  if (want.tag == SC_STR) cr_assert(sc_str_eq(got.s, want.s));
  else cr_assert_eq(got.i, want.i); /* payload bits: floats compare exactly */
}

Test(arrays, new_is_empty_int) {
  sc_array *a = sc_array_new(0);
  cr_assert_eq(a->len, 0);
  cr_assert_eq(a->kind, SC_ELEMS_INT);
  cr_assert_geq(a->cap, 1);
  cr_assert_not_null(a->d.p);
  sc_array *b = sc_array_new(100);
  cr_assert_geq(b->cap, 100);
}

Test(arrays, empty_array_takes_first_kind) {
  sc_array *a = sc_array_new(0);
  sc_array_push(a, sc_float(0.5));
  cr_assert_eq(a->kind, SC_ELEMS_FLOAT);
  cr_assert_eq(a->d.f[0], 0.5);
  sc_array *b = sc_array_new(0);
  sc_array_push(b, str("s"));
  cr_assert_eq(b->kind, SC_ELEMS_ANY);
  sc_array *c = sc_array_new(0);
  sc_array_push(c, sc_int(3));
  cr_assert_eq(c->kind, SC_ELEMS_INT);
  cr_assert_eq(c->d.i[0], 3);
  sc_array *d = sc_array_new(0);
  sc_array_push(d, sc_bool(1)); /* bools are not ints: their own kind */
  cr_assert_eq(d->kind, SC_ELEMS_BOOL);
  cr_assert_eq(d->d.b[0], 1);
  same(sc_array_at(d, 0), sc_bool(1));
  sc_array *z = sc_array_from(NULL, 0); /* and an empty BOOL array takes an int's */
  sc_array_push(z, sc_bool(0));
  cr_assert_eq(z->kind, SC_ELEMS_BOOL);
  z->len = 0;
  sc_array_push(z, sc_int(-4));
  cr_assert_eq(z->kind, SC_ELEMS_INT);
  same(sc_array_at(z, 0), sc_int(-4));
  /* an empty array from ArrayNew takes its first element's kind too */
  sc_value e;
  cr_assert(sc_array_fill(&rt, sc_int(0), str("x"), &e));
  cr_assert_eq(e.a->len, 0);
  sc_array_push(e.a, sc_int(9));
  cr_assert_eq(e.a->kind, SC_ELEMS_INT);
  same(sc_array_at(e.a, 0), sc_int(9));
}

Test(arrays, transitions_to_any_keep_values) {
  sc_array *a = sc_array_new(0);
  for (int i = 0; i < 100; i++) sc_array_push(a, sc_int(i * 7));
  cr_assert_eq(a->kind, SC_ELEMS_INT);
  sc_array_push(a, sc_float(1.5)); /* INT + float -> ANY, not FLOAT */
  cr_assert_eq(a->kind, SC_ELEMS_ANY);
  cr_assert_eq(a->len, 101);
  for (int i = 0; i < 100; i++) same(sc_array_at(a, i), sc_int(i * 7));
  same(sc_array_at(a, 100), sc_float(1.5));
  sc_array_push(a, sc_int(5)); /* ANY stays ANY */
  cr_assert_eq(a->kind, SC_ELEMS_ANY);
  same(sc_array_at(a, 101), sc_int(5));

  sc_array *f = sc_array_new(0);
  for (int i = 0; i < 100; i++) sc_array_push(f, sc_float(i + 0.25));
  cr_assert_eq(f->kind, SC_ELEMS_FLOAT);
  sc_array_store(f, 3, sc_int(7)); /* FLOAT + int -> ANY */
  cr_assert_eq(f->kind, SC_ELEMS_ANY);
  same(sc_array_at(f, 3), sc_int(7));
  same(sc_array_at(f, 4), sc_float(4.25));
  same(sc_array_at(f, 99), sc_float(99.25));
  cr_assert_eq(f->len, 100);

  sc_array *n = sc_array_new(0);
  sc_array_push(n, sc_int(1));
  sc_array_store(n, 0, sc_null()); /* overwriting the only element still goes ANY */
  cr_assert_eq(n->kind, SC_ELEMS_ANY);
  same(sc_array_at(n, 0), sc_null());
  /* negative zero and NaN payloads survive FLOAT storage and boxing */
  sc_array *z = sc_array_new(0);
  sc_array_push(z, sc_float(-0.0));
  sc_array_push(z, str("x"));
  same(sc_array_at(z, 0), sc_float(-0.0));
}

Test(arrays, bool_kind_one_byte_each) {
  sc_value v;
  cr_assert(sc_array_fill(&rt, sc_int(1 << 20), sc_bool(1), &v));
  sc_array *a = v.a;
  cr_assert_eq(a->kind, SC_ELEMS_BOOL);
  cr_assert_eq(a->len, 1 << 20);
  /* one byte per element, in storage the collector does not scan */
  cr_assert_lt(GC_size(a->d.p), (size_t)(1 << 20) + 4096);
  cr_assert_eq(GC_get_kind_and_size(a->d.p, NULL), GC_get_kind_and_size(sc_gc_alloc_atomic(8), NULL));
  cr_assert_neq(GC_get_kind_and_size(a->d.p, NULL), GC_get_kind_and_size(sc_gc_alloc(8), NULL));
  for (int64_t i = 0; i < a->len; i++) cr_assert_eq(a->d.b[i], 1);
  cr_assert(sc_array_fill(&rt, sc_int(100), sc_bool(0), &v));
  for (int i = 0; i < 100; i++) same(sc_array_at(v.a, i), sc_bool(0));
  /* a bool stored keeps the kind */
  cr_assert(sc_array_store(a, 7, sc_bool(0)));
  cr_assert_eq(a->kind, SC_ELEMS_BOOL);
  same(sc_array_at(a, 7), sc_bool(0));
  same(sc_array_at(a, 8), sc_bool(1));
  /* pushes grow the byte storage by doubling */
  sc_array *p = sc_array_new(0);
  for (int i = 0; i < 10000; i++) cr_assert(sc_array_push(p, sc_bool(i % 3 == 0)));
  cr_assert_eq(p->kind, SC_ELEMS_BOOL);
  for (int i = 0; i < 10000; i++) same(sc_array_at(p, i), sc_bool(i % 3 == 0));
}

Test(arrays, bool_kind_goes_any) {
  /* any other value moves BOOL to ANY (never to INT: 0 and false differ),
   * boxing every element as a bool */
  sc_value vs[] = {sc_int(0), sc_int(1), sc_float(1.0), sc_null(), str("true")};
  for (unsigned k = 0; k < sizeof vs / sizeof *vs; k++) {
    sc_value b[3] = {sc_bool(1), sc_bool(0), sc_bool(1)};
    sc_array *a = sc_array_from(b, 3);
    cr_assert_eq(a->kind, SC_ELEMS_BOOL);
    cr_assert(sc_array_store(a, 1, vs[k]));
    cr_assert_eq(a->kind, SC_ELEMS_ANY);
    same(sc_array_at(a, 0), sc_bool(1));
    same(sc_array_at(a, 1), vs[k]);
    same(sc_array_at(a, 2), sc_bool(1));
    cr_assert(sc_array_store(a, 1, sc_bool(0))); /* and ANY stays ANY */
    cr_assert_eq(a->kind, SC_ELEMS_ANY);
    same(sc_array_at(a, 1), sc_bool(0));
    sc_array *q = sc_array_from(b, 3); /* a push moves it the same way */
    cr_assert(sc_array_push(q, vs[k]));
    cr_assert_eq(q->kind, SC_ELEMS_ANY);
    cr_assert_eq(q->len, 4);
    for (int i = 0; i < 3; i++) same(sc_array_at(q, i), b[i]);
    same(sc_array_at(q, 3), vs[k]);
  }
  /* an INT or FLOAT array storing a bool goes ANY too */
  sc_value i2[2] = {sc_int(0), sc_int(1)};
  sc_array *n = sc_array_from(i2, 2);
  cr_assert(sc_array_store(n, 0, sc_bool(0)));
  cr_assert_eq(n->kind, SC_ELEMS_ANY);
  same(sc_array_at(n, 0), sc_bool(0));
  same(sc_array_at(n, 1), sc_int(1));
  /* mixed bools and ints from NewArray are ANY */
  sc_value mixed[2] = {sc_bool(1), sc_int(1)};
  cr_assert_eq(sc_array_from(mixed, 2)->kind, SC_ELEMS_ANY);
}

Test(arrays, from_values) {
  sc_value ints[3] = {sc_int(1), sc_int(2), sc_int(3)};
  sc_array *a = sc_array_from(ints, 3);
  cr_assert_eq(a->kind, SC_ELEMS_INT);
  cr_assert_eq(a->len, 3);
  cr_assert_eq(a->d.i[2], 3);
  sc_value fl[2] = {sc_float(1), sc_float(2)};
  cr_assert_eq(sc_array_from(fl, 2)->kind, SC_ELEMS_FLOAT);
  sc_value bs[3] = {sc_bool(0), sc_bool(1), sc_bool(0)};
  sc_array *b = sc_array_from(bs, 3);
  cr_assert_eq(b->kind, SC_ELEMS_BOOL);
  for (int i = 0; i < 3; i++) same(sc_array_at(b, i), bs[i]);
  sc_value mixed[3] = {sc_int(1), sc_float(2), sc_int(3)};
  sc_array *m = sc_array_from(mixed, 3);
  cr_assert_eq(m->kind, SC_ELEMS_ANY);
  for (int i = 0; i < 3; i++) same(sc_array_at(m, i), mixed[i]);
  sc_array *e = sc_array_from(NULL, 0);
  cr_assert_eq(e->len, 0);
  cr_assert_eq(e->kind, SC_ELEMS_INT);
}

Test(arrays, growth_by_doubling) {
  sc_array *a = sc_array_new(0);
  int64_t grows = 0, cap = a->cap;
  for (int64_t i = 0; i < 100000; i++) {
    sc_array_push(a, sc_int(i * i));
    if (a->cap != cap) {
      cr_assert_eq(a->cap, cap * 2);
      cap = a->cap;
      grows++;
    }
  }
  cr_assert_eq(a->len, 100000);
  cr_assert_leq(grows, 16);
  for (int64_t i = 0; i < 100000; i++) cr_assert_eq(a->d.i[i], i * i);
  sc_array *v = sc_array_new(0);
  for (int i = 0; i < 10000; i++) sc_array_push(v, i % 2 ? str("s") : sc_int(i));
  for (int i = 0; i < 10000; i++) same(sc_array_at(v, i), i % 2 ? str("s") : sc_int(i));
}

Test(arrays, fill) {
  sc_value v;
  cr_assert(sc_array_fill(&rt, sc_int(5), sc_int(9), &v));
  cr_assert_eq(v.tag, SC_ARRAY);
  cr_assert_eq(v.a->kind, SC_ELEMS_INT);
  cr_assert_eq(v.a->len, 5);
  for (int i = 0; i < 5; i++) cr_assert_eq(v.a->d.i[i], 9);
  cr_assert(sc_array_fill(&rt, sc_int(1000), sc_int(0), &v));
  for (int i = 0; i < 1000; i++) cr_assert_eq(v.a->d.i[i], 0);
  cr_assert(sc_array_fill(&rt, sc_int(3), sc_float(-0.5), &v));
  cr_assert_eq(v.a->kind, SC_ELEMS_FLOAT);
  same(sc_array_at(v.a, 2), sc_float(-0.5));
  cr_assert(sc_array_fill(&rt, sc_int(4), sc_null(), &v));
  cr_assert_eq(v.a->kind, SC_ELEMS_ANY);
  same(sc_array_at(v.a, 3), sc_null());
  sc_value s = str("abc");
  cr_assert(sc_array_fill(&rt, sc_int(2), s, &v));
  cr_assert_eq(sc_array_at(v.a, 1).s, s.s); /* copies of the same value */
  cr_assert(sc_array_fill(&rt, sc_int(0), sc_int(1), &v));
  cr_assert_eq(v.a->len, 0);
  sc_array_push(v.a, sc_int(4)); /* and it grows like any array */
  cr_assert_eq(v.a->len, 1);
}

Test(arrays, fill_errors) {
  sc_value v;
  cr_assert_not(sc_array_fill(&rt, sc_int(-1), sc_int(0), &v));
  cr_assert_str_eq(rt.errmsg, "ArrayNew length -1 is negative");
  cr_assert_not(sc_array_fill(&rt, sc_int(INT64_MIN), sc_int(0), &v));
  cr_assert_str_eq(rt.errmsg, "ArrayNew length -9223372036854775808 is negative");
  cr_assert_not(sc_array_fill(&rt, sc_float(3.0), sc_int(0), &v));
  cr_assert_str_eq(rt.errmsg, "ArrayNew length must be int, got float");
  cr_assert_not(sc_array_fill(&rt, sc_null(), sc_int(0), &v));
  cr_assert_str_eq(rt.errmsg, "ArrayNew length must be int, got null");
  cr_assert_not(sc_array_fill(&rt, sc_int(INT64_MAX), sc_int(0), &v));
  cr_assert_str_eq(rt.errmsg, "ArrayNew length 9223372036854775807 is too large");
}

Test(arrays, checked_index_ops) {
  sc_value ints[3] = {sc_int(10), sc_int(20), sc_int(30)};
  sc_value arr = sc_ptr(SC_ARRAY, sc_array_from(ints, 3)), v;
  cr_assert(sc_rt_get_index(&rt, arr, sc_int(2), &v));
  same(v, sc_int(30));
  cr_assert(sc_rt_set_index(&rt, arr, sc_int(0), sc_int(11)));
  cr_assert(sc_rt_get_index(&rt, arr, sc_int(0), &v));
  same(v, sc_int(11));
  cr_assert(sc_rt_set_index(&rt, arr, sc_int(1), str("s"))); /* kind transition through SetIndex */
  cr_assert_eq(arr.a->kind, SC_ELEMS_ANY);
  cr_assert(sc_rt_get_index(&rt, arr, sc_int(2), &v));
  same(v, sc_int(30));
  cr_assert(sc_rt_array_len(&rt, arr, &v));
  same(v, sc_int(3));
  cr_assert(sc_rt_array_push(&rt, arr, sc_float(1.5)));
  cr_assert(sc_rt_array_len(&rt, arr, &v));
  same(v, sc_int(4));

  cr_assert_not(sc_rt_get_index(&rt, arr, sc_int(4), &v));
  cr_assert_str_eq(rt.errmsg, "GetIndex index 4 out of bounds for length 4");
  cr_assert_not(sc_rt_get_index(&rt, arr, sc_int(-1), &v));
  cr_assert_str_eq(rt.errmsg, "GetIndex index -1 out of bounds for length 4");
  cr_assert_not(sc_rt_get_index(&rt, arr, sc_int(INT64_MIN), &v));
  cr_assert_str_eq(rt.errmsg, "GetIndex index -9223372036854775808 out of bounds for length 4");
  cr_assert_not(sc_rt_set_index(&rt, arr, sc_int(4), sc_int(0))); /* no growth through SetIndex */
  cr_assert_str_eq(rt.errmsg, "SetIndex index 4 out of bounds for length 4");
  cr_assert_eq(arr.a->len, 4);
  cr_assert_not(sc_rt_get_index(&rt, arr, sc_float(0), &v));
  cr_assert_str_eq(rt.errmsg, "GetIndex index must be int, got float");
  cr_assert_not(sc_rt_set_index(&rt, arr, sc_bool(0), sc_int(0)));
  cr_assert_str_eq(rt.errmsg, "SetIndex index must be int, got bool");
  cr_assert_not(sc_rt_get_index(&rt, sc_ptr(SC_MAP, sc_map_new()), sc_int(0), &v));
  cr_assert_str_eq(rt.errmsg, "GetIndex on map");
  cr_assert_not(sc_rt_set_index(&rt, str("abc"), sc_int(0), sc_int(0)));
  cr_assert_str_eq(rt.errmsg, "SetIndex on string");
  cr_assert_not(sc_rt_array_len(&rt, str("abc"), &v));
  cr_assert_str_eq(rt.errmsg, "ArrayLen on string");
  cr_assert_not(sc_rt_array_push(&rt, sc_null(), sc_int(1)));
  cr_assert_str_eq(rt.errmsg, "ArrayPush on null");

  sc_value empty = sc_ptr(SC_ARRAY, sc_array_new(0));
  cr_assert_not(sc_rt_get_index(&rt, empty, sc_int(0), &v));
  cr_assert_str_eq(rt.errmsg, "GetIndex index 0 out of bounds for length 0");
}

Test(arrays, aliasing) {
  sc_value a = sc_ptr(SC_ARRAY, sc_array_new(0)), b = a, v;
  sc_array_push(a.a, sc_int(1));
  sc_rt_set_index(&rt, b, sc_int(0), sc_float(2.0));
  cr_assert(sc_rt_get_index(&rt, a, sc_int(0), &v));
  same(v, sc_float(2.0)); /* both names see the store (and the kind change) */
}
