/* The inliner's options, for `run` and the IR emitters alike. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "runtime/runtime.h"

/* --name=N or --name N: N from 0 to 1000000 into *out. */
static int number(const char *name, int argc, char **argv, int *i, uint32_t *out) {
  size_t n = strlen(name);
  const char *a = argv[*i], *v;
  if (strncmp(a, name, n) || (a[n] && a[n] != '=')) return 0;
  if (a[n] == '=') v = a + n + 1;
  else if (*i + 1 < argc) v = argv[++*i];
  else {
    sc_fprint_escaped(stderr, "shapec: error: %s needs a number\n", name);
    return -1;
  }
  char *end;
  errno = 0;
  unsigned long long x = strtoull(v, &end, 10);
  if (!*v || *end || errno || v[0] == '-' || x > 1000000) {
    sc_fprint_escaped(stderr, "shapec: error: %s expects a number from 0 to 1000000, got '%s'\n", name, v);
    return -1;
  }
  *out = (uint32_t)x;
  return 1;
}

int sc_cli_inline_option(int argc, char **argv, int *i, sc_inline_options *o) {
  uint32_t x;
  int r;
  if (!strcmp(argv[*i], "--no-inline")) {
    o->off = 1;
    return 1;
  }
  /* 0 keeps the meaning "none" (the struct's 0 is "the default") */
  if ((r = number("--inline-budget", argc, argv, i, &x))) {
    if (r > 0) o->budget = x, o->off |= x == 0;
    return r;
  }
  if ((r = number("--inline-depth", argc, argv, i, &x))) {
    if (r > 0) o->depth = x, o->off |= x == 0;
    return r;
  }
  if ((r = number("--inline-max-size", argc, argv, i, &x))) {
    if (r > 0) o->max_size = x, o->off |= x == 0;
    return r;
  }
  if ((r = number("--inline-recursion", argc, argv, i, &x))) {
    if (r > 0) o->recursion = x ? (int32_t)x : -1;
    return r;
  }
  return 0;
}
