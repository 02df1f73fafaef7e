/* shapec: runtime values and heap object layouts.
 *
 * A value is 16 bytes: a tag word and a payload word. Compiled code
 * specializes by checking the tag and then using the payload unboxed
 * (int64 in .i, float64 in .f, a heap pointer in .p). Passed and returned
 * in two registers by the SysV ABI. Heap objects live on the Boehm GC heap;
 * layouts below are fixed so that compiled code can access them directly. */
#ifndef SHAPEC_VALUE_H
#define SHAPEC_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "api.h"

SC_BEGIN_DECLS

typedef enum sc_tag {
  SC_NULL = 0,
  SC_BOOL,
  SC_INT,
  SC_FLOAT,
  SC_STR,
  SC_ARRAY,
  SC_OBJECT,
  SC_MAP,
  SC_FUNC, /* payload .i is the function index in the program */
  SC_NTAGS
} sc_tag;

typedef struct sc_str sc_str;
typedef struct sc_array sc_array;
typedef struct sc_object sc_object;
typedef struct sc_shape sc_shape;
typedef struct sc_map sc_map;

typedef struct sc_value {
  uint64_t tag; /* an sc_tag; a full word so that no byte is padding */
  union {
    int64_t i; /* SC_INT, SC_BOOL (0/1), SC_FUNC (function index) */
    double f;  /* SC_FLOAT */
    void *p;
    sc_str *s;
    sc_array *a;
    sc_object *o;
    sc_map *m;
  };
} sc_value;

/* Immutable string; len excludes the NUL, hash is computed lazily (0 = not
 * yet). data: the NUL-terminated bytes, or NULL while the string is a rope
 * (a long concatenation, runtime/str.c) not yet flattened: the runtime
 * reads the bytes only through sc_str_data, which flattens. len is always
 * there. */
struct sc_str {
  int64_t len;
  uint64_t hash;
  const char *data;
};

/* Elements kinds, as V8: an array stays in the most specific kind that holds
 * all its elements and only moves down (INT/FLOAT/BOOL -> ANY). INT stores
 * raw int64, FLOAT raw double, BOOL one byte (0/1), ANY full values. An
 * empty array takes the kind of its first element. The values are the
 * feedback's (SC_FB_ELEMS) and compiled code's (elemkind): appended only. */
typedef enum sc_elems_kind {
  SC_ELEMS_INT = 0,
  SC_ELEMS_FLOAT = 1,
  SC_ELEMS_ANY = 2,
  SC_ELEMS_BOOL = 3,
  SC_NELEMS
} sc_elems_kind;

struct sc_array {
  int64_t len;
  int64_t cap;
  uint32_t kind; /* sc_elems_kind */
  uint32_t pad;
  union {
    int64_t *i;
    double *f;
    uint8_t *b; /* BOOL: 0 or 1 */
    sc_value *v;
    void *p;
  } d;
};

/* Hidden class. Shapes form a transition tree from the runtime's empty
 * shape: adding field N to shape S always gives the same child, so objects
 * built the same way share a shape, and a field load is a shape compare plus
 * a load of slots[index]. Shapes are never freed or mutated after creation
 * except for appending to their transition list. */
struct sc_shape {
  sc_shape *parent;
  uint32_t id;      /* unique per runtime, dense from 0 (the empty shape) */
  uint32_t nfields; /* fields in this shape */
  uint32_t name;    /* property name id added by the transition into here */
  uint32_t ntrans, ctrans;
  uint32_t *names;  /* nfields property name ids, slot order */
  sc_shape **trans; /* children */
};

struct sc_object {
  sc_shape *shape;
  sc_value *slots; /* capacity >= shape->nfields */
  uint32_t cap;
  uint32_t pad;
};

/* Map: an array part for the int keys 0..asize-1 (as Lua's tables) and a
 * hash part for every other key. The hash part is open addressing, linear
 * probing, capacity a power of two, load <= 1/2; keys are int, string or
 * bool and an empty entry has key tag SC_NULL. There is no delete, so there
 * are no tombstones. The array part keeps a value's tag (one byte, atag)
 * apart from its payload (aval), 9 bytes a key instead of 16: tag SC_NULL
 * is a missing key, a present null has tag SC_MAP_HELD_NULL (never seen
 * outside the map). An int key below asize is never in the hash part. */
typedef struct sc_map_entry {
  sc_value key;
  sc_value val;
} sc_map_entry;

#define SC_MAP_HELD_NULL ((uint8_t)SC_NTAGS)

struct sc_map {
  int64_t count;  /* keys in both parts (printed as map(count)) */
  int64_t cap;    /* hash part */
  sc_map_entry *e;
  int64_t hcount; /* keys in the hash part */
  int64_t asize;  /* array part: 0 or a power of two */
  uint8_t *atag;  /* pointer-free */
  int64_t *aval;  /* payloads: may be pointers, so scanned */
};

static inline sc_value sc_null(void) { sc_value v = {SC_NULL, {.i = 0}}; return v; }
static inline sc_value sc_bool(bool b) { sc_value v = {SC_BOOL, {.i = b}}; return v; }
static inline sc_value sc_int(int64_t i) { sc_value v = {SC_INT, {.i = i}}; return v; }
static inline sc_value sc_float(double f) { sc_value v = {SC_FLOAT, {.f = f}}; return v; }
static inline sc_value sc_funcval(int64_t idx) { sc_value v = {SC_FUNC, {.i = idx}}; return v; }
static inline sc_value sc_ptr(sc_tag t, void *p) { sc_value v = {t, {.p = p}}; return v; }

static inline bool sc_truthy(sc_value v) {
  switch (v.tag) {
  case SC_NULL: return false;
  case SC_BOOL: case SC_INT: return v.i != 0;
  case SC_FLOAT: return v.f != 0.0;
  default: return true;
  }
}

SC_END_DECLS

#endif
