/* Hidden classes: the transition tree, lookups, objects and their errors. */
#include <criterion/criterion.h>
#include <string.h>

#include "runtime/runtime.h"
#include "shapec/shapec.h"

static sc_rt rt;
static sc_program *prog;

static void setup(void) {
  sc_runtime_init();
  prog = sc_program_new("t.sasm");
  sc_func_add(prog, "main", 0);
  /* name ids 0..1999: "f0", "f1", ... */
  char buf[16];
  for (int i = 0; i < 2000; i++) {
    snprintf(buf, sizeof buf, "f%d", i);
    cr_assert_eq(sc_name_intern(prog, buf), (uint32_t)i);
  }
  sc_rt_init(&rt, prog);
}

TestSuite(shapes, .init = setup);

static sc_object *build(const uint32_t *names, int n) {
  sc_object *o = sc_object_new(&rt);
  for (int i = 0; i < n; i++) sc_object_add_field(&rt, o, names[i], sc_int(i));
  return o;
}

Test(shapes, root_shape) {
  cr_assert_not_null(rt.root_shape);
  cr_assert_eq(rt.root_shape->id, 0);
  cr_assert_eq(rt.root_shape->nfields, 0);
  cr_assert_null(rt.root_shape->parent);
  cr_assert_eq(rt.nshapes, 1);
  cr_assert_eq(sc_shape_lookup(rt.root_shape, 0), -1);
  sc_object *o = sc_object_new(&rt);
  cr_assert_eq(o->shape, rt.root_shape);
  cr_assert_geq(o->cap, 1);
}

Test(shapes, same_fields_same_order_share_a_shape) {
  const uint32_t xy[] = {1, 2}, yx[] = {2, 1};
  sc_object *a = build(xy, 2), *b = build(xy, 2), *c = build(yx, 2);
  cr_assert_eq(a->shape, b->shape);
  cr_assert_eq(a->shape->id, b->shape->id);
  cr_assert_neq(a->shape, c->shape);
  cr_assert_neq(a->shape->id, c->shape->id);
  cr_assert_eq(a->shape->parent->parent, rt.root_shape);
  cr_assert_eq(a->shape->name, 2);
  cr_assert_eq(a->shape->parent->name, 1);
  cr_assert_eq(sc_shape_lookup(a->shape, 1), 0);
  cr_assert_eq(sc_shape_lookup(a->shape, 2), 1);
  cr_assert_eq(sc_shape_lookup(c->shape, 2), 0);
  cr_assert_eq(sc_shape_lookup(c->shape, 1), 1);
  cr_assert_eq(sc_shape_lookup(a->shape, 9), -1);
  cr_assert_eq(sc_shape_lookup(a->shape->parent, 2), -1); /* the parent lacks the child's field */
  cr_assert_eq(rt.nshapes, 5); /* root, {1}, {1,2}, {2}, {2,1} */
}

Test(shapes, transitions_are_reused) {
  sc_shape *s1 = sc_shape_transition(&rt, rt.root_shape, 7);
  sc_shape *s2 = sc_shape_transition(&rt, rt.root_shape, 7);
  cr_assert_eq(s1, s2);
  cr_assert_eq(rt.root_shape->ntrans, 1);
  sc_shape *t = sc_shape_transition(&rt, rt.root_shape, 8);
  cr_assert_neq(s1, t);
  cr_assert_eq(rt.root_shape->ntrans, 2);
  /* many children of one shape: each found again, none duplicated */
  sc_shape *kids[300];
  for (uint32_t i = 0; i < 300; i++) kids[i] = sc_shape_transition(&rt, s1, 100 + i);
  uint32_t before = rt.nshapes;
  for (uint32_t i = 0; i < 300; i++) {
    cr_assert_eq(sc_shape_transition(&rt, s1, 100 + i), kids[i]);
    cr_assert_eq(kids[i]->nfields, 2);
    cr_assert_eq(sc_shape_lookup(kids[i], 7), 0);
    cr_assert_eq(sc_shape_lookup(kids[i], 100 + i), 1);
    cr_assert_eq(sc_shape_lookup(kids[i], 100 + (i + 1) % 300), -1);
  }
  cr_assert_eq(rt.nshapes, before);
  cr_assert_eq(s1->ntrans, 300);
}

Test(shapes, ids_are_dense_and_unique) {
  const uint32_t a[] = {1, 2, 3}, b[] = {1, 3}, c[] = {3};
  sc_object *x = build(a, 3), *y = build(b, 2), *z = build(c, 1);
  cr_assert_eq(rt.nshapes, 6); /* root, 1, 12, 123, 13, 3 */
  bool seen[6] = {0};
  sc_shape *all[] = {rt.root_shape, x->shape->parent->parent, x->shape->parent, x->shape, y->shape, z->shape};
  for (int i = 0; i < 6; i++) {
    cr_assert_lt(all[i]->id, 6);
    cr_assert_not(seen[all[i]->id]);
    seen[all[i]->id] = true;
  }
}

