/* A progress line on a terminal for long work (sc_vm_options.progress):
 * "compiling: N/M functions", redrawn in place with \r once the work has
 * taken over a second (SHAPEC_PROGRESS_AFTER=SECONDS changes the delay: 0
 * shows it at once, for tests), and cleared when it is over. Only when
 * standard error is a terminal: pipes, files and logs never get it. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

bool sc_cli_progress_init(sc_cli_progress *p, FILE *err) {
  memset(p, 0, sizeof *p);
  if (!err || !isatty(fileno(err))) return false;
  p->err = err;
  p->after = 1.0;
  const char *e = getenv("SHAPEC_PROGRESS_AFTER");
  if (e && *e) {
    char *end;
    double s = strtod(e, &end);
    if (!*end && s >= 0) p->after = s;
  }
  p->start = now_s();
  return true;
}

void sc_cli_show_progress(void *arg, uint32_t done, uint32_t total, int end) {
  sc_cli_progress *p = arg;
  if (!p->err) return;
  if (end) {
    if (p->width) fprintf(p->err, "\r%*s\r", p->width, ""); /* clear the line */
    fflush(p->err);
    p->width = 0;
    p->start = now_s(); /* the next piece of work waits again */
    return;
  }
  if (now_s() - p->start < p->after) return;
  int w = fprintf(p->err, "\rcompiling: %u/%u functions", done, total);
  if (w > 0 && w - 1 > p->width) p->width = w - 1;
  fflush(p->err);
}
