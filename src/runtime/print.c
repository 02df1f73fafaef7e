/* Printing values exactly as the spec says: floats as Python's repr(),
 * strings raw at top level and quoted inside containers, a container met
 * again on the path being printed as [...] / {...}. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime.h"

/* ---- floats ---------------------------------------------------------- */

/* f > 0 rounded to n significant digits by printf (glibc rounds the exact
 * binary value); dig gets the digits, *exp the decimal exponent of the
 * first one. */
static void printf_digits(double f, int n, char *dig, int *exp) {
  char tmp[40];
  snprintf(tmp, sizeof tmp, "%.*e", n - 1, f);
  int nd = 0;
  const char *s = tmp;
  for (; *s != 'e'; s++)
    if (*s != '.') dig[nd++] = *s;
  *exp = atoi(s + 1);
}

/* Drops trailing zeros; returns the remaining digit count (>= 1). */
static int trim(char *dig, int n) {
  while (n > 1 && dig[n - 1] == '0') n--;
  dig[n] = 0;
  return n;
}

/* dig + 1 unit in the n-th digit (dig has n digits). */
static void increment(char *dig, int n, int *exp) {
  int i = n - 1;
  while (i >= 0 && dig[i] == '9') dig[i--] = '0';
  if (i >= 0) dig[i]++;
  else { /* 99..9 -> 100..0 */
    dig[0] = '1';
    (*exp)++;
  }
}

/* f rounded to n < 17 digits, derived from its 17-digit rounding d17: the
 * two agree unless d17 sits exactly on a rounding boundary of n digits
 * (its tail is 5 then zeros), where printf decides from the exact value. */
static void round_to(double f, const char *d17, int e17, int n, char *dig, int *exp) {
  const char *t = d17 + n;
  int half = *t > '5' ? 1 : *t < '5' ? -1 : 0;
  for (int k = n + 1; k < 17 && !half; k++)
    if (d17[k] != '0') half = 1;
  if (!half) {
    printf_digits(f, n, dig, exp);
    return;
  }
  memcpy(dig, d17, (size_t)n);
  *exp = e17;
  if (half > 0) increment(dig, n, exp);
}

static bool reads_back(const char *dig, int nd, int exp, double f) {
  char tmp[48];
  memcpy(tmp, dig, (size_t)nd);
  snprintf(tmp + nd, sizeof tmp - (size_t)nd, "e%d", exp - (nd - 1));
  return strtod(tmp, NULL) == f;
}

/* Shortest digits that read back to f > 0 (finite), as Python's repr: among
 * the shortest, the nearest. With exact rounding, the nearest n-digit
 * decimal reads back whenever any n-digit decimal does, except at a power of
 * two, whose rounding interval is narrower below: there the next decimal up
 * may read back while the nearest (below) does not.
 * 17 digits always read back. A normal double holds 15 significant digits
 * (DBL_DIG): if any decimal of <= 15 digits reads back, rounding f to 15
 * digits gives it padded with zeros, so the search starts at 15. Subnormals
 * have fewer bits and search from 1 digit. Returns the digit count (no
 * trailing zeros); dig needs 18 bytes. */
static int shortest_digits(double f, char *dig, int *exp) {
  uint64_t bits;
  memcpy(&bits, &f, 8);
  bool pow2 = (bits & 0xFFFFFFFFFFFFFull) == 0;
  char d17[18];
  int e17;
  printf_digits(f, 17, d17, &e17);
  for (int n = f < 2.2250738585072014e-308 ? 1 : 15; n < 17; n++) {
    round_to(f, d17, e17, n, dig, exp);
    int nd = trim(dig, n);
    if (reads_back(dig, nd, *exp, f)) return nd;
    if (pow2) {
      round_to(f, d17, e17, n, dig, exp);
      increment(dig, n, exp);
      nd = trim(dig, n);
      if (reads_back(dig, nd, *exp, f)) return nd;
    }
  }
  memcpy(dig, d17, 17);
  *exp = e17;
  return trim(dig, 17);
}

