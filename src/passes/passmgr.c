/* Pass registry and pipeline runner: --print-after(-all), timing, and the
 * verifier after every pass (checking builds), which on failure names the
 * pass and prints the function. */
#include <string.h>
#include <time.h>

#include "passes/passes.h"
#include "runtime/runtime.h"

static bool lift_nop(sc_irfunc *f, sc_pass_ctx *c) {
  (void)f, (void)c;
  return false;
}

static const sc_pass passes[] = {
    {"lift", "bytecode to SSA (Braun et al.); first in a pipeline on bytecode", lift_nop},
    {"phis", "copy propagation and redundant phi removal (trivial phis, phi cycles with one input)", sc_pass_phis},
    {"simplify", "CFG simplification: constant branches, unreachable blocks, empty blocks, block merging",
     sc_pass_simplify},
    {"dce", "dead code elimination (instructions, phis and phi cycles nothing needs)", sc_pass_dce},
    {"preheaders", "give every reducible loop a preheader", sc_pass_preheaders},
    {"specialize", "generic ops to typed ops on unboxed values behind tag guards, from feedback",
     sc_pass_specialize},
    {"unreached", "code compiled on feedback ends in a deopt at the first operation the interpreter never ran",
     sc_pass_unreached},
    {"osr", "an OSR entry guards and unboxes each value it takes from the frame once, by declared kind or use",
     sc_pass_osr},
    {"sccp", "sparse conditional propagation: constants and tags through branches, decided branches jump",
     sc_pass_sccp},
    {"unbox", "typed phis, box/unbox folding, known tags; frame states keep raw values", sc_pass_unbox},
    {"guards", "tag checks dominated by a guard on the same value fold; redundant guards go", sc_pass_guards},
    {"globals", "loads of globals stored at most once become their value (leaf code; the code depends on it)",
     sc_pass_globals},
    {"gvn", "dominated equal instructions merge: pure ops, checks, loads no store or call may have changed",
     sc_pass_gvn},
    {"licm", "loop-invariant pure ops, loads the loop does not write, and checks (with the entry state) move out",
     sc_pass_licm},
    {"range", "integer ranges: overflow checks that cannot fail go, decided compares fold, induction-variable "
              "guards move to the preheader",
     sc_pass_range},
    {"unswitch", "a small innermost loop branching on a condition from outside it is copied: the preheader "
                 "branches once, each copy takes one arm",
     sc_pass_unswitch},
    {"strength", "a wrapping product of an induction variable and a loop invariant becomes an induction variable "
                 "of its own (an add per iteration)",
     sc_pass_strength},
    {"hoist", "guards of loop-invariant checks run on every iteration move to the preheader", sc_pass_hoist},
    {"inline", "calls and monomorphic or polymorphic CallValues become the callees' code, by a cost model",
     sc_pass_inline},
    {"allocs", "a NewObject and the field-adding stores right after it: one allocation with the final shape, "
               "plain slot stores",
     sc_pass_allocs},
    {"entry", "a function compiled whole gets a typed entry: parameters whose tag the entry block guards "
              "come unboxed as arguments, a result of one type goes back unboxed",
     sc_pass_entry},
    {"lower", "typed SSA to LIR: loads and stores at [ptr + offset], vals as (tag, payload); the backends' input",
     sc_pass_lower},
};

#define NPASSES (sizeof passes / sizeof passes[0])

/* Named pipelines: what the compiler runs, by name, for --passes. */
static const sc_named_pipeline pipelines[] = {
    {"tier2", SC_SPECULATIVE_PIPELINE, "with feedback: what tiered `run` compiles hot code with"},
    {"eager", SC_EAGER_PIPELINE, "without feedback, before the program runs: --jit=eager (typed opcodes speculated)"},
    {"generic", SC_DEFAULT_PIPELINE, "without feedback or speculation: --emit without --feedback-from-run"},
};

const sc_named_pipeline *sc_pipeline_list(size_t *n) {
  *n = sizeof pipelines / sizeof *pipelines;
  return pipelines;
}

const sc_pass *sc_pass_list(size_t *n) {
  *n = NPASSES;
  return passes;
}

const sc_pass *sc_pass_find(const char *name) {
  for (size_t i = 0; i < NPASSES; i++)
    if (!strcmp(passes[i].name, name)) return &passes[i];
  return NULL;
}

#define MAXP 64

