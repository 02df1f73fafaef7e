/* Maps: growth, key types, string keys by content, errors. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "runtime/runtime.h"
#include "shapec/shapec.h"

static sc_rt rt;

static void setup(void) {
  sc_runtime_init();
  sc_rt_init(&rt, NULL);
}

TestSuite(maps, .init = setup);

static sc_value str(const char *s) { return sc_ptr(SC_STR, sc_str_new(s, (int64_t)strlen(s))); }
static sc_value newmap(void) { return sc_ptr(SC_MAP, sc_map_new()); }

static sc_value get(sc_value m, sc_value k) {
  sc_value v;
  cr_assert(sc_rt_map_get(&rt, m, k, &v), "MapGet failed: %s", rt.errmsg);
  return v;
}

static bool has(sc_value m, sc_value k) {
  sc_value v;
  cr_assert(sc_rt_map_has(&rt, m, k, &v), "MapHas failed: %s", rt.errmsg);
  cr_assert_eq(v.tag, SC_BOOL);
  return v.i;
}

static void set(sc_value m, sc_value k, sc_value v) {
  cr_assert(sc_rt_map_set(&rt, m, k, v), "MapSet failed: %s", rt.errmsg);
}

/* The invariants of both parts: a power-of-two hash part at most half full
 * holding hcount keys, none of them an int below asize; an array part of 0
 * or a power-of-two slots; count the keys of both. */
static void check_table(const sc_map *m) {
  cr_assert_eq(m->cap & (m->cap - 1), 0, "capacity %lld is not a power of two", (long long)m->cap);
  cr_assert_leq(m->hcount * 2, m->cap, "load factor above 1/2");
  int64_t used = 0;
  for (int64_t i = 0; i < m->cap; i++) {
    sc_value k = m->e[i].key;
    used += k.tag != SC_NULL;
    cr_assert(!(k.tag == SC_INT && k.i >= 0 && k.i < m->asize), "int key %lld in the hash part", (long long)k.i);
  }
  cr_assert_eq(used, m->hcount);
  cr_assert_eq(m->asize & (m->asize - 1), 0, "array part of %lld slots", (long long)m->asize);
  for (int64_t i = 0; i < m->asize; i++) {
    cr_assert_leq(m->atag[i], SC_MAP_HELD_NULL);
    used += m->atag[i] != SC_NULL;
  }
  cr_assert_eq(used, m->count);
}

Test(maps, grows_to_100k_int_keys) {
  sc_value m = newmap();
  for (int64_t i = 0; i < 100000; i++) set(m, sc_int(i), sc_float(i * 2.5));
  cr_assert_eq(m.m->count, 100000);
  check_table(m.m);
  /* dense keys live in the array part: at most a few in the hash part */
  cr_assert_geq(m.m->asize, 100000);
  cr_assert_leq(m.m->asize, 2 * 100000);
  cr_assert_leq(m.m->hcount, 4);
  for (int64_t i = 0; i < 100000; i++) {
    sc_value v = get(m, sc_int(i));
    cr_assert(v.tag == SC_FLOAT && v.f == i * 2.5, "key %lld", (long long)i);
  }
  cr_assert_eq(get(m, sc_int(100000)).tag, SC_NULL);
  cr_assert_eq(get(m, sc_int(-1)).tag, SC_NULL);
  /* overwriting keeps the count */
  for (int64_t i = 0; i < 100000; i += 7) set(m, sc_int(i), sc_int(-i));
  cr_assert_eq(m.m->count, 100000);
  cr_assert_eq(get(m, sc_int(700)).i, -700);
}

Test(maps, grows_to_100k_string_keys) {
  sc_value m = newmap();
  char buf[32];
  for (int i = 0; i < 100000; i++) {
    snprintf(buf, sizeof buf, "key%d", i);
    set(m, str(buf), sc_int(i));
  }
  cr_assert_eq(m.m->count, 100000);
  check_table(m.m);
  for (int i = 0; i < 100000; i += 3) {
    snprintf(buf, sizeof buf, "key%d", i);
    sc_value v = get(m, str(buf)); /* a fresh string: found by content */
    cr_assert(v.tag == SC_INT && v.i == i, "%s", buf);
  }
  cr_assert_not(has(m, str("key100000")));
  cr_assert_not(has(m, str("key")));
}

