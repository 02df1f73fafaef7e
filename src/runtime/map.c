/* Hash maps: open addressing, linear probing, power-of-two capacity, load
 * factor <= 1/2. The language has no deletion, so there are no tombstones.
 * Keys of different types never match (1 and true are distinct keys);
 * strings match by content. */
#include "runtime/runtime.h"

#define SC_MAP_MIN_CAP 8

static inline bool key_ok(sc_value k) { return k.tag == SC_INT || k.tag == SC_STR || k.tag == SC_BOOL; }

static bool bad_key(sc_rt *rt, const char *op, sc_value k) {
  return sc_rt_error(rt, "%s key must be int, string or bool, got %s", op, sc_tag_name(k.tag));
}

/* Ints and bools go through a full 64-bit mixer (murmur3's finalizer), so
 * that keys differing only in high bits, or strided keys, still spread over
 * the low bits the table uses. */
static inline uint64_t key_hash(sc_value k) {
  if (k.tag == SC_STR) return sc_str_hash(k.s);
  uint64_t h = (uint64_t)k.i ^ (k.tag << 56);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

static inline bool key_eq(sc_value a, sc_value b) {
  if (a.tag != b.tag) return false;
  if (a.tag != SC_STR) return a.i == b.i;
  return a.s == b.s || (a.s->len == b.s->len && sc_str_eq(a.s, b.s));
}

sc_map *sc_map_new(void) {
  sc_map_entry *e = sc_gc_try_alloc((size_t)SC_MAP_MIN_CAP * sizeof *e);
  sc_map *m = e ? sc_gc_try_alloc(sizeof *m) : NULL;
  if (!m) return NULL;
  m->cap = SC_MAP_MIN_CAP;
  m->e = e;
  return m;
}

/* The entry holding k, or the empty entry where it would go. */
static inline sc_map_entry *find(const sc_map *m, sc_value k) {
  uint64_t mask = (uint64_t)m->cap - 1, i = key_hash(k) & mask;
  for (;;) {
    sc_map_entry *e = &m->e[i];
    if (e->key.tag == SC_NULL || key_eq(e->key, k)) return e;
    i = (i + 1) & mask;
  }
}

static bool grow(sc_map *m) {
  sc_map_entry *old = m->e;
  int64_t oc = m->cap;
  uint64_t mask = (uint64_t)oc * 2 - 1;
  sc_map_entry *ne = sc_gc_try_alloc((size_t)oc * 2 * sizeof *ne);
  if (!ne) return false;
  m->cap = oc * 2;
  m->e = ne;
  for (int64_t j = 0; j < oc; j++) {
    if (old[j].key.tag == SC_NULL) continue;
    /* keys are distinct: just find a free entry */
    uint64_t i = key_hash(old[j].key) & mask;
    while (m->e[i].key.tag != SC_NULL) i = (i + 1) & mask;
    m->e[i] = old[j];
  }
  return true;
}

bool sc_rt_map_get(sc_rt *rt, sc_value m, sc_value key, sc_value *out) {
  if (m.tag != SC_MAP) return sc_rt_error(rt, "MapGet on %s", sc_tag_name(m.tag));
  if (!key_ok(key)) return bad_key(rt, "MapGet", key);
  sc_map_entry *e = find(m.m, key);
  *out = e->key.tag == SC_NULL ? sc_null() : e->val;
  return true;
}

bool sc_rt_map_has(sc_rt *rt, sc_value m, sc_value key, sc_value *out) {
  if (m.tag != SC_MAP) return sc_rt_error(rt, "MapHas on %s", sc_tag_name(m.tag));
  if (!key_ok(key)) return bad_key(rt, "MapHas", key);
  *out = sc_bool(find(m.m, key)->key.tag != SC_NULL);
  return true;
}

bool sc_rt_map_set(sc_rt *rt, sc_value m, sc_value key, sc_value v) {
  if (m.tag != SC_MAP) return sc_rt_error(rt, "MapSet on %s", sc_tag_name(m.tag));
  if (!key_ok(key)) return bad_key(rt, "MapSet", key);
  sc_map *mp = m.m;
  sc_map_entry *e = find(mp, key);
  if (e->key.tag == SC_NULL) {
    if ((mp->count + 1) * 2 > mp->cap) {
      if (!grow(mp)) return sc_rt_oom(rt);
      e = find(mp, key);
    }
    e->key = key;
    mp->count++;
  }
  e->val = v;
  return true;
}
