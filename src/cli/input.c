/* The command's input file; - is standard input. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "runtime/runtime.h"

char *sc_cli_read(const char *path, size_t *len) {
  bool in = !strcmp(path, "-");
  FILE *f = in ? stdin : fopen(path, "rb");
  if (!f) {
    sc_fprint_escaped(stderr, "shapec: error: cannot read %s: %s\n", path, strerror(errno));
    return NULL;
  }
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap + 1);
  for (;;) {
    if (!buf) break;
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap) break;
    char *nb = realloc(buf, 2 * cap + 1);
    if (!nb) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = nb;
    cap *= 2;
  }
  int bad = ferror(f);
  int err = errno;
  if (!in) fclose(f);
  if (!buf || bad) {
    sc_fprint_escaped(stderr, "shapec: error: cannot read %s: %s\n", in ? "standard input" : path,
            buf ? strerror(err) : "out of memory");
    free(buf);
    return NULL;
  }
  buf[n] = 0;
  *len = n;
  return buf;
}

const char *sc_cli_input_name(const char *path) { return strcmp(path, "-") ? path : "<stdin>"; }