Test(maps, strided_and_extreme_int_keys) {
  sc_value m = newmap();
  /* keys differing only in high bits must still spread */
  for (int64_t i = 0; i < 20000; i++) set(m, sc_int(i << 32), sc_int(i));
  for (int64_t i = 0; i < 20000; i++) set(m, sc_int((int64_t)((uint64_t)i << 48)), sc_int(i));
  for (int64_t i = 0; i < 20000; i++) cr_assert_eq(get(m, sc_int(i << 32)).i, i);
  set(m, sc_int(INT64_MIN), str("min"));
  set(m, sc_int(INT64_MAX), str("max"));
  set(m, sc_int(-1), str("neg"));
  cr_assert_str_eq(get(m, sc_int(INT64_MIN)).s->data, "min");
  cr_assert_str_eq(get(m, sc_int(INT64_MAX)).s->data, "max");
  cr_assert_str_eq(get(m, sc_int(-1)).s->data, "neg");
  check_table(m.m);
}

Test(maps, key_types_are_distinct) {
  sc_value m = newmap();
  set(m, sc_int(1), str("int 1"));
  set(m, sc_bool(1), str("true"));
  set(m, str("1"), str("string 1"));
  set(m, sc_int(0), str("int 0"));
  set(m, sc_bool(0), str("false"));
  set(m, str(""), str("empty"));
  cr_assert_eq(m.m->count, 6);
  cr_assert_str_eq(get(m, sc_int(1)).s->data, "int 1");
  cr_assert_str_eq(get(m, sc_bool(1)).s->data, "true");
  cr_assert_str_eq(get(m, str("1")).s->data, "string 1");
  cr_assert_str_eq(get(m, sc_int(0)).s->data, "int 0");
  cr_assert_str_eq(get(m, sc_bool(0)).s->data, "false");
  cr_assert_str_eq(get(m, str("")).s->data, "empty");
  sc_value m2 = newmap();
  set(m2, sc_bool(1), sc_int(5));
  cr_assert_not(has(m2, sc_int(1)));
  cr_assert(has(m2, sc_bool(1)));
  cr_assert_not(has(m2, sc_bool(0)));
}

Test(maps, strings_by_content) {
  sc_value m = newmap();
  sc_value k1 = str("key"), k2 = str("key");
  cr_assert_neq(k1.s, k2.s);
  set(m, k1, sc_int(5));
  cr_assert_eq(get(m, k2).i, 5);
  set(m, k2, sc_int(6)); /* same key: replaces */
  cr_assert_eq(m.m->count, 1);
  cr_assert_eq(get(m, k1).i, 6);
  /* embedded NULs and shared prefixes */
  sc_value a = sc_ptr(SC_STR, sc_str_new("a\0b", 3)), b = sc_ptr(SC_STR, sc_str_new("a\0c", 3));
  set(m, a, sc_int(1));
  set(m, b, sc_int(2));
  set(m, str("a"), sc_int(3));
  cr_assert_eq(m.m->count, 4);
  cr_assert_eq(get(m, sc_ptr(SC_STR, sc_str_new("a\0b", 3))).i, 1);
  cr_assert_eq(get(m, sc_ptr(SC_STR, sc_str_new("a\0c", 3))).i, 2);
  cr_assert_eq(get(m, str("a")).i, 3);
}

Test(maps, values_of_any_type) {
  sc_value m = newmap(), inner = newmap();
  set(m, sc_int(1), sc_null());
  cr_assert(has(m, sc_int(1))); /* present with a null value */
  cr_assert_eq(get(m, sc_int(1)).tag, SC_NULL);
  set(m, sc_int(2), inner);
  cr_assert_eq(get(m, sc_int(2)).m, inner.m);
  set(m, sc_int(3), m);
  cr_assert_eq(get(m, sc_int(3)).m, m.m);
}

