/* Heap structures: shapes and transitions, arrays and elements kinds, maps. */
#include <criterion/criterion.h>
#include <string.h>

#include "runtime/runtime.h"
#include "shapec/shapec.h"

static sc_rt rt;

static void setup(void) {
  sc_runtime_init();
  sc_rt_init(&rt, NULL);
}

TestSuite(heap, .init = setup);

Test(heap, shapes_shared_by_construction_order) {
  sc_object *a = sc_object_new(&rt), *b = sc_object_new(&rt), *c = sc_object_new(&rt);
  sc_object_add_field(&rt, a, 1, sc_int(1));
  sc_object_add_field(&rt, a, 2, sc_int(2));
  sc_object_add_field(&rt, b, 1, sc_int(3));
  sc_object_add_field(&rt, b, 2, sc_int(4));
  sc_object_add_field(&rt, c, 2, sc_int(5));
  sc_object_add_field(&rt, c, 1, sc_int(6));
  cr_assert_eq(a->shape, b->shape);
  cr_assert_neq(a->shape, c->shape);
  cr_assert_eq(sc_shape_lookup(a->shape, 2), 1);
  cr_assert_eq(sc_shape_lookup(c->shape, 2), 0);
  cr_assert_eq(sc_shape_lookup(a->shape, 9), -1);
  cr_assert_eq(a->shape->parent->parent, rt.root_shape);
  cr_assert_eq(rt.nshapes, 5); /* root, {1}, {1,2}, {2}, {2,1} */
}

Test(heap, many_fields_and_overwrite) {
  sc_object *o = sc_object_new(&rt);
  for (uint32_t i = 0; i < 100; i++) sc_object_add_field(&rt, o, i, sc_int(i));
  cr_assert_eq(o->shape->nfields, 100);
  sc_value v;
  cr_assert(sc_rt_get_prop(&rt, sc_ptr(SC_OBJECT, o), 57, &v));
  cr_assert_eq(v.i, 57);
  sc_shape *before = o->shape;
  cr_assert(sc_rt_set_prop(&rt, sc_ptr(SC_OBJECT, o), 57, sc_float(1.5)));
  cr_assert_eq(o->shape, before);
  cr_assert_not(sc_rt_get_prop(&rt, sc_int(1), 0, &v));
  cr_assert_str_eq(rt.errmsg, "GetProp on int");
}

Test(heap, elements_kinds) {
  sc_array *a = sc_array_new(0);
  cr_assert_eq(a->kind, SC_ELEMS_INT);
  sc_array_push(a, sc_float(0.5));
  cr_assert_eq(a->kind, SC_ELEMS_FLOAT); /* empty array takes the first element's kind */
  for (int i = 0; i < 100; i++) sc_array_push(a, sc_float(i));
  cr_assert_eq(a->kind, SC_ELEMS_FLOAT);
  sc_array_store(a, 3, sc_int(7));
  cr_assert_eq(a->kind, SC_ELEMS_ANY);
  cr_assert_eq(sc_array_at(a, 3).tag, SC_INT);
  cr_assert_eq(sc_array_at(a, 4).f, 3.0);
  cr_assert_eq(a->len, 101);
  sc_value v;
  cr_assert(sc_array_fill(&rt, sc_int(5), sc_int(9), &v));
  cr_assert_eq(v.a->kind, SC_ELEMS_INT);
  cr_assert_eq(v.a->d.i[4], 9);
  cr_assert_not(sc_array_fill(&rt, sc_int(-1), sc_int(0), &v));
  cr_assert_not(sc_rt_get_index(&rt, sc_ptr(SC_ARRAY, a), sc_int(101), &v));
  cr_assert_str_eq(rt.errmsg, "GetIndex index 101 out of bounds for length 101");
}

Test(heap, maps) {
  sc_value m = sc_ptr(SC_MAP, sc_map_new()), v;
  for (int64_t i = 0; i < 100000; i++) cr_assert(sc_rt_map_set(&rt, m, sc_int(i), sc_int(i * 2)));
  cr_assert_eq(m.m->count, 100000);
  cr_assert(sc_rt_map_get(&rt, m, sc_int(77777), &v));
  cr_assert_eq(v.i, 155554);
  cr_assert(sc_rt_map_set(&rt, m, sc_bool(1), sc_int(-1)));
  cr_assert(sc_rt_map_get(&rt, m, sc_int(1), &v));
  cr_assert_eq(v.i, 2); /* true and 1 are different keys */
  sc_value k1 = sc_ptr(SC_STR, sc_str_new("key", 3)), k2 = sc_ptr(SC_STR, sc_str_new("key", 3));
  cr_assert(sc_rt_map_set(&rt, m, k1, sc_int(5)));
  cr_assert(sc_rt_map_get(&rt, m, k2, &v));
  cr_assert_eq(v.i, 5);
  cr_assert(sc_rt_map_get(&rt, m, sc_int(-5), &v));
  cr_assert_eq(v.tag, SC_NULL);
  cr_assert_not(sc_rt_map_set(&rt, m, sc_float(1.0), sc_int(0)));
  cr_assert_str_eq(rt.errmsg, "MapSet key must be int, string or bool, got float");
}
