/* Arrays with elements kinds (value.h). Raw INT/FLOAT/BOOL storage is
 * pointer-free and allocated atomic; ANY storage holds values. Storage
 * grows by doubling; kinds only move INT/FLOAT/BOOL -> ANY, except that an
 * empty array takes the kind of the first element stored into it. */
#include <string.h>

#include "runtime/runtime.h"

/* ArrayNew beyond this many elements is refused with an error rather than
 * an out-of-memory abort (2^32 values are 64 GiB already). */
#define SC_ARRAY_MAX_LEN ((int64_t)1 << 32)

static inline sc_elems_kind kind_of(sc_value v) {
  switch (v.tag) {
  case SC_INT: return SC_ELEMS_INT;
  case SC_FLOAT: return SC_ELEMS_FLOAT;
  case SC_BOOL: return SC_ELEMS_BOOL;
  default: return SC_ELEMS_ANY;
  }
}

/* Bytes per element of kind k. */
static inline size_t elem_size(sc_elems_kind k) {
  return k == SC_ELEMS_ANY ? sizeof(sc_value) : k == SC_ELEMS_BOOL ? 1 : 8;
}

/* NULL: out of memory (the size is the program's choice). */
static void *alloc_storage(sc_elems_kind k, int64_t cap) {
  size_t n = (size_t)cap * elem_size(k);
  return k == SC_ELEMS_ANY ? sc_gc_try_alloc(n) : sc_gc_try_alloc_atomic(n);
}

static sc_array *array_alloc(sc_elems_kind k, int64_t cap) {
  if (cap < 4) cap = 4;
  void *d = alloc_storage(k, cap);
  if (!d) return NULL;
  sc_array *a = sc_gc_try_alloc(sizeof *a);
  if (!a) return NULL;
  a->kind = k;
  a->cap = cap;
  a->d.p = d;
  return a;
}

sc_array *sc_array_new(int64_t cap) { return array_alloc(SC_ELEMS_INT, cap); }

/* Re-lays the storage out for kind k (only called with k == ANY, or on an
 * empty array). */
static bool set_kind(sc_array *a, sc_elems_kind k) {
  void *d = alloc_storage(k, a->cap);
  if (!d) return false;
  if (a->len) { /* INT/FLOAT/BOOL -> ANY: box every element */
    sc_value *v = d;
    for (int64_t i = 0; i < a->len; i++) v[i] = sc_array_at(a, i);
  }
  a->d.p = d;
  a->kind = k;
  return true;
}

/* Makes the array able to hold v; called when v's kind is not a->kind. */
static bool fit_kind(sc_array *a, sc_value v) {
  if (a->len == 0) return set_kind(a, kind_of(v));
  return a->kind == SC_ELEMS_ANY || set_kind(a, SC_ELEMS_ANY);
}

sc_array *sc_array_from(const sc_value *v, int64_t n) {
  sc_elems_kind k = n > 0 ? kind_of(v[0]) : SC_ELEMS_INT;
  for (int64_t i = 1; i < n && k != SC_ELEMS_ANY; i++)
    if (kind_of(v[i]) != k) k = SC_ELEMS_ANY;
  sc_array *a = array_alloc(k, n);
  if (!a) return NULL;
  a->len = n;
  switch (k) {
  case SC_ELEMS_INT: for (int64_t i = 0; i < n; i++) a->d.i[i] = v[i].i; break;
  case SC_ELEMS_FLOAT: for (int64_t i = 0; i < n; i++) a->d.f[i] = v[i].f; break;
  case SC_ELEMS_BOOL: for (int64_t i = 0; i < n; i++) a->d.b[i] = v[i].i != 0; break;
  default: if (n) memcpy(a->d.v, v, (size_t)n * sizeof *v);
  }
  return a;
}

bool sc_array_fill(sc_rt *rt, sc_value len, sc_value fill, sc_value *out) {
  if (len.tag != SC_INT) return sc_rt_error(rt, "ArrayNew length must be int, got %s", sc_tag_name(len.tag));
  if (len.i < 0) return sc_rt_error(rt, "ArrayNew length %lld is negative", (long long)len.i);
  if (len.i > SC_ARRAY_MAX_LEN) return sc_rt_error(rt, "ArrayNew length %lld is too large", (long long)len.i);
  int64_t n = len.i;
  sc_array *a = array_alloc(kind_of(fill), n);
  if (!a) return sc_rt_oom(rt);
  a->len = n;
  switch (a->kind) {
  case SC_ELEMS_INT:
    if (fill.i == 0) memset(a->d.i, 0, (size_t)n * 8);
    else for (int64_t i = 0; i < n; i++) a->d.i[i] = fill.i;
    break;
  case SC_ELEMS_FLOAT:
    for (int64_t i = 0; i < n; i++) a->d.f[i] = fill.f;
    break;
  case SC_ELEMS_BOOL:
    memset(a->d.b, fill.i != 0, (size_t)n);
    break;
  default:
    for (int64_t i = 0; i < n; i++) a->d.v[i] = fill;
  }
  *out = sc_ptr(SC_ARRAY, a);
  return true;
}

bool sc_array_store(sc_array *a, int64_t i, sc_value v) {
  if (sc_array_put(a, i, v)) return true;
  if (!fit_kind(a, v)) return false;
  sc_array_put(a, i, v); /* the kind holds v now */
  return true;
}

bool sc_array_push(sc_array *a, sc_value v) {
  if (kind_of(v) != a->kind && !fit_kind(a, v)) return false;
  if (a->len == a->cap) {
    int64_t nc = a->cap < 4 ? 4 : a->cap * 2;
    void *d = alloc_storage(a->kind, nc);
    if (!d) return false;
    memcpy(d, a->d.p, (size_t)a->len * elem_size(a->kind));
    a->d.p = d;
    a->cap = nc;
  }
  sc_array_put(a, a->len, v);
  a->len++;
  return true;
}

static bool check_index(sc_rt *rt, const char *op, sc_value arr, sc_value idx) {
  if (arr.tag != SC_ARRAY) return sc_rt_error(rt, "%s on %s", op, sc_tag_name(arr.tag));
  if (idx.tag != SC_INT) return sc_rt_error(rt, "%s index must be int, got %s", op, sc_tag_name(idx.tag));
  if ((uint64_t)idx.i >= (uint64_t)arr.a->len)
    return sc_rt_error(rt, "%s index %lld out of bounds for length %lld", op, (long long)idx.i,
                       (long long)arr.a->len);
  return true;
}

bool sc_rt_get_index(sc_rt *rt, sc_value arr, sc_value idx, sc_value *out) {
  if (!check_index(rt, "GetIndex", arr, idx)) return false;
  *out = sc_array_at(arr.a, idx.i);
  return true;
}

bool sc_rt_set_index(sc_rt *rt, sc_value arr, sc_value idx, sc_value v) {
  if (!check_index(rt, "SetIndex", arr, idx)) return false;
  return sc_array_store(arr.a, idx.i, v) || sc_rt_oom(rt);
}

bool sc_rt_array_len(sc_rt *rt, sc_value arr, sc_value *out) {
  if (arr.tag != SC_ARRAY) return sc_rt_error(rt, "ArrayLen on %s", sc_tag_name(arr.tag));
  *out = sc_int(arr.a->len);
  return true;
}

bool sc_rt_array_push(sc_rt *rt, sc_value arr, sc_value v) {
  if (arr.tag != SC_ARRAY) return sc_rt_error(rt, "ArrayPush on %s", sc_tag_name(arr.tag));
  return sc_array_push(arr.a, v) || sc_rt_oom(rt);
}
