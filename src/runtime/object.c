/* Hidden classes (shapes) with a transition tree, and objects on them. */
#include <string.h>

#include "runtime/runtime.h"

sc_shape *sc_shape_transition(sc_rt *rt, sc_shape *s, uint32_t name) {
  for (uint32_t i = 0; i < s->ntrans; i++)
    if (s->trans[i]->name == name) return s->trans[i];
  sc_shape *c = sc_gc_alloc(sizeof *c);
  c->parent = s;
  c->id = rt->nshapes++;
  c->nfields = s->nfields + 1;
  c->name = name;
  c->names = sc_gc_alloc_atomic(c->nfields * sizeof *c->names);
  if (s->nfields) memcpy(c->names, s->names, s->nfields * sizeof *c->names);
  c->names[s->nfields] = name;
  if (s->ntrans == s->ctrans) {
    uint32_t nc = s->ctrans ? s->ctrans * 2 : 2;
    sc_shape **t = sc_gc_alloc(nc * sizeof *t);
    if (s->ntrans) memcpy(t, s->trans, s->ntrans * sizeof *t);
    s->trans = t;
    s->ctrans = nc;
  }
  s->trans[s->ntrans++] = c;
  return c;
}

int sc_shape_lookup(const sc_shape *s, uint32_t name) {
  for (uint32_t i = 0; i < s->nfields; i++)
    if (s->names[i] == name) return (int)i;
  return -1;
}

sc_object *sc_object_new(sc_rt *rt) {
  sc_object *o = sc_gc_alloc(sizeof *o);
  o->shape = rt->root_shape;
  o->cap = 4;
  o->slots = sc_gc_alloc(o->cap * sizeof(sc_value));
  return o;
}

void sc_object_add_field(sc_rt *rt, sc_object *o, uint32_t name, sc_value v) {
  sc_shape *ns = sc_shape_transition(rt, o->shape, name);
  if (ns->nfields > o->cap) {
    uint32_t nc = o->cap * 2;
    sc_value *sl = sc_gc_alloc(nc * sizeof *sl);
    memcpy(sl, o->slots, o->shape->nfields * sizeof *sl);
    o->slots = sl;
    o->cap = nc;
  }
  o->slots[ns->nfields - 1] = v;
  o->shape = ns;
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
  else sc_object_add_field(rt, obj.o, name, v);
  return true;
}
