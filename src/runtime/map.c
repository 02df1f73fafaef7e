/* Hash maps: open addressing, linear probing, load factor <= 1/2.
 * No deletion in the language, so no tombstones. */
#include "runtime/runtime.h"

static bool key_ok(sc_rt *rt, const char *op, sc_value k) {
  if (k.tag == SC_INT || k.tag == SC_STR || k.tag == SC_BOOL) return true;
  return sc_rt_error(rt, "%s key must be int, string or bool, got %s", op, sc_tag_name(k.tag));
}

static uint64_t key_hash(sc_value k) {
  uint64_t h;
  if (k.tag == SC_STR) h = sc_str_hash(k.s);
  else {
    h = (uint64_t)k.i * 0x9E3779B97F4A7C15ull + k.tag;
    h ^= h >> 29;
  }
  return h;
}

static bool key_eq(sc_value a, sc_value b) {
  if (a.tag != b.tag) return false;
  return a.tag == SC_STR ? sc_str_eq(a.s, b.s) : a.i == b.i;
}

sc_map *sc_map_new(void) {
  sc_map *m = sc_gc_alloc(sizeof *m);
  m->cap = 8;
  m->e = sc_gc_alloc((size_t)m->cap * sizeof *m->e);
  return m;
}

/* Slot holding k, or the empty slot where it would go. */
static sc_map_entry *find(const sc_map *m, sc_value k) {
  uint64_t mask = (uint64_t)m->cap - 1, i = key_hash(k) & mask;
  for (;;) {
    sc_map_entry *e = &m->e[i];
    if (e->key.tag == SC_NULL || key_eq(e->key, k)) return e;
    i = (i + 1) & mask;
  }
}

static void grow(sc_map *m) {
  sc_map_entry *old = m->e;
  int64_t oc = m->cap;
  m->cap *= 2;
  m->e = sc_gc_alloc((size_t)m->cap * sizeof *m->e);
  for (int64_t i = 0; i < oc; i++)
    if (old[i].key.tag != SC_NULL) *find(m, old[i].key) = old[i];
}

bool sc_rt_map_get(sc_rt *rt, sc_value m, sc_value key, sc_value *out) {
  if (m.tag != SC_MAP) return sc_rt_error(rt, "MapGet on %s", sc_tag_name(m.tag));
  if (!key_ok(rt, "MapGet", key)) return false;
  sc_map_entry *e = find(m.m, key);
  *out = e->key.tag == SC_NULL ? sc_null() : e->val;
  return true;
}

bool sc_rt_map_has(sc_rt *rt, sc_value m, sc_value key, sc_value *out) {
  if (m.tag != SC_MAP) return sc_rt_error(rt, "MapHas on %s", sc_tag_name(m.tag));
  if (!key_ok(rt, "MapHas", key)) return false;
  *out = sc_bool(find(m.m, key)->key.tag != SC_NULL);
  return true;
}

bool sc_rt_map_set(sc_rt *rt, sc_value m, sc_value key, sc_value v) {
  if (m.tag != SC_MAP) return sc_rt_error(rt, "MapSet on %s", sc_tag_name(m.tag));
  if (!key_ok(rt, "MapSet", key)) return false;
  sc_map *mp = m.m;
  sc_map_entry *e = find(mp, key);
  if (e->key.tag == SC_NULL) {
    if ((mp->count + 1) * 2 > mp->cap) {
      grow(mp);
      e = find(mp, key);
    }
    e->key = key;
    mp->count++;
  }
  e->val = v;
  return true;
}
