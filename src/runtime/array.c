/* Arrays with elements kinds (value.h). Raw INT/FLOAT storage is
 * pointer-free and allocated atomic; ANY storage holds values. */
#include <string.h>

#include "runtime/runtime.h"

static sc_elems_kind kind_of(sc_value v) {
  return v.tag == SC_INT ? SC_ELEMS_INT : v.tag == SC_FLOAT ? SC_ELEMS_FLOAT : SC_ELEMS_ANY;
}

static void *alloc_storage(sc_elems_kind k, int64_t cap) {
  if (cap < 1) cap = 1;
  return k == SC_ELEMS_ANY ? sc_gc_alloc((size_t)cap * sizeof(sc_value))
                           : sc_gc_alloc_atomic((size_t)cap * 8);
}

sc_array *sc_array_new(int64_t cap) {
  sc_array *a = sc_gc_alloc(sizeof *a);
  a->kind = SC_ELEMS_INT;
  a->cap = cap < 4 ? 4 : cap;
  a->d.p = alloc_storage(SC_ELEMS_INT, a->cap);
  return a;
}

static void to_any(sc_array *a) {
  sc_value *v = alloc_storage(SC_ELEMS_ANY, a->cap);
  if (a->kind == SC_ELEMS_INT)
    for (int64_t i = 0; i < a->len; i++) v[i] = sc_int(a->d.i[i]);
  else
    for (int64_t i = 0; i < a->len; i++) v[i] = sc_float(a->d.f[i]);
  a->d.v = v;
  a->kind = SC_ELEMS_ANY;
}

/* Makes the kind able to hold v (an empty array takes v's kind). */
static void fit_kind(sc_array *a, sc_value v) {
  sc_elems_kind k = kind_of(v);
  if (k == a->kind || a->kind == SC_ELEMS_ANY) return;
  if (a->len == 0) {
    a->kind = k;
    a->d.p = alloc_storage(k, a->cap);
    return;
  }
  to_any(a);
}

sc_array *sc_array_from(const sc_value *v, int64_t n) {
  sc_array *a = sc_array_new(n);
  if (n > 0) {
    sc_elems_kind k = kind_of(v[0]);
    for (int64_t i = 1; i < n && k != SC_ELEMS_ANY; i++)
      if (kind_of(v[i]) != k) k = SC_ELEMS_ANY;
    if (k != SC_ELEMS_INT) {
      a->kind = k;
      a->d.p = alloc_storage(k, a->cap);
    }
  }
  a->len = n;
  for (int64_t i = 0; i < n; i++) sc_array_store(a, i, v[i]);
  return a;
}

bool sc_array_fill(sc_rt *rt, sc_value len, sc_value fill, sc_value *out) {
  if (len.tag != SC_INT) return sc_rt_error(rt, "ArrayNew length must be int, got %s", sc_tag_name(len.tag));
  if (len.i < 0) return sc_rt_error(rt, "ArrayNew length %lld is negative", (long long)len.i);
  if (len.i > ((int64_t)1 << 40)) return sc_rt_error(rt, "ArrayNew length %lld is too large", (long long)len.i);
  sc_array *a = sc_gc_alloc(sizeof *a);
  int64_t n = len.i;
  a->kind = kind_of(fill);
  a->cap = n < 4 ? 4 : n;
  a->d.p = alloc_storage(a->kind, a->cap);
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

void sc_array_store(sc_array *a, int64_t i, sc_value v) {
  if (kind_of(v) != a->kind) fit_kind(a, v);
  switch (a->kind) {
  case SC_ELEMS_INT: a->d.i[i] = v.i; break;
  case SC_ELEMS_FLOAT: a->d.f[i] = v.f; break;
  default: a->d.v[i] = v;
  }
}

void sc_array_push(sc_array *a, sc_value v) {
  if (kind_of(v) != a->kind) fit_kind(a, v);
  if (a->len == a->cap) {
    int64_t nc = a->cap * 2;
    size_t esz = a->kind == SC_ELEMS_ANY ? sizeof(sc_value) : 8;
    void *d = alloc_storage(a->kind, nc);
    memcpy(d, a->d.p, (size_t)a->len * esz);
    a->d.p = d;
    a->cap = nc;
  }
  a->len++;
  sc_array_store(a, a->len - 1, v);
}

static bool check_index(sc_rt *rt, const char *op, sc_value arr, sc_value idx) {
  if (arr.tag != SC_ARRAY) return sc_rt_error(rt, "%s on %s", op, sc_tag_name(arr.tag));
  if (idx.tag != SC_INT) return sc_rt_error(rt, "%s index must be int, got %s", op, sc_tag_name(idx.tag));
  if (idx.i < 0 || idx.i >= arr.a->len)
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
  sc_array_store(arr.a, idx.i, v);
  return true;
}

bool sc_rt_array_len(sc_rt *rt, sc_value arr, sc_value *out) {
  if (arr.tag != SC_ARRAY) return sc_rt_error(rt, "ArrayLen on %s", sc_tag_name(arr.tag));
  *out = sc_int(arr.a->len);
  return true;
}

bool sc_rt_array_push(sc_rt *rt, sc_value arr, sc_value v) {
  if (arr.tag != SC_ARRAY) return sc_rt_error(rt, "ArrayPush on %s", sc_tag_name(arr.tag));
  sc_array_push(arr.a, v);
  return true;
}
