/* shapec runtime internals: heap objects, value operations, printing and
 * runtime errors. Shared by the interpreter and by compiled code's helpers,
 * so that both raise identical errors and compute identical results.
 *
 * Convention: an operation that can fail returns bool; on false it has set
 * the runtime error message (sc_rt_error) and *out is unspecified. */
#ifndef SHAPEC_RUNTIME_H
#define SHAPEC_RUNTIME_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "shapec/bytecode.h"
#include "shapec/value.h"

/* Per-VM runtime state that heap operations need. */
typedef struct sc_rt {
  const sc_program *prog; /* names of properties and functions */
  sc_shape *root_shape;   /* the empty shape, id 0 */
  uint32_t nshapes;       /* next shape id */
  char errmsg[512];       /* last runtime error message */
  int has_error;
} sc_rt;

void sc_rt_init(sc_rt *rt, const sc_program *prog);
/* Sets the error message; always returns false. */
bool sc_rt_error(sc_rt *rt, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *sc_tag_name(sc_tag t); /* "null", "bool", "int", "float", "string", ... */

/* GC allocation wrappers (Boehm). sc_gc_alloc* never return NULL: when
 * the heap limit is reached they end the process as a runtime error
 * (`runtime error: out of memory`, exit 1, output flushed, no trace).
 * Allocations whose size the program chooses (strings, array and map
 * storage, objects) use sc_gc_try_alloc* and report SC_RT_OOM as a runtime
 * error with its trace. */
void *sc_gc_alloc(size_t n);        /* may contain pointers; zeroed */
void *sc_gc_alloc_atomic(size_t n); /* no pointers; not zeroed */
void *sc_gc_try_alloc(size_t n);    /* NULL when the heap limit forbids it */
void *sc_gc_try_alloc_atomic(size_t n);
bool sc_gc_fits(size_t n); /* whether n bytes are within the heap limit */
#define SC_RT_OOM "out of memory"
bool sc_rt_oom(sc_rt *rt); /* sets `out of memory`; returns false */
/* Heap limit (0: keep the current one, default sc_gc_default_max_heap)
 * and GC warnings on stderr (verbose); process-wide, as the heap is. Also
 * sizes the initial heap. */
void sc_gc_configure(size_t max_heap, int verbose);
size_t sc_gc_default_max_heap(void);
size_t sc_gc_collections(void); /* since the process started */
void sc_gc_print_stats(FILE *out); /* --stats: `gc: N collections, ...` */
void *sc_gc_realloc(void *p, size_t n);
char *sc_gc_strdup(const char *s);

/* Diagnostics (escape.c): n bytes of s, or a formatted message (a final
 * newline stays one), written with control characters and malformed UTF-8
 * as \xNN. Every printer of an error message or a trace line writes
 * through these. */
void sc_fput_escaped(FILE *out, const char *s, size_t n);
void sc_fprint_escaped(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Strings (str.c: a long concatenation is a rope, flattened on first read) */
sc_str *sc_str_new(const char *s, int64_t len);
sc_str *sc_str_concat(sc_str *a, sc_str *b); /* NULL: out of memory */
const char *sc_str_flatten(sc_str *s);       /* use sc_str_data */
/* The bytes of s (len of them, then a NUL). Every reader of a string's
 * bytes goes through here: a rope is flattened once, then cached. Out of
 * memory while flattening ends the run as sc_gc_alloc does. */
static inline const char *sc_str_data(sc_str *s) { return s->data ? s->data : sc_str_flatten(s); }
uint64_t sc_str_hash(sc_str *s);
bool sc_str_eq(sc_str *a, sc_str *b);
int sc_str_cmp(sc_str *a, sc_str *b); /* bytewise: <0, 0, >0 */

/* Arrays (elements kinds in value.h) */
/* NULL, or false: out of memory (nothing changed) */
sc_array *sc_array_new(int64_t cap);                  /* empty, kind INT */
sc_array *sc_array_from(const sc_value *v, int64_t n); /* NewArray */
bool sc_array_fill(sc_rt *rt, sc_value len, sc_value fill, sc_value *out); /* ArrayNew */
bool sc_array_store(sc_array *a, int64_t i, sc_value v); /* unchecked, transitions kind */
/* Element i, unchecked: the one reader of each kind's storage (the
 * interpreter's fast paths too). */
static inline sc_value sc_array_at(const sc_array *a, int64_t i) {
  switch (a->kind) {
  case SC_ELEMS_INT: return sc_int(a->d.i[i]);
  case SC_ELEMS_FLOAT: return sc_float(a->d.f[i]);
  case SC_ELEMS_BOOL: return sc_bool(a->d.b[i]);
  default: return a->d.v[i];
  }
}
/* Element i = v, unchecked, when the array's kind holds v as it is; false
 * (nothing written) when storing v needs another kind (sc_array_store). */
static inline bool sc_array_put(sc_array *a, int64_t i, sc_value v) {
  switch (a->kind) {
  case SC_ELEMS_INT: if (v.tag != SC_INT) return false; a->d.i[i] = v.i; return true;
  case SC_ELEMS_FLOAT: if (v.tag != SC_FLOAT) return false; a->d.f[i] = v.f; return true;
  case SC_ELEMS_BOOL: if (v.tag != SC_BOOL) return false; a->d.b[i] = v.i != 0; return true;
  default: a->d.v[i] = v; return true;
  }
}
bool sc_array_push(sc_array *a, sc_value v);
bool sc_rt_get_index(sc_rt *rt, sc_value arr, sc_value idx, sc_value *out);
bool sc_rt_set_index(sc_rt *rt, sc_value arr, sc_value idx, sc_value v);
bool sc_rt_array_len(sc_rt *rt, sc_value arr, sc_value *out);
bool sc_rt_array_push(sc_rt *rt, sc_value arr, sc_value v);

/* Shapes and objects */
/* sc_shape_transition: find or add child */
int sc_shape_lookup(const sc_shape *s, uint32_t name); /* slot index or -1 */
/* NULL, or false: out of memory (nothing changed) */
sc_shape *sc_shape_transition(sc_rt *rt, sc_shape *s, uint32_t name);
/* The child of s that adds property `name`, NULL if none yet: safe on
 * another thread while the interpreter adds transitions. */
const sc_shape *sc_shape_child(const sc_shape *s, uint32_t name);
sc_object *sc_object_new(sc_rt *rt);
/* A new object of shape s, its fields null, in one block with room for
 * them (sc_object_new_cap(s) slots); NULL when out of memory. */
sc_object *sc_object_new_shaped(const sc_shape *s);
/* The slots a new object of shape s has (s NULL: sc_object_new's); an
 * object's slots never shrink, so its fields below this need no growing. */
uint32_t sc_object_new_cap(const sc_shape *s);
bool sc_object_add_field(sc_rt *rt, sc_object *o, uint32_t name, sc_value v); /* name absent */
/* The same when the transition is already known (ns->parent == o->shape),
 * as an inline cache or compiled code remembers it: no transition search. */
bool sc_object_add_field_shape(sc_object *o, sc_shape *ns, sc_value v);
bool sc_rt_get_prop(sc_rt *rt, sc_value obj, uint32_t name, sc_value *out);
bool sc_rt_set_prop(sc_rt *rt, sc_value obj, uint32_t name, sc_value v);

/* Maps */
sc_map *sc_map_new(void); /* NULL: out of memory */
bool sc_rt_map_get(sc_rt *rt, sc_value m, sc_value key, sc_value *out);
bool sc_rt_map_set(sc_rt *rt, sc_value m, sc_value key, sc_value v);
bool sc_rt_map_has(sc_rt *rt, sc_value m, sc_value key, sc_value *out);

/* Operations with the spec's exact semantics.
 * sc_rt_binary: Add Sub Mul Div Mod, the *Int and *Number families,
 *   BitAnd BitOr BitXor Shl Shr, and every compare (generic and typed).
 * sc_rt_unary: Neg NegInt NegNumber BitNot IntToNumber NumberToInt Not StrLen. */
bool sc_rt_binary(sc_rt *rt, sc_op op, sc_value a, sc_value b, sc_value *out);
bool sc_rt_unary(sc_rt *rt, sc_op op, sc_value a, sc_value *out);
bool sc_value_equal(sc_value a, sc_value b); /* Eq semantics */
bool sc_rt_builtin(sc_rt *rt, sc_builtin b, const sc_value *args, sc_value *out);
/* StoreLocal into a local declared with a static kind */
bool sc_rt_check_kind(sc_rt *rt, sc_kind k, const char *local, sc_value v);

/* Printing */
/* Python repr() of a float; buf needs 32 bytes; returns the length. */
int sc_format_float(double f, char *buf);
/* Print semantics: strings raw at top level, quoted inside containers.
 * Writes no newline. */
void sc_value_print(const sc_rt *rt, FILE *out, sc_value v);

#endif