/* A chain built field by field, branches off its middle, and the names of
 * every shape on the way: shapes share name storage, so check none is
 * clobbered by a later extension or branch. */
Test(shapes, long_chains_and_branches_keep_their_names) {
  enum { N = 1000 };
  static sc_shape *chain[N + 1];
  chain[0] = rt.root_shape;
  for (uint32_t i = 0; i < N; i++) chain[i + 1] = sc_shape_transition(&rt, chain[i], i);
  /* branch off every shape of the chain with a name not on it */
  static sc_shape *branch[N + 1];
  for (uint32_t i = 0; i <= N; i++) branch[i] = sc_shape_transition(&rt, chain[i], 1500);
  /* and extend a branch further (its array may be shared with nothing) */
  sc_shape *bb = sc_shape_transition(&rt, branch[5], 1501);
  for (uint32_t i = 0; i <= N; i++) {
    cr_assert_eq(chain[i]->nfields, i);
    for (uint32_t k = 0; k < i; k++) cr_assert_eq(chain[i]->names[k], k, "chain %u slot %u", i, k);
    cr_assert_eq(branch[i]->nfields, i + 1);
    for (uint32_t k = 0; k < i; k++) cr_assert_eq(branch[i]->names[k], k);
    cr_assert_eq(branch[i]->names[i], 1500);
    cr_assert_eq(sc_shape_lookup(branch[i], 1500), (int)i);
    cr_assert_eq(sc_shape_lookup(chain[i], 1500), -1);
    if (i) cr_assert_eq(sc_shape_lookup(chain[i], i - 1), (int)i - 1);
    if (i < N) cr_assert_eq(sc_shape_lookup(chain[i], i), -1);
  }
  cr_assert_eq(bb->nfields, 7);
  cr_assert_eq(sc_shape_lookup(bb, 1501), 6);
  cr_assert_eq(sc_shape_lookup(bb, 1500), 5);
  cr_assert_eq(sc_shape_lookup(bb, 4), 4);
  cr_assert_eq(sc_shape_lookup(bb, 5), -1);
}

Test(shapes, many_fields_on_one_object) {
  enum { N = 1000 };
  sc_object *o = sc_object_new(&rt);
  sc_value ov = sc_ptr(SC_OBJECT, o), v;
  for (uint32_t i = 0; i < N; i++) cr_assert(sc_rt_set_prop(&rt, ov, i, sc_int(i * 3)));
  cr_assert_eq(o->shape->nfields, N);
  cr_assert_geq(o->cap, N);
  for (uint32_t i = 0; i < N; i++) {
    cr_assert(sc_rt_get_prop(&rt, ov, i, &v));
    cr_assert_eq(v.tag, SC_INT);
    cr_assert_eq(v.i, (int64_t)i * 3);
  }
  /* a second object built the same way reuses every shape */
  uint32_t before = rt.nshapes;
  sc_object *p = sc_object_new(&rt);
  for (uint32_t i = 0; i < N; i++) sc_rt_set_prop(&rt, sc_ptr(SC_OBJECT, p), i, sc_null());
  cr_assert_eq(p->shape, o->shape);
  cr_assert_eq(rt.nshapes, before);
}

Test(shapes, set_prop_overwrites_or_adds) {
  sc_object *o = sc_object_new(&rt);
  sc_value ov = sc_ptr(SC_OBJECT, o), v;
  cr_assert(sc_rt_set_prop(&rt, ov, 3, sc_int(1)));
  sc_shape *s1 = o->shape;
  cr_assert_eq(s1->nfields, 1);
  cr_assert(sc_rt_set_prop(&rt, ov, 3, sc_float(2.5))); /* overwrite: same shape */
  cr_assert_eq(o->shape, s1);
  cr_assert(sc_rt_get_prop(&rt, ov, 3, &v));
  cr_assert(v.tag == SC_FLOAT && v.f == 2.5);
  cr_assert(sc_rt_set_prop(&rt, ov, 4, sc_bool(1))); /* new field: transition */
  cr_assert_eq(o->shape->parent, s1);
  /* slots survive growth past the inline ones */
  for (uint32_t i = 10; i < 30; i++) sc_rt_set_prop(&rt, ov, i, sc_int(i));
  cr_assert(sc_rt_get_prop(&rt, ov, 3, &v));
  cr_assert(v.tag == SC_FLOAT && v.f == 2.5);
  cr_assert(sc_rt_get_prop(&rt, ov, 4, &v));
  cr_assert(v.tag == SC_BOOL && v.i == 1);
  for (uint32_t i = 10; i < 30; i++) {
    cr_assert(sc_rt_get_prop(&rt, ov, i, &v));
    cr_assert_eq(v.i, i);
  }
}

