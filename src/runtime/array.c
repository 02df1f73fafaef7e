/* Arrays with elements kinds (value.h). Raw INT/FLOAT storage is
 * pointer-free and allocated atomic; ANY storage holds values. Storage
 * grows by doubling; kinds only move INT/FLOAT -> ANY, except that an empty
 * array takes the kind of the first element stored into it. */
#include <string.h>

#include "runtime/runtime.h"

/* ArrayNew beyond this many elements is refused with an error rather than
 * an out-of-memory abort (2^32 values are 64 GiB already). */
#define SC_ARRAY_MAX_LEN ((int64_t)1 << 32)

static inline sc_elems_kind kind_of(sc_value v) {
  return v.tag == SC_INT ? SC_ELEMS_INT : v.tag == SC_FLOAT ? SC_ELEMS_FLOAT : SC_ELEMS_ANY;
}

/* NULL: out of memory (the size is the program's choice). */
static void *alloc_storage(sc_elems_kind k, int64_t cap) {
  return k == SC_ELEMS_ANY ? sc_gc_try_alloc((size_t)cap * sizeof(sc_value))
                           : sc_gc_try_alloc_atomic((size_t)cap * 8);
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
  if (a->len) { /* INT/FLOAT -> ANY: box every element */
    sc_value *v = d;
    if (a->kind == SC_ELEMS_INT)
      for (int64_t i = 0; i < a->len; i++) v[i] = sc_int(a->d.i[i]);
    else
      for (int64_t i = 0; i < a->len; i++) v[i] = sc_float(a->d.f[i]);
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
  default:
    for (int64_t i = 0; i < n; i++) a->d.v[i] = fill;
  }
  *out = sc_ptr(SC_ARRAY, a);
  return true;
}

sc_value sc_array_at(const sc_array *a, int64_t i) {
  switch (a->kind) {
  case SC_ELEMS_INT: return sc_int(a->d.i[i]);
  case SC_ELEMS_FLOAT: return sc_float(a->d.f[i]);
  default: return a->d.v[i];
  }
}

bool sc_array_store(sc_array *a, int64_t i, sc_value v) {
  if (kind_of(v) != a->kind && !fit_kind(a, v)) return false;
  switch (a->kind) {
  case SC_ELEMS_INT: a->d.i[i] = v.i; break;
  case SC_ELEMS_FLOAT: a->d.f[i] = v.f; break;
  default: a->d.v[i] = v;
  }
  return true;
}

bool sc_array_push(sc_array *a, sc_value v) {
  if (kind_of(v) != a->kind && !fit_kind(a, v)) return false;
  if (a->len == a->cap) {
    int64_t nc = a->cap < 4 ? 4 : a->cap * 2;
    size_t esz = a->kind == SC_ELEMS_ANY ? sizeof(sc_value) : 8;
    void *d = alloc_storage(a->kind, nc);
    if (!d) return false;
    memcpy(d, a->d.p, (size_t)a->len * esz);
    a->d.p = d;
    a->cap = nc;
  }
  switch (a->kind) {
  case SC_ELEMS_INT: a->d.i[a->len] = v.i; break;
  case SC_ELEMS_FLOAT: a->d.f[a->len] = v.f; break;
  default: a->d.v[a->len] = v;
  }
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
