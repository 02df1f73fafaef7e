/* Printing values exactly as the spec says: floats as Python's repr(),
 * strings raw at top level and quoted inside containers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime.h"

int sc_format_float(double f, char *buf) {
  if (isnan(f)) return sprintf(buf, "nan");
  if (isinf(f)) return sprintf(buf, f < 0 ? "-inf" : "inf");
  char *p = buf;
  if (signbit(f)) {
    *p++ = '-';
    f = -f;
  }
  if (f == 0) return (int)(p - buf) + sprintf(p, "0.0");
  /* Shortest digits that read back to f. */
  char tmp[40];
  for (int prec = 0; prec < 17; prec++) {
    snprintf(tmp, sizeof tmp, "%.*e", prec, f);
    if (strtod(tmp, NULL) == f) break;
  }
  char digits[24];
  int nd = 0;
  char *s = tmp;
  for (; *s && *s != 'e'; s++)
    if (*s != '.') digits[nd++] = *s;
  int e = atoi(s + 1);
  while (nd > 1 && digits[nd - 1] == '0') nd--;
  digits[nd] = 0;
  if (e < -4 || e >= 16) {
    *p++ = digits[0];
    if (nd > 1) {
      *p++ = '.';
      memcpy(p, digits + 1, (size_t)nd - 1);
      p += nd - 1;
    }
    p += sprintf(p, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
  } else if (e >= 0) {
    for (int i = 0; i <= e; i++) *p++ = i < nd ? digits[i] : '0';
    *p++ = '.';
    if (nd > e + 1) {
      memcpy(p, digits + e + 1, (size_t)(nd - e - 1));
      p += nd - e - 1;
    } else
      *p++ = '0';
  } else {
    *p++ = '0';
    *p++ = '.';
    for (int i = 0; i < -e - 1; i++) *p++ = '0';
    memcpy(p, digits, (size_t)nd);
    p += nd;
  }
  *p = 0;
  return (int)(p - buf);
}

static void print_quoted(FILE *out, const sc_str *s) {
  putc('"', out);
  for (int64_t i = 0; i < s->len; i++) {
    char c = s->data[i];
    switch (c) {
    case '\n': fputs("\\n", out); break;
    case '\t': fputs("\\t", out); break;
    case '\\': fputs("\\\\", out); break;
    case '"': fputs("\\\"", out); break;
    default: putc(c, out);
    }
  }
  putc('"', out);
}

/* Containers being printed, innermost last: a repeat is a cycle. */
typedef struct open_set {
  const void *v[64];
  int n;
  int depth;
} open_set;

#define SC_PRINT_MAX_DEPTH 1000

static void print_value(const sc_rt *rt, FILE *out, sc_value v, bool top, open_set *os);

static bool enter(open_set *os, const void *p) {
  for (int i = 0; i < os->n; i++)
    if (os->v[i] == p) return false;
  if (os->depth >= SC_PRINT_MAX_DEPTH) return false;
  if (os->n < 64) os->v[os->n++] = p;
  os->depth++;
  return true;
}

static void leave(open_set *os) {
  os->depth--;
  if (os->n > os->depth) os->n = os->depth;
}

static void print_value(const sc_rt *rt, FILE *out, sc_value v, bool top, open_set *os) {
  char buf[40];
  switch (v.tag) {
  case SC_NULL: fputs("null", out); break;
  case SC_BOOL: fputs(v.i ? "true" : "false", out); break;
  case SC_INT: fprintf(out, "%lld", (long long)v.i); break;
  case SC_FLOAT:
    sc_format_float(v.f, buf);
    fputs(buf, out);
    break;
  case SC_STR:
    if (top) fwrite(v.s->data, 1, (size_t)v.s->len, out);
    else print_quoted(out, v.s);
    break;
  case SC_ARRAY: {
    if (!enter(os, v.p)) {
      fputs("[...]", out);
      break;
    }
    putc('[', out);
    for (int64_t i = 0; i < v.a->len; i++) {
      if (i) fputs(", ", out);
      print_value(rt, out, sc_array_at(v.a, i), false, os);
    }
    putc(']', out);
    leave(os);
    break;
  }
  case SC_OBJECT: {
    if (!enter(os, v.p)) {
      fputs("{...}", out);
      break;
    }
    const sc_shape *s = v.o->shape;
    putc('{', out);
    for (uint32_t i = 0; i < s->nfields; i++) {
      if (i) fputs(", ", out);
      uint32_t n = s->names[i];
      fputs(rt->prog && n < rt->prog->nnames ? rt->prog->names[n] : "?", out);
      fputs(": ", out);
      print_value(rt, out, v.o->slots[i], false, os);
    }
    putc('}', out);
    leave(os);
    break;
  }
  case SC_MAP: fprintf(out, "map(%lld)", (long long)v.m->count); break;
  case SC_FUNC:
    fprintf(out, "<func %s>",
            rt->prog && (uint64_t)v.i < rt->prog->nfuncs ? rt->prog->funcs[v.i]->name : "?");
    break;
  default: fputs("<invalid>", out);
  }
}

void sc_value_print(const sc_rt *rt, FILE *out, sc_value v) {
  open_set os;
  os.n = os.depth = 0;
  print_value(rt, out, v, true, &os);
}