Test(shapes, prop_errors) {
  sc_value v, ov = sc_ptr(SC_OBJECT, sc_object_new(&rt));
  cr_assert_not(sc_rt_get_prop(&rt, ov, 25, &v));
  cr_assert_str_eq(rt.errmsg, "GetProp of missing field 'f25'");
  sc_rt_set_prop(&rt, ov, 1, sc_int(1));
  cr_assert_not(sc_rt_get_prop(&rt, ov, 2, &v));
  cr_assert_str_eq(rt.errmsg, "GetProp of missing field 'f2'");
  cr_assert_not(sc_rt_get_prop(&rt, sc_int(1), 0, &v));
  cr_assert_str_eq(rt.errmsg, "GetProp on int");
  cr_assert_not(sc_rt_get_prop(&rt, sc_null(), 0, &v));
  cr_assert_str_eq(rt.errmsg, "GetProp on null");
  cr_assert_not(sc_rt_get_prop(&rt, sc_ptr(SC_MAP, sc_map_new()), 0, &v));
  cr_assert_str_eq(rt.errmsg, "GetProp on map");
  cr_assert_not(sc_rt_set_prop(&rt, sc_ptr(SC_ARRAY, sc_array_new(0)), 0, sc_int(1)));
  cr_assert_str_eq(rt.errmsg, "SetProp on array");
  cr_assert_not(sc_rt_set_prop(&rt, sc_ptr(SC_STR, sc_str_new("s", 1)), 0, sc_int(1)));
  cr_assert_str_eq(rt.errmsg, "SetProp on string");
}

/* Random insertion orders against a plain model: a shape's names are the
 * order its fields were added, and equal orders give equal shapes. */
Test(shapes, random_orders_match_a_model) {
  uint64_t seed = 12345;
  enum { OBJS = 300, NAMES = 6 };
  static uint32_t order[OBJS][NAMES];
  static int len[OBJS];
  static sc_object *objs[OBJS];
  for (int k = 0; k < OBJS; k++) {
    objs[k] = sc_object_new(&rt);
    bool used[NAMES] = {0};
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    len[k] = (int)(seed >> 33) % (NAMES + 1);
    for (int i = 0; i < len[k]; i++) {
      uint32_t n;
      do {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        n = (uint32_t)(seed >> 33) % NAMES;
      } while (used[n]);
      used[n] = true;
      order[k][i] = n;
      sc_rt_set_prop(&rt, sc_ptr(SC_OBJECT, objs[k]), n, sc_int(k * 10 + i));
    }
  }
  for (int k = 0; k < OBJS; k++) {
    const sc_shape *s = objs[k]->shape;
    cr_assert_eq(s->nfields, (uint32_t)len[k]);
    for (int i = 0; i < len[k]; i++) {
      cr_assert_eq(s->names[i], order[k][i]);
      cr_assert_eq(sc_shape_lookup(s, order[k][i]), i);
      cr_assert_eq(objs[k]->slots[i].i, k * 10 + i);
    }
    for (int j = 0; j < k; j++) {
      bool same = len[j] == len[k] && !memcmp(order[j], order[k], (size_t)len[k] * sizeof(uint32_t));
      cr_assert_eq(objs[j]->shape == objs[k]->shape, same, "objects %d and %d", j, k);
    }
  }
}

/* The known-transition path (inline caches) agrees with the searching one. */
Test(shapes, add_field_with_known_transition) {
  sc_object *a = sc_object_new(&rt), *b = sc_object_new(&rt);
  for (uint32_t i = 0; i < 12; i++) sc_object_add_field(&rt, a, i, sc_int(i));
  uint32_t before = rt.nshapes;
  sc_shape *chain[13];
  chain[12] = a->shape;
  for (int i = 11; i >= 0; i--) chain[i] = chain[i + 1]->parent;
  for (uint32_t i = 0; i < 12; i++) sc_object_add_field_shape(b, chain[i + 1], sc_int(100 + i));
  cr_assert_eq(b->shape, a->shape);
  cr_assert_eq(rt.nshapes, before);
  sc_value v;
  for (uint32_t i = 0; i < 12; i++) {
    cr_assert(sc_rt_get_prop(&rt, sc_ptr(SC_OBJECT, b), i, &v));
    cr_assert_eq(v.i, 100 + i);
  }
}