int sc_format_float(double f, char *buf) {
  if (isnan(f)) return (int)(stpcpy(buf, "nan") - buf);
  char *p = buf;
  if (signbit(f)) {
    *p++ = '-';
    f = -f;
  }
  if (isinf(f)) return (int)(stpcpy(p, "inf") - buf);
  if (f == 0) return (int)(stpcpy(p, "0.0") - buf);
  char dig[24];
  int e, nd = shortest_digits(f, dig, &e);
  if (e < -4 || e >= 16) { /* d[.ddd]e+XX, at least two exponent digits */
    *p++ = dig[0];
    if (nd > 1) {
      *p++ = '.';
      memcpy(p, dig + 1, (size_t)nd - 1);
      p += nd - 1;
    }
    *p++ = 'e';
    *p++ = e < 0 ? '-' : '+';
    int ae = e < 0 ? -e : e;
    if (ae >= 100) *p++ = (char)('0' + ae / 100);
    *p++ = (char)('0' + ae / 10 % 10);
    *p++ = (char)('0' + ae % 10);
  } else if (e >= 0) { /* ddd.ddd, at least one digit after the point */
    for (int i = 0; i <= e; i++) *p++ = i < nd ? dig[i] : '0';
    *p++ = '.';
    if (nd > e + 1) {
      memcpy(p, dig + e + 1, (size_t)(nd - e - 1));
      p += nd - e - 1;
    } else
      *p++ = '0';
  } else { /* 0.000ddd */
    *p++ = '0';
    *p++ = '.';
    for (int i = 0; i < -e - 1; i++) *p++ = '0';
    memcpy(p, dig, (size_t)nd);
    p += nd;
  }
  *p = 0;
  return (int)(p - buf);
}

/* ---- values ---------------------------------------------------------- */

static void put_int(FILE *out, int64_t v) {
  char b[24], *p = b + sizeof b;
  uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
  do *--p = (char)('0' + u % 10);
  while (u /= 10);
  if (v < 0) *--p = '-';
  fwrite_unlocked(p, 1, (size_t)(b + sizeof b - p), out);
}

static void put_str(FILE *out, const char *s) { fputs_unlocked(s, out); }

static void put_quoted(FILE *out, sc_str *s) {
  putc_unlocked('"', out);
  const char *d = sc_str_data(s), *run = d, *end = d + s->len;
  for (; d < end; d++) {
    const char *esc;
    switch (*d) {
    case '\n': esc = "\\n"; break;
    case '\t': esc = "\\t"; break;
    case '\\': esc = "\\\\"; break;
    case '"': esc = "\\\""; break;
    default: continue;
    }
    fwrite_unlocked(run, 1, (size_t)(d - run), out);
    put_str(out, esc);
    run = d + 1;
  }
  fwrite_unlocked(run, 1, (size_t)(end - run), out);
  putc_unlocked('"', out);
}

/* The containers on the path from the printed value to the current element,
 * as a stack; a container already on it is a cycle. Membership is a scan
 * while the path is short, a hash set (linear probing, deletion by backward
 * shift) once it gets deep, so that deep nesting stays linear. Plain malloc:
 * every container here is reachable from the value being printed, and
 * printing does not allocate on the GC heap. */
typedef struct pframe {
  sc_value v; /* SC_ARRAY or SC_OBJECT */
  int64_t i;  /* next element */
} pframe;

typedef struct ppath {
  pframe *st;
  size_t n, cap;
  const void **set; /* NULL while the path is short */
  size_t setcap;
} ppath;

#define SC_PRINT_SCAN_DEPTH 32

static size_t ptr_hash(const void *p, size_t mask) {
  uint64_t h = (uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ull;
  return (size_t)(h >> 20) & mask;
}

static void set_insert(ppath *pp, const void *p) {
  size_t mask = pp->setcap - 1, i = ptr_hash(p, mask);
  while (pp->set[i]) i = (i + 1) & mask;
  pp->set[i] = p;
}

static void set_remove(ppath *pp, const void *p) {
  size_t mask = pp->setcap - 1, i = ptr_hash(p, mask);
  while (pp->set[i] != p) i = (i + 1) & mask;
  /* backward shift: move later members of the probe run into the hole */
  for (size_t j = i;;) {
    pp->set[i] = NULL;
    for (;;) {
      j = (j + 1) & mask;
      if (!pp->set[j]) return;
      size_t k = ptr_hash(pp->set[j], mask);
      /* stays iff its home k lies cyclically in (i, j] */
      if (i <= j ? (i < k && k <= j) : (i < k || k <= j)) continue;
      break;
    }
    pp->set[i] = pp->set[j];
    i = j;
  }
}

static bool on_path(const ppath *pp, const void *p) {
  if (!pp->set) {
    for (size_t k = 0; k < pp->n; k++)
      if (pp->st[k].v.p == p) return true;
    return false;
  }
  size_t mask = pp->setcap - 1, i = ptr_hash(p, mask);
  for (; pp->set[i]; i = (i + 1) & mask)
    if (pp->set[i] == p) return true;
  return false;
}

static void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n);
  if (!q) {
    fprintf(stderr, "shapec: out of memory printing a value\n");
    abort();
  }
  return q;
}