Test(maps, errors) {
  sc_value m = newmap(), v;
  cr_assert_not(sc_rt_map_set(&rt, m, sc_float(1.0), sc_int(0)));
  cr_assert_str_eq(rt.errmsg, "MapSet key must be int, string or bool, got float");
  cr_assert_not(sc_rt_map_get(&rt, m, sc_null(), &v));
  cr_assert_str_eq(rt.errmsg, "MapGet key must be int, string or bool, got null");
  cr_assert_not(sc_rt_map_has(&rt, m, sc_ptr(SC_ARRAY, sc_array_new(0)), &v));
  cr_assert_str_eq(rt.errmsg, "MapHas key must be int, string or bool, got array");
  cr_assert_not(sc_rt_map_set(&rt, m, m, sc_int(0)));
  cr_assert_str_eq(rt.errmsg, "MapSet key must be int, string or bool, got map");
  cr_assert_not(sc_rt_map_set(&rt, m, sc_funcval(0), sc_int(0)));
  cr_assert_str_eq(rt.errmsg, "MapSet key must be int, string or bool, got function");
  cr_assert_not(sc_rt_map_get(&rt, m, sc_ptr(SC_OBJECT, sc_object_new(&rt)), &v));
  cr_assert_str_eq(rt.errmsg, "MapGet key must be int, string or bool, got object");
  cr_assert_eq(m.m->count, 0);
  cr_assert_not(sc_rt_map_get(&rt, sc_int(1), sc_int(1), &v));
  cr_assert_str_eq(rt.errmsg, "MapGet on int");
  cr_assert_not(sc_rt_map_set(&rt, sc_ptr(SC_ARRAY, sc_array_new(0)), sc_int(1), sc_int(1)));
  cr_assert_str_eq(rt.errmsg, "MapSet on array");
  cr_assert_not(sc_rt_map_has(&rt, sc_null(), sc_int(1), &v));
  cr_assert_str_eq(rt.errmsg, "MapHas on null");
  /* the receiver is checked before the key */
  cr_assert_not(sc_rt_map_get(&rt, sc_null(), sc_float(1), &v));
  cr_assert_str_eq(rt.errmsg, "MapGet on null");
}

/* int keys 0..n-1 set in the order given by perm; every key checked
 * through MapGet and MapHas, and the keys just outside */
static void check_dense(sc_value m, int64_t n) {
  check_table(m.m);
  cr_assert_eq(m.m->count, n);
  for (int64_t i = 0; i < n; i++) {
    sc_value v = get(m, sc_int(i));
    cr_assert(v.tag == SC_INT && v.i == i * 3, "key %lld", (long long)i);
    cr_assert(has(m, sc_int(i)));
  }
  cr_assert_not(has(m, sc_int(n)));
  cr_assert_not(has(m, sc_int(-1)));
  cr_assert_eq(get(m, sc_int(n)).tag, SC_NULL);
}

Test(maps, dense_keys_in_any_order) {
  enum { N = 5000 };
  sc_value up = newmap(), down = newmap(), shuffled = newmap();
  for (int64_t i = 0; i < N; i++) set(up, sc_int(i), sc_int(i * 3));
  for (int64_t i = N - 1; i >= 0; i--) set(down, sc_int(i), sc_int(i * 3));
  /* 7919 is prime, so i * 7919 mod N visits every key once */
  for (int64_t i = 0; i < N; i++) set(shuffled, sc_int(i * 7919 % N), sc_int(i * 7919 % N * 3));
  check_dense(up, N);
  check_dense(down, N);
  check_dense(shuffled, N);
  cr_assert_geq(down.m->asize, N / 2, "keys set downwards end up in the array part");
  cr_assert_geq(shuffled.m->asize, N / 2);
}

