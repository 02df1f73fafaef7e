/* Runtime state and runtime errors. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "runtime/runtime.h"

void sc_rt_init(sc_rt *rt, const sc_program *prog) {
  memset(rt, 0, sizeof *rt);
  rt->prog = prog;
  sc_shape *s = sc_gc_alloc(sizeof *s);
  s->id = 0;
  rt->root_shape = s;
  rt->nshapes = 1;
}

bool sc_rt_error(sc_rt *rt, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(rt->errmsg, sizeof rt->errmsg, fmt, ap);
  va_end(ap);
  rt->has_error = 1;
  return false;
}

const char *sc_tag_name(sc_tag t) {
  static const char *const names[SC_NTAGS] = {"null",  "bool",   "int",    "float",   "string",
                                              "array", "object", "map",    "function"};
  return (unsigned)t < SC_NTAGS ? names[t] : "invalid";
}

bool sc_rt_oom(sc_rt *rt) { return sc_rt_error(rt, SC_RT_OOM); }