/* Splits the pipeline into passes; the count, or -1 with a message. */
static int split(const char *pipeline, const sc_pass **out, char *msg, size_t msglen) {
  int n = 0;
  const char *s = pipeline;
  while (*s) {
    const char *e = strchr(s, ',');
    size_t len = e ? (size_t)(e - s) : strlen(s);
    char name[32];
    if (n == MAXP || len == 0 || len >= sizeof name) {
      snprintf(msg, msglen, "malformed pass pipeline '%s'", pipeline);
      return -1;
    }
    memcpy(name, s, len);
    name[len] = 0;
    const sc_named_pipeline *np = NULL;
    for (size_t k = 0; k < sizeof pipelines / sizeof *pipelines && !np; k++)
      if (!strcmp(pipelines[k].name, name)) np = &pipelines[k];
    if (np) { /* its passes, in place */
      if (n > 0) {
        snprintf(msg, msglen, "the named pipeline '%s' (which lifts) can only come first", name);
        return -1;
      }
      n = split(np->passes, out, msg, msglen);
      if (n < 0) return -1;
      s = e ? e + 1 : s + len;
      if (e && !*s) break; /* malformed: reported below */
      continue;
    }
    if (!(out[n] = sc_pass_find(name))) {
      snprintf(msg, msglen, "unknown pass '%s' (see --list-passes)", name);
      return -1;
    }
    if (n > 0 && out[n]->run == lift_nop) {
      snprintf(msg, msglen, "'lift' can only be the first pass");
      return -1;
    }
    n++;
    s = e ? e + 1 : s + len;
    if (e && !*s) break;
  }
  if (*pipeline && pipeline[strlen(pipeline) - 1] == ',') {
    snprintf(msg, msglen, "malformed pass pipeline '%s'", pipeline);
    return -1;
  }
  return n;
}

int sc_pipeline_expand(const char *pipeline, char *out, size_t outlen, char *msg, size_t msglen) {
  const sc_pass *ps[MAXP];
  int n = split(pipeline, ps, msg, msglen);
  if (n < 0) return -1;
  size_t len = 0;
  out[0] = 0;
  for (int k = 0; k < n; k++) {
    int w = snprintf(out + len, outlen - len, "%s%s", k ? "," : "", ps[k]->name);
    if (w < 0 || (size_t)w >= outlen - len) {
      snprintf(msg, msglen, "pass pipeline '%s' too long", pipeline);
      return -1;
    }
    len += (size_t)w;
  }
  return 0;
}

int sc_pipeline_check(const char *pipeline, char *msg, size_t msglen) {
  const sc_pass *ps[MAXP];
  return split(pipeline, ps, msg, msglen) < 0 ? -1 : 0;
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

int sc_pipeline_print_after(sc_irfunc *f, const char *name, const sc_pipeline_opts *o) {
  if (!o->print_after_all && !(o->print_after && !strcmp(o->print_after, name))) return 0;
  if (o->check_roundtrip && !sc_ir_roundtrips(f, o->err)) return -1;
  fprintf(o->out, "; after %s\n", name);
  sc_ir_print(f, o->out);
  if (o->print_loops) sc_ir_print_loops(f, o->out);
  return 0;
}

/* Verifies, times, prints after pass `name`; -1 when the IR is malformed. */
static int after(sc_irfunc *f, const char *name, double ms, const sc_pipeline_opts *o) {
  if (o->time_passes) fprintf(o->err, "pass %-10s %-20s %10.3f ms\n", name, f->name, ms);
  if (o->verify) {
    sc_diags d = {.filename = "ir"};
    if (sc_ir_verify(f, &d)) {
      fprintf(o->err, "shapec: error: the IR verifier failed after pass '%s' on function '%s':\n", name, f->name);
      for (uint32_t k = 0; k < d.n; k++) fprintf(o->err, "  %s\n", d.v[k].msg);
      sc_ir_print(f, o->err);
      return -1;
    }
  }
  if (o->after_pass) o->after_pass(o->after_arg, f, name);
  return sc_pipeline_print_after(f, name, o);
}

int sc_pipeline_run(sc_irfunc *f, const char *pipeline, sc_pass_ctx *c) {
  const sc_pipeline_opts *o = c->opts;
  const sc_pass *ps[MAXP];
  char msg[200];
  int n = split(pipeline, ps, msg, sizeof msg);
  if (n < 0) {
    sc_fprint_escaped(o->err, "shapec: error: %s\n", msg);
    return -1;
  }
  for (int i = 0; i < n; i++) {
    if (ps[i]->run == lift_nop) continue;
    double t0 = now_ms();
    ps[i]->run(f, c);
    if (after(f, ps[i]->name, now_ms() - t0, o)) return -1;
  }
  return 0;
}

sc_irfunc *sc_pipeline_lift(sc_arena *a, const sc_program *p, uint32_t func, const sc_profile *prof,
                            const char *pipeline, sc_pass_ctx *c) {
  const sc_pipeline_opts *o = c->opts;
  double t0 = now_ms();
  sc_irfunc *f = o->osr_pc ? sc_lift_osr(a, p, func, prof, o->osr_pc) : sc_lift(a, p, func, prof);
  if (!f) {
    fprintf(o->err, "shapec: error: pc %u of %s is not a loop header\n", o->osr_pc, p->funcs[func]->name);
    return NULL;
  }
  if (after(f, "lift", now_ms() - t0, o)) return NULL;
  return sc_pipeline_run(f, pipeline, c) ? NULL : f;
}
