/* Hidden classes (shapes) with a transition tree, and objects on them.
 *
 * names arrays are shared along chains of first children: a shape's names
 * array has room for C(n) = max(4, next power of two >= n) entries, and
 * the first child of a shape appends its name in place when there is room
 * (nothing beyond the parent's fields can be in use, since the parent had
 * no child yet). So a chain of n fields costs O(n) memory, not O(n^2). */
#include <string.h>

#include "runtime/runtime.h"

/* Slots allocated with the object itself; most objects need no more. */
#define SC_OBJECT_INLINE_SLOTS 4

static uint32_t names_cap(uint32_t n) {
  uint32_t c = 4;
  while (c < n) c *= 2;
  return c;
}

sc_shape *sc_shape_transition(sc_rt *rt, sc_shape *s, uint32_t name) {
  sc_shape **t = s->trans;
  for (uint32_t i = 0, n = s->ntrans; i < n; i++)
    if (t[i]->name == name) return t[i];
  sc_shape *c = sc_gc_alloc(sizeof *c);
  uint32_t n = s->nfields;
  c->parent = s;
  c->id = rt->nshapes++;
  c->nfields = n + 1;
  c->name = name;
  if (s->ntrans == 0 && n > 0 && n < names_cap(n)) {
    c->names = s->names; /* first child: extend the parent's array in place */
  } else {
    c->names = sc_gc_alloc_atomic(names_cap(n + 1) * sizeof *c->names);
    if (n) memcpy(c->names, s->names, n * sizeof *c->names);
  }
  c->names[n] = name;
  if (s->ntrans == s->ctrans) {
    uint32_t nc = s->ctrans ? s->ctrans * 2 : 2;
    t = sc_gc_alloc(nc * sizeof *t);
    if (s->ntrans) memcpy(t, s->trans, s->ntrans * sizeof *t);
    __atomic_store_n(&s->trans, t, __ATOMIC_RELEASE);
    s->ctrans = nc;
  }
  /* published last: a compile request may read the tree on another thread
   * (sc_shape_child) while the interpreter grows it; children and arrays
   * are complete before it sees the new count */
  s->trans[s->ntrans] = c;
  __atomic_store_n(&s->ntrans, s->ntrans + 1, __ATOMIC_RELEASE);
  return c;
}

const sc_shape *sc_shape_child(const sc_shape *s, uint32_t name) {
  uint32_t n = __atomic_load_n(&s->ntrans, __ATOMIC_ACQUIRE);
  sc_shape *const *t = __atomic_load_n(&s->trans, __ATOMIC_ACQUIRE);
  for (uint32_t k = 0; k < n; k++)
    if (t[k]->name == name) return t[k];
  return NULL;
}

int sc_shape_lookup(const sc_shape *s, uint32_t name) {
  const uint32_t *nm = s->names;
  for (uint32_t i = 0, n = s->nfields; i < n; i++)
    if (nm[i] == name) return (int)i;
  return -1;
}

sc_object *sc_object_new(sc_rt *rt) { return sc_object_new_shaped(rt->root_shape); }

uint32_t sc_object_new_cap(const sc_shape *s) {
  uint32_t cap = SC_OBJECT_INLINE_SLOTS;
  while (s && cap < s->nfields) cap *= 2; /* the capacity adding them one by one would reach */
  return cap;
}

sc_object *sc_object_new_shaped(const sc_shape *s) {
  uint32_t cap = sc_object_new_cap(s);
  sc_object *o = sc_gc_try_alloc(sizeof *o + cap * sizeof(sc_value)); /* zeroed: null fields */
  if (!o) return NULL;
  o->shape = (sc_shape *)s;
  o->cap = cap;
  o->slots = (sc_value *)(o + 1);
  return o;
}

bool sc_object_add_field(sc_rt *rt, sc_object *o, uint32_t name, sc_value v) {
  return sc_object_add_field_shape(o, sc_shape_transition(rt, o->shape, name), v);
}

bool sc_object_add_field_shape(sc_object *o, sc_shape *ns, sc_value v) {
  uint32_t n = o->shape->nfields;
  if (n == o->cap) {
    uint32_t nc = o->cap * 2;
    sc_value *sl = sc_gc_try_alloc(nc * sizeof *sl);
    if (!sl) return false;
    memcpy(sl, o->slots, n * sizeof *sl);
    o->slots = sl;
    o->cap = nc;
  }
  o->slots[n] = v;
  o->shape = ns;
  return true;
}

static const char *prop_name(const sc_rt *rt, uint32_t name) {
  return rt->prog && name < rt->prog->nnames ? rt->prog->names[name] : "?";
}

bool sc_rt_get_prop(sc_rt *rt, sc_value obj, uint32_t name, sc_value *out) {
  if (obj.tag != SC_OBJECT) return sc_rt_error(rt, "GetProp on %s", sc_tag_name(obj.tag));
  int k = sc_shape_lookup(obj.o->shape, name);
  if (k < 0) return sc_rt_error(rt, "GetProp of missing field '%s'", prop_name(rt, name));
  *out = obj.o->slots[k];
  return true;
}

bool sc_rt_set_prop(sc_rt *rt, sc_value obj, uint32_t name, sc_value v) {
  if (obj.tag != SC_OBJECT) return sc_rt_error(rt, "SetProp on %s", sc_tag_name(obj.tag));
  int k = sc_shape_lookup(obj.o->shape, name);
  if (k >= 0) obj.o->slots[k] = v;
  else if (!sc_object_add_field(rt, obj.o, name, v)) return sc_rt_oom(rt);
  return true;
}