static void path_push(ppath *pp, sc_value v) {
  if (pp->n == pp->cap) {
    pp->cap = pp->cap ? pp->cap * 2 : 16;
    pp->st = xrealloc(pp->st, pp->cap * sizeof *pp->st);
  }
  pp->st[pp->n].v = v;
  pp->st[pp->n].i = 0;
  pp->n++;
  if (!pp->set && pp->n <= SC_PRINT_SCAN_DEPTH) return;
  if (!pp->set || pp->n * 2 > pp->setcap) { /* (re)build at twice the size */
    free(pp->set);
    pp->setcap = pp->setcap ? pp->setcap * 2 : 4 * SC_PRINT_SCAN_DEPTH;
    pp->set = xrealloc(NULL, pp->setcap * sizeof *pp->set);
    memset(pp->set, 0, pp->setcap * sizeof *pp->set);
    for (size_t k = 0; k + 1 < pp->n; k++) set_insert(pp, pp->st[k].v.p);
  }
  set_insert(pp, v.p);
}

static void path_pop(ppath *pp) {
  pp->n--;
  if (pp->set) set_remove(pp, pp->st[pp->n].v.p);
}

/* Writes a scalar, or opens a container (pushing it) unless it is a cycle. */
static void print_one(const sc_rt *rt, FILE *out, sc_value v, bool top, ppath *pp) {
  char buf[40];
  switch (v.tag) {
  case SC_NULL: put_str(out, "null"); break;
  case SC_BOOL: put_str(out, v.i ? "true" : "false"); break;
  case SC_INT: put_int(out, v.i); break;
  case SC_FLOAT:
    sc_format_float(v.f, buf);
    put_str(out, buf);
    break;
  case SC_STR:
    if (top) fwrite_unlocked(sc_str_data(v.s), 1, (size_t)v.s->len, out);
    else put_quoted(out, v.s);
    break;
  case SC_ARRAY:
  case SC_OBJECT:
    if (on_path(pp, v.p)) {
      put_str(out, v.tag == SC_ARRAY ? "[...]" : "{...}");
      break;
    }
    putc_unlocked(v.tag == SC_ARRAY ? '[' : '{', out);
    path_push(pp, v);
    break;
  case SC_MAP:
    put_str(out, "map(");
    put_int(out, v.m->count);
    putc_unlocked(')', out);
    break;
  case SC_FUNC:
    put_str(out, "<func ");
    put_str(out, rt->prog && (uint64_t)v.i < rt->prog->nfuncs ? rt->prog->funcs[v.i]->name : "?");
    putc_unlocked('>', out);
    break;
  default: put_str(out, "<invalid>");
  }
}

void sc_value_print(const sc_rt *rt, FILE *out, sc_value v) {
  ppath pp = {0};
  flockfile(out);
  print_one(rt, out, v, true, &pp);
  while (pp.n) {
    pframe *fr = &pp.st[pp.n - 1];
    sc_value c = fr->v;
    int64_t i = fr->i;
    if (c.tag == SC_ARRAY) {
      if (i == c.a->len) {
        putc_unlocked(']', out);
        path_pop(&pp);
        continue;
      }
      fr->i++;
      if (i) put_str(out, ", ");
      print_one(rt, out, sc_array_at(c.a, i), false, &pp); /* may move pp.st */
    } else {
      const sc_shape *s = c.o->shape;
      if (i == s->nfields) {
        putc_unlocked('}', out);
        path_pop(&pp);
        continue;
      }
      fr->i++;
      if (i) put_str(out, ", ");
      uint32_t n = s->names[i];
      put_str(out, rt->prog && n < rt->prog->nnames ? rt->prog->names[n] : "?");
      put_str(out, ": ");
      print_one(rt, out, c.o->slots[i], false, &pp);
    }
  }
  funlockfile(out);
  free(pp.st);
  free(pp.set);
}

/* A value as a .sasm literal (the disassembler, the IR printer). */
void sc_print_literal(FILE *out, sc_value v) {
  if (!out) out = stdout;
  char buf[40];
  switch (v.tag) {
  case SC_NULL: fputs("null", out); break;
  case SC_BOOL: fputs(v.i ? "true" : "false", out); break;
  case SC_INT: fprintf(out, "%lld", (long long)v.i); break;
  case SC_FLOAT: {
    sc_format_float(v.f, buf);
    char *e = strchr(buf, 'e');
    if (e && !strchr(buf, '.')) { /* 1e+16 -> 1.0e+16: .sasm floats need a fraction */
      fwrite(buf, 1, (size_t)(e - buf), out);
      fprintf(out, ".0%s", e);
    } else
      fputs(buf, out);
    break;
  }
  case SC_STR:
    if (!v.s) {
      fputs("null ; not a literal", out);
      break;
    }
    putc('"', out);
    const char *d = sc_str_data(v.s);
    for (int64_t i = 0; i < v.s->len; i++) {
      char c = d[i];
      if (c == '\n') fputs("\\n", out);
      else if (c == '\t') fputs("\\t", out);
      else if (c == '\\') fputs("\\\\", out);
      else if (c == '"') fputs("\\\"", out);
      else putc(c, out);
    }
    putc('"', out);
    break;
  default: fputs("null ; not a literal", out);
  }
}