Test(maps, holes_and_sparse_keys) {
  sc_value m = newmap();
  /* even keys only: exactly half dense, which is not more than half */
  for (int64_t i = 0; i < 4096; i += 2) set(m, sc_int(i), sc_int(i));
  check_table(m.m);
  for (int64_t i = 0; i < 4096; i++) {
    cr_assert_eq(has(m, sc_int(i)), i % 2 == 0, "key %lld", (long long)i);
    cr_assert_eq(get(m, sc_int(i)).tag, i % 2 ? SC_NULL : SC_INT);
  }
  /* filling the odd keys makes them dense: they move to the array part */
  for (int64_t i = 1; i < 4096; i += 2) set(m, sc_int(i), sc_int(i));
  check_table(m.m);
  cr_assert_geq(m.m->asize, 2048);
  for (int64_t i = 0; i < 4096; i++) cr_assert_eq(get(m, sc_int(i)).i, i);
  /* a far key, negative keys and other types stay in the hash part beside it */
  set(m, sc_int((int64_t)1 << 40), str("far"));
  set(m, sc_int(-5), str("neg"));
  set(m, sc_bool(1), str("true"));
  set(m, str("7"), str("seven"));
  check_table(m.m);
  cr_assert_eq(m.m->count, 4096 + 4);
  cr_assert_str_eq(get(m, sc_int((int64_t)1 << 40)).s->data, "far");
  cr_assert_str_eq(get(m, sc_int(-5)).s->data, "neg");
  cr_assert_str_eq(get(m, sc_bool(1)).s->data, "true");
  cr_assert_eq(get(m, sc_int(1)).i, 1);
  cr_assert_str_eq(get(m, str("7")).s->data, "seven");
  cr_assert_eq(get(m, sc_int(7)).i, 7);
  cr_assert_not(has(m, sc_bool(0)));
  cr_assert_not(has(m, str("8")));
  cr_assert_not(has(m, sc_int(-1)));
  cr_assert_not(has(m, sc_int(INT64_MIN)));
  cr_assert_not(has(m, sc_int(4096)));
}

Test(maps, null_values_in_the_array_part) {
  sc_value m = newmap();
  /* nulls set before and after the keys move to the array part */
  for (int64_t i = 0; i < 1000; i++) set(m, sc_int(i), i % 3 ? sc_int(i) : sc_null());
  for (int64_t i = 1000; i < 2000; i++) set(m, sc_int(i), sc_null());
  check_table(m.m);
  cr_assert_eq(m.m->count, 2000);
  cr_assert_geq(m.m->asize, 1024);
  for (int64_t i = 0; i < 2000; i++) {
    sc_value v = get(m, sc_int(i));
    cr_assert(has(m, sc_int(i)), "key %lld", (long long)i);
    if (i < 1000 && i % 3) cr_assert(v.tag == SC_INT && v.i == i);
    else cr_assert_eq(v.tag, SC_NULL, "key %lld gives tag %llu", (long long)i, (unsigned long long)v.tag);
  }
  /* overwriting a null with a value and back keeps the count */
  set(m, sc_int(0), sc_int(42));
  cr_assert_eq(get(m, sc_int(0)).i, 42);
  set(m, sc_int(0), sc_null());
  cr_assert_eq(get(m, sc_int(0)).tag, SC_NULL);
  cr_assert(has(m, sc_int(0)));
  cr_assert_eq(m.m->count, 2000);
  cr_assert_not(has(m, sc_int(2000)));
}

Test(maps, float_keys_are_errors_even_when_integral) {
  sc_value m = newmap(), v;
  for (int64_t i = 0; i < 100; i++) set(m, sc_int(i), sc_int(i));
  cr_assert_geq(m.m->asize, 64);
  cr_assert_not(sc_rt_map_get(&rt, m, sc_float(1.0), &v));
  cr_assert_str_eq(rt.errmsg, "MapGet key must be int, string or bool, got float");
  cr_assert_not(sc_rt_map_set(&rt, m, sc_float(0.0), sc_int(0)));
  cr_assert_str_eq(rt.errmsg, "MapSet key must be int, string or bool, got float");
  cr_assert_not(sc_rt_map_has(&rt, m, sc_float(2.0), &v));
  cr_assert_str_eq(rt.errmsg, "MapHas key must be int, string or bool, got float");
  cr_assert_eq(m.m->count, 100);
}
