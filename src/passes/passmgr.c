/* Pass registry and pipeline runner, with --print-after(-all), timing and
 * the verifier after every pass. */
#include <string.h>
#include <time.h>

#include "passes/passes.h"

static bool lift_nop(sc_irfunc *f) { (void)f; return false; }

static const sc_pass passes[] = {
    {"lift", "bytecode to SSA (always first; done before the pipeline runs)", lift_nop},
    {"phis", "remove trivial phis (all operands the same) and forward their uses", sc_pass_phis},
    {"simplify", "CFG simplification: unreachable blocks, constant branches, jump threading, block merging", sc_pass_simplify},
    {"dce", "dead code elimination: drop instructions whose results nothing needs", sc_pass_dce},
};

const sc_pass *sc_pass_list(size_t *n) {
  *n = sizeof passes / sizeof passes[0];
  return passes;
}

const sc_pass *sc_pass_find(const char *name) {
  for (size_t i = 0; i < sizeof passes / sizeof passes[0]; i++)
    if (!strcmp(passes[i].name, name)) return &passes[i];
  return NULL;
}

/* Splits the pipeline into names; returns the count or -1 on a bad name. */
static int split(const char *pipeline, char names[][32], int max, char *msg, size_t msglen) {
  int n = 0;
  const char *s = pipeline;
  while (*s) {
    const char *e = strchr(s, ',');
    size_t len = e ? (size_t)(e - s) : strlen(s);
    if (n == max || len == 0 || len >= 32) {
      snprintf(msg, msglen, "malformed pass pipeline '%s'", pipeline);
      return -1;
    }
    memcpy(names[n], s, len);
    names[n][len] = 0;
    if (!sc_pass_find(names[n])) {
      snprintf(msg, msglen, "unknown pass '%s' (see --list-passes)", names[n]);
      return -1;
    }
    if (n > 0 && !strcmp(names[n], "lift")) {
      snprintf(msg, msglen, "'lift' can only be the first pass");
      return -1;
    }
    n++;
    s = e ? e + 1 : s + len;
  }
  return n;
}

int sc_pipeline_check(const char *pipeline, char *msg, size_t msglen) {
  char names[64][32];
  return split(pipeline, names, 64, msg, msglen) < 0 ? -1 : 0;
}

int sc_pipeline_run(sc_irfunc *f, const char *pipeline, const sc_pipeline_opts *o) {
  char names[64][32], msg[200];
  int n = split(pipeline, names, 64, msg, sizeof msg);
  if (n < 0) {
    fprintf(o->err, "shapec: error: %s\n", msg);
    return -1;
  }
  for (int i = 0; i < n; i++) {
    const sc_pass *p = sc_pass_find(names[i]);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    p->run(f);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (o->time_passes)
      fprintf(o->err, "pass %-10s %-16s %9.3f ms\n", p->name, f->name,
              (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
    if (o->verify) {
      sc_diags d = {.filename = "ir"};
      if (sc_ir_verify(f, &d)) {
        fprintf(o->err, "shapec: IR verifier failed after pass '%s' on function '%s':\n", p->name, f->name);
        for (uint32_t k = 0; k < d.n; k++) fprintf(o->err, "  %s\n", d.v[k].msg);
        sc_ir_print(f, o->err);
        return -1;
      }
    }
    if (o->print_after_all || (o->print_after && !strcmp(o->print_after, p->name))) {
      fprintf(o->out, "; after %s\n", p->name);
      sc_ir_print(f, o->out);
    }
  }
  return 0;
}
