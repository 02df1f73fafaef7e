/* Maps: an array part for dense int keys 0..asize-1 and a hash part (open
 * addressing, linear probing, power-of-two capacity, load factor <= 1/2)
 * for the rest, as Lua's tables. Dense int keys then cost an index instead
 * of a hash and a probe into a table twice as large scattered over memory.
 * The language has no deletion, so there are no tombstones and the array
 * part only grows. Keys of different types never match (1 and true are
 * distinct keys); strings match by content. */
#include <string.h>

#include "runtime/runtime.h"

#define SC_MAP_MIN_CAP 8
/* The array part never grows past 2^SC_MAP_MAX_ABITS slots. */
#define SC_MAP_MAX_ABITS 40

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

/* Whether k is in the array part's range (else it belongs to the hash part). */
static inline bool in_array(const sc_map *m, sc_value k) {
  return k.tag == SC_INT && (uint64_t)k.i < (uint64_t)m->asize;
}

static inline sc_value arr_get(const sc_map *m, int64_t k) {
  uint8_t t = m->atag[k];
  sc_value v = {t == SC_MAP_HELD_NULL ? SC_NULL : t, {.i = m->aval[k]}};
  return v;
}

static inline void arr_put(sc_map *m, int64_t k, sc_value v) {
  m->atag[k] = v.tag == SC_NULL ? SC_MAP_HELD_NULL : (uint8_t)v.tag;
  m->aval[k] = v.i;
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

/* keys are distinct: just find a free entry */
static void insert_new(sc_map_entry *e, int64_t cap, sc_map_entry x) {
  uint64_t mask = (uint64_t)cap - 1, i = key_hash(x.key) & mask;
  while (e[i].key.tag != SC_NULL) i = (i + 1) & mask;
  e[i] = x;
}

/* 0 for 0, else the bit length of k: k in [2^(b-1), 2^b) */
static inline int bin(uint64_t k) { return k ? 64 - __builtin_clzll(k) : 0; }

/* The array size that holds the int keys best once `extra` (a key about to
 * be added, or null) is in: the largest power of two n above the current
 * size with more than n/2 of the keys 0..n-1 present (Lua's rule), or the
 * current size when there is none. */
static int64_t best_asize(const sc_map *m, sc_value extra) {
  int64_t nums[SC_MAP_MAX_ABITS + 1] = {0};
  for (int64_t j = 0; j < m->cap; j++) {
    sc_value k = m->e[j].key;
    if (k.tag == SC_INT && k.i >= 0 && bin((uint64_t)k.i) <= SC_MAP_MAX_ABITS) nums[bin((uint64_t)k.i)]++;
  }
  if (extra.tag == SC_INT && extra.i >= m->asize && bin((uint64_t)extra.i) <= SC_MAP_MAX_ABITS)
    nums[bin((uint64_t)extra.i)]++;
  /* keys below n = 2^b: the array part's (all below asize <= n) and the
   * hash part's in bins 0..b */
  int64_t below = m->count - m->hcount, best = m->asize;
  for (int b = 0; b <= SC_MAP_MAX_ABITS; b++) {
    below += nums[b];
    int64_t n = (int64_t)1 << b;
    if (n > m->asize && below > n / 2) best = n;
  }
  return best;
}

/* Makes room for one more key in the hash part: moves the int keys into a
 * larger array part when they are dense enough (see best_asize), and sizes
 * the hash part for what stays there, doubling it when nothing moves. */
static bool rehash(sc_map *m, sc_value extra) {
  int64_t na = best_asize(m, extra), oa = m->asize;
  uint8_t *atag = m->atag;
  int64_t *aval = m->aval;
  if (na > oa) {
    atag = sc_gc_try_alloc_atomic((size_t)na);
    aval = atag ? sc_gc_try_alloc((size_t)na * sizeof *aval) : NULL;
    if (!aval) return false;
    if (oa) {
      memcpy(atag, m->atag, (size_t)oa);
      memcpy(aval, m->aval, (size_t)oa * sizeof *aval);
    }
    memset(atag + oa, SC_NULL, (size_t)(na - oa));
  }
  /* keys staying in the hash part */
  int64_t stay = 0;
  for (int64_t j = 0; j < m->cap; j++) {
    sc_value k = m->e[j].key;
    stay += k.tag != SC_NULL && !(k.tag == SC_INT && (uint64_t)k.i < (uint64_t)na);
  }
  int64_t nc = SC_MAP_MIN_CAP;
  while ((stay + 1) * 2 > nc) nc *= 2;
  sc_map_entry *ne = sc_gc_try_alloc((size_t)nc * sizeof *ne);
  if (!ne) return false;
  sc_map_entry *old = m->e;
  int64_t oc = m->cap;
  m->atag = atag;
  m->aval = aval;
  m->asize = na;
  m->e = ne;
  m->cap = nc;
  m->hcount = stay;
  for (int64_t j = 0; j < oc; j++) {
    sc_map_entry x = old[j];
    if (x.key.tag == SC_NULL) continue;
    if (in_array(m, x.key)) arr_put(m, x.key.i, x.val);
    else insert_new(ne, nc, x);
  }
  return true;
}

/* Each operation checks for an int key in the array part first, inline;
 * everything else (errors, the hash part, growth) is out of line so that
 * the common path stays a few instructions with no frame to set up. */
static __attribute__((noinline)) bool get_slow(sc_rt *rt, sc_value m, sc_value key, sc_value *out) {
  if (m.tag != SC_MAP) return sc_rt_error(rt, "MapGet on %s", sc_tag_name(m.tag));
  if (!key_ok(key)) return bad_key(rt, "MapGet", key);
  if (in_array(m.m, key)) {
    *out = arr_get(m.m, key.i);
    return true;
  }
  sc_map_entry *e = find(m.m, key);
  *out = e->key.tag == SC_NULL ? sc_null() : e->val;
  return true;
}

bool sc_rt_map_get(sc_rt *rt, sc_value m, sc_value key, sc_value *out) {
  if (__builtin_expect(m.tag == SC_MAP && in_array(m.m, key), 1)) {
    *out = arr_get(m.m, key.i);
    return true;
  }
  return get_slow(rt, m, key, out);
}

bool sc_rt_map_has(sc_rt *rt, sc_value m, sc_value key, sc_value *out) {
  if (m.tag != SC_MAP) return sc_rt_error(rt, "MapHas on %s", sc_tag_name(m.tag));
  if (!key_ok(key)) return bad_key(rt, "MapHas", key);
  bool in = in_array(m.m, key) ? m.m->atag[key.i] != SC_NULL : find(m.m, key)->key.tag != SC_NULL;
  *out = sc_bool(in);
  return true;
}

static __attribute__((noinline)) bool set_slow(sc_rt *rt, sc_value m, sc_value key, sc_value v) {
  if (m.tag != SC_MAP) return sc_rt_error(rt, "MapSet on %s", sc_tag_name(m.tag));
  if (!key_ok(key)) return bad_key(rt, "MapSet", key);
  sc_map *mp = m.m;
  for (;;) {
    if (in_array(mp, key)) {
      mp->count += mp->atag[key.i] == SC_NULL;
      arr_put(mp, key.i, v);
      return true;
    }
    sc_map_entry *e = find(mp, key);
    if (e->key.tag != SC_NULL) {
      e->val = v;
      return true;
    }
    if ((mp->hcount + 1) * 2 <= mp->cap) {
      e->key = key;
      e->val = v;
      mp->hcount++;
      mp->count++;
      return true;
    }
    /* the key may now belong to the array part: look again */
    if (!rehash(mp, key)) return sc_rt_oom(rt);
  }
}

bool sc_rt_map_set(sc_rt *rt, sc_value m, sc_value key, sc_value v) {
  if (__builtin_expect(m.tag == SC_MAP && in_array(m.m, key), 1)) {
    m.m->count += m.m->atag[key.i] == SC_NULL;
    arr_put(m.m, key.i, v);
    return true;
  }
  return set_slow(rt, m, key, v);
}
